/**
 * Counters and markers that must hold across server processes (migration 0010): fixed-window rate
 * limits (failed logins per address and per account, portal form posts per link) and the OAuth
 * states already used. Kept in PostgreSQL, not in memory, so that two instances share them and a
 * burst of parallel requests is counted by row locks rather than by luck.
 */
import { index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { instant } from './columns.ts';

export const rateLimits = pgTable(
  'rate_limits',
  {
    /** `login-ip:<address>`, `login-account:<email>`, `portal-form:<tokenId>`. */
    key: text('key').primaryKey(),
    windowStartedAt: instant('window_started_at').notNull().defaultNow(),
    count: integer('count').notNull().default(0),
  },
  (t) => [index('rate_limits_window_idx').on(t.windowStartedAt)],
);

/** An OAuth `state` (its nonce) once a callback consumed it: a second use is refused. */
export const oauthStateUses = pgTable('oauth_state_uses', {
  nonce: text('nonce').primaryKey(),
  usedAt: instant('used_at').notNull().defaultNow(),
});
