/**
 * HubSpot's published limits per portal, as data for the shared `RateLimiter`, and the headers and
 * 429 bodies HubSpot answers with. The search endpoints have their own, lower limit and do not send
 * the X-HubSpot-RateLimit-* headers.
 *
 * https://developers.hubspot.com/docs/api/usage-details
 */
import { randomUUID } from 'node:crypto';
import type { LimitRule } from '../shared/contract.ts';
import type { RuleState } from '../shared/rate-limit.ts';

export type HubspotTier = 'starter' | 'pro';

export const RULE_TEN_SECONDLY = 'ten-secondly';
export const RULE_DAILY = 'daily';
export const RULE_SEARCH = 'search-secondly';
export const RULE_OAUTH_TEN_SECONDLY = 'oauth-ten-secondly';

/**
 * Private apps: 100 requests per 10 s and 250,000 a day on Free/Starter; 190 per 10 s and 650,000 a
 * day on Professional ("Increasing our API limits", developers.hubspot.com/changelog).
 * https://developers.hubspot.com/docs/api/usage-details#private-apps
 */
export function generalRules(tier: HubspotTier): LimitRule[] {
  return [
    { name: RULE_TEN_SECONDLY, kind: 'window', limit: tier === 'pro' ? 190 : 100, windowMs: 10_000 },
    { name: RULE_DAILY, kind: 'window', limit: tier === 'pro' ? 650_000 : 250_000, windowMs: 86_400_000 },
  ];
}

/**
 * OAuth (public) apps: 110 requests every 10 seconds per installing account; the daily caps are the
 * private apps'. https://developers.hubspot.com/docs/api/usage-details#public-apps
 */
export function oauthRules(): LimitRule[] {
  return [{ name: RULE_OAUTH_TEN_SECONDLY, kind: 'window', limit: 110, windowMs: 10_000 }];
}

/**
 * "The search endpoints are rate limited to five requests per second per account."
 * https://developers.hubspot.com/docs/api/crm/search#limitations
 */
export function searchRules(): LimitRule[] {
  return [{ name: RULE_SEARCH, kind: 'window', limit: 5, windowMs: 1000 }];
}

/** Every rule name this simulator uses, for `LimitSettings.overrides`. */
export const HUBSPOT_LIMIT_RULES = [
  RULE_TEN_SECONDLY,
  RULE_DAILY,
  RULE_SEARCH,
  RULE_OAUTH_TEN_SECONDLY,
] as const;

const POLICY: Record<string, { policyName: string; message: string }> = {
  [RULE_TEN_SECONDLY]: {
    policyName: 'TEN_SECONDLY_ROLLING',
    message: 'You have reached your ten_secondly_rolling limit.',
  },
  [RULE_OAUTH_TEN_SECONDLY]: {
    policyName: 'TEN_SECONDLY_ROLLING',
    message: 'You have reached your ten_secondly_rolling limit.',
  },
  [RULE_DAILY]: { policyName: 'DAILY', message: 'You have reached your daily limit.' },
  // The SDK's RetryDecorator recognises search throttling by this exact message.
  [RULE_SEARCH]: { policyName: 'SECONDLY', message: 'You have reached your secondly limit.' },
};

export function rateLimitBody(ruleName: string): Record<string, unknown> {
  const policy = POLICY[ruleName] ?? POLICY[RULE_TEN_SECONDLY]!;
  return {
    status: 'error',
    message: policy.message,
    errorType: 'RATE_LIMIT',
    correlationId: randomUUID(),
    policyName: policy.policyName,
    category: 'RATE_LIMITS',
  };
}

/** The X-HubSpot-RateLimit-* headers from the general limiter's state (none when limits are off). */
export function rateLimitHeaders(state: RuleState[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const s of state) {
    if (s.rule.kind !== 'window') continue;
    if (s.rule.name === RULE_TEN_SECONDLY || s.rule.name === RULE_OAUTH_TEN_SECONDLY) {
      headers['x-hubspot-ratelimit-max'] = String(s.rule.limit);
      headers['x-hubspot-ratelimit-remaining'] = String(s.remaining);
      headers['x-hubspot-ratelimit-interval-milliseconds'] = String(s.rule.windowMs);
    } else if (s.rule.name === RULE_DAILY) {
      headers['x-hubspot-ratelimit-daily'] = String(s.rule.limit);
      headers['x-hubspot-ratelimit-daily-remaining'] = String(s.remaining);
    }
  }
  return headers;
}
