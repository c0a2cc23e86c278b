/**
 * What the console shows while a sync runs: how many records of each entity a connection has in
 * the store (they grow page by page), and the state of its newest `sync.pull` job as the scheduler
 * (Agenda's `agenda_jobs` table) keeps it. No scheduler has run on this database: no job state.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../core/store/index.ts';
import { SYNC_PULL } from '../../jobs/sync.ts';

export interface SyncActivity {
  records: { entity: string; count: number }[];
  sync: { state: 'queued' | 'running' | 'done' | 'failed'; queuedAt: string; startedAt: string | null; finishedAt: string | null; error: string | null } | null;
}

// Instants as epoch milliseconds (text), so they compare as numbers whatever the driver's date parsing.
type JobRow = { created_at: string; last_run_at: string | null; locked_at: string | null; last_finished_at: string | null; failed_at: string | null; fail_reason: string | null };

const EPOCH_MS = (column: string) => sql.raw(`(extract(epoch FROM ${column}) * 1000)::bigint::text AS ${column}`);
const ms = (text: string | null) => (text === null ? null : Number(text));
const iso = (text: string | null) => (text === null ? null : new Date(Number(text)).toISOString());

function jobState(job: JobRow): NonNullable<SyncActivity['sync']>['state'] {
  const [ran, finished, failed] = [ms(job.last_run_at), ms(job.last_finished_at), ms(job.failed_at)];
  if (job.locked_at !== null && ran !== null && !(finished !== null && finished >= ran)) return 'running';
  if (finished === null) return 'queued';
  return failed !== null && failed >= finished ? 'failed' : 'done';
}

/** Record counts per entity and the newest sync job of one connection. */
export async function syncActivity(db: Db, connectionId: string): Promise<SyncActivity> {
  const { rows: counts } = await db.execute<{ entity: string; count: string }>(sql`
    SELECT 'customer' AS entity, count(*)::text AS count FROM customers WHERE connection_id = ${connectionId}
    UNION ALL SELECT 'contact', count(*)::text FROM contacts WHERE connection_id = ${connectionId}
    UNION ALL SELECT 'invoice', count(*)::text FROM invoices WHERE connection_id = ${connectionId}
    UNION ALL SELECT 'creditNote', count(*)::text FROM credit_notes WHERE connection_id = ${connectionId}
    UNION ALL SELECT 'payment', count(*)::text FROM payments WHERE connection_id = ${connectionId}
    UNION ALL SELECT 'company', count(*)::text FROM crm_records WHERE connection_id = ${connectionId} AND object_type = 'company'`);
  const records = counts.map((r) => ({ entity: r.entity, count: Number(r.count) })).filter((r) => r.count > 0);
  const { rows: [table] } = await db.execute<{ exists: boolean }>(sql`SELECT to_regclass('agenda_jobs') IS NOT NULL AS exists`);
  if (!table?.exists) return { records, sync: await syncWithoutJob(db, connectionId) };
  const { rows: [job] } = await db.execute<JobRow>(sql`
    SELECT ${EPOCH_MS('created_at')}, ${EPOCH_MS('last_run_at')}, ${EPOCH_MS('locked_at')}, ${EPOCH_MS('last_finished_at')}, ${EPOCH_MS('failed_at')}, fail_reason FROM agenda_jobs
    WHERE name = ${SYNC_PULL} AND data->>'connectionId' = ${connectionId} ORDER BY created_at DESC LIMIT 1`);
  if (!job) return { records, sync: await syncWithoutJob(db, connectionId) };
  const state = jobState(job);
  return {
    records,
    sync: { state, queuedAt: iso(job.created_at)!, startedAt: iso(job.last_run_at), finishedAt: iso(job.last_finished_at), error: state === 'failed' ? job.fail_reason : null },
  };
}

/**
 * A sync run in-process (`relance demo`, `relance sync`) leaves no scheduler job: its real state is
 * the cursors it saved (done, when the last one was saved) or the connection's refusal (failed, why).
 */
async function syncWithoutJob(db: Db, connectionId: string): Promise<SyncActivity['sync']> {
  const { rows: [r] } = await db.execute<{ status: string; error: string | null; errored_at: string | null; synced_at: string | null }>(sql`
    SELECT k.status::text AS status, k.last_error->>'message' AS error, (extract(epoch FROM k.updated_at) * 1000)::bigint::text AS errored_at,
           (SELECT (extract(epoch FROM max(c.updated_at)) * 1000)::bigint::text FROM sync_cursors c WHERE c.connection_id = k.id) AS synced_at
      FROM connections k WHERE k.id = ${connectionId}::uuid`);
  if (!r) return null;
  if (r.status === 'needs_reauth' && r.error) return { state: 'failed', queuedAt: iso(r.errored_at)!, startedAt: null, finishedAt: iso(r.errored_at), error: r.error };
  if (r.synced_at === null) return null;
  return { state: 'done', queuedAt: iso(r.synced_at)!, startedAt: null, finishedAt: iso(r.synced_at), error: null };
}
