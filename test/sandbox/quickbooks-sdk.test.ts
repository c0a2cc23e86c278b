/**
 * The real node-quickbooks SDK against the QuickBooks simulator: paging through every entity,
 * incremental reads, reads and sparse updates of an invoice, CDC and a token refresh — and every
 * answer compared field by field with QuickBooks' documented shapes.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { QuickBooks as QuickBooksClient } from 'node-quickbooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQuickBooksSimulator, type QuickBooksSimulator } from '../../sandbox/quickbooks/index.ts';
import { generateWorld } from '../../sandbox/generator/index.ts';
import type { World } from '../../sandbox/shared/contract.ts';
import { shapeDifferences } from '../support/shape.ts';

// node-quickbooks sets `module.exports` to the class; its typings describe an ES export instead.
const QuickBooks = createRequire(import.meta.url)('node-quickbooks') as typeof QuickBooksClient;

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/providers/quickbooks/${name}`, import.meta.url), 'utf8'));

type Body = Record<string, unknown>;
const clock = Date.parse('2026-03-01T12:00:00Z');
let world: World;
let sim: QuickBooksSimulator;
let baseUrl: string;
/** The first invoices' Ids, in Id order. */
let ids: string[];

function client(token = sim.credentials.accessToken!, refresh = sim.credentials.refreshToken!): QuickBooksClient {
  const c = sim.credentials;
  return new QuickBooks(c.clientId!, c.clientSecret!, token, false, c.realmId!, true, false, '75', '2.0', refresh);
}

/** Calls an SDK method in callback style and resolves with its data, or rejects with its error. */
function call<T = Body>(fn: (cb: (err: unknown, data?: unknown) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, data) => (err ? reject(err) : resolve(data as T))));
}

beforeAll(async () => {
  world = generateWorld({ seed: 11, invoices: 2500, asOf: '2026-03-01' });
  sim = createQuickBooksSimulator({ world, limits: false, now: () => clock });
  baseUrl = await sim.app.listen({ host: '127.0.0.1', port: 0 });
  QuickBooks.V3_ENDPOINT_BASE_URL = `${baseUrl}/v3/company/`;
  QuickBooks.TOKEN_URL = `${baseUrl}/oauth2/v1/tokens/bearer`;
  const page = await call<{ QueryResponse: { Invoice: Body[] } }>((cb) => client().findInvoices([{ field: 'limit', value: 10 }], cb));
  ids = page.QueryResponse.Invoice.map((i) => i.Id as string);
});

afterAll(async () => {
  await sim.app.close();
});

describe('paging through every entity with the SDK', () => {
  const cases = [
    { method: 'findCustomers', key: 'Customer', expected: () => world.quickbooks.customers.length },
    { method: 'findInvoices', key: 'Invoice', expected: () => world.quickbooks.invoices.length },
    { method: 'findCreditMemos', key: 'CreditMemo', expected: () => world.quickbooks.creditNotes.length },
    // Applied credit memos come with the zero-amount payment that applies them.
    { method: 'findPayments', key: 'Payment', expected: () => world.quickbooks.payments.length + world.quickbooks.creditNotes.filter((n) => n.allocations.length).length },
  ] as const;

  for (const { method, key, expected } of cases) {
    it(`${method} returns every ${key} across 1000-row pages, in Id order, without duplicates`, async () => {
      const qb = client() as unknown as Record<string, (criteria: unknown, cb: (err: unknown, data?: unknown) => void) => void>;
      const ids: string[] = [];
      for (let offset = 1; ; offset += 1000) {
        const page = await call<{ QueryResponse: Body }>((cb) => qb[method]!.call(qb, [{ field: 'limit', value: 1000 }, { field: 'offset', value: offset }], cb));
        const rows = (page.QueryResponse[key] ?? []) as Body[];
        ids.push(...rows.map((r) => r.Id as string));
        if (rows.length < 1000) break;
        expect(page.QueryResponse.maxResults).toBe(1000);
      }
      expect(ids.length).toBe(expected());
      expect(new Set(ids).size).toBe(ids.length);
      const numeric = ids.map(Number);
      expect(numeric).toEqual([...numeric].sort((a, b) => a - b));
    });
  }

  it('fetchAll follows the pages itself', async () => {
    const data = await call<{ QueryResponse: { Invoice: Body[] } }>((cb) => client().findInvoices({ fetchAll: true }, cb));
    expect(data.QueryResponse.Invoice.length).toBe(world.quickbooks.invoices.length);
  });

  it('counts with select count(*)', async () => {
    const data = await call<{ QueryResponse: { totalCount: number } }>((cb) => client().findInvoices({ count: true }, cb));
    expect(data.QueryResponse.totalCount).toBe(world.quickbooks.invoices.length);
  });
});

describe('incremental reads', () => {
  it('filters and orders by MetaData.LastUpdatedTime', async () => {
    const since = '2026-02-01T00:00:00-08:00';
    const criteria = [
      { field: 'MetaData.LastUpdatedTime', value: since, operator: '>' },
      { field: 'asc', value: 'MetaData.LastUpdatedTime' },
      { field: 'limit', value: 1000 },
    ];
    const data = await call<{ QueryResponse: { Invoice?: Body[] } }>((cb) => client().findInvoices(criteria, cb));
    const rows = data.QueryResponse.Invoice ?? [];
    const expected = world.quickbooks.invoices.filter((i) => Date.parse(i.updatedAt) > Date.parse(since));
    expect(rows.length).toBe(expected.length);
    expect(rows.length).toBeGreaterThan(0);
    const times = rows.map((r) => Date.parse((r.MetaData as Body).LastUpdatedTime as string));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times.every((t) => t > Date.parse(since))).toBe(true);
  });

  it('selects by Id with IN and by equality', async () => {
    // Customer 1 is no invoice: IN keeps only what exists in the entity asked for.
    const data = await call<{ QueryResponse: { Invoice: Body[] } }>((cb) => client().findInvoices({ Id: ['1', ids[0], ids[1]] }, cb));
    expect(data.QueryResponse.Invoice.map((i) => i.Id)).toEqual([ids[0], ids[1]]);
    const one = await call<{ QueryResponse: { Customer: Body[] } }>((cb) => client().findCustomers({ Id: '3' }, cb));
    expect(one.QueryResponse.Customer).toHaveLength(1);
  });

  it('answers an empty page as an empty QueryResponse', async () => {
    const data = await call<{ QueryResponse: Body }>((cb) => client().findInvoices({ DocNumber: 'no-such-number' }, cb));
    expect(data.QueryResponse).toEqual({});
  });

  it('change data capture lists changes since an instant, per entity', async () => {
    const since = new Date(clock - 5 * 86_400_000);
    const data = await call<{ CDCResponse: [{ QueryResponse: Body[] }] }>((cb) => client().changeDataCapture(['Invoice', 'Customer', 'Payment', 'CreditMemo'], since, cb));
    const invoices = data.CDCResponse[0].QueryResponse.find((r) => r.Invoice)?.Invoice as Body[];
    const expected = world.quickbooks.invoices.filter((i) => Date.parse(i.updatedAt) >= since.getTime()).length;
    expect(invoices.length).toBe(Math.min(expected, 1000));
    expect(expected).toBeGreaterThan(0);
  });
});

describe('reading and updating an invoice', () => {
  it('reads an invoice, with its pay link on request', async () => {
    const invoice = await call((cb) => client().getInvoice(ids[0]!, cb));
    expect(invoice.Id).toBe(ids[0]);
    const res = await fetch(`${baseUrl}/v3/company/${sim.credentials.realmId}/invoice/${ids[0]}?include=invoiceLink&minorversion=75`, {
      headers: { Authorization: `Bearer ${sim.credentials.accessToken}`, Accept: 'application/json' },
    });
    const body = (await res.json()) as { Invoice: Body };
    expect(body.Invoice.InvoiceLink).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
  });

  it('applies a sparse update of a custom field and the private note, bumping SyncToken', async () => {
    const before = await call((cb) => client().getInvoice(ids[1]!, cb));
    const update = { Id: ids[1]!, SyncToken: before.SyncToken as string, sparse: true, PrivateNote: 'Relance: reminder 1 sent', CustomField: [{ DefinitionId: '1', Type: 'StringType', StringValue: 'reminder-1' }] };
    const after = await call((cb) => client().updateInvoice(update, cb));
    expect(after.SyncToken).toBe(String(Number(before.SyncToken) + 1));
    expect(after.PrivateNote).toBe('Relance: reminder 1 sent');
    expect((after.CustomField as Body[]).find((f) => f.DefinitionId === '1')?.StringValue).toBe('reminder-1');
    expect(after.TotalAmt).toBe(before.TotalAmt);
    expect(Date.parse((after.MetaData as Body).LastUpdatedTime as string)).toBeGreaterThan(Date.parse((before.MetaData as Body).LastUpdatedTime as string));
    const written = sim.control.writtenBack().filter((w) => w.id === ids[1]);
    expect(written).toHaveLength(1);
    expect(written[0]!.what).toBe('sparse-update');
  });

  it('refuses a stale SyncToken with Fault 5010', async () => {
    const err = await call((cb) => client().updateInvoice({ Id: ids[1]!, SyncToken: '0', sparse: true, PrivateNote: 'late' }, cb)).catch((e: unknown) => e);
    const fault = (err as { response: { status: number; data: { Fault: { Error: Body[]; type: string } } } }).response;
    expect(fault.status).toBe(400);
    expect(fault.data.Fault.Error[0]!.code).toBe('5010');
    expect(fault.data.Fault.type).toBe('ValidationFault');
  });

  it('voids an invoice: amounts drop to zero and it stays readable', async () => {
    const inv = world.quickbooks.invoices.find((i) => i.status === 'open' && i.balanceMinor > 0)!;
    const id = (await call<{ QueryResponse: { Invoice: Body[] } }>((cb) => client().findInvoices({ DocNumber: inv.number }, cb))).QueryResponse.Invoice[0]!.Id as string;
    const current = await call((cb) => client().getInvoice(id, cb));
    const voided = await call<{ Invoice: Body }>((cb) => client().voidInvoice({ Id: id, SyncToken: current.SyncToken as string }, cb));
    expect(voided.Invoice.TotalAmt).toBe(0);
    expect(voided.Invoice.Balance).toBe(0);
    expect(voided.Invoice.PrivateNote).toMatch(/^Voided/);
  });
});

describe('tokens', () => {
  it('refreshes the access token: a new pair, and the new access token works', async () => {
    const qb = client();
    const tokens = await call<Body>((cb) => qb.refreshAccessToken(cb));
    expect(tokens.expires_in).toBe(3600);
    expect(tokens.x_refresh_token_expires_in).toBeGreaterThan(86_400 * 99);
    expect(tokens.refresh_token).not.toBe(sim.credentials.refreshToken);
    expect(qb.token).toBe(tokens.access_token);
    const info = await call((cb) => qb.getCompanyInfo(sim.credentials.realmId!, cb));
    expect(info.CompanyName).toBe(world.quickbooks.organizationName);
  });

  it('serves the home currency and the custom field names in Preferences', async () => {
    const prefs = await call((cb) => client().getPreferences(cb));
    expect((prefs.CurrencyPrefs as { HomeCurrency: { value: string } }).HomeCurrency.value).toBe(world.quickbooks.homeCurrency);
    expect(JSON.stringify(prefs.SalesFormsPrefs)).toContain('Dunning stage');
  });
});

describe('shapes match QuickBooks documented payloads', () => {
  const cases = [
    { file: 'customer-query.json', query: 'select * from Customer maxresults 1' },
    { file: 'invoice-query.json', query: 'select * from Invoice where Id = \'ID1\'' },
    // PaymentRefNum is absent from payments without a reference, as in QuickBooks: compare one that has it.
    { file: 'payment-query.json', query: 'select * from Payment maxresults 1000', pick: (r: Body) => 'PaymentRefNum' in r },
    { file: 'creditmemo-query.json', query: 'select * from CreditMemo maxresults 1' },
  ];
  for (const { file, query, pick } of cases as { file: string; query: string; pick?: (r: Body) => boolean }[]) {
    it(`${query} ≅ ${file}`, async () => {
      const q = query.replace('ID1', ids[1]!);
      const res = await fetch(`${baseUrl}/v3/company/${sim.credentials.realmId}/query?query=${encodeURIComponent(q)}&minorversion=75`, {
        headers: { Authorization: `Bearer ${sim.credentials.accessToken}`, Accept: 'application/json' },
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { QueryResponse: Record<string, Body[]> };
      if (pick) {
        const key = Object.keys((fixture(file) as { QueryResponse: Body }).QueryResponse)[0]!;
        body.QueryResponse[key] = body.QueryResponse[key]!.filter(pick).slice(0, 1);
        expect(body.QueryResponse[key]).toHaveLength(1);
      }
      expect(shapeDifferences(fixture(file), body)).toEqual([]);
    });
  }

  it('cdc ≅ cdc.json, with a deleted object as a status stub', async () => {
    await sim.control.editRecord('Invoice', ids[2]!, { status: 'Deleted' });
    await sim.control.editRecord('Customer', '3', { PrimaryPhone: { FreeFormNumber: '+1 555 0100' } });
    const since = new Date(clock - 86_400_000).toISOString();
    const res = await fetch(`${baseUrl}/v3/company/${sim.credentials.realmId}/cdc?entities=Customer,Invoice&changedSince=${encodeURIComponent(since)}&minorversion=75`, {
      headers: { Authorization: `Bearer ${sim.credentials.accessToken}`, Accept: 'application/json' },
    });
    const body = (await res.json()) as { CDCResponse: [{ QueryResponse: Body[] }] };
    expect(shapeDifferences(fixture('cdc.json'), body)).toEqual([]);
    const invoices = body.CDCResponse[0].QueryResponse.find((r) => r.Invoice)!.Invoice as Body[];
    expect(invoices.find((i) => i.Id === ids[2])).toMatchObject({ status: 'Deleted', Id: ids[2] });
    const gone = await call<{ QueryResponse: Body }>((cb) => client().findInvoices({ Id: ids[2] }, cb));
    expect(gone.QueryResponse).toEqual({});
  });
});
