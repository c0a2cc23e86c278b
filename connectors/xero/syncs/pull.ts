/**
 * One pull of a Xero collection as a producer of pages over core/http's `paginate`: full when the
 * cursor has no watermark, `If-Modified-Since` otherwise, 1000 records a page, and a killed run
 * resumed at its page. Paging, limits and retries are core's; this file only says how Xero lists.
 */
import { InvalidInput } from '../../../core/errors.ts';
import { paginate, type FetchedPage, type PageRequest } from '../../../core/http/index.ts';
import type { JsonValue } from '../../../core/store/index.ts';
import type { PulledPage } from '../../contract.ts';
import type { XeroClient } from '../client.ts';
import { xeroProfile } from '../profile.ts';
import { listEnvelopeSchema, xeroInstantMs } from '../schemas.ts';
import { afterPage, currentRun, cursorAfter, parseCursor, type XeroCursor, type XeroRun } from './cursor.ts';
import type { XeroStream } from './stream.ts';

interface ListedPage extends FetchedPage<unknown> {
  /** Xero's clock when it answered (`DateTimeUTC`, else the `Date` header). */
  serverNowMs: number | null;
}

function serverNow(envelopeTime: unknown, dateHeader: string | undefined): number | null {
  const fromBody = xeroInstantMs(envelopeTime);
  if (fromBody !== null) return fromBody;
  const fromHeader = dateHeader ? Date.parse(dateHeader) : Number.NaN;
  return Number.isNaN(fromHeader) ? null : fromHeader;
}

/** Fetches one page of a collection; a body that is not a Xero list is an error naming the stream. */
export async function fetchListPage(client: XeroClient, stream: XeroStream, since: string | null, request: Readonly<PageRequest>): Promise<ListedPage> {
  if (request.style !== 'page') throw new InvalidInput(`xero ${stream.name}: paging style ${request.style} is not Xero's`, { field: 'paging' });
  const answer = await client.request(`xero.list.${stream.collection}`, (api, tenantId) =>
    stream.list(api, tenantId, {
      ifModifiedSince: since === null ? undefined : new Date(since),
      where: stream.where,
      order: `${stream.idField} ASC`,
      page: request.page,
      pageSize: request.pageSize,
    }),
  );
  const parsed = listEnvelopeSchema(stream.collection).safeParse(answer.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidInput(`xero ${stream.collection} page ${request.page}: unexpected answer at ${issue?.path.join('.') || 'body'}: ${issue?.message ?? ''}`, { field: stream.collection });
  }
  const records = (parsed.data[stream.collection] as unknown[] | undefined) ?? [];
  return { records, serverNowMs: serverNow(parsed.data.DateTimeUTC, answer.headers.date) };
}

function updatedOf(record: unknown): number | null {
  return record && typeof record === 'object' ? xeroInstantMs((record as Record<string, unknown>).UpdatedDateUTC) : null;
}

/**
 * Pages of one stream from `cursorValue`; each carries the cursor to commit with it. A run resumed
 * after a kill is closed at once by a run from the watermark it leaves (`If-Modified-Since` from no
 * later than Xero's clock when the killed run began): the records changed on pages the killed run
 * had already read come in this sync, not the next (issue 14.2; Xero has no change feed to say
 * what changed behind a listing). A kill during that closing run leaves it to be resumed, and
 * closed, in turn.
 */
export async function* pullStream(client: XeroClient, stream: XeroStream, cursorValue: JsonValue): AsyncGenerator<PulledPage> {
  const cursor = parseCursor(cursorValue, stream.name);
  const finished = yield* listRun(client, stream, cursor);
  if (cursor.run !== null) yield* listRun(client, stream, finished);
}

/** One run of a stream, from the cursor's run (or a new one from its watermark); returns the cursor it ends with. */
async function* listRun(client: XeroClient, stream: XeroStream, cursor: XeroCursor): AsyncGenerator<PulledPage, XeroCursor> {
  let run: XeroRun = currentRun(cursor);
  let saved: XeroCursor = cursor;
  const mode = run.since === null ? 'full' : 'incremental';
  let lastServerNow: number | null = null;
  const fetchPage = async (request: Readonly<PageRequest>): Promise<FetchedPage<unknown>> => {
    const page = await fetchListPage(client, stream, run.since, request);
    lastServerNow = page.serverNowMs;
    return page;
  };
  for await (const page of paginate(xeroProfile.paging, fetchPage, { from: String(run.page) })) {
    run = afterPage(run, page.records.map(updatedOf), lastServerNow);
    const next = page.nextCursor === null ? null : Number(page.nextCursor);
    saved = cursorAfter(cursor, run, next);
    // Xero has no deletion notices: deleted and voided documents stay listed with their status.
    yield { records: page.records, deleted: [], cursor: saved, mode };
  }
  return saved;
}
