/**
 * Bad requests get QuickBooks' own answers: the `Fault` shape, its codes and HTTP statuses — for a
 * malformed query, an unknown entity or field, an over-long page, an unknown Id, a bad write, a
 * missing or wrong token — and injected faults are answered in the same shapes.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQuickBooksSimulator, type QuickBooksSimulator } from '../../sandbox/quickbooks/index.ts';
import { generateWorld } from '../../sandbox/generator/index.ts';
import { shapeDifferences } from '../support/shape.ts';

type FaultBody = { Fault: { Error: { Message: string; Detail: string; code: string; element?: string }[]; type: string }; time: string };
const faultShape = JSON.parse(readFileSync(new URL('../fixtures/providers/quickbooks/fault.json', import.meta.url), 'utf8')) as unknown;

const clock = Date.parse('2026-03-01T12:00:00Z');
let sim: QuickBooksSimulator;
let baseUrl: string;
let company: string;
let invoiceId: string;

async function api(path: string, init: { token?: string | null; method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<{ status: number; headers: Headers; body: FaultBody & Record<string, unknown> }> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = init.token === undefined ? sim.credentials.accessToken : init.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${baseUrl}${path.startsWith('/v3') || path.startsWith('/oauth2') ? '' : company}${path}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: init.signal,
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as FaultBody & Record<string, unknown> };
}

const query = (q: string): string => `/query?query=${encodeURIComponent(q)}&minorversion=75`;

beforeAll(async () => {
  sim = createQuickBooksSimulator({ world: generateWorld({ seed: 5, invoices: 60, asOf: '2026-03-01' }), limits: false, now: () => clock });
  baseUrl = await sim.app.listen({ host: '127.0.0.1', port: 0 });
  company = `/v3/company/${sim.credentials.realmId}`;
  const first = await api(query('select * from Invoice maxresults 1'));
  invoiceId = ((first.body.QueryResponse as { Invoice: { Id: string }[] }).Invoice[0]!).Id;
});

afterAll(async () => {
  await sim.app.close();
});

function expectFault(res: { status: number; body: FaultBody }, status: number, code: string, type: string): void {
  expect(res.status).toBe(status);
  expect(shapeDifferences(faultShape, res.body)).toEqual([]);
  expect(res.body.Fault.Error[0]!.code).toBe(code);
  expect(res.body.Fault.type).toBe(type);
}

describe('queries QuickBooks refuses', () => {
  const cases: [string, string, string][] = [
    ['a malformed query', 'selec * from Invoice', '4000'],
    ['an unterminated string', "select * from Invoice where DocNumber = 'abc", '4000'],
    ['trailing garbage', 'select * from Invoice maxresults 10 please', '4000'],
    ['an unknown entity', 'select * from Widget', '4001'],
    ['an unknown field', "select * from Invoice where Colour = 'red'", '4001'],
    ['an unknown orderby field', 'select * from Invoice orderby Colour', '4001'],
    ['an instant that is not one', "select * from Invoice where MetaData.LastUpdatedTime > 'yesterday'", '4001'],
    ['an over-long page', 'select * from Invoice maxresults 1001', '4001'],
    ['a zero start position', 'select * from Invoice startposition 0', '4001'],
  ];
  for (const [what, q, code] of cases) {
    it(`${what} → 400 ${code}`, async () => {
      const res = await api(query(q));
      expectFault(res, 400, code, 'ValidationFault');
    });
  }

  it('a request without a query → 400 4000', async () => {
    expectFault(await api('/query?minorversion=75'), 400, '4000', 'ValidationFault');
  });

  it('the largest page QuickBooks allows is served', async () => {
    const res = await api(query('select * from Invoice maxresults 1000'));
    expect(res.status).toBe(200);
    expect((res.body.QueryResponse as { maxResults: number }).maxResults).toBe(60);
  });
});

describe('reads and writes QuickBooks refuses', () => {
  it('an unknown Id → 400 610 Object Not Found', async () => {
    expectFault(await api('/invoice/987654'), 400, '610', 'ValidationFault');
  });

  it('an entity the simulator does not serve → 400', async () => {
    expectFault(await api('/widget/1'), 400, '2010', 'ValidationFault');
  });

  const writes: [string, unknown, string][] = [
    ['an update without Id', { SyncToken: '0', sparse: true, PrivateNote: 'x' }, '2020'],
    ['an update of an unknown property', { Id: 'ID', SyncToken: '0', sparse: true, Colour: 'red' }, '2010'],
    ['a custom field value over 31 characters', { Id: 'ID', SyncToken: '0', sparse: true, CustomField: [{ DefinitionId: '1', StringValue: 'x'.repeat(32) }] }, '2500'],
    ['a private note over 4000 characters', { Id: 'ID', SyncToken: '0', sparse: true, PrivateNote: 'x'.repeat(4001) }, '2500'],
    ['a full update without lines', { Id: 'ID', SyncToken: '0', PrivateNote: 'x' }, '2020'],
    ['an unknown invoice', { Id: '987654', SyncToken: '0', sparse: true }, '610'],
  ];
  for (const [what, body, code] of writes) {
    it(`${what} → 400 ${code}, and nothing is written`, async () => {
      const withId = JSON.parse(JSON.stringify(body).replace('"ID"', JSON.stringify(invoiceId))) as unknown;
      const res = await api('/invoice?operation=update&minorversion=75', { method: 'POST', body: withId });
      expectFault(res, 400, code, 'ValidationFault');
      expect(res.body.Fault.Error[0]).toHaveProperty('element');
      expect(sim.control.writtenBack()).toEqual([]);
    });
  }

  it('an unsupported operation → 400', async () => {
    expectFault(await api('/invoice?operation=delete', { method: 'POST', body: { Id: invoiceId, SyncToken: '0' } }), 400, '2010', 'ValidationFault');
  });

  const cdc: [string, string, string][] = [
    ['a look-back over 30 days', `entities=Invoice&changedSince=${new Date(clock - 31 * 86_400_000).toISOString()}`, '2010'],
    ['no entities', `changedSince=${new Date(clock - 86_400_000).toISOString()}`, '2020'],
    ['no changedSince', 'entities=Invoice', '2020'],
    ['a changedSince that is no date', 'entities=Invoice&changedSince=soon', '2010'],
    ['an entity CDC does not know', `entities=Widget&changedSince=${new Date(clock - 86_400_000).toISOString()}`, '2010'],
  ];
  for (const [what, qs, code] of cdc) {
    it(`cdc with ${what} → 400 ${code}`, async () => {
      expectFault(await api(`/cdc?${qs}&minorversion=75`), 400, code, 'ValidationFault');
    });
  }
});

describe('tokens QuickBooks refuses', () => {
  it('no token → 401 3200', async () => {
    const res = await api(query('select * from Invoice'), { token: null });
    expectFault(res, 401, '3200', 'AUTHENTICATION');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('a wrong token → 401 3200', async () => {
    expectFault(await api(query('select * from Invoice'), { token: 'eyJnot-a-token' }), 401, '3200', 'AUTHENTICATION');
  });

  it("another company's realm → 403 3100", async () => {
    expectFault(await api(`/v3/company/1234/query?query=${encodeURIComponent('select * from Invoice')}`), 403, '3100', 'AuthorizationFault');
  });
});

describe('injected faults', () => {
  it('server_error → 500 SystemFault 10000, for its count only', async () => {
    sim.control.injectFault({ kind: 'server_error', count: 1 });
    expectFault(await api(query('select * from Invoice')), 500, '10000', 'SystemFault');
    expect((await api(query('select * from Invoice'))).status).toBe(200);
  });

  it('rate_limit_storm → 429 ThrottleExceeded with Retry-After', async () => {
    sim.control.injectFault({ kind: 'rate_limit_storm', count: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await api(query('select * from Invoice'));
      expectFault(res, 429, '003001', 'SERVICE');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    expect((await api(query('select * from Invoice'))).status).toBe(200);
  });

  it('token_expired and token_revoked → 401 3200', async () => {
    sim.control.injectFault({ kind: 'token_expired', count: 1 });
    sim.control.injectFault({ kind: 'token_revoked', count: 1 });
    const expired = await api(query('select * from Invoice'));
    expectFault(expired, 401, '3200', 'AUTHENTICATION');
    expect(expired.body.Fault.Error[0]!.Detail).toMatch(/expired/i);
    const revoked = await api(query('select * from Invoice'));
    expectFault(revoked, 401, '3200', 'AUTHENTICATION');
    expect(revoked.body.Fault.Error[0]!.Detail).toMatch(/revoked/i);
  });

  it('a fault with a path prefix hits only that path', async () => {
    sim.control.injectFault({ kind: 'server_error', pathPrefix: `${company}/cdc` });
    expect((await api(query('select * from Invoice'))).status).toBe(200);
    expect((await api(`/cdc?entities=Invoice&changedSince=${new Date(clock - 86_400_000).toISOString()}`)).status).toBe(500);
    sim.control.clearFaults();
    expect((await api(`/cdc?entities=Invoice&changedSince=${new Date(clock - 86_400_000).toISOString()}`)).status).toBe(200);
  });

  it('timeout holds the request until the client gives up', async () => {
    sim.control.injectFault({ kind: 'timeout', count: 1 });
    const started = Date.now();
    const outcome = await api(query('select * from Invoice'), { signal: AbortSignal.timeout(400) }).then(
      () => 'answered',
      (e: Error) => e.name,
    );
    expect(outcome).toBe('TimeoutError');
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect((await api(query('select * from Invoice'))).status).toBe(200);
  });
});
