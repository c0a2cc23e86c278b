/**
 * The daily rescoring (issue 19.1): every customer of an organization scored once per local
 * calendar date, from RESCORE_HOUR in the organization's time zone — an hour before the daily
 * dunning run, so the run picks its scenarios by fresh risk classes — and the month's entry of the
 * score history written for every customer, not only those whose payments synced.
 *
 * Claimed per (organization, local date) in `scoring_runs`: several schedulers ticking together
 * enqueue it once; a claim left unfinished for an hour (its worker died) is claimed again.
 */
import { sql } from 'drizzle-orm';
import { todayIn, type IsoDate } from '../calendar/index.ts';
import { DAILY_RUN_HOUR, localHour } from '../agenda/schedule.ts';
import type { Db } from '../store/db.ts';
import { rescoreOrganization } from './rescore.ts';

/** Local hour (0–23) from which the day's rescoring may start: before the dunning run. */
export const RESCORE_HOUR = DAILY_RUN_HOUR - 1;

/** How long an unfinished claim holds before another scheduler may take the day over. */
const STALE_CLAIM = sql`interval '1 hour'`;

/** Claims the organization's rescoring for `asOf`; false when it is done or under way elsewhere. */
export async function claimRescore(db: Db, organizationId: string, asOf: IsoDate): Promise<boolean> {
  const claimed = await db.execute(sql`
    INSERT INTO scoring_runs AS r (organization_id, as_of) VALUES (${organizationId}::uuid, ${asOf}::date)
    ON CONFLICT (organization_id, as_of) DO UPDATE SET started_at = now()
     WHERE r.finished_at IS NULL AND r.started_at < now() - ${STALE_CLAIM}`);
  return (claimed.rowCount ?? 0) > 0;
}

/** The rescorings due at `now`, claimed: organizations past RESCORE_HOUR whose local date is not yet scored. */
export async function dueRescores(db: Db, now: Date): Promise<{ organizationId: string; asOf: IsoDate }[]> {
  const { rows } = await db.execute<{ id: string; timezone: string }>(sql`SELECT id, timezone FROM organizations ORDER BY id`);
  const due: { organizationId: string; asOf: IsoDate }[] = [];
  for (const org of rows) {
    if (localHour(org.timezone, now) < RESCORE_HOUR) continue;
    const asOf = todayIn(org.timezone, now);
    if (await claimRescore(db, org.id, asOf)) due.push({ organizationId: org.id, asOf });
  }
  return due;
}

/**
 * Rescores every customer of the organization on `asOf` (profiles and the month's history) and
 * records the day as done, so a scheduler does not do it again. Returns how many were scored.
 */
export async function runRescore(db: Db, organizationId: string, asOf: IsoDate, onBatch?: () => Promise<void>): Promise<number> {
  const scored = await rescoreOrganization(db, organizationId, asOf, onBatch);
  await db.execute(sql`
    INSERT INTO scoring_runs AS r (organization_id, as_of, finished_at, scored) VALUES (${organizationId}::uuid, ${asOf}::date, now(), ${scored})
    ON CONFLICT (organization_id, as_of) DO UPDATE SET finished_at = now(), scored = EXCLUDED.scored`);
  return scored;
}
