import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../../core/errors.ts';
import { paginate, type FetchedPage, type Page, type PageRequest } from '../../core/http/paginate.ts';
import { pagingStyleSchema, type PagingStyle } from '../../core/http/profile.ts';

const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i + 1 }));

/** A fake listing over `total` rows that records every request it was given. */
function listing(style: PagingStyle, total: number) {
  const data = rows(total);
  const requests: PageRequest[] = [];
  const fetchPage = async (request: Readonly<PageRequest>): Promise<FetchedPage<{ id: number }>> => {
    requests.push(request);
    if (request.style === 'offset') return { records: data.slice(request.startPosition - 1, request.startPosition - 1 + request.maxResults) };
    if (request.style === 'page') return { records: data.slice((request.page - 1) * request.pageSize, request.page * request.pageSize) };
    const start = request.after === null ? 0 : Number(request.after);
    const end = Math.min(start + request.limit, data.length);
    return { records: data.slice(start, end), next: end < data.length ? String(end) : undefined };
  };
  return { requests, fetchPage };
}

async function collect<R>(pages: AsyncIterable<Page<R>>): Promise<Page<R>[]> {
  const out: Page<R>[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

const offset = pagingStyleSchema.parse({ style: 'offset', pageSize: 3 });
const page = pagingStyleSchema.parse({ style: 'page', pageSize: 3 });
const cursor = pagingStyleSchema.parse({ style: 'cursor', pageSize: 3 });

describe.each([
  ['offset (QuickBooks STARTPOSITION/MAXRESULTS)', offset],
  ['page (Xero page)', page],
  ['cursor (HubSpot after)', cursor],
])('%s', (_name, style) => {
  it('empty first page: one call, one empty page, done', async () => {
    const l = listing(style, 0);
    expect(await collect(paginate(style, l.fetchPage))).toEqual([{ records: [], nextCursor: null }]);
    expect(l.requests).toHaveLength(1);
  });

  it('reads every record once across pages', async () => {
    const l = listing(style, 7);
    const pages = await collect(paginate(style, l.fetchPage));
    expect(pages.flatMap((p) => p.records).map((r) => r.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(pages.map((p) => p.records.length)).toEqual([3, 3, 1]);
    expect(pages.at(-1)?.nextCursor).toBeNull();
    expect(l.requests).toHaveLength(3);
  });

  it('resumes from a checkpointed cursor without re-reading earlier pages', async () => {
    const l = listing(style, 8);
    // A run that stops (crashes) after its first page, having checkpointed it.
    const first = await takeOne(paginate(style, l.fetchPage));
    const checkpoint = first[0]!.nextCursor;
    l.requests.length = 0;
    expect(checkpoint).not.toBeNull();
    const rest = await collect(paginate(style, l.fetchPage, { from: checkpoint }));
    expect(rest.flatMap((p) => p.records).map((r) => r.id)).toEqual([4, 5, 6, 7, 8]);
    expect(l.requests).toHaveLength(2);
  });

  it('hands each page a fresh frozen request and never changes an earlier one', async () => {
    const l = listing(style, 7);
    await collect(paginate(style, l.fetchPage));
    for (const r of l.requests) expect(Object.isFrozen(r)).toBe(true);
    expect(new Set(l.requests).size).toBe(l.requests.length);
    expect(l.requests[0]).toEqual(
      style.style === 'offset' ? { style: 'offset', startPosition: 1, maxResults: 3 }
        : style.style === 'page' ? { style: 'page', page: 1, pageSize: 3 }
          : { style: 'cursor', after: null, limit: 3 },
    );
  });
});

async function takeOne<R>(pages: AsyncGenerator<Page<R>>): Promise<Page<R>[]> {
  const first = await pages.next();
  await pages.return(undefined);
  return first.done ? [] : [first.value];
}

describe('stop rules', () => {
  it('offset and page: an exact multiple of the page size costs one empty call, no more', async () => {
    for (const style of [offset, page]) {
      const l = listing(style, 6);
      const pages = await collect(paginate(style, l.fetchPage));
      expect(pages.map((p) => p.records.length)).toEqual([3, 3, 0]);
      expect(l.requests).toHaveLength(3);
    }
  });

  it('offset: positions advance by the rows read (QuickBooks STARTPOSITION is 1-based)', async () => {
    const l = listing(offset, 7);
    await collect(paginate(offset, l.fetchPage));
    expect(l.requests.map((r) => (r.style === 'offset' ? r.startPosition : -1))).toEqual([1, 4, 7]);
  });

  it('cursor: an exact multiple ends on the provider saying no next page, with no extra call', async () => {
    const l = listing(cursor, 6);
    const pages = await collect(paginate(cursor, l.fetchPage));
    expect(pages.map((p) => p.records.length)).toEqual([3, 3]);
    expect(l.requests).toHaveLength(2);
  });

  it('cursor: a provider that repeats its cursor is stopped, not looped on', async () => {
    const stuck = async (): Promise<FetchedPage<number>> => ({ records: [1, 2, 3], next: 'same' });
    await expect(collect(paginate(cursor, stuck))).rejects.toThrow(InvalidInput);
  });

  it('maxPages guards a listing that never ends', async () => {
    const endless = async (r: Readonly<PageRequest>): Promise<FetchedPage<number>> => ({ records: [1, 2, 3], next: String((r.style === 'cursor' ? Number(r.after ?? 0) : 0) + 1) });
    await expect(collect(paginate(cursor, endless, { maxPages: 5 }))).rejects.toThrow(/more than 5 pages/);
  });

  it('rejects a resume cursor that is not a position, naming the field', async () => {
    const l = listing(offset, 3);
    await expect(collect(paginate(offset, l.fetchPage, { from: 'abc' }))).rejects.toThrow(/cursor/);
    expect(l.requests).toHaveLength(0);
  });
});
