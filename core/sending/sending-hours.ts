/** Sending hours: no reminder leaves outside them, read on the organization's own wall clock. */
import type { SendingHours } from '../store/schema/organizations.ts';

/** ISO weekday (1 = Monday … 7 = Sunday) and "HH:MM" at `now` in `timeZone`. */
export function localClock(timeZone: string, now: Date): { weekday: number; time: string } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(get('weekday')) + 1;
  return { weekday, time: `${get('hour')}:${get('minute')}` };
}

/**
 * Whether `now` falls in the organization's sending hours: an allowed weekday, from `from`
 * (inclusive) to `to` (exclusive), in local time — so a daylight-saving change moves the window
 * with the clocks, as the recipients see them.
 */
export function withinSendingHours(hours: SendingHours, timeZone: string, now: Date): boolean {
  const { weekday, time } = localClock(timeZone, now);
  return hours.days.includes(weekday) && time >= hours.from && time < hours.to;
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * `todayIn` for the send path: the same YYYY-MM-DD local date, with one formatter per time zone
 * kept (building an Intl.DateTimeFormat for every message was a visible share of a send's CPU).
 */
export function localDay(timeZone: string, now: Date): string {
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, format);
  }
  return format.format(now);
}
