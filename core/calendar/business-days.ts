import { addDays, weekdayOf, type IsoDate } from './dates.ts';

/**
 * Moves a date that falls on a Saturday or a Sunday to the following Monday; other days are
 * returned unchanged. Public holidays are not known here: the ledger format only asks for weekends.
 */
export function nextBusinessDay(date: IsoDate): IsoDate {
  const weekday = weekdayOf(date);
  if (weekday === 6) return addDays(date, 2);
  if (weekday === 0) return addDays(date, 1);
  return date;
}
