/**
 * Records a mapping could not read, kept with the reason and the raw record so that a corrected
 * mapping can replay them; a record that later stores fine is no longer rejected.
 */
import { sql } from 'drizzle-orm';
import type { Executor } from './executor.ts';

export interface RejectedRecord {
  externalId: string;
  reason: string;
  raw: unknown;
}

/** Records (or refreshes) a page's rejects in one statement. */
export async function saveRejected(
  db: Executor,
  connectionId: string,
  entity: string,
  rejects: readonly RejectedRecord[],
): Promise<void> {
  if (rejects.length === 0) return;
  // The last word on one id wins, as ON CONFLICT cannot touch a row twice in one statement.
  const byId = new Map(rejects.map((r) => [r.externalId, r]));
  const list = [...byId.values()];
  await db.execute(sql`
    INSERT INTO rejected_records (connection_id, entity, external_id, reason, raw)
    SELECT ${connectionId}::uuid, ${entity}, r.external_id, r.reason, r.raw::jsonb
    FROM unnest(${sql.param(list.map((r) => r.externalId))}::text[], ${sql.param(list.map((r) => r.reason))}::text[],
                ${sql.param(list.map((r) => JSON.stringify(r.raw ?? null)))}::text[]) AS r(external_id, reason, raw)
    ON CONFLICT (connection_id, entity, external_id)
    DO UPDATE SET reason = EXCLUDED.reason, raw = EXCLUDED.raw, rejected_at = now()`);
}

/** Forgets the rejections of records that have now been stored. */
export async function clearRejected(
  db: Executor,
  connectionId: string,
  entity: string,
  externalIds: readonly string[],
): Promise<void> {
  if (externalIds.length === 0) return;
  await db.execute(sql`
    DELETE FROM rejected_records
    WHERE connection_id = ${connectionId}::uuid AND entity = ${entity}
      AND external_id = ANY(${sql.param([...externalIds])}::text[])`);
}

export async function listRejected(
  db: Executor,
  connectionId: string,
  entity?: string,
): Promise<(RejectedRecord & { entity: string })[]> {
  const { rows } = await db.execute<{ entity: string; external_id: string; reason: string; raw: unknown }>(sql`
    SELECT entity, external_id, reason, raw FROM rejected_records
    WHERE connection_id = ${connectionId}::uuid ${entity ? sql`AND entity = ${entity}` : sql``}
    ORDER BY entity, external_id`);
  return rows.map((r) => ({ entity: r.entity, externalId: r.external_id, reason: r.reason, raw: r.raw }));
}
