/**
 * Records the provider deleted: kept, and marked so that reports stay true. An invoice becomes
 * `void` with nothing left to pay; a customer becomes inactive; a payment or credit note keeps its
 * row but applies nothing any more (its synced allocations go, its unapplied/remaining is zero),
 * and its raw record becomes the provider's deletion notice so the reason stays visible.
 */
import { sql } from 'drizzle-orm';
import type { StoredEntity, Tx } from '../store/index.ts';

export interface Tombstone {
  externalId: string;
  /** The deletion notice as the provider sent it. */
  raw: unknown;
}

/** Applies deletions of one entity; returns how many stored rows they changed. */
export async function applyTombstones(tx: Tx, connectionId: string, entity: StoredEntity, tombstones: readonly Tombstone[]): Promise<number> {
  if (tombstones.length === 0) return 0;
  const ids = sql.param(tombstones.map((t) => t.externalId));
  const raws = sql.param(tombstones.map((t) => JSON.stringify(t.raw ?? null)));
  const source = sql`unnest(${ids}::text[], ${raws}::text[]) AS d(external_id, raw)`;
  const where = sql`t.connection_id = ${connectionId}::uuid AND t.external_id = d.external_id`;
  switch (entity) {
    case 'invoice':
      return count(await tx.execute(sql`UPDATE invoices t SET status = 'void', balance_minor = 0, raw = d.raw::jsonb, updated_at = now() FROM ${source} WHERE ${where}`));
    case 'customer':
      return count(await tx.execute(sql`UPDATE customers t SET active = false, updated_at = now() FROM ${source} WHERE ${where}`));
    case 'payment':
      // With the credit-note applications it listed (a QuickBooks $0 payment applying a credit memo).
      await tx.execute(sql`DELETE FROM allocations a USING payments t, ${source} WHERE (a.payment_id = t.id OR a.via_payment_id = t.id) AND ${where}`);
      return count(await tx.execute(sql`UPDATE payments t SET unapplied_minor = 0, raw = d.raw::jsonb, updated_at = now() FROM ${source} WHERE ${where}`));
    case 'creditNote':
      await tx.execute(sql`DELETE FROM allocations a USING credit_notes t, ${source} WHERE a.credit_note_id = t.id AND ${where}`);
      return count(await tx.execute(sql`UPDATE credit_notes t SET remaining_minor = 0, raw = d.raw::jsonb, updated_at = now() FROM ${source} WHERE ${where}`));
    case 'contact':
      // A contact has no state of its own to void: it follows its customer.
      return 0;
  }
}

function count(result: { rowCount?: number | null }): number {
  return result.rowCount ?? 0;
}

const TABLES: Partial<Record<StoredEntity, { table: string; live: string }>> = {
  invoice: { table: 'invoices', live: "t.raw->>'status' IS DISTINCT FROM 'Deleted'" },
  customer: { table: 'customers', live: 't.active' },
  payment: { table: 'payments', live: "t.raw->>'status' IS DISTINCT FROM 'Deleted'" },
  creditNote: { table: 'credit_notes', live: "t.raw->>'status' IS DISTINCT FROM 'Deleted'" },
};

/**
 * The stored, still-live records of `entity` whose numeric external id lies in the listed range
 * but which the listing lacks: the source deleted them. Each becomes a tombstone whose notice says so.
 */
export async function absentFromListing(
  tx: Tx,
  connectionId: string,
  entity: StoredEntity,
  listing: { afterKey: string | null; throughKey: string | null; keys: readonly string[] },
): Promise<Tombstone[]> {
  const spec = TABLES[entity];
  if (!spec) return [];
  const { rows } = await tx.execute<{ external_id: string }>(sql`
    SELECT t.external_id FROM ${sql.raw(spec.table)} t
    WHERE t.connection_id = ${connectionId}::uuid AND ${sql.raw(spec.live)}
      AND t.external_id ~ '^[0-9]{1,30}$'
      AND (${listing.afterKey}::numeric IS NULL OR t.external_id::numeric > ${listing.afterKey}::numeric)
      AND (${listing.throughKey}::numeric IS NULL OR t.external_id::numeric <= ${listing.throughKey}::numeric)
      AND NOT (t.external_id = ANY(${sql.param([...listing.keys])}::text[]))`);
  return rows.map((r) => ({ externalId: r.external_id, raw: { status: 'Deleted', Id: r.external_id, reason: 'absent from a full listing of the source' } }));
}
