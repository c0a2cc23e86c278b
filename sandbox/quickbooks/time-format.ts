/**
 * QuickBooks prints instants in the company's time zone with an offset ("2026-01-06T10:15:40-08:00")
 * and dates as "YYYY-MM-DD". The simulated company sits at a fixed UTC-08:00 (Pacific standard time;
 * daylight saving is not modelled), which keeps every timestamp an exact, comparable instant.
 */
const COMPANY_OFFSET_MINUTES = -8 * 60;

/** An instant as QuickBooks prints it in `MetaData` fields. */
export function formatQboInstant(ms: number): string {
  const local = new Date(ms + COMPANY_OFFSET_MINUTES * 60_000).toISOString().slice(0, 19);
  const sign = COMPANY_OFFSET_MINUTES < 0 ? '-' : '+';
  const abs = Math.abs(COMPANY_OFFSET_MINUTES);
  return `${local}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** The `time` field of every response: an instant with milliseconds. */
export function formatResponseTime(ms: number): string {
  const s = formatQboInstant(ms);
  return `${s.slice(0, 19)}.${String(ms % 1000).padStart(3, '0')}${s.slice(19)}`;
}

/**
 * Parses an instant or a date as QuickBooks accepts it in queries and in `changedSince`. A date
 * alone means its midnight in the company's zone. Returns NaN when it is not one.
 */
export function parseQboInstant(text: string): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return Date.parse(`${text}T00:00:00Z`) - COMPANY_OFFSET_MINUTES * 60_000;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(text)) return NaN;
  // Without a zone, QuickBooks reads the company's own.
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/.test(text) ? text : `${text}-08:00`;
  return Date.parse(zoned);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
