/**
 * QuickBooks Online's published throttles, per realm, as rules for the shared `RateLimiter`.
 * Tests scale them down with `LimitSettings.overrides` keyed by these rule names.
 */
import type { LimitRule } from '../shared/contract.ts';

// https://developer.intuit.com/app/developer/qbo/docs/learn/limits-and-throttles
// "500 requests per minute per realm ID"; "10 requests per second, per realm ID and app" — the page
// has also long stated it as 10 concurrent requests per realm, and the brief asks for that: both apply.
export const QBO_RULES = {
  perMinute: 'realm-minute',
  perSecond: 'realm-second',
  concurrent: 'realm-concurrent',
} as const;

export const QBO_LIMIT_RULES: LimitRule[] = [
  { name: QBO_RULES.perMinute, kind: 'window', limit: 500, windowMs: 60_000 },
  { name: QBO_RULES.perSecond, kind: 'window', limit: 10, windowMs: 1_000 },
  { name: QBO_RULES.concurrent, kind: 'concurrent', limit: 10 },
];

// https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/data-queries
// A query page holds at most 1000 entities; without MAXRESULTS QuickBooks returns 100.
export const MAX_QUERY_RESULTS = 1000;
export const DEFAULT_QUERY_RESULTS = 100;

// https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/change-data-capture
// CDC looks back at most 30 days and answers at most 1000 objects per entity, without paging.
export const CDC_LOOKBACK_MS = 30 * 24 * 3600 * 1000;
export const CDC_MAX_PER_ENTITY = 1000;
