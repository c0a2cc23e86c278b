/**
 * One limiter per provider account (`quickbooks:<realmId>`, `xero:<tenantId>`, `hubspot:<portalId>`),
 * built from the profile's published limits (issue 16.3). Short windows are rolling windows spent as
 * the provider allows: a burst up to the window's limit, then a wait until the oldest call leaves
 * the window — not calls spaced evenly, which left a tenth to a half of each window unused. A call
 * holds its slot from dispatch until its answer arrived plus the window's length: the provider
 * counted it somewhere in between, so the limiter can never count it out earlier than the provider
 * does. It also honours the concurrency cap, `Retry-After` (a pause of the whole account, bounded by
 * the longest short window: a rolling window is fresh again after its length), the limit headers
 * (`X-MinLimit-Remaining`, `X-HubSpot-RateLimit-*`, `X-Rate-Limit-*`: what other processes spent
 * counts as spent here), and slows itself on a 429 (each short window's limit drops by a fifth, and
 * climbs back a tenth per window without one). Windows of an hour or more (Xero's 5000/day) are
 * counted as an allowance the caller can check to stop cleanly before the cap.
 *
 * Written here rather than on bottleneck (used before): its reservoir refreshes at fixed intervals,
 * not rolling ones, and its `minTime` only spaces calls evenly — neither spends a rolling window.
 */
import { DailyAllowanceExhausted } from './errors.ts';
import type { HttpProfile, RateWindow } from './profile.ts';

/** Windows at least this long are allowances: spacing calls over a day would make no sense. */
export const ALLOWANCE_WINDOW_MS = 60 * 60 * 1000;

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** The key of one provider account's limiter. */
export function accountKey(provider: string, accountId: string): string {
  return `${provider}:${accountId}`;
}

function allowed(window: RateWindow, headroom: number): number {
  return Math.max(1, Math.floor(window.requests * headroom));
}

/** What a profile's limits give the limiter: the concurrency cap and each short window, spent in full. */
export function limiterSettings(profile: HttpProfile): { maxConcurrent: number; windows: { limit: number; perMs: number }[] } {
  const { concurrent, windows } = profile.limits;
  return {
    maxConcurrent: concurrent,
    // Short windows are spent to the published limit: the limiter cannot count a call out before the
    // provider does (see RollingWindow), so no headroom is needed to stay under it.
    windows: windows.filter((w) => w.perMs < ALLOWANCE_WINDOW_MS).map((w) => ({ limit: w.requests, perMs: w.perMs })),
  };
}

export interface AllowanceState {
  limit: number;
  remaining: number;
  resetAt: Date;
}

/** A counted long window; rolling from its first call, since we cannot see the provider's clock. */
class Allowance {
  private used = 0;
  private windowStart: number | null = null;

  constructor(
    readonly limit: number,
    readonly published: number,
    readonly perMs: number,
  ) {}

  private roll(now: number): void {
    if (this.windowStart === null || now >= this.windowStart + this.perMs) {
      this.windowStart = now;
      this.used = 0;
    }
  }

  state(now: number): AllowanceState {
    this.roll(now);
    return { limit: this.limit, remaining: Math.max(0, this.limit - this.used), resetAt: new Date((this.windowStart ?? now) + this.perMs) };
  }

  take(now: number): void {
    this.roll(now);
    this.used += 1;
  }

  /** The provider's count beats ours: other processes spend the same allowance. */
  observeRemaining(remaining: number, now: number): void {
    this.roll(now);
    this.used = Math.max(this.used, this.published - Math.max(0, remaining));
  }
}

/** One call's hold on a window: until its answer came plus the window (Infinity while in flight). */
interface Hold {
  end: number;
}

/**
 * One short rolling window: at most `limit` holds whose end is after now. `limit` starts at the
 * published figure, drops on a 429 and recovers; it never rises above what was published.
 */
export class RollingWindow {
  private holds: Hold[] = [];
  limit: number;
  private cleanSince: number;
  private slowedAt: number | null = null;

  constructor(
    public published: number,
    readonly perMs: number,
    now: number,
  ) {
    this.limit = published;
    this.cleanSince = now;
  }

  private prune(now: number): void {
    if (this.holds.length > 0 && this.holds.some((h) => h.end <= now)) this.holds = this.holds.filter((h) => h.end > now);
  }

  used(now: number): number {
    this.prune(now);
    return this.holds.length;
  }

  /**
   * When the next call may start: now when a slot is free, else when enough holds end — Infinity
   * when that waits on calls still in flight (their answer frees it).
   */
  nextFree(now: number): number {
    this.recover(now);
    this.prune(now);
    const over = this.holds.length - this.limit;
    if (over < 0) return now;
    const ends = this.holds.map((h) => h.end).sort((a, b) => a - b);
    return ends[over]!;
  }

  take(): Hold {
    const hold = { end: Infinity };
    this.holds.push(hold);
    return hold;
  }

  /** The provider refused the call (a 429): it did not count there, so it does not count here. */
  release(hold: Hold): void {
    const i = this.holds.indexOf(hold);
    if (i >= 0) this.holds.splice(i, 1);
  }

  /**
   * The provider says `remaining` calls are left in this window (other processes spend it too):
   * holds of unknown calls are added until ours and theirs make `published - remaining`. A negative
   * remaining counts as none left; one above the published limit adds nothing.
   */
  observeRemaining(remaining: number, now: number): void {
    this.prune(now);
    const spent = Math.min(this.published, this.published - Math.max(0, Math.min(remaining, this.published)));
    for (let n = this.holds.length; n < spent; n++) this.holds.push({ end: now + this.perMs });
  }

  /** A header announced a lower limit (`X-HubSpot-RateLimit-Max`): never a higher one. */
  lowerPublished(max: number): void {
    if (max >= 1 && max < this.published) {
      this.published = max;
      this.limit = Math.min(this.limit, max);
    }
  }

  /** A 429: a fifth less, at least one — once per window, so a burst of 429s is one signal, not several. */
  slowDown(now: number): void {
    if (this.slowedAt !== null && now - this.slowedAt < this.perMs) return;
    this.slowedAt = now;
    this.limit = Math.max(1, Math.floor(this.limit * 0.8));
    this.cleanSince = now;
  }

  /** A tenth of the published limit back for each whole window without a 429. */
  private recover(now: number): void {
    if (this.limit >= this.published) return;
    const windows = Math.floor((now - this.cleanSince) / this.perMs);
    if (windows <= 0) return;
    this.limit = Math.min(this.published, this.limit + windows * Math.max(1, Math.ceil(this.published / 10)));
    this.cleanSince += windows * this.perMs;
  }
}

interface Waiting {
  run: () => void;
  reject: (error: unknown) => void;
}

/** The limiter of one provider account. */
export class AccountLimiter {
  private readonly windows: RollingWindow[];
  private readonly allowances: Allowance[];
  private readonly maxConcurrent: number;
  private readonly longestWindowMs: number;
  private pausedUntil = 0;
  private exhaustedUntil = 0;
  private inFlight = 0;
  private readonly queue: Waiting[] = [];
  private timer: { until: number } | null = null;
  private stopped = false;
  private readonly idle = new Set<() => void>();

  constructor(
    readonly key: string,
    readonly profile: HttpProfile,
    private readonly clock: Clock = systemClock,
  ) {
    const settings = limiterSettings(profile);
    const now = clock.now();
    this.maxConcurrent = settings.maxConcurrent;
    this.windows = settings.windows.map((w) => new RollingWindow(w.limit, w.perMs, now));
    this.longestWindowMs = Math.max(1_000, ...settings.windows.map((w) => w.perMs));
    const { windows, headroom } = profile.limits;
    this.allowances = windows
      .filter((w) => w.perMs >= ALLOWANCE_WINDOW_MS)
      .map((w) => new Allowance(allowed(w, headroom), w.requests, w.perMs));
  }

  /** What is left of the tightest long-window allowance, or null when the profile has none. */
  allowance(): AllowanceState | null {
    const now = this.clock.now();
    const states = this.allowances.map((a) => a.state(now));
    if (now < this.exhaustedUntil) {
      return { limit: states[0]?.limit ?? 0, remaining: 0, resetAt: new Date(this.exhaustedUntil) };
    }
    if (states.length === 0) return null;
    return states.reduce((tightest, s) => (s.remaining < tightest.remaining ? s : tightest));
  }

  /** Each short window's limit in force and its calls counted now (for tests and logs). */
  windowState(): { perMs: number; published: number; limit: number; used: number }[] {
    const now = this.clock.now();
    return this.windows.map((w) => {
      w.nextFree(now); // brings a slowed limit back up to date
      return { perMs: w.perMs, published: w.published, limit: w.limit, used: w.used(now) };
    });
  }

  /**
   * The provider said the daily allowance is spent (Xero `X-Rate-Limit-Problem: day`, HubSpot
   * `DAILY`): refuse every call of this account until `resetAt`, not just the one that was told.
   */
  markExhausted(resetAt: Date): void {
    this.exhaustedUntil = Math.max(this.exhaustedUntil, resetAt.getTime());
  }

  /**
   * Holds every call of this account until `ms` from now (a 429's `Retry-After`). Bounded by the
   * longest short window: after it every rolling window is fresh, so a longer wait is not needed to
   * stay within the published limits (a day's allowance spent is `markExhausted`, not a pause).
   */
  pauseFor(ms: number): void {
    const wait = Math.min(this.longestWindowMs, Number.isFinite(ms) ? Math.max(0, ms) : this.longestWindowMs);
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + wait);
    this.pump();
  }

  /** A 429 came back: every short window slows by a fifth (it recovers while no 429 follows). */
  rateLimited(): void {
    const now = this.clock.now();
    for (const w of this.windows) w.slowDown(now);
  }

  /** Reads the limit headers of a response and tightens the limiter when the provider says so. */
  observe(headers: Record<string, string>): void {
    const names = this.profile.limitHeaders;
    const now = this.clock.now();
    const interval = readInt(headers, names.intervalMs) ?? readInt(headers, 'x-rate-limit-interval-milliseconds');
    const target = this.windowFor(interval);
    const max = readInt(headers, names.max) ?? readInt(headers, 'x-rate-limit-limit');
    if (target && max !== null) target.lowerPublished(max);
    const remaining = readInt(headers, names.remaining) ?? readInt(headers, 'x-rate-limit-remaining');
    if (remaining !== null) {
      if (target) target.observeRemaining(remaining, now);
      else if (remaining <= 0) this.pauseFor(interval ?? this.longestWindowMs);
    }
    // A 429's `X-Rate-Limit-Problem` (Xero) needs nothing more here: its Retry-After pauses the
    // account (pauseFor) and the 429 slows every window (rateLimited).
    const daily = readInt(headers, names.dailyRemaining);
    if (daily !== null) for (const a of this.allowances) a.observeRemaining(daily, now);
    this.pump();
  }

  /** The short window a header speaks of: the one of `intervalMs`, else the longest. */
  private windowFor(intervalMs: number | null): RollingWindow | undefined {
    if (this.windows.length === 0) return undefined;
    if (intervalMs !== null) {
      const exact = this.windows.find((w) => w.perMs === intervalMs);
      if (exact) return exact;
    }
    return this.windows.reduce((a, b) => (b.perMs > a.perMs ? b : a));
  }

  /**
   * Runs `call` within the account's limits; throws `DailyAllowanceExhausted` rather than wait a day.
   * `call` may report when its answer arrived (`answered()`, before its body is read; otherwise its
   * end counts), or that the provider refused it (`refused()`, a 429: it holds no slot).
   */
  schedule<T>(call: (slot: { answered(): void; refused(): void }) => Promise<T>): Promise<T> {
    if (this.stopped) return Promise.reject(new Error(`limiter ${this.key} is stopped`));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        reject,
        run: () => {
          let holds: Hold[];
          try {
            this.takeAllowance();
            holds = this.windows.map((w) => w.take());
          } catch (error) {
            reject(error);
            return;
          }
          this.inFlight += 1;
          let ended = false;
          const answered = () => {
            if (ended) return;
            ended = true;
            const end = this.clock.now();
            holds.forEach((h, i) => (h.end = end + this.windows[i]!.perMs));
          };
          const refused = () => {
            holds.forEach((h, i) => this.windows[i]!.release(h));
            ended = true;
          };
          let result: Promise<T>;
          try {
            result = Promise.resolve(call({ answered, refused }));
          } catch (error) {
            result = Promise.reject(error);
          }
          result.then(resolve, reject).finally(() => {
            answered();
            this.inFlight -= 1;
            this.pump();
          });
        },
      });
      this.pump();
    });
  }

  /** Starts every queued call that the limits allow now, and arms one timer for the next. */
  private pump(): void {
    while (this.queue.length > 0) {
      if (this.inFlight >= this.maxConcurrent) return;
      const now = this.clock.now();
      let next = Math.max(now, this.pausedUntil);
      for (const w of this.windows) next = Math.max(next, w.nextFree(now));
      if (next === Infinity) return; // a call in flight frees the slot when it ends
      if (next > now) {
        this.arm(next);
        return;
      }
      this.queue.shift()!.run();
    }
    if (this.inFlight === 0) for (const done of this.idle) done();
  }

  private arm(until: number): void {
    if (this.timer && this.timer.until <= until) return;
    const timer = { until };
    this.timer = timer;
    void this.clock.sleep(until - this.clock.now()).then(() => {
      if (this.timer === timer) this.timer = null;
      this.pump();
    });
  }

  private takeAllowance(): void {
    const now = this.clock.now();
    const state = this.allowance();
    if (state && state.remaining <= 0) {
      throw new DailyAllowanceExhausted(`${this.key}: call allowance spent until ${state.resetAt.toISOString()}`, state.resetAt, {
        account: this.key,
      });
    }
    for (const a of this.allowances) a.take(now);
  }

  /** Lets calls queued and in flight finish and refuses new ones. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.queue.length === 0 && this.inFlight === 0) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        if (this.queue.length > 0 || this.inFlight > 0) return;
        this.idle.delete(done);
        resolve();
      };
      this.idle.add(done);
    });
  }
}

function readInt(headers: Record<string, string>, name: string | undefined): number | null {
  if (!name) return null;
  const raw = headers[name.toLowerCase()];
  // A negative figure is read as it is (and counts as nothing left); anything else unreadable is ignored.
  if (raw === undefined || !/^\s*-?\d+\s*$/.test(raw)) return null;
  return Number(raw);
}

/** One `AccountLimiter` per account key, shared by every call of the process. */
export class LimiterRegistry {
  private readonly limiters = new Map<string, AccountLimiter>();

  constructor(private readonly clock: Clock = systemClock) {}

  /** The account's limiter, created from `profile` on first use. */
  forAccount(key: string, profile: HttpProfile): AccountLimiter {
    let limiter = this.limiters.get(key);
    if (!limiter) {
      limiter = new AccountLimiter(key, profile, this.clock);
      this.limiters.set(key, limiter);
    }
    return limiter;
  }

  async stopAll(): Promise<void> {
    const all = [...this.limiters.values()];
    this.limiters.clear();
    await Promise.all(all.map((l) => l.stop()));
  }
}
