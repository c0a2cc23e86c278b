/**
 * The push loop: claims due rows, hands each to its connection's pusher, and records the outcome.
 * Retryable errors wait with back-off (or the provider's Retry-After); a row that keeps failing, or
 * fails in a way a retry cannot fix, is parked with the provider's error.
 */
import { ConfigError, RateLimited, Transient, isRelanceError, type RelanceError } from '../errors.ts';
import { exponentialFullJitter, systemRandom, type BackoffStrategy, type Random } from '../http/index.ts';
import type { Executor } from '../store/index.ts';
import { claimDue, markDone, markParked, markRetry } from './claim.ts';
import type { OutboxChange, PushResult, PusherResolver } from './types.ts';

export interface PushOptions {
  resolvePusher: PusherResolver;
  /** Rows claimed per round (default 50). */
  batchSize?: number;
  /** How long a claim lasts before another worker may take the row over (default 5 minutes). */
  leaseMs?: number;
  /** Attempts before a retryable failure parks the row (default 8). */
  maxAttempts?: number;
  /** Delay before retry n (default: full jitter, 30 s doubling, capped at one hour). */
  backoff?: BackoffStrategy;
  random?: Random;
  /** Stop after this many rounds (default: until nothing is due). */
  maxRounds?: number;
  connectionId?: string;
}

export type ItemOutcome =
  | { id: string; idempotencyKey: string; outcome: 'pushed' }
  | { id: string; idempotencyKey: string; outcome: 'retry' | 'parked'; error: Record<string, unknown> }
  | { id: string; idempotencyKey: string; outcome: 'lease_lost' };

export interface PushReport {
  pushed: number;
  retried: number;
  parked: number;
  items: ItemOutcome[];
}

const DEFAULT_BACKOFF = exponentialFullJitter({ baseMs: 30_000, capMs: 3_600_000, maxRetries: 1_000 });

/** Pushes every due row (in rounds) and reports each item's outcome. */
export async function pushDueChanges(db: Executor, options: PushOptions): Promise<PushReport> {
  const report: PushReport = { pushed: 0, retried: 0, parked: 0, items: [] };
  const maxRounds = options.maxRounds ?? Number.POSITIVE_INFINITY;
  for (let round = 0; round < maxRounds; round++) {
    const claim = await claimDue(db, {
      limit: options.batchSize ?? 50,
      leaseMs: options.leaseMs ?? 300_000,
      connectionId: options.connectionId,
    });
    if (claim.changes.length === 0) break;
    // In seq order; a claim never holds two rows of one record, so order per record holds.
    for (const change of claim.changes) {
      const item = await pushOne(db, claim.token, change, options);
      report.items.push(item);
      if (item.outcome === 'pushed') report.pushed++;
      else if (item.outcome === 'retry') report.retried++;
      else if (item.outcome === 'parked') report.parked++;
    }
  }
  return report;
}

async function callPusher(change: OutboxChange, resolve: PusherResolver): Promise<PushResult> {
  try {
    const pusher = await resolve(change);
    if (!pusher) {
      return { error: new ConfigError(`no connector can write "${change.kind}" to ${change.provider}`, { field: 'kind' }) };
    }
    return await pusher(change);
  } catch (e) {
    // A pusher should return its error; one that throws is treated as a transient failure, recorded.
    if (isRelanceError(e)) return { error: e };
    return { error: new Transient(`pusher threw: ${(e as Error)?.message ?? String(e)}`, {}, { cause: e }) };
  }
}

async function pushOne(db: Executor, token: string, change: OutboxChange, options: PushOptions): Promise<ItemOutcome> {
  const base = { id: change.id, idempotencyKey: change.idempotencyKey };
  const maxAttempts = options.maxAttempts ?? 8;
  // A row whose pushes keep killing the worker comes back through lease expiry: stop it here.
  if (change.attempt > maxAttempts) {
    const error = { code: 'attempts_exhausted', message: `claimed ${change.attempt - 1} times without an outcome` };
    return (await markParked(db, change.id, token, error)) ? { ...base, outcome: 'parked', error } : { ...base, outcome: 'lease_lost' };
  }
  const result = await callPusher(change, options.resolvePusher);
  if ('ok' in result) {
    return (await markDone(db, change.id, token, result.detail ?? null)) ? { ...base, outcome: 'pushed' } : { ...base, outcome: 'lease_lost' };
  }
  const error = { ...errorJson(result.error), attempt: change.attempt };
  const delay = retryDelay(result.error, change.attempt, maxAttempts, options);
  if (delay === null) {
    return (await markParked(db, change.id, token, error)) ? { ...base, outcome: 'parked', error } : { ...base, outcome: 'lease_lost' };
  }
  return (await markRetry(db, change.id, token, error, delay)) ? { ...base, outcome: 'retry', error } : { ...base, outcome: 'lease_lost' };
}

/** Null parks the row: the error is not retryable, or the attempts are spent. */
export function retryDelay(error: RelanceError, attempt: number, maxAttempts: number, options: Pick<PushOptions, 'backoff' | 'random'>): number | null {
  if (!error.retryable || attempt >= maxAttempts) return null;
  if (error instanceof RateLimited && error.retryAfterMs !== null) return error.retryAfterMs;
  return (options.backoff ?? DEFAULT_BACKOFF)({ attempt, random: options.random ?? systemRandom });
}

function errorJson(error: RelanceError): Record<string, unknown> {
  return error.toJSON();
}
