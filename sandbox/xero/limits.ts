/**
 * Xero's published API limits, as data for the shared RateLimiter. The rule names are the values
 * Xero puts in `X-Rate-Limit-Problem`, so a refusal names its rule as Xero would.
 * https://developer.xero.com/documentation/guides/oauth2/limits/#api-rate-limits
 */
import type { FastifyReply } from 'fastify';
import type { LimitRule, LimitSettings } from '../shared/contract.ts';
import { RateLimiter, type Admission, type RuleState } from '../shared/rate-limit.ts';

/** Per tenant: 5 calls in progress, 60 a minute, 5000 a (rolling) day. */
export const TENANT_RULES: LimitRule[] = [
  { name: 'concurrent', kind: 'concurrent', limit: 5 },
  { name: 'minute', kind: 'window', limit: 60, windowMs: 60_000 },
  { name: 'day', kind: 'window', limit: 5000, windowMs: 86_400_000 },
];

/** Per app, across all its tenants: 10,000 calls a minute. */
export const APP_RULES: LimitRule[] = [{ name: 'appminute', kind: 'window', limit: 10_000, windowMs: 60_000 }];

export const XERO_RULE_NAMES = [...TENANT_RULES, ...APP_RULES].map((r) => r.name);

const HEADER_OF: Record<string, string> = {
  day: 'x-daylimit-remaining',
  minute: 'x-minlimit-remaining',
  appminute: 'x-appminlimit-remaining',
};

const APP_KEY = 'app';

export class XeroLimits {
  private readonly tenant: RateLimiter;
  private readonly app: RateLimiter;

  constructor(settings: LimitSettings, now: () => number) {
    this.tenant = new RateLimiter(TENANT_RULES, settings, now);
    this.app = new RateLimiter(APP_RULES, settings, now);
  }

  /**
   * Admits one call for a tenant, or says which limit refuses it. The app-wide rule is checked
   * first without taking a slot, so a refusal by the tenant's rules costs the app nothing.
   */
  acquire(tenantId: string): Admission {
    const appFull = this.app.peek(APP_KEY).find((s) => s.remaining === 0);
    if (appFull) {
      const admission = this.app.acquire(APP_KEY);
      if (!admission.ok) return admission;
      admission.release();
    }
    const admission = this.tenant.acquire(tenantId);
    if (!admission.ok) return admission;
    const appAdmission = this.app.acquire(APP_KEY);
    if (!appAdmission.ok) {
      admission.release();
      return appAdmission;
    }
    return { ok: true, release: admission.release, state: [...admission.state, ...appAdmission.state] };
  }

  /** Puts Xero's remaining-calls headers on a response. */
  static setHeaders(reply: FastifyReply, state: RuleState[]): void {
    for (const s of state) {
      const header = HEADER_OF[s.rule.name];
      if (header) reply.header(header, String(s.remaining));
    }
  }
}
