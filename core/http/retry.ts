/**
 * The one retry decision of Relance's provider calls: pure, over the error taxonomy of
 * `core/errors.ts`, so every connector retries the same way and it can be tested alone.
 */
import { Conflict, RateLimited, Transient, isRelanceError } from '../errors.ts';
import { exponentialFullJitter, type BackoffStrategy } from './backoff.ts';
import { systemRandom, type Random } from './random.ts';

export type RetryDecision =
  | { retry: false; reason: string }
  | { retry: true; delayMs: number; reason: string };

export interface RetryPolicy {
  /** Network failures, timeouts, 5xx. */
  transient: BackoffStrategy;
  /** 429s; a provider's `Retry-After` replaces the delay but not the retry count. */
  rateLimited: BackoffStrategy;
  /** Lost optimistic concurrency: a few quick tries, the caller re-reads in between. */
  conflict: BackoffStrategy;
  random: Random;
  /**
   * A `Retry-After` longer than this is not slept in-process (it would hold a worker and its
   * limiter slot): the error goes up and the job is rescheduled instead.
   */
  maxRetryAfterMs: number;
}

/** Sensible defaults: 5 transient retries up to 30 s apart, 6 rate-limit retries, 3 conflict retries. */
export function defaultRetryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  return {
    transient: exponentialFullJitter({ baseMs: 500, capMs: 30_000, maxRetries: 5 }),
    rateLimited: exponentialFullJitter({ baseMs: 1_000, capMs: 60_000, maxRetries: 6 }),
    conflict: exponentialFullJitter({ baseMs: 100, capMs: 1_000, maxRetries: 3 }),
    random: systemRandom,
    maxRetryAfterMs: 120_000,
    ...overrides,
  };
}

/** The provider's own wait, when it gave one (RateLimited always may; a 503 may too). */
function providerWaitMs(error: RateLimited | Transient): number | null {
  if (error instanceof RateLimited) return error.retryAfterMs;
  const fromDetails = error.details.retryAfterMs;
  return typeof fromDetails === 'number' && Number.isFinite(fromDetails) ? fromDetails : null;
}

/**
 * Decides whether the call that just failed with `error` on attempt number `attempt` (1 = the first
 * call) should be tried again, and after how long.
 */
export function decideRetry(error: unknown, attempt: number, policy: RetryPolicy): RetryDecision {
  if (!isRelanceError(error)) return { retry: false, reason: 'unclassified' };
  const context = { attempt, random: policy.random };
  if (error instanceof Conflict) {
    const delayMs = policy.conflict(context);
    return delayMs === null ? { retry: false, reason: 'conflict_retries_exhausted' } : { retry: true, delayMs, reason: 'conflict' };
  }
  if (error instanceof RateLimited || error instanceof Transient) {
    const strategy = error instanceof RateLimited ? policy.rateLimited : policy.transient;
    const backoffMs = strategy(context);
    if (backoffMs === null) return { retry: false, reason: `${error.code}_retries_exhausted` };
    const waitMs = providerWaitMs(error);
    if (waitMs === null) return { retry: true, delayMs: backoffMs, reason: `${error.code}_backoff` };
    if (waitMs > policy.maxRetryAfterMs) return { retry: false, reason: 'retry_after_too_long' };
    // The provider knows when its window reopens: its word beats our guess, even when shorter.
    return { retry: true, delayMs: Math.max(0, waitMs), reason: `${error.code}_retry_after` };
  }
  // auth, validation, not found, config, daily allowance: another try cannot succeed.
  return { retry: false, reason: `${error.code}_not_retryable` };
}
