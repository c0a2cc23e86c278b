/**
 * Every search the HubSpot connector makes, with nock: the body (filters on the modified property,
 * ascending sort, properties, 200 a page), the bearer token, paging by `after`, narrowing a window
 * past the 10,000 cap, the cursor a run leaves and an incremental run from it, 429s by policy, a
 * refused token, the optional invoices object, and bad answers and cursors.
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInput, RateLimited } from '../../../core/errors.ts';
import { DailyAllowanceExhausted } from '../../../core/http/index.ts';
import type { PulledPage } from '../../../connectors/contract.ts';
import { API, company, hubspotError, stopLimiters, testSession } from './support.ts';

interface SearchBody {
  filterGroups: { filters: { propertyName: string; operator: string; value: string }[] }[];
  sorts: { propertyName: string; direction: string }[];
  properties: string[];
  limit: number;
  after?: string;
}

async function collect(iterable: AsyncIterable<PulledPage>): Promise<PulledPage[]> {
  const pages: PulledPage[] = [];
  for await (const page of iterable) pages.push(page);
  return pages;
}

const NOW = Date.parse('2026-03-02T10:00:00Z');

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(async () => {
  nock.enableNetConnect();
  await stopLimiters();
});

describe.each([
  { stream: 'company', objectType: 'companies', modified: 'hs_lastmodifieddate' },
  { stream: 'contact', objectType: 'contacts', modified: 'lastmodifieddate' },
  { stream: 'deal', objectType: 'deals', modified: 'hs_lastmodifieddate' },
])('hubspot $stream stream', ({ stream, objectType, modified }) => {
  const rec = (id: number, at: string) => ({ ...company(id, at), properties: { ...company(id, at).properties, [modified]: at } });

  it('searches the whole history in ascending modified order, 200 a page, then leaves an incremental cursor', async () => {
    const { session } = testSession();
    const bodies: SearchBody[] = [];
    const auth: (string | undefined)[] = [];
    const first = Array.from({ length: 200 }, (_, i) => rec(i + 1, `2026-02-01T00:00:${String(i % 60).padStart(2, '0')}.000Z`)).sort((a, b) => a.updatedAt.localeCompare(b.updatedAt));
    const second = [rec(201, '2026-02-03T00:00:00.000Z'), rec(202, '2026-02-03T00:00:00.000Z')];
    nock(API)
      .post(`/crm/v3/objects/${objectType}/search`)
      .times(2)
      .reply(function (_uri, body) {
        const b = body as SearchBody;
        bodies.push(b);
        auth.push(this.req.headers.authorization as string | undefined);
        return b.after === undefined
          ? [200, { total: 202, results: first, paging: { next: { after: '200' } } }]
          : [200, { total: 202, results: second }];
      });
    const pages = await collect(session.pull(stream, null));
    expect(bodies[0]!.filterGroups[0]!.filters).toEqual([
      { propertyName: modified, operator: 'GTE', value: '0' },
      { propertyName: modified, operator: 'LTE', value: String(NOW) },
    ]);
    expect(bodies[0]!.sorts).toEqual([{ propertyName: modified, direction: 'ASCENDING' }]);
    expect(bodies[0]!.limit).toBe(200);
    expect(bodies[0]!.properties).toContain(modified);
    expect(bodies[1]!.after).toBe('200');
    expect(auth).toEqual(['Bearer access-1', 'Bearer access-1']);
    expect(pages.map((p) => p.records.length)).toEqual([200, 2, 0]);
    expect(pages.every((p) => p.mode === 'full')).toBe(true);
    expect(pages.at(-1)!.cursor).toEqual({ mode: 'incremental', from: Date.parse('2026-02-03T00:00:00.000Z'), seen: ['201', '202'] });
  });

  it('an incremental run starts at the cursor instant and skips the records already read there', async () => {
    const { session } = testSession();
    const at = '2026-02-03T00:00:00.000Z';
    let filters: SearchBody['filterGroups'][0]['filters'] = [];
    nock(API)
      .post(`/crm/v3/objects/${objectType}/search`)
      .reply((_uri, body) => {
        filters = (body as SearchBody).filterGroups[0]!.filters;
        return [200, { total: 3, results: [rec(201, at), rec(202, at), rec(203, '2026-02-04T00:00:00.000Z')] }];
      });
    const pages = await collect(session.pull(stream, { mode: 'incremental', from: Date.parse(at), seen: ['201', '202'] }));
    expect(filters[0]).toEqual({ propertyName: modified, operator: 'GTE', value: String(Date.parse(at)) });
    expect(pages.flatMap((p) => p.records.map((r) => (r as { id: string }).id))).toEqual(['203']);
    expect(pages.every((p) => p.mode === 'incremental')).toBe(true);
    expect(pages.at(-1)!.cursor).toEqual({ mode: 'incremental', from: Date.parse('2026-02-04T00:00:00.000Z'), seen: ['203'] });
  });
});

describe('hubspot search past the 10,000-result cap', () => {
  it('narrows the window in halves until it fits, then moves to the next window', async () => {
    const { session } = testSession();
    const seen: { from: number; to: number }[] = [];
    const oldest = Date.parse('2026-03-01T00:00:00.000Z');
    const mid = Math.floor((oldest + NOW) / 2);
    nock(API)
      .post('/crm/v3/objects/companies/search')
      .times(4)
      .reply((_uri, body) => {
        const f = (body as SearchBody).filterGroups[0]!.filters;
        const window = { from: Number(f[0]!.value), to: Number(f[1]!.value) };
        seen.push(window);
        if (window.to === NOW && window.from === 0) return [200, { total: 12_000, results: [company(1, '2026-03-01T00:00:00.000Z')], paging: { next: { after: '200' } } }];
        if (window.to === mid) return [200, { total: 2, results: [company(1, '2026-03-01T00:00:00.000Z'), company(2, '2026-03-01T06:00:00.000Z')] }];
        return [200, { total: 1, results: [company(3, '2026-03-02T09:00:00.000Z')] }];
      });
    const pages = await collect(session.pull('company', null));
    // The first window is halved from its oldest record, not from the epoch.
    expect(seen[1]).toEqual({ from: 0, to: mid });
    expect(seen[2]).toEqual({ from: mid + 1, to: NOW });
    expect(pages.flatMap((p) => p.records.map((r) => (r as { id: string }).id))).toEqual(['1', '2', '3']);
  });
});

describe('hubspot call failures', () => {
  it('waits out a TEN_SECONDLY_ROLLING 429 for its Retry-After, then goes on', async () => {
    const { session, context } = testSession();
    nock(API)
      .post('/crm/v3/objects/companies/search')
      .reply(429, hubspotError('RATE_LIMITS', 'You have reached your ten_secondly_rolling limit.', { policyName: 'TEN_SECONDLY_ROLLING', errorType: 'RATE_LIMIT' }), { 'Retry-After': '2' })
      .post('/crm/v3/objects/companies/search')
      .reply(200, { total: 0, results: [] });
    const pages = await collect(session.pull('company', null));
    expect(pages.length).toBe(2);
    expect(context.clock.sleeps).toContain(2000);
    expect(context.attempts.map((a) => a.outcome)).toEqual(['rate_limited', 'ok']);
  });

  it('stops at once on a DAILY 429: no retry can succeed before midnight', async () => {
    const { session, context } = testSession();
    nock(API)
      .post('/crm/v3/objects/companies/search')
      .reply(429, hubspotError('RATE_LIMITS', 'You have reached your daily limit.', { policyName: 'DAILY' }));
    const error = await collect(session.pull('company', null)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DailyAllowanceExhausted);
    expect((error as DailyAllowanceExhausted).resetAt.toISOString()).toBe('2026-03-03T00:00:00.000Z');
    expect(context.attempts.length).toBe(1);
  });

  it('gives up after the retry policy when the storm does not pass', async () => {
    const { session } = testSession();
    nock(API).post('/crm/v3/objects/companies/search').times(4).reply(429, hubspotError('RATE_LIMITS', 'limit', { policyName: 'TEN_SECONDLY_ROLLING' }));
    await expect(collect(session.pull('company', null))).rejects.toBeInstanceOf(RateLimited);
  });

  it('refreshes a refused OAuth token once and retries with the new one', async () => {
    const { session, context } = testSession();
    const auth: string[] = [];
    nock(API)
      .post('/crm/v3/objects/companies/search')
      .reply(function () {
        auth.push(String(this.req.headers.authorization));
        return [401, hubspotError('EXPIRED_AUTHENTICATION', 'The OAuth token used to make this call expired 1 minute(s) ago.')];
      })
      .post('/crm/v3/objects/companies/search')
      .reply(function () {
        auth.push(String(this.req.headers.authorization));
        return [200, { total: 0, results: [] }];
      });
    await collect(session.pull('company', null));
    expect(auth).toEqual(['Bearer access-1', 'Bearer access-2']);
    expect(context.tokens.refreshes).toEqual(['access-1']);
  });

  it('retries a 500 and then succeeds', async () => {
    const { session } = testSession();
    nock(API)
      .post('/crm/v3/objects/companies/search')
      .reply(500, hubspotError('INTERNAL_ERROR', 'internal error'))
      .post('/crm/v3/objects/companies/search')
      .reply(200, { total: 1, results: [company(1, '2026-03-01T00:00:00.000Z')] });
    const pages = await collect(session.pull('company', null));
    expect(pages[0]!.records.length).toBe(1);
  });

  it('a portal without the invoices object ends the stream with the reason in its cursor', async () => {
    const { session } = testSession();
    nock(API).post('/crm/v3/objects/invoices/search').reply(400, hubspotError('VALIDATION_ERROR', 'Unable to infer object type from: invoices'));
    const pages = await collect(session.pull('hubspotInvoice', null));
    expect(pages).toHaveLength(1);
    expect(pages[0]!.cursor).toMatchObject({ mode: 'unavailable', reason: expect.stringContaining('Unable to infer object type') });
  });

  it('names the field of an answer that is not a search page', async () => {
    const { session } = testSession();
    nock(API).post('/crm/v3/objects/companies/search').reply(200, { total: 1, results: [{ id: 7 }] });
    await expect(collect(session.pull('company', null))).rejects.toThrow(/results\.0\.id/);
  });

  it('names the record whose modified instant is missing', async () => {
    const { session } = testSession();
    nock(API)
      .post('/crm/v3/objects/companies/search')
      .reply(200, { total: 1, results: [{ id: '9', properties: { name: 'No date' } }] });
    await expect(collect(session.pull('company', null))).rejects.toThrow(/companies 9: hs_lastmodifieddate/);
  });

  it('refuses an unreadable cursor and an unknown stream, naming them', async () => {
    const { session } = testSession();
    await expect(collect(session.pull('company', { mode: 'incremental', from: 'yesterday' }))).rejects.toThrow(InvalidInput);
    expect(() => session.pull('ticket', null)).toThrow(/no stream "ticket"/);
  });
});
