/**
 * The portal's CRM records in memory, indexed for 100,000+ objects: by id (a Map), in id order for
 * list paging (ids only grow, so creation appends), and by last-modified time for incremental search
 * (kept sorted; an edit moves one record by binary search).
 */
export interface CrmObject {
  id: string;
  /** HubSpot serves every property value as a string; null when unset. */
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  updatedMs: number;
  archived: boolean;
}

/** Numeric-string order without BigInt: shorter is smaller, then lexicographic. */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

function compareUpdated(a: CrmObject, b: CrmObject): number {
  return a.updatedMs - b.updatedMs || compareIds(a.id, b.id);
}

/** The first index in `items` whose element is not before `probe` (`before(item) < 0`). */
function lowerBound<T>(items: readonly T[], before: (item: T) => boolean): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(items[mid]!)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class ObjectStore {
  private readonly byId = new Map<string, CrmObject>();
  private readonly idOrder: CrmObject[] = [];
  private byUpdated: CrmObject[] = [];
  private sortedByUpdated = true;

  constructor(
    readonly objectType: string,
    /** The property holding the last-modified time (contacts keep `lastmodifieddate` in step). */
    private readonly modifiedProps: string[],
  ) {}

  get size(): number {
    return this.idOrder.length;
  }

  /** Bulk load: callers add in any order, then `seal()` sorts once (O(n log n), not O(n²)). */
  load(obj: CrmObject): void {
    this.byId.set(obj.id, obj);
    this.idOrder.push(obj);
    this.byUpdated.push(obj);
    this.sortedByUpdated = false;
  }

  seal(): void {
    this.idOrder.sort((a, b) => compareIds(a.id, b.id));
    this.byUpdated.sort(compareUpdated);
    this.sortedByUpdated = true;
  }

  get(id: string): CrmObject | undefined {
    const obj = this.byId.get(id);
    return obj && !obj.archived ? obj : undefined;
  }

  /** Next id: one above the largest, as HubSpot ids grow. */
  nextId(): string {
    const last = this.idOrder[this.idOrder.length - 1];
    return last ? (BigInt(last.id) + 1n).toString() : '1';
  }

  insert(obj: CrmObject): void {
    this.byId.set(obj.id, obj);
    const at = lowerBound(this.idOrder, (o) => compareIds(o.id, obj.id) < 0);
    this.idOrder.splice(at, 0, obj);
    this.ensureSorted();
    this.byUpdated.splice(
      lowerBound(this.byUpdated, (o) => compareUpdated(o, obj) < 0),
      0,
      obj,
    );
  }

  /** Applies property values and moves the record to its new place in the update-time index. */
  touch(obj: CrmObject, values: Record<string, string | null>, atMs: number): void {
    this.ensureSorted();
    const from = lowerBound(this.byUpdated, (o) => compareUpdated(o, obj) < 0);
    if (this.byUpdated[from] === obj) this.byUpdated.splice(from, 1);
    Object.assign(obj.properties, values);
    // Never move backwards: two edits in one millisecond still order after the first.
    const ms = Math.max(atMs, obj.updatedMs);
    obj.updatedMs = ms;
    obj.updatedAt = new Date(ms).toISOString();
    for (const p of this.modifiedProps) obj.properties[p] = obj.updatedAt;
    this.byUpdated.splice(
      lowerBound(this.byUpdated, (o) => compareUpdated(o, obj) < 0),
      0,
      obj,
    );
  }

  /** Up to `limit` live objects from the first id ≥ `after`, and the id to continue from. */
  pageById(after: string | undefined, limit: number): { items: CrmObject[]; next: string | null } {
    let i = after === undefined ? 0 : lowerBound(this.idOrder, (o) => compareIds(o.id, after) < 0);
    const items: CrmObject[] = [];
    while (i < this.idOrder.length && items.length < limit) {
      const obj = this.idOrder[i++]!;
      if (!obj.archived) items.push(obj);
    }
    while (i < this.idOrder.length && this.idOrder[i]!.archived) i++;
    return { items, next: i < this.idOrder.length ? this.idOrder[i]!.id : null };
  }

  /** Live objects in id order (a full scan, for searches the update index cannot narrow). */
  all(): readonly CrmObject[] {
    return this.idOrder;
  }

  /** Objects with `fromMs ≤ updatedMs ≤ toMs`, oldest first, found by binary search. */
  updatedBetween(fromMs: number, toMs: number): CrmObject[] {
    this.ensureSorted();
    const start = lowerBound(this.byUpdated, (o) => o.updatedMs < fromMs);
    const end = lowerBound(this.byUpdated, (o) => o.updatedMs <= toMs);
    return this.byUpdated.slice(start, end);
  }

  private ensureSorted(): void {
    if (!this.sortedByUpdated) {
      this.byUpdated.sort(compareUpdated);
      this.sortedByUpdated = true;
    }
  }
}

export interface AssociationKind {
  typeId: number;
  category: 'HUBSPOT_DEFINED';
  label: string | null;
  /** The v3 `type` name (e.g. `contact_to_company`). */
  v3Name: string;
}

/**
 * HubSpot-defined association type ids, both directions.
 * https://developers.hubspot.com/docs/api/crm/associations/v4#association-type-id-values
 */
const KINDS: Record<string, AssociationKind[]> = {
  'contacts:companies': [
    { typeId: 1, category: 'HUBSPOT_DEFINED', label: 'Primary', v3Name: 'contact_to_company' },
    { typeId: 279, category: 'HUBSPOT_DEFINED', label: null, v3Name: 'contact_to_company_unlabeled' },
  ],
  'companies:contacts': [
    { typeId: 2, category: 'HUBSPOT_DEFINED', label: 'Primary', v3Name: 'company_to_contact' },
    { typeId: 280, category: 'HUBSPOT_DEFINED', label: null, v3Name: 'company_to_contact_unlabeled' },
  ],
  'notes:companies': [{ typeId: 190, category: 'HUBSPOT_DEFINED', label: null, v3Name: 'note_to_company' }],
  'companies:notes': [{ typeId: 189, category: 'HUBSPOT_DEFINED', label: null, v3Name: 'company_to_note' }],
  'notes:contacts': [{ typeId: 202, category: 'HUBSPOT_DEFINED', label: null, v3Name: 'note_to_contact' }],
  'contacts:notes': [{ typeId: 201, category: 'HUBSPOT_DEFINED', label: null, v3Name: 'contact_to_note' }],
  'tasks:companies': [{ typeId: 192, category: 'HUBSPOT_DEFINED', label: null, v3Name: 'task_to_company' }],
  'companies:tasks': [{ typeId: 191, category: 'HUBSPOT_DEFINED', label: null, v3Name: 'company_to_task' }],
  'tasks:contacts': [{ typeId: 204, category: 'HUBSPOT_DEFINED', label: null, v3Name: 'task_to_contact' }],
  'contacts:tasks': [{ typeId: 203, category: 'HUBSPOT_DEFINED', label: null, v3Name: 'contact_to_task' }],
  'deals:companies': [
    { typeId: 5, category: 'HUBSPOT_DEFINED', label: 'Primary', v3Name: 'deal_to_company' },
    { typeId: 341, category: 'HUBSPOT_DEFINED', label: null, v3Name: 'deal_to_company_unlabeled' },
  ],
  'companies:deals': [
    { typeId: 6, category: 'HUBSPOT_DEFINED', label: 'Primary', v3Name: 'company_to_deal' },
    { typeId: 342, category: 'HUBSPOT_DEFINED', label: null, v3Name: 'company_to_deal_unlabeled' },
  ],
  'deals:contacts': [{ typeId: 3, category: 'HUBSPOT_DEFINED', label: null, v3Name: 'deal_to_contact' }],
  'contacts:deals': [{ typeId: 4, category: 'HUBSPOT_DEFINED', label: null, v3Name: 'contact_to_deal' }],
};

export function associationKinds(from: string, to: string): AssociationKind[] {
  return KINDS[`${from}:${to}`] ?? [];
}

/** Finds the (from, to) pair a HubSpot-defined association type id stands for. */
export function pairOfTypeId(from: string, typeId: number): string | null {
  for (const [key, kinds] of Object.entries(KINDS)) {
    if (key.startsWith(`${from}:`) && kinds.some((k) => k.typeId === typeId)) return key.split(':')[1]!;
  }
  return null;
}

/** Links between records, stored both ways so either side is read in O(1). */
export class AssociationIndex {
  private readonly links = new Map<string, Map<string, Set<string>>>();

  link(fromType: string, fromId: string, toType: string, toId: string): void {
    this.side(fromType, toType, fromId).add(toId);
    this.side(toType, fromType, toId).add(fromId);
  }

  targets(fromType: string, fromId: string, toType: string): string[] {
    const ids = this.links.get(`${fromType}:${toType}`)?.get(fromId);
    return ids ? [...ids].sort(compareIds) : [];
  }

  private side(fromType: string, toType: string, fromId: string): Set<string> {
    const key = `${fromType}:${toType}`;
    let byFrom = this.links.get(key);
    if (!byFrom) this.links.set(key, (byFrom = new Map()));
    let set = byFrom.get(fromId);
    if (!set) byFrom.set(fromId, (set = new Set()));
    return set;
  }
}
