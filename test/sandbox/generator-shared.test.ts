import { describe, expect, it } from 'vitest';
import type { LimitRule } from '../../sandbox/shared/contract.ts';
import { FaultInjector } from '../../sandbox/shared/faults.ts';
import { RateLimiter } from '../../sandbox/shared/rate-limit.ts';
import { SeededRandom } from '../../sandbox/shared/seeded-random.ts';

function clock(start = 1_000_000): { now: () => number; advance(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

const QBO_LIKE: LimitRule[] = [
  { name: 'minute', kind: 'window', limit: 5, windowMs: 60_000 },
  { name: 'concurrent', kind: 'concurrent', limit: 2 },
];

describe('RateLimiter', () => {
  it('refuses the request past a window limit with the seconds until a slot frees', () => {
    const c = clock();
    const limiter = new RateLimiter([{ name: 'minute', kind: 'window', limit: 3, windowMs: 60_000 }], {}, c.now);
    for (let i = 0; i < 3; i++) {
      const a = limiter.acquire('realm-1');
      expect(a.ok).toBe(true);
      c.advance(10_000);
    }
    const refused = limiter.acquire('realm-1');
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.rule.name).toBe('minute');
    // first request at t0, now t0 + 30 s: it leaves the window in 30 s.
    expect(refused.retryAfterSeconds).toBe(30);
    expect(refused.state[0]).toMatchObject({ used: 3, remaining: 0, resetMs: 30_000 });
    // other accounts are not affected
    expect(limiter.acquire('realm-2').ok).toBe(true);
  });

  it('rolls: a slot frees exactly when the oldest request leaves the window, refusals do not count', () => {
    const c = clock();
    const limiter = new RateLimiter([{ name: 'ten', kind: 'window', limit: 2, windowMs: 10_000 }], {}, c.now);
    expect(limiter.acquire('p').ok).toBe(true);
    c.advance(4_000);
    expect(limiter.acquire('p').ok).toBe(true);
    c.advance(5_999);
    expect(limiter.acquire('p').ok).toBe(false);
    expect(limiter.acquire('p').ok).toBe(false);
    c.advance(1);
    const a = limiter.acquire('p');
    expect(a.ok).toBe(true);
    expect(a.state[0]).toMatchObject({ used: 2, remaining: 0, resetMs: 4_000 });
    expect(limiter.acquire('p').ok).toBe(false);
  });

  it('holds a concurrency slot until release, and release is idempotent', () => {
    const limiter = new RateLimiter(QBO_LIKE, {}, clock().now);
    const first = limiter.acquire('r');
    const second = limiter.acquire('r');
    expect(first.ok && second.ok).toBe(true);
    const third = limiter.acquire('r');
    expect(third.ok).toBe(false);
    if (!third.ok) {
      expect(third.rule.name).toBe('concurrent');
      expect(third.retryAfterSeconds).toBe(1);
    }
    if (first.ok) {
      first.release();
      first.release();
    }
    const fourth = limiter.acquire('r');
    expect(fourth.ok).toBe(true);
    // Released twice, freed once: still full.
    expect(limiter.acquire('r').ok).toBe(false);
    // The refused concurrent request did not use a window slot: 3 admitted so far.
    expect(limiter.peek('r')[0]).toMatchObject({ used: 3, remaining: 2 });
  });

  it('enforces a daily cap next to a shorter window and resets it after a day', () => {
    const c = clock();
    const day = 86_400_000;
    const limiter = new RateLimiter(
      [
        { name: 'minute', kind: 'window', limit: 60, windowMs: 60_000 },
        { name: 'day', kind: 'window', limit: 100, windowMs: day },
      ],
      {},
      c.now,
    );
    let admitted = 0;
    for (let minute = 0; minute < 3; minute++) {
      for (let i = 0; i < 60; i++) if (limiter.acquire('t').ok) admitted++;
      c.advance(60_000);
    }
    expect(admitted).toBe(100);
    const refused = limiter.acquire('t');
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.rule.name).toBe('day');
      expect(refused.retryAfterSeconds).toBe(day / 1000 - 180);
    }
    c.advance(day);
    const after = limiter.acquire('t');
    expect(after.ok).toBe(true);
    expect(after.state.find((s) => s.rule.name === 'day')).toMatchObject({ used: 1, remaining: 99 });
  });

  it('admits everything when limits are off', () => {
    const limiter = new RateLimiter(QBO_LIKE, false, clock().now);
    for (let i = 0; i < 1000; i++) expect(limiter.acquire('r').ok).toBe(true);
    expect(limiter.activeRules).toHaveLength(0);
  });

  it('applies overrides by rule name, leaving other rules alone', () => {
    const c = clock();
    const limiter = new RateLimiter(QBO_LIKE, { overrides: { minute: { limit: 2, windowMs: 1_000 } } }, c.now);
    expect(limiter.activeRules[0]).toEqual({ name: 'minute', kind: 'window', limit: 2, windowMs: 1_000 });
    expect(limiter.activeRules[1]).toEqual(QBO_LIKE[1]);
    const a = limiter.acquire('r');
    const b = limiter.acquire('r');
    if (a.ok) a.release();
    if (b.ok) b.release();
    expect(limiter.acquire('r').ok).toBe(false);
    c.advance(1_000);
    expect(limiter.acquire('r').ok).toBe(true);
  });

  it('stays cheap over many requests (the window queue compacts)', () => {
    const c = clock();
    const limiter = new RateLimiter([{ name: 's', kind: 'window', limit: 1000, windowMs: 1_000 }], {}, c.now);
    let ok = 0;
    for (let i = 0; i < 200_000; i++) {
      if (limiter.acquire('r').ok) ok++;
      c.advance(1);
    }
    // one per millisecond never exceeds 1000 per second
    expect(ok).toBe(200_000);
    // the clock has moved 1 ms past the last request: the oldest of the last 1000 has just left
    expect(limiter.peek('r')[0]!.used).toBe(999);
  });
});

describe('FaultInjector', () => {
  it('hits as many requests as its count, then clears itself', () => {
    const f = new FaultInjector();
    f.inject({ kind: 'server_error', count: 2 });
    expect(f.take('/v3/company/1/query')?.kind).toBe('server_error');
    expect(f.take('/v3/company/1/query')?.kind).toBe('server_error');
    expect(f.take('/v3/company/1/query')).toBeNull();
  });

  it('only hits paths under its prefix', () => {
    const f = new FaultInjector();
    f.inject({ kind: 'timeout', pathPrefix: '/api.xro/2.0/Invoices', count: 1 });
    expect(f.take('/api.xro/2.0/Contacts')).toBeNull();
    expect(f.take('/api.xro/2.0/Invoices/abc')?.kind).toBe('timeout');
    expect(f.take('/api.xro/2.0/Invoices/abc')).toBeNull();
  });

  it('keeps a fault without count until cleared, and tries faults in order', () => {
    const f = new FaultInjector();
    f.inject({ kind: 'token_expired', pathPrefix: '/crm' });
    f.inject({ kind: 'rate_limit_storm' });
    for (let i = 0; i < 5; i++) expect(f.take('/crm/v3/objects/companies')?.kind).toBe('token_expired');
    expect(f.take('/oauth/v1/token')?.kind).toBe('rate_limit_storm');
    expect(f.list()).toHaveLength(2);
    f.clear();
    expect(f.take('/crm/v3/objects/companies')).toBeNull();
    expect(f.list()).toEqual([]);
  });

  it('refuses a count that is not a positive integer', () => {
    expect(() => new FaultInjector().inject({ kind: 'server_error', count: 0 })).toThrow(RangeError);
  });
});

describe('SeededRandom', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    const draw = (seed: number): number[] => {
      const r = new SeededRandom(seed);
      return Array.from({ length: 20 }, () => r.uint32());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(0)).not.toEqual(draw(1));
  });

  it('keeps int, pick and chance within their ranges and roughly uniform', () => {
    const r = new SeededRandom(7);
    const counts = [0, 0, 0, 0, 0, 0];
    for (let i = 0; i < 60_000; i++) counts[r.int(1, 6) - 1]!++;
    for (const c of counts) {
      expect(c).toBeGreaterThan(9_000);
      expect(c).toBeLessThan(11_000);
    }
    const items = ['a', 'b', 'c'] as const;
    for (let i = 0; i < 100; i++) expect(items).toContain(r.pick(items));
    let yes = 0;
    for (let i = 0; i < 10_000; i++) if (r.chance(0.25)) yes++;
    expect(yes).toBeGreaterThan(2_200);
    expect(yes).toBeLessThan(2_800);
    expect(() => r.int(3, 2)).toThrow(RangeError);
  });

  it('draws normals with about the asked mean and deviation, and weights as asked', () => {
    const r = new SeededRandom(11);
    const xs = Array.from({ length: 20_000 }, () => r.normal(10, 2));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
    expect(mean).toBeCloseTo(10, 1);
    expect(sd).toBeGreaterThan(1.9);
    expect(sd).toBeLessThan(2.1);
    let a = 0;
    for (let i = 0; i < 10_000; i++) if (r.weighted([['a', 3], ['b', 1]] as const) === 'a') a++;
    expect(a).toBeGreaterThan(7_200);
    expect(a).toBeLessThan(7_800);
    for (let i = 0; i < 100; i++) {
      const n = r.normalInt(10, 5, 1, 12);
      expect(n).toBeGreaterThanOrEqual(1);
      expect(n).toBeLessThanOrEqual(12);
    }
  });

  it('derives independent, reproducible streams by label', () => {
    expect(SeededRandom.derive(1, 'xero').uint32()).toBe(SeededRandom.derive(1, 'xero').uint32());
    expect(SeededRandom.derive(1, 'xero').uint32()).not.toBe(SeededRandom.derive(1, 'quickbooks').uint32());
    expect(SeededRandom.derive(2 ** 32 + 1, 'xero').uint32()).not.toBe(SeededRandom.derive(1, 'xero').uint32());
    expect(SeededRandom.derive(-1, 'xero').uint32()).not.toBe(SeededRandom.derive(2 ** 32 - 1, 'xero').uint32());
  });
});
