import { describe, expect, it } from 'vitest';
import { AuthExpired, Conflict, ConfigError, InvalidInput, NotFound, RateLimited, Transient } from '../../core/errors.ts';
import { combine, constant, exponentialFullJitter, limitRetries, never } from '../../core/http/backoff.ts';
import { DailyAllowanceExhausted } from '../../core/http/errors.ts';
import { seededRandom, type Random } from '../../core/http/random.ts';
import { decideRetry, defaultRetryPolicy } from '../../core/http/retry.ts';

const top: Random = () => 0.999999;
const bottom: Random = () => 0;

describe('exponentialFullJitter', () => {
  const strategy = exponentialFullJitter({ baseMs: 100, capMs: 1000, maxRetries: 6 });

  it('grows the ceiling exponentially and caps it', () => {
    const ceilings = [1, 2, 3, 4, 5, 6].map((attempt) => strategy({ attempt, random: top }));
    expect(ceilings).toEqual([99, 199, 399, 799, 999, 999]);
  });

  it('draws the whole range [0, ceiling) (full jitter)', () => {
    expect(strategy({ attempt: 3, random: bottom })).toBe(0);
    expect(strategy({ attempt: 3, random: () => 0.5 })).toBe(200);
  });

  it('stops after maxRetries', () => {
    expect(strategy({ attempt: 7, random: top })).toBeNull();
    expect(strategy({ attempt: 0, random: top })).toBeNull();
  });

  it('is reproducible with a seeded random and spreads delays', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const first = [1, 2, 3, 4].map((attempt) => strategy({ attempt, random: a }));
    const second = [1, 2, 3, 4].map((attempt) => strategy({ attempt, random: b }));
    expect(first).toEqual(second);
    const many = Array.from({ length: 50 }, () => strategy({ attempt: 4, random: a }) ?? -1);
    expect(new Set(many).size).toBeGreaterThan(20);
    expect(Math.min(...many)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...many)).toBeLessThan(800);
  });
});

describe('composition', () => {
  it('combine takes the first strategy that answers', () => {
    const s = combine((c) => (c.attempt <= 2 ? 10 : null), constant(500, 4));
    expect([1, 2, 3, 4, 5].map((attempt) => s({ attempt, random: bottom }))).toEqual([10, 10, 500, 500, null]);
  });

  it('limitRetries caps another strategy; never never retries', () => {
    const s = limitRetries(constant(5, 10), 2);
    expect([1, 2, 3].map((attempt) => s({ attempt, random: bottom }))).toEqual([5, 5, null]);
    expect(never({ attempt: 1, random: bottom })).toBeNull();
  });
});

describe('decideRetry', () => {
  const policy = defaultRetryPolicy({
    transient: exponentialFullJitter({ baseMs: 100, capMs: 1000, maxRetries: 3 }),
    rateLimited: exponentialFullJitter({ baseMs: 1000, capMs: 8000, maxRetries: 4 }),
    conflict: constant(50, 2),
    random: () => 0.5,
    maxRetryAfterMs: 60_000,
  });

  it('retries transient failures with back-off until the strategy gives up', () => {
    const e = new Transient('503');
    expect(decideRetry(e, 1, policy)).toEqual({ retry: true, delayMs: 50, reason: 'transient_backoff' });
    expect(decideRetry(e, 3, policy)).toMatchObject({ retry: true, delayMs: 200 });
    expect(decideRetry(e, 4, policy)).toEqual({ retry: false, reason: 'transient_retries_exhausted' });
  });

  it('lets Retry-After win over the back-off for rate limits, even when shorter', () => {
    expect(decideRetry(new RateLimited('429', 7000), 1, policy)).toEqual({ retry: true, delayMs: 7000, reason: 'rate_limited_retry_after' });
    expect(decideRetry(new RateLimited('429', 10), 4, policy)).toMatchObject({ retry: true, delayMs: 10 });
    expect(decideRetry(new RateLimited('429', null), 2, policy)).toEqual({ retry: true, delayMs: 1000, reason: 'rate_limited_backoff' });
  });

  it('still counts retries when Retry-After is given', () => {
    expect(decideRetry(new RateLimited('429', 100), 5, policy)).toEqual({ retry: false, reason: 'rate_limited_retries_exhausted' });
  });

  it('does not sleep a Retry-After longer than the policy allows', () => {
    expect(decideRetry(new RateLimited('429', 3_600_000), 1, policy)).toEqual({ retry: false, reason: 'retry_after_too_long' });
  });

  it('honours a Retry-After carried by a transient error (503)', () => {
    expect(decideRetry(new Transient('503', { retryAfterMs: 2000 }), 1, policy)).toMatchObject({ retry: true, delayMs: 2000 });
  });

  it('retries conflicts a small number of times', () => {
    const e = new Conflict('stale SyncToken');
    expect(decideRetry(e, 1, policy)).toEqual({ retry: true, delayMs: 50, reason: 'conflict' });
    expect(decideRetry(e, 3, policy)).toEqual({ retry: false, reason: 'conflict_retries_exhausted' });
  });

  it.each([
    new AuthExpired('401'),
    new InvalidInput('400'),
    new NotFound('404'),
    new ConfigError('403'),
    new DailyAllowanceExhausted('day', new Date('2026-03-01T00:00:00Z')),
  ])('never retries %s', (error) => {
    expect(decideRetry(error, 1, policy)).toMatchObject({ retry: false });
  });

  it('never retries an error it cannot classify (a bug is not transient)', () => {
    expect(decideRetry(new TypeError('x is undefined'), 1, policy)).toEqual({ retry: false, reason: 'unclassified' });
  });
});
