/**
 * Day arithmetic for the generator. Every date of the world is a whole number of days relative to
 * `asOf` (0 = asOf, -30 = thirty days before), turned into text only at the end; the strings are
 * cached because 100,000 invoices share a few hundred distinct days.
 */
import { InvalidInput } from '../../core/errors.ts';

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Milliseconds at 00:00 UTC of an ISO date, refusing dates that do not exist (2026-02-30). */
export function parseIsoDate(text: string, field = 'asOf'): number {
  const m = ISO_DATE.exec(text);
  if (!m) throw new InvalidInput(`${field}: "${text}" is not a date (YYYY-MM-DD)`, { field });
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (new Date(ms).toISOString().slice(0, 10) !== text) {
    throw new InvalidInput(`${field}: "${text}" is not a valid calendar date`, { field });
  }
  return ms;
}

export class Calendar {
  private readonly asOfMs: number;
  private readonly dates = new Map<number, string>();
  private readonly dayPrefixes = new Map<number, string>();

  constructor(asOf: string) {
    this.asOfMs = parseIsoDate(asOf);
  }

  /** The ISO date `offset` days from asOf. */
  date(offset: number): string {
    let text = this.dates.get(offset);
    if (text === undefined) {
      text = new Date(this.asOfMs + offset * DAY_MS).toISOString().slice(0, 10);
      this.dates.set(offset, text);
    }
    return text;
  }

  /**
   * An ISO instant on day `offset` at `secondOfDay` (0 .. 86,399), UTC, whole seconds. Built from a
   * cached day prefix and a cached time suffix: the result is one two-part string, which keeps the
   * 400,000 instants of a large world from costing hundreds of megabytes of string fragments.
   */
  instant(offset: number, secondOfDay: number): string {
    const s = Math.min(86_399, Math.max(0, Math.floor(secondOfDay)));
    let prefix = this.dayPrefixes.get(offset);
    if (prefix === undefined) {
      prefix = this.date(offset) + 'T';
      this.dayPrefixes.set(offset, prefix);
    }
    let suffix = TIME_SUFFIXES[s];
    if (suffix === undefined) {
      suffix = `${pad2(Math.floor(s / 3600))}:${pad2(Math.floor((s % 3600) / 60))}:${pad2(s % 60)}Z`;
      TIME_SUFFIXES[s] = suffix;
    }
    return prefix + suffix;
  }
}

/** "HH:MM:SSZ" by second of the day, filled as used (shared by every calendar). */
const TIME_SUFFIXES: (string | undefined)[] = new Array<string | undefined>(86_400);

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}
