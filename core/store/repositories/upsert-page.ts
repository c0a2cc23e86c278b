/**
 * Writes one page of canonical records in a handful of set-based statements, whatever the page
 * size: the page travels as one array per column and is expanded by `unnest` inside PostgreSQL, so
 * the statement has a fixed number of parameters (far below the 65,535 limit) and no row-by-row
 * round trips. Newest wins: a record whose source `updatedAt` is older than the stored one is skipped.
 */
import { sql, type SQL } from 'drizzle-orm';
import { InvalidInput, NotFound } from '../../errors.ts';
import { isStoredEntity, type StoredEntity } from './canonical-records.ts';
import { ENTITY_SPECS, type Cell, type EntitySpec } from './entity-specs.ts';
import { databaseError, type Executor, type Tx } from './executor.ts';

export interface UpsertResult {
  /** Rows inserted or updated. */
  written: number;
  /** Records not written because the stored row has a newer source `updatedAt`. */
  skippedOlder: number;
}

interface Prepared {
  externalIds: string[];
  arrays: Cell[][];
  allocations: { parentExternalId: string; invoiceExternalId: string; amountMinor: string; date: string | null; creditNoteExternalId?: string }[];
  currencies: Map<string, string>;
}

export interface UpsertOptions {
  /** The connection's organization, when the caller already read it (once per sync, not per page). */
  organizationId?: string;
  /**
   * The records are already the output of the entity's schema (`mapPage` parsed them to set bad
   * ones aside): parsing 1000 records a second time cost ~12 ms per page (CPU profile of the sync bench).
   */
  parsed?: boolean;
}

/**
 * Upserts a page of `entity` records for a connection. Run it inside a transaction (`savePage`
 * does): it is several statements (upsert, then allocations and links) that must stand or fall together.
 */
export async function upsertPage(
  tx: Tx,
  connectionId: string,
  entity: StoredEntity,
  records: readonly unknown[],
  options: UpsertOptions = {},
): Promise<UpsertResult> {
  if (!isStoredEntity(entity)) throw new InvalidInput(`entity "${String(entity)}" is not stored by upsertPage`, { field: 'entity' });
  if (records.length === 0) return { written: 0, skippedOlder: 0 };
  const spec = ENTITY_SPECS[entity] as EntitySpec<unknown>;
  const prepared = prepare(entity, spec, records, options.parsed ?? false);
  try {
    const organizationId = options.organizationId ?? (await organizationOf(tx, connectionId));
    const written = await upsertRows(tx, spec, connectionId, organizationId, prepared.arrays, linksOf(entity, connectionId));
    if (spec.allocations) await replaceAllocations(tx, spec, connectionId, organizationId, prepared, written);
    return { written: written.size, skippedOlder: prepared.externalIds.length - written.size };
  } catch (e) {
    throw databaseError(e);
  }
}

/** Validates and converts the page; a later record with the same id replaces an earlier, older one. */
function prepare(entity: StoredEntity, spec: EntitySpec<unknown>, records: readonly unknown[], alreadyParsed: boolean): Prepared {
  const latest = new Map<string, { index: number; parsed: unknown; updatedAt: number }>();
  records.forEach((record, index) => {
    const parsed = (alreadyParsed ? record : parseRecord(entity, spec, record, index)) as { externalId: string; updatedAt?: string | null };
    const updatedAt = parsed.updatedAt ? Date.parse(parsed.updatedAt) : -Infinity;
    const seen = latest.get(parsed.externalId);
    // Two versions of one record in a page (a provider paging over a moving window): keep the newer,
    // else the statement would touch the same row twice, which ON CONFLICT refuses.
    if (!seen || updatedAt >= seen.updatedAt) latest.set(parsed.externalId, { index, parsed, updatedAt });
  });
  const arrays: Cell[][] = spec.columns.map(() => []);
  const prepared: Prepared = { externalIds: [], arrays, allocations: [], currencies: new Map() };
  for (const [externalId, { index, parsed }] of latest) {
    const field = (name: string) => `${label(entity, index, parsed)}.${name}`;
    const row = spec.toRow(parsed, field);
    row.forEach((cell, i) => arrays[i]!.push(cell));
    prepared.externalIds.push(externalId);
    if (spec.allocations) {
      const date = spec.allocations.date(parsed);
      for (const a of spec.allocations.of(parsed, field)) prepared.allocations.push({ parentExternalId: externalId, ...a, date });
      prepared.currencies.set(externalId, (parsed as { currency: string }).currency);
    }
  }
  return prepared;
}

function parseRecord(entity: StoredEntity, spec: EntitySpec<unknown>, record: unknown, index: number): unknown {
  const result = spec.schema.safeParse(record);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.join('.');
  throw new InvalidInput(`${label(entity, index, record)}.${path}: ${issue.message}`, { field: path, index });
}

function label(entity: string, index: number, record: unknown): string {
  const id = (record as { externalId?: unknown } | null)?.externalId;
  return typeof id === 'string' ? `${entity}[${index}] (externalId "${id}")` : `${entity}[${index}]`;
}

/** The organization a connection belongs to; NotFound when there is no such connection. */
export async function organizationOf(tx: Executor, connectionId: string): Promise<string> {
  const { rows } = await tx.execute<{ organization_id: string }>(
    sql`SELECT organization_id FROM connections WHERE id = ${connectionId}::uuid`,
  );
  if (!rows[0]) throw new NotFound(`connection ${connectionId} does not exist`, { field: 'connectionId' });
  return rows[0].organization_id;
}

/**
 * JSON columns (the source record, custom fields) travel as ONE JSON array per column rather than
 * as a text[]: node-postgres escapes every quote of every element of a text[] (a QuickBooks
 * invoice's raw record is ~1.5 kB of quotes; 150 ms of CPU per page of 1000, measured), and
 * PostgreSQL unescapes it again before parsing it as JSON. Element i of the document is the record
 * of row i (`WITH ORDINALITY`); a JSON null there is an SQL NULL, as before.
 */
function jsonDocument(cells: readonly Cell[]): string {
  return '[' + cells.map((c) => (c === null ? 'null' : String(c))).join(',') + ']';
}

/** The rows a page wrote: external id → row id, and whether the row is new (inserted, not updated). */
type Written = Map<string, { id: string; inserted: boolean }>;

/** The one INSERT … SELECT FROM unnest … ON CONFLICT statement; returns what it wrote. */
async function upsertRows(
  tx: Executor,
  spec: EntitySpec<unknown>,
  connectionId: string,
  organizationId: string,
  arrays: Cell[][],
  links: SQL[],
): Promise<Written> {
  const names = spec.columns.map((c) => c.name);
  const isJson = (c: { cast?: string }) => c.cast === 'jsonb';
  const listed = spec.columns.map((c, i) => ({ c, i })).filter(({ c }) => !isJson(c));
  const unnestArgs = sql.join(
    listed.map(({ c, i }) => sql`${sql.param(arrays[i])}::${sql.raw(c.type)}[]`),
    sql`, `,
  );
  const unnestNames = listed.map(({ c }) => c.name).join(', ');
  // The document is an uncorrelated scalar subquery, so PostgreSQL parses it once (an InitPlan),
  // not once per row, whatever plan it picks.
  const selected = sql.join(
    spec.columns.map((c, i) => {
      if (isJson(c)) return sql`NULLIF((SELECT ${jsonDocument(arrays[i]!)}::jsonb) -> (r.n::int - 1), 'null'::jsonb)`;
      return sql.raw(c.cast ? `r.${c.name}::${c.cast}` : `r.${c.name}`);
    }),
    sql`, `,
  );
  const updates = names.filter((n) => n !== 'external_id').map((n) => `${n} = EXCLUDED.${n}`);
  // An index probe per row (customers_connection_external_uq), not a hash of every customer of the
  // connection: a page of 1000 costs the same whether the connection has 2,000 customers or 200,000.
  const customer = spec.linksCustomer
    ? {
        column: sql.raw('customer_id, '),
        value: sql`(SELECT c.id FROM customers c WHERE c.connection_id = ${connectionId}::uuid AND c.external_id = r.customer_external_id), `,
      }
    : { column: sql``, value: sql`` };
  if (spec.linksCustomer) updates.push('customer_id = EXCLUDED.customer_id');
  updates.push(...(spec.onUpdate ?? []));
  updates.push('updated_at = now()');
  const upsert = sql`
    INSERT INTO ${sql.raw(spec.table)} AS t (connection_id, organization_id, ${customer.column}${sql.raw(names.join(', '))})
    SELECT ${connectionId}::uuid, ${organizationId}::uuid, ${customer.value}${selected}
    FROM unnest(${unnestArgs}) WITH ORDINALITY AS r(${sql.raw(unnestNames)}, n)
    ON CONFLICT (connection_id, external_id) DO UPDATE SET ${sql.raw(updates.join(', '))}
    -- Newest wins; a source that gives no updatedAt cannot be ordered, so its latest word is taken.
    WHERE t.source_updated_at IS NULL OR EXCLUDED.source_updated_at IS NULL
       OR EXCLUDED.source_updated_at >= t.source_updated_at
    RETURNING t.id, t.external_id, (t.xmax::text = '0') AS inserted`;
  const linked = sql.join(links.map((l, i) => sql`, ${sql.raw(`l${i}`)} AS (${l})`), sql``);
  const { rows } = await tx.execute<{ id: string; external_id: string; inserted: boolean }>(
    sql`WITH up AS (${upsert})${linked} SELECT id, external_id, inserted FROM up`,
  );
  const written: Written = new Map();
  for (const r of rows) written.set(r.external_id, { id: r.id, inserted: r.inserted });
  return written;
}

/**
 * Synced allocations follow their payment or credit note: when the document is written, its
 * allocations are replaced as a whole (the source lists them all each time). The delete and the
 * insert are one statement (a data-modifying CTE; the insert's rows are not visible to the delete):
 * one round trip instead of two.
 */
async function replaceAllocations(
  tx: Executor,
  spec: EntitySpec<unknown>,
  connectionId: string,
  organizationId: string,
  prepared: Prepared,
  written: Written,
): Promise<void> {
  const { source, parentColumn } = spec.allocations!;
  if (written.size === 0) return;
  // A row just inserted has a new id that no allocation names yet: only updated ones have any to
  // remove (a full sync into an empty store removes nothing, and skips a scan of allocations per page).
  const updatedIds = [...written.values()].filter((w) => !w.inserted).map((w) => w.id);
  const ids = sql.param(updatedIds);
  // A payment also carries the credit-note applications it lists (`via_payment_id`); a credit
  // note's own replacement leaves those to their payment.
  const removal = source === 'payment'
    ? sql`DELETE FROM allocations WHERE payment_id = ANY(${ids}::uuid[]) OR via_payment_id = ANY(${ids}::uuid[])`
    : sql`DELETE FROM allocations WHERE ${sql.raw(parentColumn)} = ANY(${ids}::uuid[]) AND via_payment_id IS NULL`;
  const kept = prepared.allocations.filter((a) => written.has(a.parentExternalId));
  if (kept.length === 0) {
    if (updatedIds.length > 0) await tx.execute(removal);
    return;
  }
  const col = <T>(f: (a: (typeof kept)[number]) => T) => sql.param(kept.map(f));
  // Only a payment's rows may name a credit note: on a credit note's own rows the field is ignored.
  const creditOf = (a: (typeof kept)[number]) => (source === 'payment' ? (a.creditNoteExternalId ?? null) : null);
  // `source` is one of two literals of the spec, never input: inlined so the CASEs below are typed.
  const src = sql.raw(source === 'payment' ? "'payment'" : "'credit_note'");
  // The invoice by index probe, as for customers above: no hash of every invoice of the connection
  // (measured 46 ms per page at 20,000 invoices, growing with the ledger).
  const removed = updatedIds.length > 0 ? sql`WITH removed AS (${removal}) ` : sql``;
  await tx.execute(sql`
    ${removed}INSERT INTO allocations (organization_id, source, payment_id, credit_note_id, via_payment_id, credit_note_external_id,
                             connection_id, invoice_external_id, invoice_id, currency, amount_minor, date)
    SELECT ${organizationId}::uuid,
           CASE WHEN r.credit_note_external_id IS NULL THEN ${src} ELSE 'credit_note' END::allocation_source,
           CASE WHEN ${src} = 'payment' AND r.credit_note_external_id IS NULL THEN r.parent_id END,
           CASE WHEN ${src} = 'credit_note' THEN r.parent_id
                WHEN r.credit_note_external_id IS NOT NULL THEN
                  (SELECT cn.id FROM credit_notes cn WHERE cn.connection_id = ${connectionId}::uuid AND cn.external_id = r.credit_note_external_id) END,
           CASE WHEN r.credit_note_external_id IS NOT NULL THEN r.parent_id END,
           r.credit_note_external_id,
           ${connectionId}::uuid, r.invoice_external_id,
           (SELECT i.id FROM invoices i WHERE i.connection_id = ${connectionId}::uuid AND i.external_id = r.invoice_external_id),
           r.currency, r.amount_minor, r.date
    FROM unnest(${col((a) => written.get(a.parentExternalId)!.id)}::uuid[], ${col((a) => a.invoiceExternalId)}::text[],
                ${col((a) => prepared.currencies.get(a.parentExternalId)!)}::text[],
                ${col((a) => a.amountMinor)}::int8[], ${col((a) => a.date)}::date[], ${col(creditOf)}::text[])
         AS r(parent_id, invoice_external_id, currency, amount_minor, date, credit_note_external_id)`);
}

/**
 * Rows that arrived before what they point at get linked when it arrives: documents and contacts to
 * their customer, allocations to their invoice. Each link is a data-modifying CTE over `up` (the
 * rows the upsert wrote, in the same statement), so a page costs one round trip, not two
 * (5–8 ms each under load, measured). The UPDATEs see the table as it was before the statement,
 * which is all they need: the new ids come from `up`.
 */
function linksOf(entity: StoredEntity, connectionId: string): SQL[] {
  if (entity === 'customer') {
    return ['invoices', 'payments', 'credit_notes', 'contacts'].map((table) => sql`
      UPDATE ${sql.raw(table)} AS d SET customer_id = up.id FROM up
      WHERE d.connection_id = ${connectionId}::uuid AND d.customer_id IS NULL AND d.customer_external_id = up.external_id`);
  }
  if (entity === 'invoice') {
    return [sql`
      UPDATE allocations AS a SET invoice_id = up.id FROM up
      WHERE a.connection_id = ${connectionId}::uuid AND a.invoice_id IS NULL AND a.invoice_external_id = up.external_id`];
  }
  if (entity === 'creditNote') {
    // A credit note's applications that a payment listed before the credit note itself arrived.
    return [sql`
      UPDATE allocations AS a SET credit_note_id = up.id FROM up
      WHERE a.connection_id = ${connectionId}::uuid AND a.credit_note_id IS NULL
        AND a.credit_note_external_id = up.external_id`];
  }
  return [];
}
