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

/**
 * Virtual time that passes only when everything else waits: a sleep wakes on a later macrotask,
 * after every call started at the same instant has answered (as in real time, where calls that
 * start together end before the next window opens).
 */
function timedClock(start = Date.parse('2026-03-02T10:00:00Z')): Clock & { advance(ms: number): void } {
  let t = start;
  const wakes: { at: number; resolve: () => void }[] = [];
  let scheduled = false;
  const tick = () => {
    scheduled = false;
    wakes.sort((a, b) => a.at - b.at);
    const wake = wakes.shift();
    if (!wake) return;
    t = Math.max(t, wake.at);
    wake.resolve();
    if (wakes.length > 0) schedule();
  };
  const schedule = () => {
    if (!scheduled) {
      scheduled = true;
      setImmediate(tick);
    }
  };
  return {
    now: () => t,
    sleep: (ms) => new Promise<void>((resolve) => {
      wakes.push({ at: t + ms, resolve });
      schedule();
    }),
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
    ['QuickBooks 500/min and 10/s, 10 concurrent', { concurrent: 10, windows: [{ requests: 500, perMs: 60_000 }, { requests: 10, perMs: 1_000 }] }, { maxConcurrent: 10, windows: [{ limit: 500, perMs: 60_000 }, { limit: 10, perMs: 1_000 }] }],
    ['Xero 60/min + 5000/day, 5 concurrent', { concurrent: 5, windows: [{ requests: 60, perMs: 60_000 }, { requests: 5000, perMs: DAY }] }, { maxConcurrent: 5, windows: [{ limit: 60, perMs: 60_000 }] }],
    ['HubSpot 100 per 10 s', { concurrent: 10, windows: [{ requests: 100, perMs: 10_000 }] }, { maxConcurrent: 10, windows: [{ limit: 100, perMs: 10_000 }] }],
  ])('%s: each short window spent to its published limit, long ones left to the allowance', (_name, limits, expected) => {
    expect(limiterSettings(profile(limits))).toEqual(expected);
  });
});

/** Runs `n` instant calls through the limiter and returns when each started. */
async function startTimes(limiter: AccountLimiter, clock: Clock, n: number): Promise<number[]> {
  return Promise.all(Array.from({ length: n }, () => limiter.schedule(async () => clock.now())));
}

/** The most calls any rolling window of `perMs` holds (a call counts for `perMs` from its start). */
function busiest(starts: number[], perMs: number): number {
  return Math.max(0, ...starts.map((s) => starts.filter((t) => t >= s && t < s + perMs).length));
}

describe('rolling windows spent as the provider allows (16.3)', () => {
  it('bursts a whole window at once, then waits for the oldest call to leave it', async () => {
    const clock = timedClock();
    const t0 = clock.now();
    const limiter = make(profile({ concurrent: 10, windows: [{ requests: 10, perMs: 1_000 }, { requests: 500, perMs: 60_000 }] }), clock);
    const starts = await startTimes(limiter, clock, 25);
    expect(starts.slice(0, 10)).toEqual(Array(10).fill(t0));
    expect(starts.slice(10, 20)).toEqual(Array(10).fill(t0 + 1_000));
    expect(starts.slice(20)).toEqual(Array(5).fill(t0 + 2_000));
    expect(busiest(starts, 1_000)).toBe(10);
  });

  it('QuickBooks: 600 calls meet 10/s and 500/min, and the 501st waits for the first to leave the minute', async () => {
    const clock = timedClock();
    const t0 = clock.now();
    const limiter = make(profile({ concurrent: 10, windows: [{ requests: 500, perMs: 60_000 }, { requests: 10, perMs: 1_000 }] }), clock);
    const starts = await startTimes(limiter, clock, 600);
    expect(busiest(starts, 1_000)).toBeLessThanOrEqual(10);
    expect(busiest(starts, 60_000)).toBeLessThanOrEqual(500);
    expect(starts[499]).toBe(t0 + 49_000);
    expect(starts[500]).toBe(t0 + 60_000);
  });

  it('a call holds its slot until its answer came plus the window: a slow answer delays the next burst', async () => {
    const clock = timedClock();
    const t0 = clock.now();
    const limiter = make(profile({ concurrent: 5, windows: [{ requests: 2, perMs: 1_000 }] }), clock);
    const first = limiter.schedule(async (slot) => {
      clock.advance(300);
      slot.answered();
      clock.advance(200); // reading the body does not hold the window
      return clock.now();
    });
    const [a, b, c] = await Promise.all([first, limiter.schedule(async () => clock.now()), limiter.schedule(async () => clock.now())]);
    expect(a).toBe(t0 + 500);
    expect(b).toBe(t0 + 500);
    // The third waits for the second's hold (answered at t0 + 500) or the first's (t0 + 300) to end.
    expect(c).toBe(t0 + 1_300);
  });

  it('a 429 slows every window by a fifth (a burst of them counts once), and it climbs back once windows pass without one', async () => {
    const clock = timedClock();
    const limiter = make(profile({ concurrent: 10, windows: [{ requests: 100, perMs: 10_000 }] }), clock);
    limiter.rateLimited();
    limiter.rateLimited();
    expect(limiter.windowState()[0]).toMatchObject({ published: 100, limit: 80 });
    const starts = await startTimes(limiter, clock, 80 + 1);
    expect(busiest(starts, 10_000)).toBeLessThanOrEqual(80);
    clock.advance(10_000);
    limiter.rateLimited();
    expect(limiter.windowState()[0]!.limit).toBeLessThan(80);
    clock.advance(60_000);
    expect(limiter.windowState()[0]!.limit).toBe(100);
  });

  it('a call the provider refused (429) holds no slot: it did not count there', async () => {
    const clock = timedClock();
    const t0 = clock.now();
    const limiter = make(profile({ concurrent: 5, windows: [{ requests: 2, perMs: 1_000 }] }), clock);
    await expect(limiter.schedule(async (slot) => {
      slot.refused();
      throw new Error('429');
    })).rejects.toThrow('429');
    const starts = await startTimes(limiter, clock, 2);
    expect(starts).toEqual([t0, t0]);
  });
});

describe('contradictory or hostile limit headers stay within the published limits', () => {
  const hubspotHeaders = {
    remaining: 'X-HubSpot-RateLimit-Remaining', max: 'X-HubSpot-RateLimit-Max', intervalMs: 'X-HubSpot-RateLimit-Interval-Milliseconds',
  };

  it('a Retry-After far larger than any window pauses for the longest window, not an hour', async () => {
    const clock = timedClock();
    const t0 = clock.now();
    const limiter = make(profile({ concurrent: 10, windows: [{ requests: 500, perMs: 60_000 }, { requests: 10, perMs: 1_000 }] }), clock);
    limiter.pauseFor(3_600_000);
    limiter.pauseFor(Number.POSITIVE_INFINITY);
    limiter.pauseFor(-5_000);
    const starts = await startTimes(limiter, clock, 20);
    expect(starts[0]).toBe(t0 + 60_000);
    expect(busiest(starts, 1_000)).toBeLessThanOrEqual(10);
  });

  it('a negative remaining counts as none left: calls wait for the window, never go over it', async () => {
    const clock = timedClock();
    const t0 = clock.now();
    const limiter = make(profile({ concurrent: 10, windows: [{ requests: 100, perMs: 10_000 }] }, hubspotHeaders), clock);
    limiter.observe({ 'x-hubspot-ratelimit-remaining': '-7', 'x-hubspot-ratelimit-interval-milliseconds': '10000' });
    const starts = await startTimes(limiter, clock, 150);
    expect(starts[0]).toBe(t0 + 10_000);
    expect(busiest(starts, 10_000)).toBeLessThanOrEqual(100);
    expect(limiter.windowState()[0]).toMatchObject({ published: 100, limit: 100 });
  });

  it('a remaining or a max above the published limit raises nothing; a lower max lowers it', async () => {
    const clock = timedClock();
    const limiter = make(profile({ concurrent: 10, windows: [{ requests: 100, perMs: 10_000 }] }, hubspotHeaders), clock);
    limiter.observe({ 'x-hubspot-ratelimit-remaining': '5000', 'x-hubspot-ratelimit-max': '190', 'x-hubspot-ratelimit-interval-milliseconds': '10000' });
    expect(limiter.windowState()[0]).toMatchObject({ published: 100, limit: 100, used: 0 });
    const burst = await startTimes(limiter, clock, 120);
    expect(busiest(burst, 10_000)).toBeLessThanOrEqual(100);
    clock.advance(10_000);
    limiter.observe({ 'x-hubspot-ratelimit-max': '50', 'x-hubspot-ratelimit-interval-milliseconds': '10000' });
    expect(limiter.windowState()[0]).toMatchObject({ published: 50, limit: 50 });
    const lower = await startTimes(limiter, clock, 120);
    expect(busiest(lower, 10_000)).toBeLessThanOrEqual(50);
  });

  it('X-MinLimit-Remaining (Xero) counts what other processes spent of the minute', async () => {
    const clock = timedClock();
    const t0 = clock.now();
    const limiter = make(profile({ concurrent: 5, windows: [{ requests: 60, perMs: 60_000 }, { requests: 5000, perMs: DAY }] }, { remaining: 'X-MinLimit-Remaining' }), clock);
    limiter.observe({ 'x-minlimit-remaining': '3' });
    const starts = await startTimes(limiter, clock, 5);
    expect(starts.slice(0, 3)).toEqual(Array(3).fill(t0));
    expect(starts[3]).toBe(t0 + 60_000);
  });

  it('garbage in the headers is ignored', async () => {
    const clock = timedClock();
    const limiter = make(profile({ concurrent: 10, windows: [{ requests: 100, perMs: 10_000 }] }, hubspotHeaders), clock);
    limiter.observe({ 'x-hubspot-ratelimit-remaining': 'lots', 'x-hubspot-ratelimit-max': '1e9', 'x-hubspot-ratelimit-interval-milliseconds': 'NaN' });
    expect(limiter.windowState()[0]).toMatchObject({ published: 100, limit: 100, used: 0 });
  });
});

describe('AccountLimiter', () => {
  it('in steady state never exceeds the window, even a rolling one', async () => {
    const limiter = make(profile({ concurrent: 3, windows: [{ requests: 10, perMs: 200 }] }));
    const starts: number[] = [];
    // Measured on the limiter's own clock (Date.now, whole milliseconds): on performance.now a start
    // in the same millisecond could read up to 1 ms early, and CI saw 199.x ms between two windows.
    await Promise.all(Array.from({ length: 25 }, () => limiter.schedule(async () => void starts.push(Date.now()))));
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
    const limiter = make(profile({ concurrent: 5, windows: [{ requests: 1000, perMs: 60_000 }] }), clock);
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
