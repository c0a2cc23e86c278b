/**
 * The Xero sync cursor: a watermark for the next `If-Modified-Since`, and the run in progress (its
 * page), so that a killed sync resumes at the page after the last committed one.
 *
 * Why the watermark is safe: a run lists the records in id order (`order=<Id> ASC`), which an edit
 * never reorders, so every record that existed when the run began is seen exactly once (a record
 * created mid-run can only push others one place later: a duplicate, never a gap). The watermark is
 * then the newest `UpdatedDateUTC` seen plus one millisecond, but never later than Xero's own clock
 * when the run began (`DateTimeUTC` of its first answer): anything edited during the run is read
 * again next time rather than lost. Xero's clock, not ours, so that clock skew cannot open a gap.
 */
import { z } from 'zod';
import { InvalidInput } from '../../../core/errors.ts';
import type { JsonValue } from '../../../core/store/index.ts';

const instant = z.iso.datetime({ offset: true });

const runSchema = z.object({
  /** `If-Modified-Since` of this run; null: a full listing. */
  since: instant.nullable(),
  /** The next page to fetch. */
  page: z.number().int().min(1),
  /** Xero's clock at the run's first answer. */
  startedAt: instant.nullable(),
  /** The newest `UpdatedDateUTC` seen so far in this run. */
  maxSeen: instant.nullable(),
});

const cursorSchema = z.object({ v: z.literal(1), watermark: instant.nullable(), run: runSchema.nullable() });

export type XeroRun = z.infer<typeof runSchema>;
export type XeroCursor = z.infer<typeof cursorSchema>;

/** Reads a stored cursor; null (never synced) gives an empty one. A bad one names the stream. */
export function parseCursor(value: JsonValue, stream: string): XeroCursor {
  if (value === null) return { v: 1, watermark: null, run: null };
  const parsed = cursorSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidInput(`cursor of xero stream "${stream}": ${issue.path.join('.') || 'value'}: ${issue.message} (run a full sync to reset it)`, { field: 'cursor' });
  }
  return parsed.data;
}

/** The run to do now: the interrupted one, or a new one from the watermark. */
export function currentRun(cursor: XeroCursor): XeroRun {
  return cursor.run ?? { since: cursor.watermark, page: 1, startedAt: null, maxSeen: null };
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The run after one more page: the newest update seen and Xero's clock at the run's start. */
export function afterPage(run: XeroRun, updatedMs: readonly (number | null)[], serverNowMs: number | null): XeroRun {
  let max = run.maxSeen === null ? null : Date.parse(run.maxSeen);
  for (const ms of updatedMs) if (ms !== null && (max === null || ms > max)) max = ms;
  const startedAt = run.startedAt ?? (serverNowMs === null ? null : iso(serverNowMs));
  return { ...run, startedAt, maxSeen: max === null ? null : iso(max) };
}

/** The watermark a finished run leaves for the next `If-Modified-Since` (see the file comment). */
export function finishedWatermark(run: XeroRun): string | null {
  const started = run.startedAt === null ? null : Date.parse(run.startedAt);
  const max = run.maxSeen === null ? null : Date.parse(run.maxSeen);
  if (max === null) return started === null ? run.since : iso(started);
  // Without Xero's clock, the newest update itself: at worst that one record comes again.
  if (started === null) return iso(max);
  return iso(Math.min(max + 1, started));
}

/** The cursor saved with a page: the run still going at `nextPage`, or finished when null. */
export function cursorAfter(cursor: XeroCursor, run: XeroRun, nextPage: number | null): XeroCursor {
  if (nextPage === null) return { v: 1, watermark: finishedWatermark(run), run: null };
  return { v: 1, watermark: cursor.watermark, run: { ...run, page: nextPage } };
}
