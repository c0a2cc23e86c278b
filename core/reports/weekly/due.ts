/**
 * When a weekly report is due: from the schedule's weekday and hour on the organization's own wall
 * clock until the end of that week (Sunday), so a worker that was down at the hour still sends it
 * later in the week, and a past week's report is never sent.
 */
import { addDays, todayIn, weekdayOf, type IsoDate } from '../../calendar/index.ts';
import { localClock } from '../../sending/sending-hours.ts';

export interface WeeklySlot {
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  readonly weekday: number;
  /** 0–23, local time. */
  readonly hour: number;
}

/** The Monday of the week holding `date`. */
export function mondayOf(date: IsoDate): IsoDate {
  return addDays(date, -((weekdayOf(date) + 6) % 7));
}

/** The week (its local Monday) whose report is due at `now`, or null when its slot has not come yet. */
export function dueWeek(slot: WeeklySlot, timeZone: string, now: Date): IsoDate | null {
  const { weekday, time } = localClock(timeZone, now);
  const hour = Number(time.slice(0, 2));
  if (weekday < slot.weekday || (weekday === slot.weekday && hour < slot.hour)) return null;
  return mondayOf(todayIn(timeZone, now));
}
