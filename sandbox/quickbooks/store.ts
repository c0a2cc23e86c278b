/**
 * The simulated company's records, kept in memory with the two indexes the API needs at 100,000+
 * invoices: by Id (reads, updates, `Id` order paging) and by last update time (incremental queries
 * and CDC). Bodies are kept exactly as QuickBooks serves them; amounts that change (balances) are
 * also kept in integer minor units so arithmetic on them stays exact.
 */
import { formatQboInstant } from './time-format.ts';

export const ENTITY_NAMES = ['Customer', 'Invoice', 'Payment', 'CreditMemo', 'CompanyInfo', 'Preferences'] as const;
export type EntityName = (typeof ENTITY_NAMES)[number];

export type QboBody = Record<string, unknown> & { Id: string; SyncToken: string };

export interface Row {
  entity: EntityName;
  id: string;
  numId: number;
  createdMs: number;
  updatedMs: number;
  body: QboBody;
  /** Exact amounts of a transaction (invoice, credit memo, payment, customer balance). */
  money?: { currency: string; totalMinor: number; balanceMinor: number };
  /** The world id the row was seeded from, when it was. */
  worldId?: string;
}

export interface Tombstone {
  id: string;
  updatedMs: number;
}

/** Resolves an entity name as QuickBooks does: case-insensitively. */
export function entityNamed(name: string): EntityName | null {
  const lower = name.toLowerCase();
  return ENTITY_NAMES.find((e) => e.toLowerCase() === lower) ?? null;
}

function byUpdateThenId(a: Row, b: Row): number {
  return a.updatedMs - b.updatedMs || a.numId - b.numId;
}

export class EntityTable {
  readonly byId = new Map<string, Row>();
  /** Ascending numeric Id (QuickBooks' default order). */
  inIdOrder: Row[] = [];
  /** Ascending (update time, Id). */
  byUpdate: Row[] = [];
  readonly deleted: Tombstone[] = [];

  /** Loads many rows at once: two sorts instead of n insertions. */
  load(rows: Row[]): void {
    for (const row of rows) this.byId.set(row.id, row);
    this.inIdOrder = [...this.byId.values()].sort((a, b) => a.numId - b.numId);
    this.byUpdate = [...this.byId.values()].sort(byUpdateThenId);
  }

  insert(row: Row): void {
    this.byId.set(row.id, row);
    this.inIdOrder.splice(this.upperBoundById(row.numId), 0, row);
    this.byUpdate.splice(this.insertionPoint(row), 0, row);
  }

  /** Moves a row to a new update time, bumping `SyncToken` and `MetaData.LastUpdatedTime`. */
  touch(row: Row, ms: number): void {
    const at = this.indexInUpdateOrder(row);
    if (at >= 0) this.byUpdate.splice(at, 1);
    row.updatedMs = Math.max(ms, row.updatedMs + 1);
    row.body.SyncToken = String(Number(row.body.SyncToken) + 1);
    const meta = (row.body.MetaData ?? {}) as Record<string, unknown>;
    row.body.MetaData = { ...meta, LastUpdatedTime: formatQboInstant(row.updatedMs) };
    this.byUpdate.splice(this.insertionPoint(row), 0, row);
  }

  remove(row: Row, ms: number): void {
    this.byId.delete(row.id);
    const atId = this.inIdOrder.indexOf(row);
    if (atId >= 0) this.inIdOrder.splice(atId, 1);
    const atUpdate = this.indexInUpdateOrder(row);
    if (atUpdate >= 0) this.byUpdate.splice(atUpdate, 1);
    this.deleted.push({ id: row.id, updatedMs: Math.max(ms, row.updatedMs + 1) });
  }

  /** Index of the first row in update order whose time is after `ms` (or at it, when inclusive). */
  firstUpdatedAfter(ms: number, inclusive: boolean): number {
    let lo = 0;
    let hi = this.byUpdate.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const t = this.byUpdate[mid]!.updatedMs;
      if (inclusive ? t < ms : t <= ms) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private insertionPoint(row: Row): number {
    let lo = 0;
    let hi = this.byUpdate.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (byUpdateThenId(this.byUpdate[mid]!, row) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private indexInUpdateOrder(row: Row): number {
    const at = this.insertionPoint(row);
    return this.byUpdate[at] === row ? at : this.byUpdate.indexOf(row);
  }

  private upperBoundById(numId: number): number {
    let lo = 0;
    let hi = this.inIdOrder.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.inIdOrder[mid]!.numId <= numId) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** The whole company: one table per entity and the realm-wide Id sequence. */
export class CompanyStore {
  readonly tables = new Map<EntityName, EntityTable>(ENTITY_NAMES.map((e) => [e, new EntityTable()]));
  /** World id → row, for the control API (which speaks the world's ids). */
  readonly byWorldId = new Map<string, Row>();
  private nextId = 1;
  private nextAddressId = 1;

  constructor(
    readonly realmId: string,
    readonly homeCurrency: string,
  ) {}

  table(entity: EntityName): EntityTable {
    return this.tables.get(entity)!;
  }

  /** QuickBooks Ids are numeric strings from one sequence per company. */
  allocateId(): number {
    return this.nextId++;
  }

  /** Addresses have their own Id sequence. */
  allocateAddressId(): string {
    return String(this.nextAddressId++);
  }

  get(entity: EntityName, id: string): Row | undefined {
    return this.table(entity).byId.get(id);
  }

  /** A row by QuickBooks Id or by the world id it was seeded from. */
  find(entity: EntityName, id: string): Row | undefined {
    const row = this.get(entity, id) ?? this.byWorldId.get(id);
    return row && row.entity === entity ? row : undefined;
  }
}
