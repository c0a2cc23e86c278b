/**
 * Every change arrives: what the sync keeps to prove a connection's store is fresh, and to coalesce
 * sync requests.
 *
 * - `sync_state`: when each connection last synced completely, last tried, last failed. Written by
 *   every sync (`runSync`), whoever started it (job, webhook, CLI, demo).
 * - `sync_requests`: one row per (connection, stream) with `pending` while a sync of it is queued and
 *   not yet started. A request for a stream already pending is coalesced into the queued sync (30
 *   replays of one webhook make one sync, not thirty). The sync clears `pending` when it starts, so a
 *   change announced during a run gets a run of its own. A pending flag older than `STALE_PENDING_MS`
 *   (its job lost) no longer coalesces.
 * - The periodic sync (`dueForPeriodicSync`) and the freshness bound (`staleAccountingConnections`)
 *   before a send pass: reminders of an organization whose accounting connection has not synced
 *   within the bound, or whose last sync failed, wait while it is re-synced.
 *
 * The gate holds a whole organization, not only the customers of the stale connection. With one
 * accounting connection per organization (the usual case) that is the same thing. With two (a
 * QuickBooks and a Xero ledger), a per-customer gate would let the healthy ledger's customers be
 * reminded during the other's outage; it costs one predicate in the claim query (core/sending/
 * claim.ts: skip actions whose customer's `connection_id` is among the stale ones), which belongs to
 * the send path and is left to it (issue 14 item 5: considered, not done).
 */
import type pg from 'pg';
import { ConfigError } from '../errors.ts';

type Queryable = Pick<pg.Pool, 'query'>;

/** The key of a sync of all the connection's streams. */
export const ALL_STREAMS = '*';
/** A pending request older than this no longer coalesces (the job that would serve it was lost). */
export const STALE_PENDING_MS = 10 * 60_000;

export interface SyncSchedule {
  /** Minutes between periodic incremental syncs of a connection (RELANCE_SYNC_INTERVAL_MINUTES, default 15). */
  intervalMinutes: number;
  /** A connection not synced for this long holds its organization's reminders (RELANCE_SYNC_FRESHNESS_MINUTES, default 60). */
  freshnessMinutes: number;
}

function minutes(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > 7 * 24 * 60) {
    throw new ConfigError(`${name}: expected a number of minutes between 0 and 10080, got "${raw}"`, { field: name });
  }
  return n;
}

/** The schedule from the environment; a bad value names its setting. */
export function syncScheduleFrom(env: NodeJS.ProcessEnv = process.env): SyncSchedule {
  const intervalMinutes = minutes(env, 'RELANCE_SYNC_INTERVAL_MINUTES', 15);
  const freshnessMinutes = minutes(env, 'RELANCE_SYNC_FRESHNESS_MINUTES', Math.max(60, intervalMinutes * 4));
  return { intervalMinutes, freshnessMinutes };
}

/**
 * Marks the streams requested; returns those that were not already pending (a sync must be queued
 * for them), in request order. Concurrent requests for one stream: exactly one of them gets it.
 */
export async function requestStreams(db: Queryable, connectionId: string, streams: readonly string[] | undefined): Promise<string[]> {
  const keys = streams && streams.length > 0 ? [...new Set(streams)] : [ALL_STREAMS];
  const { rows } = await db.query<{ stream: string }>(
    `WITH wanted AS (SELECT unnest($2::text[]) AS stream),
     flipped AS (
       UPDATE sync_requests r SET pending = true, requested_at = now()
        WHERE r.connection_id = $1 AND r.stream IN (SELECT stream FROM wanted)
          AND (NOT r.pending OR r.requested_at < now() - make_interval(secs => $3::int / 1000.0))
       RETURNING r.stream),
     inserted AS (
       INSERT INTO sync_requests (connection_id, stream) SELECT $1, w.stream FROM wanted w
        WHERE NOT EXISTS (SELECT 1 FROM sync_requests r WHERE r.connection_id = $1 AND r.stream = w.stream)
       ON CONFLICT DO NOTHING RETURNING stream)
     SELECT stream FROM flipped UNION ALL SELECT stream FROM inserted`,
    [connectionId, keys, STALE_PENDING_MS],
  );
  const got = new Set(rows.map((r) => r.stream));
  return keys.filter((k) => got.has(k));
}

/** A sync of these streams starts: requests from now on get a sync of their own. */
export async function startStreams(db: Queryable, connectionId: string, streams: readonly string[] | undefined): Promise<void> {
  const keys = streams && streams.length > 0 ? [...streams] : [ALL_STREAMS];
  await db.query('UPDATE sync_requests SET pending = false WHERE connection_id = $1 AND stream = ANY($2::text[])', [connectionId, keys]);
}

/** A failed sync will be retried: requests meanwhile coalesce into that retry. */
export async function awaitRetry(db: Queryable, connectionId: string, streams: readonly string[] | undefined): Promise<void> {
  const keys = streams && streams.length > 0 ? [...streams] : [ALL_STREAMS];
  await db.query(
    `INSERT INTO sync_requests (connection_id, stream) SELECT $1, unnest($2::text[])
     ON CONFLICT (connection_id, stream) DO UPDATE SET pending = true, requested_at = now()`,
    [connectionId, keys],
  );
}

/**
 * Records how a sync ended. Only a complete sync of all streams counts as fresh, and only it ends a
 * run of failures: a webhook's sync of some streams that succeeds after an outage has not brought
 * the others (a payment's invoice may be in a stream it did not read), so the reminders keep
 * waiting until a sync of everything — which the freshness gate queues at every send pass — is in.
 */
export async function recordSyncOutcome(db: Queryable, connectionId: string, outcome: { ok: boolean; allStreams: boolean; startedAt: Date }): Promise<void> {
  if (outcome.ok) {
    await db.query(
      `INSERT INTO sync_state (connection_id, last_synced_at, last_attempt_at, consecutive_failures)
       VALUES ($1, CASE WHEN $3 THEN $2::timestamptz END, $2::timestamptz, 0)
       ON CONFLICT (connection_id) DO UPDATE SET
         last_synced_at = CASE WHEN $3 THEN GREATEST(sync_state.last_synced_at, $2::timestamptz) ELSE sync_state.last_synced_at END,
         last_attempt_at = $2::timestamptz,
         consecutive_failures = CASE WHEN $3 THEN 0 ELSE sync_state.consecutive_failures END, updated_at = now()`,
      [connectionId, outcome.startedAt.toISOString(), outcome.allStreams],
    );
    return;
  }
  await db.query(
    `INSERT INTO sync_state (connection_id, last_attempt_at, last_failed_at, consecutive_failures)
     VALUES ($1, $2::timestamptz, now(), 1)
     ON CONFLICT (connection_id) DO UPDATE SET last_attempt_at = $2::timestamptz, last_failed_at = now(),
       consecutive_failures = sync_state.consecutive_failures + 1, updated_at = now()`,
    [connectionId, outcome.startedAt.toISOString()],
  );
}

/** Active connections whose last complete sync (or first) is older than the interval. */
export async function dueForPeriodicSync(db: Queryable, intervalMinutes: number, now = new Date()): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT c.id FROM connections c LEFT JOIN sync_state s ON s.connection_id = c.id
      WHERE c.status = 'active'
        AND (s.last_synced_at IS NULL OR s.last_synced_at < $1::timestamptz - make_interval(mins => $2::int))
      ORDER BY s.last_synced_at NULLS FIRST, c.id`,
    [now.toISOString(), Math.ceil(intervalMinutes)],
  );
  return rows.map((r) => r.id);
}

export interface StaleConnection {
  connectionId: string;
  organizationId: string;
  lastSyncedAt: string | null;
}

/**
 * Accounting connections (QuickBooks, Xero: where payments come from) that have synced under this
 * bookkeeping but not within the bound, or whose last sync failed: their organizations' reminders
 * wait. A failed sync means the provider was asked for changes (a webhook announced one, or the
 * periodic sync came) and did not answer: a payment may be waiting there, so the reminders wait
 * from that first failure, not only once the bound has passed (an outage shorter than the bound
 * would otherwise send reminders to customers who paid during it). A connection with no
 * `sync_state` yet (made before it existed, or never synced by a job) does not hold anything.
 */
export async function staleAccountingConnections(db: Queryable, freshnessMinutes: number, now = new Date(), organizationId?: string): Promise<StaleConnection[]> {
  const { rows } = await db.query<{ connection_id: string; organization_id: string; last_synced_at: Date | null }>(
    `SELECT c.id AS connection_id, c.organization_id, s.last_synced_at
       FROM connections c JOIN sync_state s ON s.connection_id = c.id
      WHERE c.status = 'active' AND c.provider IN ('quickbooks', 'xero')
        AND ($3::uuid IS NULL OR c.organization_id = $3::uuid)
        AND (s.last_synced_at IS NULL OR s.last_synced_at < $1::timestamptz - make_interval(secs => $2::float8 * 60)
             OR s.consecutive_failures > 0)`,
    [now.toISOString(), freshnessMinutes, organizationId ?? null],
  );
  return rows.map((r) => ({ connectionId: r.connection_id, organizationId: r.organization_id, lastSyncedAt: r.last_synced_at?.toISOString() ?? null }));
}

export interface ConnectionFreshness {
  lastSyncedAt: string | null;
  lastFailedAt: string | null;
  consecutiveFailures: number;
  freshnessMinutes: number;
  /** False when the connection holds its organization's reminders (not synced within the bound, or its last sync failed). */
  fresh: boolean;
}

/** What the connections API shows of each connection's freshness. */
export async function connectionFreshness(db: Queryable, connectionIds: readonly string[], schedule: SyncSchedule, now = new Date()): Promise<Map<string, ConnectionFreshness>> {
  const out = new Map<string, ConnectionFreshness>();
  if (connectionIds.length === 0) return out;
  const { rows } = await db.query<{ connection_id: string; last_synced_at: Date | null; last_failed_at: Date | null; consecutive_failures: number }>(
    'SELECT connection_id, last_synced_at, last_failed_at, consecutive_failures FROM sync_state WHERE connection_id = ANY($1::uuid[])',
    [[...connectionIds]],
  );
  const bound = now.getTime() - schedule.freshnessMinutes * 60_000;
  const byId = new Map(rows.map((r) => [r.connection_id, r]));
  for (const id of connectionIds) {
    const r = byId.get(id);
    out.set(id, {
      lastSyncedAt: r?.last_synced_at?.toISOString() ?? null,
      lastFailedAt: r?.last_failed_at?.toISOString() ?? null,
      consecutiveFailures: r?.consecutive_failures ?? 0,
      freshnessMinutes: schedule.freshnessMinutes,
      fresh: !r || (r.last_synced_at !== null && r.last_synced_at.getTime() >= bound && r.consecutive_failures === 0),
    });
  }
  return out;
}
