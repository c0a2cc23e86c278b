/**
 * One limiter per provider account (`quickbooks:<realmId>`, `xero:<tenantId>`, `hubspot:<portalId>`),
 * built from the profile's published limits: short windows are met by spacing calls (`bottleneck`
 * `minTime`, safe for rolling windows) and a concurrency cap; windows of an hour or more (Xero's
 * 5000/day) are counted as an allowance the caller can check to stop cleanly before the cap.
 */
import Bottleneck from 'bottleneck';
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

/** The bottleneck settings a profile's limits give: the tightest spacing any short window needs. */
export function limiterSettings(profile: HttpProfile): { maxConcurrent: number; minTime: number } {
  const { concurrent, windows, headroom } = profile.limits;
  const short = windows.filter((w) => w.perMs < ALLOWANCE_WINDOW_MS);
  const minTime = Math.max(0, ...short.map((w) => Math.ceil(w.perMs / allowed(w, headroom))));
  return { maxConcurrent: concurrent, minTime };
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
    this.used = Math.max(this.used, this.published - remaining);
  }
}

/** The limiter of one provider account. */
export class AccountLimiter {
  private readonly bottleneck: Bottleneck;
  private readonly allowances: Allowance[];
  private pausedUntil = 0;
  private exhaustedUntil = 0;

  constructor(
    readonly key: string,
    readonly profile: HttpProfile,
    private readonly clock: Clock = systemClock,
  ) {
    this.bottleneck = new Bottleneck(limiterSettings(profile));
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

  /**
   * The provider said the daily allowance is spent (Xero `X-Rate-Limit-Problem: day`, HubSpot
   * `DAILY`): refuse every call of this account until `resetAt`, not just the one that was told.
   */
  markExhausted(resetAt: Date): void {
    this.exhaustedUntil = Math.max(this.exhaustedUntil, resetAt.getTime());
  }

  /** Holds every call of this account until `ms` from now (a 429's `Retry-After`). */
  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + Math.max(0, ms));
  }

  /** Reads the limit headers of a response and tightens the limiter when the provider says so. */
  observe(headers: Record<string, string>): void {
    const names = this.profile.limitHeaders;
    const now = this.clock.now();
    const remaining = readInt(headers, names.remaining);
    if (remaining !== null && remaining <= 0) {
      const shortest = Math.min(...this.profile.limits.windows.map((w) => w.perMs));
      this.pauseFor(readInt(headers, names.intervalMs) ?? shortest);
    }
    const daily = readInt(headers, names.dailyRemaining);
    if (daily !== null) for (const a of this.allowances) a.observeRemaining(daily, now);
  }

  /** Runs `call` within the account's limits; throws `DailyAllowanceExhausted` rather than wait a day. */
  schedule<T>(call: () => Promise<T>): Promise<T> {
    return this.bottleneck.schedule(async () => {
      await this.waitWhilePaused();
      this.takeAllowance();
      return call();
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

  private async waitWhilePaused(): Promise<void> {
    for (let wait = this.pausedUntil - this.clock.now(); wait > 0; wait = this.pausedUntil - this.clock.now()) {
      await this.clock.sleep(wait);
    }
  }

  /** Lets calls in flight finish and refuses new ones. */
  async stop(): Promise<void> {
    await this.bottleneck.stop({ dropWaitingJobs: false });
  }
}

function readInt(headers: Record<string, string>, name: string | undefined): number | null {
  if (!name) return null;
  const raw = headers[name.toLowerCase()];
  if (raw === undefined || !/^\s*\d+\s*$/.test(raw)) return null;
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
