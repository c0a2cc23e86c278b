import { afterEach, describe, expect, it } from 'vitest';
import { DailyAllowanceExhausted } from '../../core/http/errors.ts';
import { AccountLimiter, LimiterRegistry, accountKey, limiterSettings, type Clock } from '../../core/http/limiter.ts';
import { defineProfile, type HttpProfileInput } from '../../core/http/profile.ts';

const DAY = 86_400_000;
const profile = (limits: HttpProfileInput['limits'], limitHeaders: HttpProfileInput['limitHeaders'] = {}) =>
  defineProfile({ provider: 'acme', baseUrl: 'https://api.example.test', limits, limitHeaders, paging: { style: 'cursor', pageSize: 100 } });

/** Virtual time: sleeping advances the clock at once, and every sleep is recorded. */
function virtualClock(start = Date.parse('2026-03-02T10:00:00Z')): Clock & { sleeps: number[]; advance(ms: number): void } {
  let t = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    sleep: async (ms) => {
      sleeps.push(ms);
      t += ms;
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

const limiters: AccountLimiter[] = [];
function make(p: ReturnType<typeof profile>, clock?: Clock): AccountLimiter {
  const l = new AccountLimiter('acme:1', p, clock);
  limiters.push(l);
  return l;
}
afterEach(async () => {
  await Promise.all(limiters.splice(0).map((l) => l.stop()));
});

describe('limiterSettings from published limits', () => {
  it.each([
    ['QuickBooks 500/min, 10 concurrent', { concurrent: 10, windows: [{ requests: 500, perMs: 60_000 }] }, { maxConcurrent: 10, minTime: 134 }],
    ['Xero 60/min + 5000/day, 5 concurrent', { concurrent: 5, windows: [{ requests: 60, perMs: 60_000 }, { requests: 5000, perMs: DAY }] }, { maxConcurrent: 5, minTime: 1112 }],
    ['HubSpot 100 per 10 s', { concurrent: 10, windows: [{ requests: 100, perMs: 10_000 }] }, { maxConcurrent: 10, minTime: 112 }],
    ['HubSpot 190 per 10 s', { concurrent: 10, windows: [{ requests: 190, perMs: 10_000 }] }, { maxConcurrent: 10, minTime: 59 }],
  ])('%s aims under the limit', (_name, limits, expected) => {
    expect(limiterSettings(profile(limits))).toEqual(expected);
  });

  it('takes the tightest spacing of several short windows', () => {
    const p = profile({ concurrent: 2, windows: [{ requests: 100, perMs: 10_000 }, { requests: 300, perMs: 60_000 }], headroom: 1 });
    expect(limiterSettings(p).minTime).toBe(200);
  });
});

describe('AccountLimiter', () => {
  it('in steady state never exceeds the window, even a rolling one', async () => {
    const limiter = make(profile({ concurrent: 3, windows: [{ requests: 10, perMs: 200 }] }));
    const starts: number[] = [];
    await Promise.all(Array.from({ length: 25 }, () => limiter.schedule(async () => void starts.push(performance.now()))));
    const worst = Math.max(...starts.map((s) => starts.filter((t) => t >= s && t < s + 200).length));
    expect(starts).toHaveLength(25);
    expect(worst).toBeLessThanOrEqual(10);
  });

  it('never runs more calls at once than the concurrency limit', async () => {
    const limiter = make(profile({ concurrent: 2, windows: [{ requests: 1000, perMs: 1000 }], headroom: 1 }));
    let running = 0;
    let peak = 0;
    const call = async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 15));
      running--;
    };
    await Promise.all(Array.from({ length: 8 }, () => limiter.schedule(call)));
    expect(peak).toBe(2);
  });

  it('a pause (a 429 Retry-After) holds every later call of the account', async () => {
    const clock = virtualClock();
    const limiter = make(profile({ concurrent: 5, windows: [{ requests: 1000, perMs: 1000 }] }), clock);
    const t0 = clock.now();
    limiter.pauseFor(30_000);
    const startedAt = await Promise.all([1, 2].map(() => limiter.schedule(async () => clock.now())));
    for (const t of startedAt) expect(t).toBeGreaterThanOrEqual(t0 + 30_000);
    // A shorter pause never shortens a longer one.
    limiter.pauseFor(60_000);
    limiter.pauseFor(1_000);
    const later = await limiter.schedule(async () => clock.now());
    expect(later).toBeGreaterThanOrEqual(startedAt[0]! + 60_000);
  });

  it('a limit header at zero pauses for the interval the provider gives', async () => {
    const clock = virtualClock();
    const limiter = make(
      profile({ concurrent: 5, windows: [{ requests: 100, perMs: 10_000 }] }, { remaining: 'X-HubSpot-RateLimit-Remaining', intervalMs: 'X-HubSpot-RateLimit-Interval-Milliseconds' }),
      clock,
    );
    limiter.observe({ 'x-hubspot-ratelimit-remaining': '5', 'x-hubspot-ratelimit-interval-milliseconds': '10000' });
    await limiter.schedule(async () => undefined);
    expect(clock.sleeps).toEqual([]);
    limiter.observe({ 'x-hubspot-ratelimit-remaining': '0', 'x-hubspot-ratelimit-interval-milliseconds': '10000' });
    await limiter.schedule(async () => undefined);
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBe(10_000);
  });

  it('counts the daily allowance and stops cleanly before the cap, with the reset time', async () => {
    const clock = virtualClock();
    const limiter = make(profile({ concurrent: 5, windows: [{ requests: 1000, perMs: 1000 }, { requests: 10, perMs: DAY }], headroom: 0.8 }), clock);
    const start = clock.now();
    for (let i = 0; i < 8; i++) await limiter.schedule(async () => i);
    expect(limiter.allowance()).toEqual({ limit: 8, remaining: 0, resetAt: new Date(start + DAY) });
    let called = false;
    const refused = limiter.schedule(async () => (called = true));
    await expect(refused).rejects.toBeInstanceOf(DailyAllowanceExhausted);
    await expect(refused).rejects.toMatchObject({ resetAt: new Date(start + DAY) });
    expect(called).toBe(false);
    clock.advance(DAY);
    await expect(limiter.schedule(async () => 'tomorrow')).resolves.toBe('tomorrow');
  });

  it('the provider’s daily remaining header tightens our count (other processes spend it too)', async () => {
    const clock = virtualClock();
    const limiter = make(
      profile({ concurrent: 5, windows: [{ requests: 60, perMs: 60_000 }, { requests: 5000, perMs: DAY }] }, { dailyRemaining: 'X-DayLimit-Remaining' }),
      clock,
    );
    expect(limiter.allowance()?.remaining).toBe(4500);
    limiter.observe({ 'x-daylimit-remaining': '600' });
    expect(limiter.allowance()?.remaining).toBe(100);
    limiter.observe({ 'x-daylimit-remaining': '4999' });
    expect(limiter.allowance()?.remaining).toBe(100);
  });

  it('has no allowance when the profile publishes no long window', () => {
    expect(make(profile({ concurrent: 1, windows: [{ requests: 5, perMs: 1000 }] })).allowance()).toBeNull();
  });
});

describe('LimiterRegistry', () => {
  it('keeps one limiter per provider account', async () => {
    const registry = new LimiterRegistry();
    const p = profile({ concurrent: 10, windows: [{ requests: 500, perMs: 60_000 }] });
    const a = registry.forAccount(accountKey('quickbooks', '9130'), p);
    expect(a.key).toBe('quickbooks:9130');
    expect(registry.forAccount('quickbooks:9130', p)).toBe(a);
    expect(registry.forAccount('quickbooks:9131', p)).not.toBe(a);
    await registry.stopAll();
  });
});
