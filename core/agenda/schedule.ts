/**
 * When each organization's daily run is due: once per local calendar date, from DAILY_RUN_HOUR in
 * the organization's own time zone. Computed from the wall clock of that zone at each tick, so a
 * daylight-saving change moves the run with local time instead of shifting it by an hour.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../store/db.ts';
import { todayIn, type IsoDate } from '../calendar/index.ts';

/** Local hour (0–23) from which the day's run may start: early, so reminders are ready for sending hours. */
export const DAILY_RUN_HOUR = 6;

/** The hour of the day (0–23) at `now` in `timeZone`. */
export function localHour(timeZone: string, now: Date): number {
  const hour = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(now);
  return Number(hour);
}

/**
 * Claims the daily runs due at `now`: for each organization whose local time has passed
 * DAILY_RUN_HOUR and whose run for today's local date is not yet recorded, records it (the unique
 * (organization, as_of) key lets one scheduler win when several tick together) and returns it.
 */
export async function dueDailyRuns(db: Db, now: Date): Promise<{ organizationId: string; asOf: IsoDate }[]> {
  const { rows } = await db.execute<{ id: string; timezone: string }>(sql`SELECT id, timezone FROM organizations`);
  const due: { organizationId: string; asOf: IsoDate }[] = [];
  for (const org of rows) {
    if (localHour(org.timezone, now) < DAILY_RUN_HOUR) continue;
    const asOf = todayIn(org.timezone, now);
    const claimed = await db.execute(sql`
      INSERT INTO dunning_runs (organization_id, as_of) VALUES (${org.id}, ${asOf}::date)
      ON CONFLICT (organization_id, as_of) DO NOTHING`);
    if ((claimed.rowCount ?? 0) > 0) due.push({ organizationId: org.id, asOf });
  }
  return due;
}
