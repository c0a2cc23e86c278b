/**
 * The sync jobs. Thin: they validate their data and call core/sync.
 * - `sync.pull` `{ connectionId, streams?, full? }`: one sync of a connection (all its streams, or
 *   those a webhook named). A failure is retried with back-off (5 s doubling to 5 min, jittered)
 *   until the provider answers; only a connection that needs re-authorization, or bad data, is not
 *   retried (the connection shows why).
 * - `sync.schedule` (every minute): a periodic incremental sync of each active connection not
 *   synced within RELANCE_SYNC_INTERVAL_MINUTES (default 15): it catches whatever a lost or failed
 *   webhook missed.
 * Requests coalesce: `enqueueSyncPull` queues a sync only for streams with none pending (replayed
 * webhooks make one pending sync per connection and stream), see core/sync/freshness.ts.
 */
import type { Agenda } from 'agenda';
import type pg from 'pg';
import { z } from 'zod';
import { connectorFor } from '../connectors/index.ts';
import type { KeyRing } from '../core/crypto.ts';
import { AuthExpired, InvalidInput, isRelanceError } from '../core/errors.ts';
import type { Logger } from '../core/logging.ts';
import type { Store } from '../core/store/index.ts';
import {
  ALL_STREAMS, awaitRetry, dueForPeriodicSync, requestStreams, runSync, staleAccountingConnections, startStreams, syncScheduleFrom,
  type SyncDeps, type SyncSchedule,
} from '../core/sync/index.ts';

export const SYNC_PULL = 'sync.pull';
export const SYNC_SCHEDULE = 'sync.schedule';

export const syncPullData = z.object({
  connectionId: z.uuid(),
  streams: z.array(z.string().min(1)).min(1).optional(),
  full: z.boolean().optional(),
});
export type SyncPullData = z.infer<typeof syncPullData>;

export interface SyncJobDeps {
  store: Pick<Store, 'pool' | 'db'>;
  keys: KeyRing;
  logger: Logger;
  schedule?: SyncSchedule;
  /** The first retry delay of a failed sync (default 5 s; it doubles up to `retryMaxMs`, default 5 min). */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

/** Retry delays: 5 s, 10 s, 20 s … capped at 5 minutes, ±20 %; null: do not retry. */
export function syncRetryDelay(attempt: number, error: unknown, random: () => number = Math.random, baseMs = 5_000, maxMs = 300_000): number | null {
  if (error instanceof AuthExpired || error instanceof InvalidInput) return null;
  if (isRelanceError(error) && (error.code === 'invalid' || error.code === 'auth_expired' || error.code === 'config')) return null;
  const base = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

function parse(data: unknown): SyncPullData {
  const parsed = syncPullData.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidInput(`${SYNC_PULL}: ${issue.path.join('.') || 'data'}: ${issue.message}`, { field: issue.path.join('.') });
  }
  return parsed.data;
}

/** Runs one `sync.pull`; exported so the server can run it in-process when no worker runs. */
export async function runSyncPull(deps: SyncJobDeps, data: unknown): Promise<void> {
  const { connectionId, streams, full } = parse(data);
  // From here on, a new request for these streams gets a sync of its own (it may announce a change
  // this run's listing has already passed).
  await startStreams(deps.store.pool, connectionId, streams);
  const onReplan = (event: Parameters<NonNullable<SyncDeps['onReplan']>>[0]) =>
    'error' in event ? deps.logger.warn('re-planning after a sync page failed', { connectionId, ...event }) : deps.logger.info('re-planned after a sync page', { connectionId, ...event.outcome });
  const report = await runSync({ store: deps.store, keys: deps.keys, connectorFor, onReplan }, connectionId, { ...(streams ? { streams } : {}), ...(full ? { full } : {}) });
  deps.logger.info('sync done', { connectionId, seconds: report.seconds, streams: Object.fromEntries(Object.entries(report.streams).map(([k, v]) => [k, v.pulled])) });
}

/** Queues the periodic syncs that are due; returns how many were queued. */
export async function schedulePeriodicSyncs(agenda: Agenda, pool: Pick<pg.Pool, 'query'>, schedule: SyncSchedule, now = new Date()): Promise<number> {
  let queued = 0;
  for (const connectionId of await dueForPeriodicSync(pool, schedule.intervalMinutes, now)) {
    if (await queueSyncPull(agenda, { connectionId }, pool)) queued++;
  }
  return queued;
}

export function defineSyncJobs(agenda: Agenda, deps: SyncJobDeps): void {
  const schedule = deps.schedule ?? syncScheduleFrom();
  agenda.define(
    SYNC_PULL,
    async (job) => {
      try {
        await runSyncPull(deps, job.attrs.data);
      } catch (error) {
        const data = syncPullData.safeParse(job.attrs.data);
        // Retried: requests meanwhile coalesce into the retry instead of queuing syncs of their own.
        if (data.success && syncRetryDelay(1, error) !== null) await awaitRetry(deps.store.pool, data.data.connectionId, data.data.streams).catch(() => {});
        throw error;
      }
    },
    { concurrency: 2, backoff: (ctx) => syncRetryDelay(ctx.attempt, ctx.error, Math.random, deps.retryBaseMs, deps.retryMaxMs) },
  );
  agenda.define(SYNC_SCHEDULE, async () => {
    const queued = await schedulePeriodicSyncs(agenda, deps.store.pool, schedule);
    if (queued > 0) deps.logger.info('periodic syncs queued', { queued });
  });
}

/** The recurring tick of the periodic sync. */
export async function scheduleSync(agenda: Agenda): Promise<void> {
  await agenda.every('1 minute', SYNC_SCHEDULE, {}, { skipImmediate: false });
}

/** The store pool each worker's agenda shares its database through (set by jobs/worker.ts). */
const pools = new WeakMap<Agenda, Pick<pg.Pool, 'query'>>();
export function registerSyncPool(agenda: Agenda, pool: Pick<pg.Pool, 'query'>): void {
  pools.set(agenda, pool);
}

/**
 * Queues a `sync.pull` now for the streams that have none pending; returns whether one was queued.
 * Without a known pool (an agenda not made by createWorker) every request queues.
 */
export async function queueSyncPull(agenda: Agenda, data: SyncPullData, pool: Pick<pg.Pool, 'query'> | undefined = pools.get(agenda)): Promise<boolean> {
  // A full sync is asked for on purpose (CLI, console): it never folds into an incremental one.
  if (!pool || data.full) {
    await agenda.now(SYNC_PULL, data);
    return true;
  }
  const wanted = await requestStreams(pool, data.connectionId, data.streams);
  if (wanted.length === 0) return false;
  const streams = wanted.includes(ALL_STREAMS) ? undefined : wanted;
  await agenda.now(SYNC_PULL, { connectionId: data.connectionId, ...(streams ? { streams } : {}), ...(data.full ? { full: true } : {}) });
  return true;
}

/** Queues a `sync.pull` unless one is pending for the same streams (see `queueSyncPull`). */
export async function enqueueSyncPull(agenda: Agenda, data: SyncPullData): Promise<void> {
  await queueSyncPull(agenda, data);
}

/**
 * The freshness gate before a send pass: organizations with an accounting connection not synced
 * within the bound are held back this pass (their reminders wait: a payment may be missing), and a
 * sync of each such connection is queued. Returns the organizations held; none without a pool.
 */
export async function holdStaleOrganizations(agenda: Agenda, organizationId?: string, schedule: SyncSchedule = syncScheduleFrom(), now = new Date()): Promise<Set<string>> {
  const pool = pools.get(agenda);
  if (!pool) return new Set();
  const stale = await staleAccountingConnections(pool, schedule.freshnessMinutes, now, organizationId);
  for (const s of stale) await queueSyncPull(agenda, { connectionId: s.connectionId }, pool);
  return new Set(stale.map((s) => s.organizationId));
}

/** The organizations a send pass may serve given those held (all of them when none is held). */
export async function organizationsToSend(agenda: Agenda, held: ReadonlySet<string>, organizationId?: string): Promise<(string | undefined)[]> {
  if (organizationId) return held.has(organizationId) ? [] : [organizationId];
  if (held.size === 0) return [undefined];
  const pool = pools.get(agenda)!;
  const { rows } = await pool.query<{ id: string }>('SELECT id FROM organizations WHERE NOT (id = ANY($1::uuid[])) ORDER BY id', [[...held]]);
  return rows.map((r) => r.id);
}
