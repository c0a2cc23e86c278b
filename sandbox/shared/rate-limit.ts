/**
 * Per-account rate limits as the providers publish them (QuickBooks: per realm, Xero: per tenant,
 * HubSpot: per portal). Each simulator declares its rules as data and asks one `RateLimiter` before
 * serving a request; a refusal becomes the provider's own 429 with `Retry-After`.
 *
 * Window rules are rolling: a request counts for exactly `windowMs` after it was admitted, which is
 * how HubSpot's TEN_SECONDLY_ROLLING works and the strictest reading of the per-minute and per-day
 * limits of QuickBooks and Xero — a client that keeps under them in the sandbox keeps under them live.
 * Refused requests do not count: a client that backs off as told must get through.
 */
import type { LimitRule, LimitSettings } from './contract.ts';

export interface RuleState {
  rule: LimitRule;
  used: number;
  remaining: number;
  /** Milliseconds until a slot frees: the oldest counted request leaves the window (0 when none is counted, or for concurrency). */
  resetMs: number;
}

export type Admission =
  | { ok: true; release(): void; state: RuleState[] }
  | { ok: false; rule: LimitRule; retryAfterSeconds: number; state: RuleState[] };

/**
 * The admission times of one account under one window rule, oldest first. A queue with a moving
 * head: acquiring and expiring are amortised O(1), memory is at most `limit` numbers, so thousands of
 * requests per second cost nothing noticeable.
 */
class RollingWindow {
  private times: number[] = [];
  private head = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  private expire(now: number): void {
    const cutoff = now - this.windowMs;
    const times = this.times;
    let head = this.head;
    while (head < times.length && times[head]! <= cutoff) head++;
    // Compact once the dead prefix dominates, so the array does not grow without bound.
    if (head > 1024 && head * 2 > times.length) {
      this.times = times.slice(head);
      head = 0;
    }
    this.head = head;
  }

  used(now: number): number {
    this.expire(now);
    return this.times.length - this.head;
  }

  /** Milliseconds until the oldest counted request leaves the window. */
  resetMs(now: number): number {
    this.expire(now);
    const oldest = this.times[this.head];
    return oldest === undefined ? 0 : Math.max(0, oldest + this.windowMs - now);
  }

  full(now: number): boolean {
    return this.used(now) >= this.limit;
  }

  add(now: number): void {
    this.times.push(now);
  }
}

interface AccountState {
  windows: (RollingWindow | null)[];
  inFlight: number[];
}

export class RateLimiter {
  private readonly rules: LimitRule[];
  private readonly accounts = new Map<string, AccountState>();

  constructor(
    rules: LimitRule[],
    settings: LimitSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.rules = settings === false ? [] : rules.map((rule) => applyOverride(rule, settings.overrides?.[rule.name]));
  }

  /** The rules in force, overrides applied (empty when limits are off). */
  get activeRules(): readonly LimitRule[] {
    return this.rules;
  }

  /** Takes a slot for one request of `account` (window rules: rolling; concurrent: until release()). */
  acquire(account: string): Admission {
    const now = this.now();
    const state = this.account(account);
    for (let i = 0; i < this.rules.length; i++) {
      const rule = this.rules[i]!;
      const refused =
        rule.kind === 'window' ? state.windows[i]!.full(now) : state.inFlight[i]! >= rule.limit;
      if (refused) {
        return { ok: false, rule, retryAfterSeconds: retryAfter(rule, state.windows[i] ?? null, now), state: this.snapshot(state, now) };
      }
    }
    for (let i = 0; i < this.rules.length; i++) {
      const window = state.windows[i];
      if (window) window.add(now);
      else state.inFlight[i]!++;
    }
    let released = false;
    const release = (): void => {
      // Idempotent: a handler that releases on both 'finish' and 'close' must not free two slots.
      if (released) return;
      released = true;
      for (let i = 0; i < this.rules.length; i++) if (!state.windows[i]) state.inFlight[i]!--;
    };
    return { ok: true, release, state: this.snapshot(state, now) };
  }

  /** The rules' usage for `account` without taking a slot (for headers such as X-DayLimit-Remaining). */
  peek(account: string): RuleState[] {
    return this.snapshot(this.account(account), this.now());
  }

  private account(account: string): AccountState {
    let state = this.accounts.get(account);
    if (!state) {
      state = {
        windows: this.rules.map((r) => (r.kind === 'window' ? new RollingWindow(r.limit, r.windowMs) : null)),
        inFlight: this.rules.map(() => 0),
      };
      this.accounts.set(account, state);
    }
    return state;
  }

  private snapshot(state: AccountState, now: number): RuleState[] {
    return this.rules.map((rule, i) => {
      const window = state.windows[i];
      const used = window ? window.used(now) : state.inFlight[i]!;
      return { rule, used, remaining: Math.max(0, rule.limit - used), resetMs: window ? window.resetMs(now) : 0 };
    });
  }
}

function applyOverride(rule: LimitRule, override: { limit?: number; windowMs?: number } | undefined): LimitRule {
  if (!override) return rule;
  if (rule.kind === 'window') {
    return { ...rule, limit: override.limit ?? rule.limit, windowMs: override.windowMs ?? rule.windowMs };
  }
  return { ...rule, limit: override.limit ?? rule.limit };
}

/** Whole seconds, at least 1: `Retry-After` is an integer and 0 would invite an immediate retry. */
function retryAfter(rule: LimitRule, window: RollingWindow | null, now: number): number {
  if (rule.kind === 'concurrent' || !window) return 1;
  return Math.max(1, Math.ceil(window.resetMs(now) / 1000));
}
