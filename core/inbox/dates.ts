/**
 * Dates written in a customer's words, French and English: "2026-12-20", "20/12", "le 20 décembre",
 * "December 20th", "back on the 20th", "de retour le 20", "tomorrow", "demain", "fin du mois".
 * Each found date comes with the words that gave it, so a suggestion can show them. A date without
 * a year (or a month) is the next one on or after the message's own date (or, reading a past
 * event such as a payment, the last one on or before it).
 */
import { addDays, type IsoDate } from '../calendar/index.ts';

export interface FoundDate {
  date: IsoDate;
  words: string;
}

const MONTHS: Record<string, number> = {
  january: 1, jan: 1, janvier: 1, janv: 1, february: 2, feb: 2, février: 2, fevrier: 2, févr: 2, march: 3, mar: 3, mars: 3,
  april: 4, apr: 4, avril: 4, avr: 4, may: 5, mai: 5, june: 6, jun: 6, juin: 6, july: 7, jul: 7, juillet: 7, juil: 7,
  august: 8, aug: 8, août: 8, aout: 8, september: 9, sep: 9, sept: 9, septembre: 9, october: 10, oct: 10, octobre: 10,
  november: 11, nov: 11, novembre: 11, december: 12, dec: 12, décembre: 12, decembre: 12, déc: 12,
};
const MONTH_WORDS = Object.keys(MONTHS).sort((a, b) => b.length - a.length).join('|');

const pad = (n: number) => String(n).padStart(2, '0');
function valid(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}
function iso(y: number, m: number, d: number): IsoDate | null {
  return valid(y, m, d) ? (`${y}-${pad(m)}-${pad(d)}` as IsoDate) : null;
}
/** The first (month, day) on or after `ref`, in its year or the next. */
function nextMonthDay(ref: IsoDate, m: number, d: number): IsoDate | null {
  const y = Number(ref.slice(0, 4));
  const same = iso(y, m, d);
  if (same && same >= ref) return same;
  return iso(y + 1, m, d);
}
/** The last (month, day) on or before `ref`. */
function prevMonthDay(ref: IsoDate, m: number, d: number): IsoDate | null {
  const y = Number(ref.slice(0, 4));
  const same = iso(y, m, d);
  if (same && same <= ref) return same;
  return iso(y - 1, m, d);
}
/** The last day-of-month `d` on or before `ref`. */
function prevDay(ref: IsoDate, d: number): IsoDate | null {
  let y = Number(ref.slice(0, 4));
  let m = Number(ref.slice(5, 7));
  for (let i = 0; i < 3; i += 1) {
    const candidate = iso(y, m, d);
    if (candidate && candidate <= ref) return candidate;
    m -= 1;
    if (m < 1) { m = 12; y -= 1; }
  }
  return null;
}
/** The first day-of-month `d` on or after `ref`. */
function nextDay(ref: IsoDate, d: number): IsoDate | null {
  let y = Number(ref.slice(0, 4));
  let m = Number(ref.slice(5, 7));
  for (let i = 0; i < 3; i += 1) {
    const candidate = iso(y, m, d);
    if (candidate && candidate >= ref) return candidate;
    m += 1;
    if (m > 12) { m = 1; y += 1; }
  }
  return null;
}
function fullYear(y: string | undefined): number | null {
  if (!y) return null;
  const n = Number(y);
  return y.length === 2 ? 2000 + n : n;
}

/** Which way a date written without its year (or month) is read: the next one, or the last one. */
export type Direction = 'future' | 'past';
type Rule = { re: RegExp; read: (m: RegExpExecArray, ref: IsoDate, dir: Direction) => IsoDate | null };
const monthDay = (ref: IsoDate, m: number, d: number, dir: Direction) => (dir === 'past' ? prevMonthDay(ref, m, d) : nextMonthDay(ref, m, d));
const day = (ref: IsoDate, d: number, dir: Direction) => (dir === 'past' ? prevDay(ref, d) : nextDay(ref, d));

const RULES: Rule[] = [
  { re: /\b(\d{4})-(\d{2})-(\d{2})\b/g, read: (m) => iso(Number(m[1]), Number(m[2]), Number(m[3])) },
  // Day first, as both languages write it in Europe: 20/12/2026, 20.12.26, 20/12.
  { re: /\b(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2}|\d{4}))?\b/g, read: (m, ref, dir) => {
    const y = fullYear(m[3]);
    return y ? iso(y, Number(m[2]), Number(m[1])) : monthDay(ref, Number(m[2]), Number(m[1]), dir);
  } },
  { re: new RegExp(`\\b(\\d{1,2})(?:er|st|nd|rd|th)?(?:\\s+of)?\\s+(${MONTH_WORDS})\\.?(?:\\s+(\\d{4}))?\\b`, 'giu'), read: (m, ref, dir) => {
    const month = MONTHS[m[2]!.toLowerCase()]!;
    return m[3] ? iso(Number(m[3]), month, Number(m[1])) : monthDay(ref, month, Number(m[1]), dir);
  } },
  { re: new RegExp(`\\b(${MONTH_WORDS})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?(?:,?\\s+(\\d{4}))?\\b`, 'giu'), read: (m, ref, dir) => {
    const month = MONTHS[m[1]!.toLowerCase()]!;
    return m[3] ? iso(Number(m[3]), month, Number(m[2])) : monthDay(ref, month, Number(m[2]), dir);
  } },
  // "on the 20th", "until the 3rd", "le 20", "jusqu'au 20".
  { re: /\b(?:on the|until the|by the|from the|the)\s+(\d{1,2})(?:st|nd|rd|th)\b/gi, read: (m, ref, dir) => day(ref, Number(m[1]), dir) },
  { re: /\b(?:le|au|du|jusqu'au|d'ici le)\s+(\d{1,2})(?:er)?\b(?!\s*[/.:h%€]|\s*(?:euros?|eur|jours?|days?))/gi, read: (m, ref, dir) => day(ref, Number(m[1]), dir) },
  { re: /\b(yesterday|hier)\b/gi, read: (_m, ref) => addDays(ref, -1) },
  { re: /\b(today|aujourd'hui|aujourd’hui)\b/gi, read: (_m, ref) => ref },
  { re: /\b(tomorrow|demain)\b/gi, read: (_m, ref) => addDays(ref, 1) },
  { re: /\b(next week|la semaine prochaine)\b/gi, read: (_m, ref) => addDays(ref, 7) },
  { re: /\b(end of (?:the )?month|fin (?:du|de) mois)\b/gi, read: (_m, ref) => {
    const y = Number(ref.slice(0, 4));
    const m = Number(ref.slice(5, 7));
    return addDays(iso(m === 12 ? y + 1 : y, m === 12 ? 1 : m + 1, 1)!, -1);
  } },
];

/** Every date in `text`, in the order they appear, read relative to `ref` (the message's date). */
export function findDates(text: string, ref: IsoDate, dir: Direction = 'future'): FoundDate[] {
  const found: { at: number; end: number; date: IsoDate; words: string }[] = [];
  for (const rule of RULES) {
    for (const m of text.matchAll(rule.re)) {
      const at = m.index;
      const end = at + m[0].length;
      if (found.some((f) => at < f.end && end > f.at)) continue; // a longer reading already took these words
      const date = rule.read(m as RegExpExecArray, ref, dir);
      if (date) found.push({ at, end, date, words: m[0].trim() });
    }
  }
  return found.sort((a, b) => a.at - b.at).map(({ date, words }) => ({ date, words }));
}
