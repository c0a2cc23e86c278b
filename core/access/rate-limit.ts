/**
 * Fixed-window rate limits kept in PostgreSQL (table `rate_limits`): failed logins per address and
 * per account, portal form posts per link. An attempt is *reserved* (counted) before the work it
 * guards is done, in one atomic upsert per key, so a burst of parallel requests is counted by row
 * locks: the (max+1)-th concurrent attempt is refused however close together they arrive, and two
 * server processes on the same database share one budget.
 */
import { sql } from 'drizzle-orm';
import type { Executor } from '../store/index.ts';

export interface LimitRule {
  max: number;
  windowMs: number;
}

/** Per address: a shared office NAT logs in often; per account: guessing one password is the threat. */
export const LOGIN_LIMITS = {
  ip: { max: 20, windowMs: 15 * 60_000 },
  account: { max: 5, windowMs: 15 * 60_000 },
} satisfies Record<string, LimitRule>;

/** Form posts per portal link: a customer posts a few times; a script posting promises in a loop is stopped. */
export const PORTAL_FORM_LIMIT: LimitRule = { max: 10, windowMs: 10 * 60_000 };

export interface Reservation {
  allowed: boolean;
  /** Milliseconds until the fullest window ends (0 when allowed). */
  retryAfterMs: number;
}

interface Counted extends Record<string, unknown> {
  count: number;
  remaining_ms: string;
}

async function bump(db: Executor, key: string, rule: LimitRule): Promise<{ count: number; remainingMs: number }> {
  const window = sql`(${rule.windowMs}::int * interval '1 millisecond')`;
  const { rows } = await db.execute<Counted>(sql`
    INSERT INTO rate_limits AS r (key, window_started_at, count) VALUES (${key}, now(), 1)
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN r.window_started_at <= now() - ${window} THEN 1 ELSE r.count + 1 END,
      window_started_at = CASE WHEN r.window_started_at <= now() - ${window} THEN now() ELSE r.window_started_at END
    RETURNING count, (extract(epoch FROM (window_started_at + ${window} - now())) * 1000)::bigint::text AS remaining_ms`);
  const row = rows[0]!;
  return { count: Number(row.count), remainingMs: Math.max(0, Number(row.remaining_ms)) };
}

/**
 * Counts one attempt under every key (in the given order) and says whether all are within their
 * limit. A refused attempt gives back what it took from the keys that were not full, so that a
 * client blocked on its address does not also use up an account's budget.
 */
export async function reserveAttempt(db: Executor, limits: readonly { key: string; rule: LimitRule }[]): Promise<Reservation> {
  const counted: { key: string; over: boolean; remainingMs: number }[] = [];
  for (const { key, rule } of limits) {
    const c = await bump(db, key, rule);
    counted.push({ key, over: c.count > rule.max, remainingMs: c.remainingMs });
  }
  if (Math.random() < 0.01) await db.execute(sql`DELETE FROM rate_limits WHERE window_started_at < now() - interval '1 day'`);
  const over = counted.filter((c) => c.over);
  if (over.length === 0) return { allowed: true, retryAfterMs: 0 };
  for (const c of counted.filter((x) => !x.over)) await releaseAttempt(db, c.key);
  return { allowed: false, retryAfterMs: Math.max(...over.map((c) => c.remainingMs)) };
}

/** Gives back one reserved attempt (it turned out not to be a failure). */
export async function releaseAttempt(db: Executor, key: string): Promise<void> {
  await db.execute(sql`UPDATE rate_limits SET count = GREATEST(count - 1, 0) WHERE key = ${key}`);
}

/** Forgets a key's window (an account's failures after it logged in). */
export async function resetLimit(db: Executor, key: string): Promise<void> {
  await db.execute(sql`DELETE FROM rate_limits WHERE key = ${key}`);
}
