/**
 * The simulator's answers compared field by field with Xero's documented shapes, and every bad
 * input and injected fault answered with Xero's own error shape and status.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWorld } from '../../sandbox/generator/index.ts';
import { createXeroSimulator, type XeroSimulator } from '../../sandbox/xero/index.ts';
import { shapeDifferences } from '../support/shape.ts';
import invoicesFixture from '../fixtures/providers/xero/invoices.json' with { type: 'json' };
import contactsFixture from '../fixtures/providers/xero/contacts.json' with { type: 'json' };
import paymentsFixture from '../fixtures/providers/xero/payments.json' with { type: 'json' };
import creditNotesFixture from '../fixtures/providers/xero/credit-notes.json' with { type: 'json' };
import overpaymentsFixture from '../fixtures/providers/xero/overpayments.json' with { type: 'json' };
import historyFixture from '../fixtures/providers/xero/history.json' with { type: 'json' };
import onlineFixture from '../fixtures/providers/xero/online-invoice.json' with { type: 'json' };
import validationFixture from '../fixtures/providers/xero/error-validation.json' with { type: 'json' };
import queryParseFixture from '../fixtures/providers/xero/error-query-parse.json' with { type: 'json' };
import unauthorizedFixture from '../fixtures/providers/xero/error-unauthorized.json' with { type: 'json' };
import forbiddenFixture from '../fixtures/providers/xero/error-forbidden.json' with { type: 'json' };

const world = generateWorld({ seed: 21, invoices: 60, asOf: '2026-03-01' });
let sim: XeroSimulator;
let base: string;

beforeAll(async () => {
  sim = createXeroSimulator({ world, limits: false, timeoutHoldMs: 500 });
  await sim.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(sim.app.server.address() as AddressInfo).port}/api.xro/2.0`;
});
afterAll(async () => {
  await sim.app.close();
});

function headers(extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${sim.credentials.accessToken}`, 'xero-tenant-id': sim.credentials.tenantId!, accept: 'application/json', ...extra };
}

async function get(path: string, extra?: Record<string, string>): Promise<{ status: number; body: unknown; text: string }> {
  const res = await fetch(`${base}${path}`, { headers: headers(extra) });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  return { status: res.status, body, text };
}

async function idOf(status: string): Promise<string> {
  const r = await get(`/Invoices?where=${encodeURIComponent(`Type=="ACCREC" AND Status=="${status}"`)}&page=1`);
  return (r.body as { Invoices: { InvoiceID: string }[] }).Invoices[0]!.InvoiceID;
}

describe('Xero documented shapes', () => {
  it.each([
    ['/Invoices?page=1', invoicesFixture],
    ['/Contacts?page=1', contactsFixture],
    ['/Payments?page=1', paymentsFixture],
    ['/CreditNotes?page=1', creditNotesFixture],
    ['/Overpayments?page=1', overpaymentsFixture],
  ])('%s matches the documented shape field by field', async (path, fixture) => {
    const r = await get(path);
    expect(r.status).toBe(200);
    expect(shapeDifferences(fixture, r.body)).toEqual([]);
  });

  it('a paid invoice with payments matches the sample, nested payments included', async () => {
    const r = await get(`/Invoices?where=${encodeURIComponent('AmountPaid>0')}&page=1`);
    const body = r.body as { Invoices: { Payments: unknown[] }[] };
    expect(body.Invoices[0]!.Payments.length).toBeGreaterThan(0);
    expect(shapeDifferences(invoicesFixture, body)).toEqual([]);
  });

  it('history and online invoice match their documented shapes', async () => {
    const id = await idOf('AUTHORISED');
    const put = await fetch(`${base}/Invoices/${id}/History`, {
      method: 'PUT',
      headers: headers({ 'content-type': 'application/json' }),
      body: JSON.stringify({ HistoryRecords: [{ Details: 'Reminder 1 sent' }] }),
    });
    expect(put.status).toBe(200);
    expect(shapeDifferences(historyFixture, await put.json())).toEqual([]);
    expect(shapeDifferences(historyFixture, (await get(`/Invoices/${id}/History`)).body)).toEqual([]);
    expect(shapeDifferences(onlineFixture, (await get(`/Invoices/${id}/OnlineInvoice`)).body)).toEqual([]);
  });

  it('lists without page: every record, invoices without line items, no pagination object', async () => {
    const r = await get('/Invoices');
    const body = r.body as { Invoices: { LineItems: unknown[] }[]; pagination?: unknown };
    expect(body.pagination).toBeUndefined();
    expect(body.Invoices.length).toBeGreaterThan(world.xero.invoices.length);
    expect(body.Invoices.every((i) => i.LineItems.length === 0)).toBe(true);
  });
});

describe('Xero errors', () => {
  it.each([
    ['a malformed where', `/Invoices?where=${encodeURIComponent('Type=="ACCREC" AND (')}`],
    ['an unknown field in where', `/Invoices?where=${encodeURIComponent('Foo=="x"')}`],
    ['an unknown field in order', '/Invoices?order=Colour%20ASC'],
  ])('%s → 400 QueryParseException', async (_name, path) => {
    const r = await get(path);
    expect(r.status).toBe(400);
    expect(shapeDifferences(queryParseFixture, r.body)).toEqual([]);
    expect(r.body).toMatchObject({ ErrorNumber: 16, Type: 'QueryParseException' });
  });

  it.each([
    ['an over-long page', '/Invoices?page=1&pageSize=1001', {}],
    ['a page of zero', '/Contacts?page=0', {}],
    ['an unknown status', '/Invoices?Statuses=OPEN', {}],
    ['a bad If-Modified-Since', '/Invoices', { 'if-modified-since': 'yesterday' }],
  ])('%s → 400 ValidationException', async (_name, path, extra) => {
    const r = await get(path, extra);
    expect(r.status).toBe(400);
    expect(shapeDifferences(validationFixture, r.body)).toEqual([]);
    expect(r.body).toMatchObject({ ErrorNumber: 10, Type: 'ValidationException' });
  });

  it('a history note without Details, or a body that is not JSON → 400 ValidationException', async () => {
    const id = await idOf('AUTHORISED');
    const before = sim.control.writtenBack().length;
    for (const body of [JSON.stringify({ HistoryRecords: [{ Details: '' }] }), JSON.stringify({}), '{not json']) {
      const res = await fetch(`${base}/Invoices/${id}/History`, { method: 'PUT', headers: headers({ 'content-type': 'application/json' }), body });
      expect(res.status).toBe(400);
      expect(shapeDifferences(validationFixture, await res.json())).toEqual([]);
    }
    expect(sim.control.writtenBack()).toHaveLength(before);
  });

  it('the online invoice of a draft → 400 ValidationException', async () => {
    const open = world.xero.invoices.find((i) => i.status === 'open')!;
    // The world may hold no draft: make one as a Xero user would.
    await sim.control.editRecord('invoice', open.id, { Status: 'DRAFT' });
    const id = await idOf('DRAFT');
    const r = await get(`/Invoices/${id}/OnlineInvoice`);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ Type: 'ValidationException' });
  });

  it('an unknown invoice or path → 404', async () => {
    expect((await get('/Invoices/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await get('/Invoices/00000000-0000-4000-8000-000000000000/History')).status).toBe(404);
    expect((await get('/Widgets')).status).toBe(404);
  });

  it('a missing or wrong token → 401 in Xero’s problem shape', async () => {
    for (const auth of [{ authorization: '' }, { authorization: 'Bearer not-a-token' }]) {
      const r = await get('/Invoices?page=1', auth);
      expect(r.status).toBe(401);
      expect(shapeDifferences(unauthorizedFixture, r.body)).toEqual([]);
      expect(r.body).toMatchObject({ Title: 'Unauthorized', Detail: 'AuthenticationUnsuccessful' });
    }
  });

  it('a missing or unknown xero-tenant-id → 403 AuthenticationUnsuccessful', async () => {
    for (const tenant of ['', '3d2c1b0a-9f8e-4d7c-8b6a-5f4e3d2c1b0a']) {
      const r = await get('/Invoices?page=1', { 'xero-tenant-id': tenant });
      expect(r.status).toBe(403);
      expect(shapeDifferences(forbiddenFixture, r.body)).toEqual([]);
    }
  });
});

describe('Xero faults', () => {
  it('server_error → 500 in Xero’s shape, then clears after its count', async () => {
    sim.control.injectFault({ kind: 'server_error', count: 1, pathPrefix: '/api.xro/2.0/Invoices' });
    const r = await get('/Invoices?page=1');
    expect(r.status).toBe(500);
    expect(r.body).toMatchObject({ Type: 'UnknownErrorException' });
    expect((await get('/Invoices?page=1')).status).toBe(200);
  });

  it('token_expired and token_revoked → Xero’s 401s', async () => {
    sim.control.injectFault({ kind: 'token_expired', count: 1 });
    sim.control.injectFault({ kind: 'token_revoked', count: 1 });
    const expired = await get('/Contacts?page=1');
    expect(expired.status).toBe(401);
    expect((expired.body as { Detail: string }).Detail).toMatch(/^TokenExpired/);
    const revoked = await get('/Contacts?page=1');
    expect(revoked.status).toBe(401);
    expect((revoked.body as { Detail: string }).Detail).toBe('AuthenticationUnsuccessful');
  });

  it('rate_limit_storm → 429 with Retry-After until cleared', async () => {
    sim.control.injectFault({ kind: 'rate_limit_storm' });
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${base}/Invoices?page=1`, { headers: headers() });
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).not.toBeNull();
      expect(res.headers.get('x-rate-limit-problem')).toBe('minute');
    }
    sim.control.clearFaults();
    expect((await get('/Invoices?page=1')).status).toBe(200);
  });

  it('timeout → the request hangs until the client gives up (or 504 after the hold)', async () => {
    sim.control.injectFault({ kind: 'timeout', count: 1 });
    const started = Date.now();
    const err = await fetch(`${base}/Invoices?page=1`, { headers: headers(), signal: AbortSignal.timeout(200) }).then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.name).toBe('TimeoutError');
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    sim.control.injectFault({ kind: 'timeout', count: 1 });
    const late = await fetch(`${base}/Invoices?page=1`, { headers: headers() });
    expect(late.status).toBe(504);
  });
});
