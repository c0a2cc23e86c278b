/**
 * One sync of a stored connection, wired: its credentials decrypted, its tokens refreshed through
 * the token refresher over the connection store, its account's limiter, its mapping overrides —
 * then the engine. The outcome lands on the connection (last error, or none). Connectors are handed
 * in by the caller (`connectors/index.ts`): core/ imports no connector.
 */
import type { KeyRing } from '../crypto.ts';
import { ConnectionTokenStore, getConnection, loadCredentials, recordLastError, type ConnectionSettings } from '../connections/index.ts';
import { AuthExpired } from '../errors.ts';
import {
  LimiterRegistry, TokenRefresher, accountKey, defaultRetryPolicy, limiterSettings,
  type AttemptRecord, type HttpProfile, type RefreshGrant, type RetryPolicy,
} from '../http/index.ts';
import { parseOverride, type MappingOverride } from '../mapping/index.ts';
import type { Store } from '../store/index.ts';
import { DEFAULT_READ_AHEAD, syncConnection } from './engine.ts';
import { recordSyncOutcome } from './freshness.ts';
import { changesLedger, customersToReplan, prepareReplan, replanCustomers, type ReplanOutcome } from './replan.ts';
import { traceStage, tracing } from './trace.ts';
import type { ConnectionContext, PulledPage, StreamSpec, SyncReport } from './types.ts';
import type { JsonValue } from '../store/index.ts';

/** What the runner needs of a connector (a `Connector` of connectors/contract.ts fits). */
export interface SyncConnector {
  describe(): { provider: string; streams: readonly StreamSpec[]; profile: HttpProfile };
  connect(context: ConnectionContext): { pull(stream: string, cursor: JsonValue): AsyncIterable<PulledPage> };
  auth: { refreshGrant(settings: ConnectionSettings): RefreshGrant };
}

export interface SyncDeps {
  store: Pick<Store, 'pool' | 'db'>;
  keys: KeyRing;
  connectorFor(provider: string): SyncConnector;
  /** Shared by every sync of the process, so that one account has one limiter. */
  limiters?: LimiterRegistry;
  policy?: RetryPolicy;
  onAttempt?: (record: AttemptRecord) => void;
  /**
   * After a page's customers were re-planned (16.2), or when re-planning failed: for logs. A failure
   * does not fail the sync (the page is committed; the send path's check and the daily run remain).
   */
  onReplan?: (event: { outcome: ReplanOutcome } | { error: unknown; customerId?: string }) => void;
}

export interface RunSyncOptions {
  full?: boolean;
  streams?: readonly string[];
  onPage?: (stream: string, page: { records: number; mode: string }) => void;
}

/** Per-connection mapping overrides by mapping name, each validated; an error names the connection. */
export function parseOverrides(connectionId: string, raw: Record<string, unknown>): Record<string, MappingOverride> {
  const out: Record<string, MappingOverride> = {};
  for (const [name, body] of Object.entries(raw)) out[name] = parseOverride(body, `connection ${connectionId} mapping override "${name}"`);
  return out;
}

const processLimiters = new LimiterRegistry();

/**
 * Pages to fetch ahead of the writes: one burst of the provider's tightest short window (QuickBooks
 * 10, HubSpot 100, Xero 60), within the engine's bounds. Enough that a window is spent at its start
 * while PostgreSQL writes, so the next window opens as early as it can; no more, because each page
 * held (1,000 parsed records and their mapped rows, several MB) costs memory and garbage collection.
 */
export function readAheadFor(profile: HttpProfile): number {
  const limits = limiterSettings(profile).windows.map((w) => w.limit);
  const tightest = limits.length > 0 ? Math.min(...limits) : DEFAULT_READ_AHEAD;
  return Math.max(2, Math.min(DEFAULT_READ_AHEAD, tightest));
}

/** Runs one sync of the connection and records its outcome on it. */
export async function runSync(deps: SyncDeps, connectionId: string, options: RunSyncOptions = {}): Promise<SyncReport> {
  const { pool, db } = deps.store;
  const startedAt = new Date();
  traceStage('started', connectionId);
  // The connection and its credentials in one round trip's time; its status is judged first.
  const credentials = loadCredentials(pool, deps.keys, connectionId).then((c) => ({ ok: true as const, c }), (error: unknown) => ({ ok: false as const, error }));
  const connection = await getConnection(pool, connectionId);
  if (connection.status !== 'active') {
    throw new AuthExpired(`connection ${connectionId} is ${connection.status}: connect it again`, { connectionId, status: connection.status });
  }
  const loaded = await credentials;
  if (!loaded.ok) throw loaded.error;
  const { settings } = loaded.c;
  const connector = deps.connectorFor(connection.provider);
  const description = connector.describe();
  // What re-planning needs of the organization is read while the first provider call is under
  // way, so that a page's re-plan (change to stop, 16.2) waits only on its customers' own queries.
  const ledgerStreams = description.streams.filter((s) => (!options.streams || options.streams.includes(s.name)) && s.produces.some((p) => changesLedger(p.entity)));
  const replanContext = ledgerStreams.length > 0 ? prepareReplan(db, connection.organizationId) : null;
  replanContext?.catch(() => {}); // a failure is reported by the first re-plan that awaits it
  const refresher = new TokenRefresher(new ConnectionTokenStore(pool, deps.keys));
  const limiters = deps.limiters ?? processLimiters;
  // PGlite is one session: a page written while the one before waits to commit would wait on it for ever.
  const embedded = (deps.store as { mode?: string }).mode === 'embedded';
  const session = connector.connect({
    connectionId,
    settings,
    tokens: refresher.forConnection(connectionId, connector.auth.refreshGrant(settings)),
    limiter: limiters.forAccount(accountKey(description.provider, settings.accountId), description.profile),
    policy: deps.policy ?? defaultRetryPolicy(),
    onAttempt: (record) => {
      traceStage('call', connectionId, { stream: record.operation, ms: record.durationMs });
      deps.onAttempt?.(record);
    },
  });
  try {
    const report = await syncConnection({
      db,
      connectionId,
      organizationId: connection.organizationId,
      source: { provider: description.provider, streams: description.streams, pull: (s, c) => session.pull(s, c) },
      overrides: parseOverrides(connectionId, connection.mappingOverrides),
      context: { homeCurrency: settings.homeCurrency ?? null },
      ...(options.full ? { full: true } : {}),
      ...(options.streams ? { streams: options.streams } : {}),
      ...(options.onPage ? { onPage: options.onPage } : {}),
      ...(embedded ? { writers: 1 } : {}),
      readAhead: readAheadFor(description.profile),
      // Change to stop: the customers whose ledger the page changed are re-planned once it committed, in page order.
      onCommitted: async (changes) => {
        if (tracing()) traceStage('committed', connectionId, { stream: [...changes.keys()].join(','), records: [...changes.values()].reduce((n, ids) => n + ids.length, 0) });
        if (![...changes.keys()].some(changesLedger)) return;
        try {
          const ids = await customersToReplan(db, connectionId, changes);
          const outcome = await replanCustomers(db, connection.organizationId, ids, (customerId, error) => deps.onReplan?.({ error, customerId }), replanContext ?? undefined);
          traceStage('replanned', connectionId, { customers: outcome.customers });
          if (outcome.customers > 0) deps.onReplan?.({ outcome });
        } catch (error) {
          deps.onReplan?.({ error });
        }
      },
    });
    traceStage('finished', connectionId);
    await recordLastError(pool, connectionId, null);
    // Fresh as of when this sync started listing: what changed after may not be in.
    await recordSyncOutcome(pool, connectionId, { ok: true, allStreams: !options.streams, startedAt });
    return report;
  } catch (error) {
    // Never swallowed: the connection shows it, and the caller (job, CLI) decides what comes next.
    await recordLastError(pool, connectionId, error).catch(() => {});
    await recordSyncOutcome(pool, connectionId, { ok: false, allStreams: !options.streams, startedAt }).catch(() => {});
    throw error;
  }
}
