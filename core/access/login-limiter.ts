/**
 * Login rate limit: a fixed window of failures per key (an IP, an account). Kept in memory: a
 * multi-process deployment gets one budget per process, which still bounds guessing to a few
 * attempts per minute per process; a shared store is the upgrade if that ever matters.
 */
export interface LimitRule {
  max: number;
  windowMs: number;
}

/** Per IP: a shared office NAT logs in often; per account: guessing one password is the threat. */
export const LOGIN_LIMITS = {
  ip: { max: 20, windowMs: 15 * 60_000 },
  account: { max: 5, windowMs: 15 * 60_000 },
} satisfies Record<string, LimitRule>;

export class FailureWindow {
  private readonly hits = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly rule: LimitRule,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until `key` may try again, or 0 when it may now. */
  blockedFor(key: string): number {
    const entry = this.hits.get(key);
    if (!entry) return 0;
    const now = this.now();
    if (now >= entry.resetAt) {
      this.hits.delete(key);
      return 0;
    }
    return entry.count >= this.rule.max ? entry.resetAt - now : 0;
  }

  recordFailure(key: string): void {
    const now = this.now();
    const entry = this.hits.get(key);
    if (!entry || now >= entry.resetAt) this.hits.set(key, { count: 1, resetAt: now + this.rule.windowMs });
    else entry.count += 1;
    // Bound memory under a spray of distinct keys: forget expired windows now and then.
    if (this.hits.size > 10_000) for (const [k, e] of this.hits) if (now >= e.resetAt) this.hits.delete(k);
  }

  reset(key: string): void {
    this.hits.delete(key);
  }
}
