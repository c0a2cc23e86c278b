/**
 * The one pagination engine, for the three paging styles the providers use. It yields every page
 * with the cursor to resume after it, so the sync engine checkpoints per page and a crash costs at
 * most one page. It stops on a short page (no extra empty call) and hands `fetchPage` a fresh,
 * frozen request each time: nothing the caller passed is ever mutated between pages.
 */
import { InvalidInput } from '../errors.ts';
import type { PagingStyle } from './profile.ts';

export type PageRequest =
  | { style: 'offset'; startPosition: number; maxResults: number }
  | { style: 'page'; page: number; pageSize: number }
  | { style: 'cursor'; after: string | null; limit: number };

export interface FetchedPage<R> {
  records: R[];
  /** Cursor style only: the provider's next token (HubSpot `paging.next.after`), absent at the end. */
  next?: string | null;
}

export interface Page<R> {
  records: R[];
  /** Where to resume after this page; null when this was the last one. */
  nextCursor: string | null;
}

export interface PaginateOptions {
  /** A `nextCursor` from an earlier run: resume there instead of at the start. */
  from?: string | null;
  /** A guard against a provider that never stops; exceeding it throws. */
  maxPages?: number;
}

export type FetchPage<R> = (request: Readonly<PageRequest>) => Promise<FetchedPage<R>>;

function parsePosition(cursor: string, min: number): number {
  if (!/^\d+$/.test(cursor) || Number(cursor) < min) {
    throw new InvalidInput(`cursor: "${cursor}" is not a page position`, { field: 'cursor' });
  }
  return Number(cursor);
}

function firstRequest(style: PagingStyle, from: string | null | undefined): PageRequest {
  const resume = from !== undefined && from !== null && from !== '' ? from : null;
  switch (style.style) {
    case 'offset':
      return { style: 'offset', startPosition: resume === null ? style.firstPosition : parsePosition(resume, style.firstPosition), maxResults: style.pageSize };
    case 'page':
      return { style: 'page', page: resume === null ? style.firstPage : parsePosition(resume, style.firstPage), pageSize: style.pageSize };
    case 'cursor':
      return { style: 'cursor', after: resume, limit: style.pageSize };
  }
}

/** The request after `request`, or null when the fetched page was the last. */
function nextRequest<R>(request: PageRequest, page: FetchedPage<R>): PageRequest | null {
  const count = page.records.length;
  switch (request.style) {
    case 'offset':
      // QuickBooks: a page shorter than MAXRESULTS is the last one.
      return count < request.maxResults ? null : { ...request, startPosition: request.startPosition + count };
    case 'page':
      // Xero: a page with fewer than pageSize records is the last one.
      return count < request.pageSize ? null : { ...request, page: request.page + 1 };
    case 'cursor': {
      const next = page.next ?? null;
      if (next === null || next === '') return null;
      if (next === request.after) {
        throw new InvalidInput(`cursor: the provider returned the same cursor "${next}" twice`, { field: 'cursor' });
      }
      return { ...request, after: next };
    }
  }
}

function cursorOf(request: PageRequest | null): string | null {
  if (request === null) return null;
  switch (request.style) {
    case 'offset':
      return String(request.startPosition);
    case 'page':
      return String(request.page);
    case 'cursor':
      return request.after;
  }
}

/**
 * Pages through a listing. Every fetched page is yielded, an empty last one included, so the
 * consumer always sees `nextCursor: null` at the end.
 */
export async function* paginate<R>(style: PagingStyle, fetchPage: FetchPage<R>, options: PaginateOptions = {}): AsyncGenerator<Page<R>> {
  const maxPages = options.maxPages ?? 100_000;
  let request: PageRequest | null = firstRequest(style, options.from);
  for (let pages = 0; request !== null; pages++) {
    if (pages >= maxPages) throw new InvalidInput(`cursor: more than ${maxPages} pages; stopping`, { field: 'cursor' });
    const fetched = await fetchPage(Object.freeze({ ...request }));
    request = nextRequest(request, fetched);
    yield { records: fetched.records, nextCursor: cursorOf(request) };
  }
}
