/**
 * `outbox.push` (recurring, every minute, and on demand `{ connectionId? }`): claims due write-back
 * rows and hands each to its connection's connector. The wiring is core/sync/run.ts's: credentials
 * decrypted, tokens through the token refresher over the connection store, the account's limiter
 * shared by every call of the process. Thin: the push loop (order, back-off, parking) is core/outbox.
 * `pushOutbox` is the in-process entry point (`relance demo`, tests): no Agenda needed.
 */
import { createHash } from 'node:crypto';
import type { Agenda } from 'agenda';
import { z } from 'zod';
import { connectorFor } from '../connectors/index.ts';
import type { ConnectorSession } from '../connectors/contract.ts';
import { ConnectionTokenStore, getConnection, loadCredentials } from '../core/connections/index.ts';
import type { KeyRing } from '../core/crypto.ts';
import { InvalidInput, Transient, isRelanceError } from '../core/errors.ts';
import { LimiterRegistry, TokenRefresher, accountKey, defaultRetryPolicy, type RetryPolicy } from '../core/http/index.ts';
import type { Logger } from '../core/logging.ts';
import { pushDueChanges, toPushChange, type OutboxChange, type PushReport, type PushResult, type Pusher } from '../core/outbox/index.ts';
import type { Store } from '../core/store/index.ts';

export const OUTBOX_PUSH = 'outbox.push';

export interface OutboxDeps {
  store: Pick<Store, 'pool' | 'db'>;
  keys: KeyRing;
  /** One limiter per provider account for the process; the sync's registry when shared. */
  limiters?: LimiterRegistry;
  policy?: RetryPolicy;
  /** The connector registry (tests may hand in another). */
  connectorFor?: typeof connectorFor;
}

const processLimiters = new LimiterRegistry();

/** A connector session for a stored connection, wired as a sync wires it. */
export async function connectSession(deps: OutboxDeps, connectionId: string): Promise<ConnectorSession> {
  const { pool } = deps.store;
  const connection = await getConnection(pool, connectionId);
  const { settings } = await loadCredentials(pool, deps.keys, connectionId);
  const connector = (deps.connectorFor ?? connectorFor)(connection.provider);
  const { provider, profile } = connector.describe();
  const refresher = new TokenRefresher(new ConnectionTokenStore(pool, deps.keys));
  return connector.connect({
    connectionId,
    settings,
    tokens: refresher.forConnection(connectionId, connector.auth.refreshGrant(settings)),
    limiter: (deps.limiters ?? processLimiters).forAccount(accountKey(provider, settings.accountId), profile),
    policy: deps.policy ?? defaultRetryPolicy(),
  });
}

/**
 * The key a provider sees for a row: its idempotency key and its content, so a retry of the same
 * row is recognised, and a row whose pending change was coalesced into a new value is a new write.
 */
export function requestKeyOf(row: Pick<OutboxChange, 'idempotencyKey' | 'kind' | 'payload'>): string {
  return createHash('sha256').update(JSON.stringify([row.idempotencyKey, row.kind, row.payload])).digest('hex').slice(0, 40);
}

/** The outbox's pusher over a connector session: the row parsed as the contract's change, errors returned. */
export function pusherFor(session: ConnectorSession): Pusher {
  return async (row: OutboxChange): Promise<PushResult> => {
    try {
      const result = await session.push(toPushChange(row), { requestKey: requestKeyOf(row) });
      return { ok: true, detail: { externalId: result.externalId, version: result.version, attempts: result.attempts } };
    } catch (e) {
      if (isRelanceError(e)) return { error: e };
      return { error: new Transient(`${row.provider} push failed: ${(e as Error)?.message ?? String(e)}`, {}, { cause: e }) };
    }
  };
}

export const outboxPushData = z.object({ connectionId: z.uuid().optional(), maxRounds: z.number().int().positive().optional() }).optional();

/** Pushes every due row (of one connection, or all) now, in-process; one session per connection. */
export async function pushOutbox(deps: OutboxDeps, options: { connectionId?: string; maxRounds?: number } = {}): Promise<PushReport> {
  const sessions = new Map<string, Promise<Pusher>>();
  return pushDueChanges(deps.store.db, {
    ...(options.connectionId ? { connectionId: options.connectionId } : {}),
    ...(options.maxRounds ? { maxRounds: options.maxRounds } : {}),
    resolvePusher: (row) => {
      let pusher = sessions.get(row.connectionId);
      if (!pusher) {
        pusher = connectSession(deps, row.connectionId).then(pusherFor);
        sessions.set(row.connectionId, pusher);
      }
      return pusher;
    },
  });
}

export function defineOutboxJobs(agenda: Agenda, deps: OutboxDeps & { logger: Logger }): void {
  agenda.define(OUTBOX_PUSH, async (job) => {
    const parsed = outboxPushData.safeParse(job.attrs.data ?? undefined);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new InvalidInput(`${OUTBOX_PUSH}: ${issue.path.join('.') || 'data'}: ${issue.message}`, { field: issue.path.join('.') });
    }
    const report = await pushOutbox(deps, parsed.data ?? {});
    if (report.items.length > 0) deps.logger.info('outbox push', { pushed: report.pushed, retried: report.retried, parked: report.parked });
  }, { concurrency: 1 });
}

/** The recurring push: every minute (rows wait in the store, so a missed tick only delays them). */
export async function scheduleOutbox(agenda: Agenda): Promise<void> {
  await agenda.every('1 minute', OUTBOX_PUSH, {}, { skipImmediate: false });
}
