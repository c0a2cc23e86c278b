/**
 * Every list call the Xero connector makes, with nock: path, query (`where`, `order`, `page`,
 * `pageSize=1000`), headers (tenant, bearer, `If-Modified-Since`), paging to the short page, the
 * cursor a run leaves, resuming a killed run at its page, and bad answers and cursors.
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInput } from '../../../core/errors.ts';
import type { JsonValue } from '../../../core/store/index.ts';
import { xeroConnector } from '../../../connectors/xero/index.ts';
import type { PulledPage } from '../../../connectors/contract.ts';
import { API, TENANT, listAnswer, msDate, stopLimiters, testContext } from './support.ts';

const STREAMS = [
  { stream: 'customer', path: '/api.xro/2.0/Contacts', collection: 'Contacts', idField: 'ContactID', where: undefined },
  { stream: 'invoice', path: '/api.xro/2.0/Invoices', collection: 'Invoices', idField: 'InvoiceID', where: 'Type=="ACCREC"' },
  { stream: 'payment', path: '/api.xro/2.0/Payments', collection: 'Payments', idField: 'PaymentID', where: 'PaymentType=="ACCRECPAYMENT"' },
  { stream: 'creditNote', path: '/api.xro/2.0/CreditNotes', collection: 'CreditNotes', idField: 'CreditNoteID', where: 'Type=="ACCRECCREDIT"' },
  { stream: 'overpayment', path: '/api.xro/2.0/Overpayments', collection: 'Overpayments', idField: 'OverpaymentID', where: 'Type=="RECEIVE-OVERPAYMENT"' },
] as const;

function records(idField: string, count: number, firstUpdate: string, from = 0): Record<string, unknown>[] {
  const base = Date.parse(firstUpdate);
  return Array.from({ length: count }, (_, i) => ({
    [idField]: `00000000-0000-4000-8000-${String(from + i).padStart(12, '0')}`,
    UpdatedDateUTC: `/Date(${base + (from + i) * 1000}+0000)/`,
  }));
}

async function collect(iterable: AsyncIterable<PulledPage>): Promise<PulledPage[]> {
  const pages: PulledPage[] = [];
  for await (const page of iterable) pages.push(page);
  return pages;
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(async () => {
  nock.enableNetConnect();
  await stopLimiters();
});

describe.each(STREAMS)('xero $stream stream', ({ stream, path, collection, idField, where }) => {
  it('lists everything 1000 a page in id order, with the tenant and the token, until a short page', async () => {
    const seen: { query: Record<string, string>; headers: Record<string, string | string[] | undefined> }[] = [];
    const full = records(idField, 1000, '2026-01-01T00:00:00Z');
    const rest = records(idField, 3, '2026-01-01T00:00:00Z', 1000);
    const scope = nock(API)
      .get(path)
      .query((q) => q.page === '1')
      .reply(function () {
        seen.push({ query: Object.fromEntries(new URL(this.req.path, API).searchParams), headers: this.req.headers });
        return [200, listAnswer(collection, full, '2026-03-02T09:00:00Z')];
      })
      .get(path)
      .query((q) => q.page === '2')
      .reply(function () {
        seen.push({ query: Object.fromEntries(new URL(this.req.path, API).searchParams), headers: this.req.headers });
        return [200, listAnswer(collection, rest, '2026-03-02T09:00:05Z')];
      });
    const session = xeroConnector.connect(testContext());
    const pages = await collect(session.pull(stream, null));
    expect(scope.isDone()).toBe(true);
    expect(pages.map((p) => p.records.length)).toEqual([1000, 3]);
    expect(pages.every((p) => p.mode === 'full' && p.deleted.length === 0)).toBe(true);
    for (const { query, headers } of seen) {
      expect(query.pageSize).toBe('1000');
      expect(query.order).toBe(`${idField} ASC`);
      expect(query.where).toBe(where);
      expect(headers['xero-tenant-id']).toBe(TENANT);
      expect(headers.authorization).toBe('Bearer access-1');
      expect(headers['if-modified-since']).toBeUndefined();
    }
    // After page 1 the run goes on at page 2; after the last page, the watermark is the newest
    // update seen plus 1 ms (earlier than Xero's clock at the start of the run).
    expect(pages[0]!.cursor).toMatchObject({ run: { page: 2, since: null, startedAt: '2026-03-02T09:00:00.000Z' } });
    const newest = Date.parse('2026-01-01T00:00:00Z') + 1002 * 1000;
    expect(pages[1]!.cursor).toEqual({ v: 1, watermark: new Date(newest + 1).toISOString(), run: null });
  });

  it('asks for the changes since the watermark with If-Modified-Since', async () => {
    let ims: string | undefined;
    nock(API)
      .get(path)
      .query(true)
      .reply(function () {
        ims = this.req.headers['if-modified-since'] as string;
        return [200, listAnswer(collection, records(idField, 2, '2026-03-01T12:00:00Z'))];
      });
    const cursor = { v: 1, watermark: '2026-03-01T11:59:59.000Z', run: null };
    const pages = await collect(xeroConnector.connect(testContext()).pull(stream, cursor));
    expect(new Date(ims!).toISOString()).toBe('2026-03-01T11:59:59.000Z');
    expect(pages).toHaveLength(1);
    expect(pages[0]!.mode).toBe('incremental');
    expect(pages[0]!.cursor).toEqual({ v: 1, watermark: '2026-03-01T12:00:01.001Z', run: null });
  });
});

describe('xero pull: runs, cursors and bad answers', () => {
  const path = '/api.xro/2.0/Invoices';

  it('resumes a killed run at its page with the run\'s own If-Modified-Since, then closes it with a run from the watermark it leaves', async () => {
    const asked: { page?: string; ims?: string }[] = [];
    nock(API)
      .get(path)
      .query(true)
      .times(2)
      .reply(function () {
        asked.push({ page: new URL(this.req.path, API).searchParams.get('page') ?? undefined, ims: this.req.headers['if-modified-since'] as string });
        // The closing run finds the record edited on a page the killed run had already read.
        return asked.length === 1
          ? [200, listAnswer('Invoices', records('InvoiceID', 1, '2026-02-01T00:00:00Z'))]
          : [200, listAnswer('Invoices', [{ InvoiceID: 'edited', UpdatedDateUTC: msDate('2026-03-01T00:00:02Z') }], '2026-03-01T00:00:05Z')];
      });
    const cursor = {
      v: 1,
      watermark: '2026-01-15T00:00:00.000Z',
      run: { since: '2026-01-20T00:00:00.000Z', page: 3, startedAt: '2026-03-01T00:00:00.000Z', maxSeen: '2026-02-10T00:00:00.000Z' },
    };
    const pages = await collect(xeroConnector.connect(testContext()).pull('invoice', cursor));
    expect(asked[0]!.page).toBe('3');
    expect(new Date(asked[0]!.ims!).toISOString()).toBe('2026-01-20T00:00:00.000Z');
    // The newest update of the whole run (an earlier page) wins over this page's.
    expect(pages[0]!.cursor).toEqual({ v: 1, watermark: '2026-02-10T00:00:00.001Z', run: null });
    // Closed at once: everything changed since then, from page 1, and its own watermark after.
    expect(asked[1]).toEqual({ page: '1', ims: '2026-02-10T00:00:00.001Z' });
    expect(pages).toHaveLength(2);
    expect(pages[1]!.records).toEqual([{ InvoiceID: 'edited', UpdatedDateUTC: msDate('2026-03-01T00:00:02Z') }]);
    expect(pages[1]!.cursor).toEqual({ v: 1, watermark: '2026-03-01T00:00:02.001Z', run: null });
  });

  it('does not close a run that was not resumed: what changed during it is the next sync\'s', async () => {
    const scope = nock(API).get(path).query(true).reply(200, listAnswer('Invoices', records('InvoiceID', 2, '2026-02-01T00:00:00Z'), '2026-03-02T08:00:00Z'));
    const pages = await collect(xeroConnector.connect(testContext()).pull('invoice', { v: 1, watermark: '2026-01-01T00:00:00.000Z', run: null }));
    expect(pages).toHaveLength(1);
    expect(scope.isDone()).toBe(true);
  });

  it('caps the watermark at Xero\'s clock when records changed during the run', async () => {
    nock(API)
      .get(path)
      .query(true)
      .reply(200, listAnswer('Invoices', [{ InvoiceID: 'a', UpdatedDateUTC: msDate('2026-03-02T10:05:00Z') }], '2026-03-02T10:00:00Z'));
    const pages = await collect(xeroConnector.connect(testContext()).pull('invoice', null));
    expect(pages[0]!.cursor).toEqual({ v: 1, watermark: '2026-03-02T10:00:00.000Z', run: null });
  });

  it('keeps the watermark at Xero\'s clock when a run finds nothing', async () => {
    nock(API).get(path).query(true).reply(200, listAnswer('Invoices', [], '2026-03-02T08:00:00Z'));
    const pages = await collect(xeroConnector.connect(testContext()).pull('invoice', { v: 1, watermark: '2026-03-01T00:00:00.000Z', run: null }));
    expect(pages).toHaveLength(1);
    expect(pages[0]!.records).toEqual([]);
    expect(pages[0]!.cursor).toEqual({ v: 1, watermark: '2026-03-02T08:00:00.000Z', run: null });
  });

  it('passes a record without a readable UpdatedDateUTC on, without letting it move the watermark', async () => {
    nock(API)
      .get(path)
      .query(true)
      .reply(200, listAnswer('Invoices', [{ InvoiceID: 'a' }, 'not a record', { InvoiceID: 'b', UpdatedDateUTC: '2026-02-01T00:00:00' }]));
    const pages = await collect(xeroConnector.connect(testContext()).pull('invoice', null));
    expect(pages[0]!.records).toHaveLength(3);
    expect(pages[0]!.cursor).toEqual({ v: 1, watermark: '2026-02-01T00:00:00.001Z', run: null });
  });

  it('reports an answer xero-node cannot parse as a bad answer, not a network failure to retry', async () => {
    const context = testContext();
    const scope = nock(API).get(path).query(true).reply(200, listAnswer('Invoices', [{ InvoiceID: 'a', UpdatedDateUTC: 'yesterday' }]));
    const error = await collect(xeroConnector.connect(context).pull('invoice', null)).catch((e: unknown) => e);
    expect(scope.isDone()).toBe(true);
    expect(error).toBeInstanceOf(InvalidInput);
    expect((error as Error).message).toMatch(/xero-node could not read the answer/);
    expect(context.attempts).toHaveLength(1);
  });

  it('refuses an answer that is not a Xero list, naming the collection and the page', async () => {
    nock(API).get(path).query(true).reply(200, { Invoices: { InvoiceID: 'not a list' } });
    await expect(collect(xeroConnector.connect(testContext()).pull('invoice', null))).rejects.toThrow(/xero Invoices page 1: unexpected answer at Invoices/);
  });

  it.each([
    [{ v: 2, watermark: null, run: null }, /cursor of xero stream "invoice": v/],
    [{ v: 1, watermark: 'last tuesday', run: null }, /cursor of xero stream "invoice": watermark/],
    [{ v: 1, watermark: null, run: { since: null, page: 0, startedAt: null, maxSeen: null } }, /run\.page/],
  ])('refuses a bad cursor %j before any call', async (cursor, message) => {
    const error = await collect(xeroConnector.connect(testContext()).pull('invoice', cursor as JsonValue)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInput);
    expect((error as Error).message).toMatch(message);
  });

  it('refuses a stream Xero does not have', () => {
    expect(() => xeroConnector.connect(testContext()).pull('bill', null)).toThrow(/stream "bill" is not one of xero's/);
  });

  it('describes its streams in sync order, contacts first', () => {
    const description = xeroConnector.describe();
    expect(description.streams.map((s) => s.name)).toEqual(['customer', 'invoice', 'payment', 'creditNote', 'overpayment', 'prepayment']);
    expect(description.profile.paging).toEqual({ style: 'page', pageSize: 1000, firstPage: 1 });
    expect(description.streams.find((s) => s.name === 'overpayment')!.produces).toEqual([{ entity: 'payment', mapping: 'overpayment' }]);
    expect(description.streams.find((s) => s.name === 'prepayment')!.produces).toEqual([{ entity: 'payment', mapping: 'prepayment' }]);
  });
});
