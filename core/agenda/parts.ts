/**
 * A daily run split into parts: consecutive ranges of customer ids of about `partSize` customers.
 * Any number of lanes, in one worker or several, claim parts with FOR UPDATE SKIP LOCKED and
 * plan and write each part inside the transaction that holds its claim, then mark it finished in
 * that same transaction. So a part is done exactly once per run; a worker killed mid-part leaves
 * nothing of it committed and its lock released at once (the connection closes), and the next
 * lane takes the part up again with no lease to wait for. Nothing is doubled either way: the
 * actions are keyed.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../store/db.ts';
import type { IsoDate } from '../calendar/index.ts';
import type { Queryable } from './load-ledgers.ts';

const FIRST_UUID = '00000000-0000-0000-0000-000000000000';

export interface RunPart {
  readonly runId: string;
  readonly part: number;
  readonly from: string;
  readonly to: string | null;
}

/**
 * The run of (organization, asOf), ready for lanes to claim: joins it while parts remain
 * unfinished (another worker's run, or one that was interrupted), else starts it over with fresh
 * parts (a first run of the day, or a repeat). Returns the run's id.
 */
export async function openRun(db: Db, organizationId: string, asOf: IsoDate, partSize: number): Promise<string> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`
      INSERT INTO dunning_runs (organization_id, as_of) VALUES (${organizationId}, ${asOf}::date)
      ON CONFLICT (organization_id, as_of) DO NOTHING`);
    // The row lock makes one opener split the run while the others wait, then join.
    const { rows } = await tx.execute<{ id: string }>(sql`
      SELECT id FROM dunning_runs WHERE organization_id = ${organizationId} AND as_of = ${asOf}::date FOR UPDATE`);
    const runId = rows[0]!.id;
    const open = await tx.execute(sql`SELECT 1 FROM dunning_run_parts WHERE run_id = ${runId} AND finished_at IS NULL LIMIT 1`);
    if (open.rows.length > 0) return runId;
    await tx.execute(sql`DELETE FROM dunning_run_parts WHERE run_id = ${runId}`);
    // Every partSize-th active customer by id starts a part; the first part starts at the lowest
    // possible id and the last has no end, so a customer added during the run still falls in one.
    await tx.execute(sql`
      INSERT INTO dunning_run_parts (run_id, part, first_customer_id, next_customer_id)
      SELECT ${runId}, k, CASE WHEN k = 0 THEN ${FIRST_UUID}::uuid ELSE id END, lead(id) OVER (ORDER BY id)
        FROM (SELECT id, (row_number() OVER (ORDER BY id) - 1) / ${partSize} AS k,
                     (row_number() OVER (ORDER BY id) - 1) % ${partSize} AS n
                FROM customers WHERE organization_id = ${organizationId} AND active) c
       WHERE n = 0`);
    const parts = await tx.execute(sql`SELECT 1 FROM dunning_run_parts WHERE run_id = ${runId} LIMIT 1`);
    if (parts.rows.length === 0) {
      await tx.execute(sql`INSERT INTO dunning_run_parts (run_id, part, first_customer_id) VALUES (${runId}, 0, ${FIRST_UUID}::uuid)`);
    }
    await tx.execute(sql`UPDATE dunning_runs SET started_at = now(), finished_at = NULL, counts = NULL WHERE id = ${runId}`);
    return runId;
  });
}

/** Claims the next unfinished part nobody holds, inside `tx`; null when none is left to take. */
export async function claimPart(tx: Queryable, runId: string): Promise<RunPart | null> {
  const { rows } = await tx.execute<{ part: number; first_customer_id: string; next_customer_id: string | null }>(sql`
    SELECT part, first_customer_id, next_customer_id FROM dunning_run_parts
     WHERE run_id = ${runId} AND finished_at IS NULL
     ORDER BY part LIMIT 1 FOR UPDATE SKIP LOCKED`);
  const row = rows[0];
  return row ? { runId, part: row.part, from: row.first_customer_id, to: row.next_customer_id } : null;
}

/** Marks the part done with its counts, inside the transaction that claimed it. */
export async function finishPart(tx: Queryable, part: RunPart, worker: string, counts: object): Promise<void> {
  await tx.execute(sql`
    UPDATE dunning_run_parts SET finished_at = now(), finished_by = ${worker}, counts = ${JSON.stringify(counts)}::jsonb
     WHERE run_id = ${part.runId} AND part = ${part.part}`);
}

/**
 * Records the run as finished with the parts' counts, once every part is finished; a no-op while
 * some are not (the lane that finishes the last part records it).
 */
export async function finishRun(db: Db, runId: string, sum: (counts: object[]) => object): Promise<void> {
  const { rows } = await db.execute<{ counts: object | null; finished: boolean }>(sql`
    SELECT counts, finished_at IS NOT NULL AS finished FROM dunning_run_parts WHERE run_id = ${runId}`);
  if (rows.some((r) => !r.finished)) return;
  await db.execute(sql`
    UPDATE dunning_runs SET finished_at = now(), counts = ${JSON.stringify(sum(rows.map((r) => r.counts ?? {})))}::jsonb
     WHERE id = ${runId}`);
}
