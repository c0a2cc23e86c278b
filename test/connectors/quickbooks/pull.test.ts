/**
 * Every QuickBooks read the connector makes, against nock: query pages (paging, resume, order,
 * empty page), change data capture (deletions, the 1000 cap, the 30-day window) and the error
 * shapes (429 storm, 401 refresh, Fault 400, Fault in a 200, an answer that does not parse).
 */
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { quickbooksConnector } from '../../../connectors/quickbooks/index.ts';
import type { PulledPage } from '../../../connectors/contract.ts';
import type { JsonValue } from '../../../core/store/index.ts';
import { API, BASE, context, tokens, strictNock } from './context.ts';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const clock = { now: () => NOW, sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, Math.min(ms, 5))) };

function invoice(id: number, updated = '2026-02-20T10:00:00-08:00'): Record<string, unknown> {
  return { Id: String(id), SyncToken: '0', DocNumber: String(id), TxnDate: '2026-02-01', DueDate: '2026-03-01', TotalAmt: 10, Balance: 10, CustomerRef: { value: '1' }, MetaData: { LastUpdatedTime: updated } };
}

const fault = (code: string, message: string, element?: string) => ({ Fault: { Error: [{ Message: message, Detail: `${message} detail`, code, ...(element ? { element } : {}) }], type: 'ValidationFault' }, time: '2026-03-01T04:00:00.000-08:00' });

async function collect(pages: AsyncIterable<PulledPage>): Promise<PulledPage[]> {
  const out: PulledPage[] = [];
  for await (const p of pages) out.push(p);
  return out;
}

/** The QuickBooks query text of a request, decoded. */
function queryText(uri: string): string {
  return new URL(uri, BASE).searchParams.get('query') ?? '';
}

strictNock();

describe('full sync by query pages of 1000', () => {
  it('pages by key (Id > last, in Id order), stops on a short page, and hands CDC the first answer time', async () => {
    const seen: string[] = [];
    nock(BASE).get(`${API}/query`).query(true).reply(function (uri) {
      seen.push(queryText(uri));
      expect(this.req.headers.authorization).toBe('Bearer access-1');
      return [200, { QueryResponse: { Invoice: Array.from({ length: 1000 }, (_, i) => invoice(i + 1)), startPosition: 1, maxResults: 1000 }, time: '2026-03-01T04:00:00.000-08:00' }];
    });
    nock(BASE).get(`${API}/query`).query(true).reply(function (uri) {
      seen.push(queryText(uri));
      return [200, { QueryResponse: { Invoice: [invoice(1001)], startPosition: 1001, maxResults: 1 }, time: '2026-03-01T04:00:09.000-08:00' }];
    });
    const session = quickbooksConnector.connect(context({ clock }));
    const pages = await collect(session.pull('invoice', null));
    expect(pages.map((p) => p.records.length)).toEqual([1000, 1]);
    expect(seen[0]).toMatch(/^select \* from Invoice orderby Id asc startposition 1 maxresults 1000$/i);
    expect(seen[1]).toMatch(/^select \* from Invoice where Id > '1000' orderby Id asc startposition 1 maxresults 1000$/i);
    expect(pages[0]!.cursor).toEqual({ mode: 'full', afterId: '1000', since: '2026-03-01T12:00:00.000Z' });
    expect(pages[1]!.cursor).toEqual({ mode: 'incremental', since: '2026-03-01T12:00:00.000Z' });
    expect(pages.every((p) => p.mode === 'full')).toBe(true);
  });

  it('resumes a full listing after the saved key, keeping its start time, and closes it with CDC from that start', async () => {
    let text = '';
    nock(BASE).get(`${API}/query`).query(true).reply((uri) => {
      text = queryText(uri);
      return [200, { QueryResponse: {}, time: '2026-03-01T04:10:00.000-08:00' }];
    });
    // What changed on the pages read before the kill: seen by this sync, not only the next one.
    let changedSince = '';
    nock(BASE).get(`${API}/cdc`).query(true).reply((uri) => {
      changedSince = new URL(uri, BASE).searchParams.get('changedSince') ?? '';
      return [200, { CDCResponse: [{ QueryResponse: [{ Invoice: [{ ...invoice(7), status: 'Deleted' }] }] }], time: '2026-03-01T04:10:01.000-08:00' }];
    });
    const session = quickbooksConnector.connect(context({ clock }));
    const pages = await collect(session.pull('invoice', { mode: 'full', afterId: '3000', since: '2026-03-01T11:00:00.000Z' }));
    expect(text).toMatch(/where Id > '3000' orderby Id asc/i);
    expect(Date.parse(changedSince)).toBe(Date.parse('2026-03-01T11:00:00.000Z'));
    expect(pages).toEqual([
      { records: [], deleted: [], cursor: { mode: 'incremental', since: '2026-03-01T11:00:00.000Z' }, mode: 'full' },
      { records: [], deleted: [{ externalId: '7', raw: expect.objectContaining({ status: 'Deleted' }) }], cursor: { mode: 'incremental', since: '2026-03-01T12:10:01.000Z' }, mode: 'incremental' },
    ]);
  });

  it('starts over a listing saved as an offset by an earlier version (an offset is not a stable place)', async () => {
    let text = '';
    nock(BASE).get(`${API}/query`).query(true).reply((uri) => {
      text = queryText(uri);
      return [200, { QueryResponse: {}, time: '2026-03-01T04:10:00.000-08:00' }];
    });
    const pages = await collect(quickbooksConnector.connect(context({ clock })).pull('invoice', { mode: 'full', position: '3001', since: '2026-03-01T11:00:00.000Z' }));
    expect(text).toMatch(/^select \* from Invoice orderby Id asc startposition 1 maxresults 1000$/i);
    expect(pages[0]!.cursor).toEqual({ mode: 'incremental', since: '2026-03-01T12:10:00.000Z' });
  });

  it('asks for inactive customers too, since QuickBooks deletes a customer by making it inactive', async () => {
    let text = '';
    nock(BASE).get(`${API}/query`).query(true).reply((uri) => {
      text = queryText(uri);
      return [200, { QueryResponse: { Customer: [{ Id: '1', DisplayName: 'A', Active: false }] }, time: '2026-03-01T04:00:00.000-08:00' }];
    });
    const pages = await collect(quickbooksConnector.connect(context({ clock })).pull('customer', null));
    expect(text).toMatch(/from Customer where Active IN \(true,false\)/i);
    expect(pages[0]!.records).toHaveLength(1);
  });

  const tables = [
    { stream: 'customer', entity: 'Customer' },
    { stream: 'invoice', entity: 'Invoice' },
    { stream: 'payment', entity: 'Payment' },
    { stream: 'creditNote', entity: 'CreditMemo' },
  ];
  for (const { stream, entity } of tables) {
    it(`queries ${entity} for the ${stream} stream`, async () => {
      let text = '';
      nock(BASE).get(`${API}/query`).query(true).reply((uri) => {
        text = queryText(uri);
        return [200, { QueryResponse: { [entity]: [{ Id: '9' }] }, time: '2026-03-01T04:00:00.000-08:00' }];
      });
      const pages = await collect(quickbooksConnector.connect(context({ clock })).pull(stream, null));
      expect(text).toMatch(new RegExp(`from ${entity}\\b`, 'i'));
      expect(pages[0]!.records).toEqual([{ Id: '9' }]);
    });
  }
});

describe('incremental sync by change data capture', () => {
  const since = '2026-02-28T12:00:00.000Z';

  it('asks for the entity changed since the cursor, splits deletions, and moves the cursor to the answer time', async () => {
    let params: URLSearchParams | null = null;
    nock(BASE).get(`${API}/cdc`).query(true).reply((uri) => {
      params = new URL(uri, BASE).searchParams;
      return [200, { CDCResponse: [{ QueryResponse: [{ Invoice: [invoice(5), { status: 'Deleted', Id: '6', MetaData: { LastUpdatedTime: '2026-02-28T10:00:00-08:00' } }] }] }], time: '2026-03-01T04:00:00.000-08:00' }];
    });
    const pages = await collect(quickbooksConnector.connect(context({ clock })).pull('invoice', { mode: 'incremental', since }));
    expect(params!.get('entities')).toBe('Invoice');
    expect(params!.get('changedSince')).toBe(since);
    expect(pages).toHaveLength(1);
    expect(pages[0]!.records.map((r) => (r as { Id: string }).Id)).toEqual(['5']);
    expect(pages[0]!.deleted).toEqual([{ externalId: '6', raw: { status: 'Deleted', Id: '6', MetaData: { LastUpdatedTime: '2026-02-28T10:00:00-08:00' } } }]);
    expect(pages[0]!.cursor).toEqual({ mode: 'incremental', since: '2026-03-01T12:00:00.000Z' });
    expect(pages[0]!.mode).toBe('incremental');
  });

  it('at the cap with deletions (they come after every active object), moves the window to the newest deletion seen', async () => {
    const asked: string[] = [];
    const active = Array.from({ length: 990 }, (_, i) => invoice(i + 1, new Date(Date.parse(since) + (i + 1) * 1000).toISOString()));
    const gone = Array.from({ length: 10 }, (_, i) => ({ status: 'Deleted', Id: String(2000 + i), MetaData: { LastUpdatedTime: new Date(Date.parse(since) + (i + 1) * 60_000).toISOString() } }));
    nock(BASE).get(`${API}/cdc`).query(true).reply((uri) => {
      asked.push(new URL(uri, BASE).searchParams.get('changedSince')!);
      return [200, { CDCResponse: [{ QueryResponse: [{ Invoice: [...active, ...gone] }] }], time: '2026-03-01T04:00:00.000-08:00' }];
    });
    nock(BASE).get(`${API}/cdc`).query(true).reply((uri) => {
      asked.push(new URL(uri, BASE).searchParams.get('changedSince')!);
      return [200, { CDCResponse: [{ QueryResponse: [{ Invoice: [{ status: 'Deleted', Id: '2010', MetaData: { LastUpdatedTime: '2026-03-01T00:00:00Z' } }] }] }], time: '2026-03-01T04:00:01.000-08:00' }];
    });
    const pages = await collect(quickbooksConnector.connect(context({ clock })).pull('invoice', { mode: 'incremental', since }));
    const newestDeletion = new Date(Date.parse(since) + 10 * 60_000).toISOString();
    // Not the newest active change (16 minutes later): deletions past the tenth may sit before it.
    expect(asked).toEqual([since, newestDeletion]);
    expect(pages.map((p) => [p.records.length, p.deleted.length])).toEqual([[990, 10], [0, 1]]);
    expect(pages[0]!.cursor).toEqual({ mode: 'incremental', since: newestDeletion });
  });

  it('at the cap with active objects only (deletions may hide anywhere in the window), lists the entity again by key', async () => {
    const full = Array.from({ length: 1000 }, (_, i) => invoice(i + 1, new Date(Date.parse(since) + (i + 1) * 1000).toISOString()));
    nock(BASE).get(`${API}/cdc`).query(true).reply(200, { CDCResponse: [{ QueryResponse: [{ Invoice: full }] }], time: '2026-03-01T04:00:00.000-08:00' });
    let text = '';
    nock(BASE).get(`${API}/query`).query(true).reply((uri) => {
      text = queryText(uri);
      return [200, { QueryResponse: { Invoice: [invoice(1)] }, time: '2026-03-01T04:00:02.000-08:00' }];
    });
    const pages = await collect(quickbooksConnector.connect(context({ clock })).pull('invoice', { mode: 'incremental', since }));
    expect(text).toMatch(/^select \* from Invoice orderby Id asc/i);
    expect(pages.map((p) => p.mode)).toEqual(['full']);
    expect(pages[0]!.cursor).toEqual({ mode: 'incremental', since: '2026-03-01T12:00:02.000Z' });
  });

  it('states the key range each page of that listing covers whole, so the deletions of the window are found', async () => {
    const full = Array.from({ length: 1000 }, (_, i) => invoice(i + 1, new Date(Date.parse(since) + (i + 1) * 1000).toISOString()));
    nock(BASE).get(`${API}/cdc`).query(true).reply(200, { CDCResponse: [{ QueryResponse: [{ Invoice: full }] }], time: '2026-03-01T04:00:00.000-08:00' });
    nock(BASE).get(`${API}/query`).query(true).reply(200, { QueryResponse: { Invoice: Array.from({ length: 1000 }, (_, i) => invoice(i * 2 + 2)) }, time: '2026-03-01T04:00:02.000-08:00' });
    nock(BASE).get(`${API}/query`).query(true).reply(200, { QueryResponse: { Invoice: [invoice(2003)] }, time: '2026-03-01T04:00:03.000-08:00' });
    const pages = await collect(quickbooksConnector.connect(context({ clock })).pull('invoice', { mode: 'incremental', since }));
    expect(pages.map((p) => [p.listing?.afterKey, p.listing?.throughKey, p.listing?.keys.length])).toEqual([[null, '2000', 1000], ['2000', null, 1]]);
    expect(pages[1]!.listing!.keys).toEqual(['2003']);
    // A listing killed between pages resumes still reconciling.
    expect(pages[0]!.cursor).toEqual({ mode: 'full', afterId: '2000', since: '2026-03-01T12:00:02.000Z', reconcile: true });
  });

  it('resumes a reconciling listing with its ranges, and a first listing states none', async () => {
    nock(BASE).get(`${API}/query`).query(true).reply(200, { QueryResponse: { Invoice: [invoice(3001)] }, time: '2026-03-01T04:00:00.000-08:00' });
    // A resumed listing is closed by the change feed from its first start (issue 14.2): no range there.
    nock(BASE).get(`${API}/cdc`).query((q) => q.changedSince === '2026-03-01T11:00:00.000Z')
      .reply(200, { CDCResponse: [{ QueryResponse: [{ Invoice: [invoice(3002)] }] }], time: '2026-03-01T04:00:00.000-08:00' });
    const resumed = await collect(quickbooksConnector.connect(context({ clock })).pull('invoice', { mode: 'full', afterId: '3000', since: '2026-03-01T11:00:00.000Z', reconcile: true }));
    expect(resumed[0]!.listing).toEqual({ afterKey: '3000', throughKey: null, keys: ['3001'] });
    expect(resumed.slice(1).map((p) => [p.mode, p.listing, p.records.length])).toEqual([['incremental', undefined, 1]]);
    nock(BASE).get(`${API}/query`).query(true).reply(200, { QueryResponse: { Invoice: [invoice(1)] }, time: '2026-03-01T04:00:00.000-08:00' });
    const first = await collect(quickbooksConnector.connect(context({ clock })).pull('invoice', null));
    expect(first[0]!.listing).toBeUndefined();
  });

  it('falls back to a full listing when the cursor is older than the 30-day CDC window', async () => {
    let text = '';
    nock(BASE).get(`${API}/query`).query(true).reply((uri) => {
      text = queryText(uri);
      return [200, { QueryResponse: { Invoice: [invoice(1)] }, time: '2026-03-01T04:00:00.000-08:00' }];
    });
    const pages = await collect(quickbooksConnector.connect(context({ clock })).pull('invoice', { mode: 'incremental', since: '2026-01-15T00:00:00.000Z' }));
    expect(text).toMatch(/from Invoice/i);
    expect(pages[0]!.mode).toBe('full');
    // Deletions of the lapsed days can no longer be asked of CDC: the listing states its range.
    expect(pages[0]!.listing).toEqual({ afterKey: null, throughKey: null, keys: ['1'] });
  });

  it('refuses an unreadable cursor, pointing at --full', async () => {
    const session = quickbooksConnector.connect(context({ clock }));
    await expect(collect(session.pull('invoice', { mode: 'sideways' } as unknown as JsonValue))).rejects.toThrow(/cursor.*--full/);
  });
});

describe('error shapes', () => {
  const ok = { QueryResponse: { Invoice: [invoice(1)] }, time: '2026-03-01T04:00:00.000-08:00' };

  it('rides out a 429 storm (ThrottleExceeded) and honours Retry-After', async () => {
    const throttled = { Fault: { Error: [{ Message: 'message=ThrottleExceeded; errorCode=003001; statusCode=429', code: '003001' }], type: 'SERVICE' }, time: '2026-03-01T04:00:00.000-08:00' };
    nock(BASE).get(`${API}/query`).query(true).times(2).reply(429, throttled, { 'Retry-After': '0' });
    nock(BASE).get(`${API}/query`).query(true).reply(200, ok);
    const attempts: string[] = [];
    const pages = await collect(quickbooksConnector.connect(context({ clock, onAttempt: (a) => attempts.push(a.outcome) })).pull('invoice', null));
    expect(pages[0]!.records).toHaveLength(1);
    expect(attempts).toEqual(['rate_limited', 'rate_limited', 'ok']);
  });

  it('refreshes the token once on a 401 AuthenticationFailed and retries with the new one', async () => {
    const source = tokens();
    nock(BASE).get(`${API}/query`).query(true).reply(401, fault('3200', 'AuthenticationFailed'));
    nock(BASE).get(`${API}/query`).query(true).reply(function () {
      expect(this.req.headers.authorization).toBe('Bearer access-2');
      return [200, ok];
    });
    await collect(quickbooksConnector.connect(context({ clock, tokens: source })).pull('invoice', null));
    expect(source.refreshes).toBe(1);
  });

  it('retries a 503 and then succeeds', async () => {
    nock(BASE).get(`${API}/query`).query(true).reply(503, 'Service Unavailable');
    nock(BASE).get(`${API}/query`).query(true).reply(200, ok);
    const pages = await collect(quickbooksConnector.connect(context({ clock })).pull('invoice', null));
    expect(pages).toHaveLength(1);
  });

  it('turns a 400 ValidationFault into InvalidInput naming the element, without retrying', async () => {
    nock(BASE).get(`${API}/query`).query(true).reply(400, fault('4000', 'Error parsing query', 'query'));
    const error = await collect(quickbooksConnector.connect(context({ clock })).pull('invoice', null)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid', details: { faultCode: '4000', field: 'query' } });
    expect(String((error as Error).message)).toMatch(/Fault 4000.*Error parsing query/);
  });

  it('reads a Fault that came with a 200 as a validation error', async () => {
    nock(BASE).get(`${API}/query`).query(true).reply(200, fault('2010', 'Request has invalid or unsupported property', 'changedSince'));
    await expect(collect(quickbooksConnector.connect(context({ clock })).pull('invoice', null))).rejects.toMatchObject({ code: 'invalid', details: { field: 'changedSince' } });
  });

  it('names the field when the answer does not parse', async () => {
    nock(BASE).get(`${API}/query`).query(true).reply(200, { QueryResponse: { Invoice: [{ Id: { nested: true } }] } });
    await expect(collect(quickbooksConnector.connect(context({ clock })).pull('invoice', null))).rejects.toThrow(/Invoice query from the start: unexpected answer: QueryResponse\.Invoice\.0\.Id/);
  });

  it('hands a record without an Id on to the mapping (which rejects it) and keeps paging from the highest Id', async () => {
    const page = [...Array.from({ length: 999 }, (_, i) => invoice(i + 1)), { DocNumber: 'no id' }];
    let second = '';
    nock(BASE).get(`${API}/query`).query(true).reply(200, { QueryResponse: { Invoice: page }, time: '2026-03-01T04:00:00.000-08:00' });
    nock(BASE).get(`${API}/query`).query(true).reply((uri) => {
      second = queryText(uri);
      return [200, { QueryResponse: {}, time: '2026-03-01T04:00:01.000-08:00' }];
    });
    const pages = await collect(quickbooksConnector.connect(context({ clock })).pull('invoice', null));
    expect(pages[0]!.records).toHaveLength(1000);
    expect(second).toMatch(/where Id > '999'/);
  });

  it('passes a CDC deletion notice without an Id to the mapping instead of voiding "undefined"', async () => {
    nock(BASE).get(`${API}/cdc`).query(true).reply(200, { CDCResponse: [{ QueryResponse: [{ Invoice: [{ status: 'Deleted', MetaData: { LastUpdatedTime: '2026-02-28T10:00:00-08:00' } }] }] }], time: '2026-03-01T04:00:00.000-08:00' });
    const pages = await collect(quickbooksConnector.connect(context({ clock })).pull('invoice', { mode: 'incremental', since: '2026-02-28T12:00:00.000Z' }));
    expect(pages[0]!.deleted).toEqual([]);
    expect(pages[0]!.records).toHaveLength(1);
  });

  it('names the field of a CDC answer that does not parse', async () => {
    nock(BASE).get(`${API}/cdc`).query(true).reply(200, { CDCResponse: [] });
    await expect(collect(quickbooksConnector.connect(context({ clock })).pull('payment', { mode: 'incremental', since: '2026-02-28T00:00:00.000Z' }))).rejects.toThrow(/Payment change data capture: unexpected answer: CDCResponse/);
  });
});
