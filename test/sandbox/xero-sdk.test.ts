/**
 * The real xero-node 20 SDK against the Xero simulator listening on loopback: list and page through
 * every entity, incremental reads by update time, one invoice, history notes, the online link,
 * a token refresh, and the simulator's control (edits and payments show up in the next sync).
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountingApi, HistoryRecords, type Invoice } from 'xero-node';
import { toMinor } from '../../core/money.ts';
import { generateWorld } from '../../sandbox/generator/index.ts';
import { createXeroSimulator, type XeroSimulator } from '../../sandbox/xero/index.ts';

const world = generateWorld({ seed: 11, invoices: 250, asOf: '2026-03-01' });
let sim: XeroSimulator;
let base: string;
let api: AccountingApi;
let tenant: string;

beforeAll(async () => {
  sim = createXeroSimulator({ world, limits: false });
  await sim.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(sim.app.server.address() as AddressInfo).port}`;
  api = new AccountingApi(`${base}/api.xro/2.0`);
  api.accessToken = sim.credentials.accessToken!;
  tenant = sim.credentials.tenantId!;
});
afterAll(async () => {
  await sim.app.close();
});

/** Pages until a short page, as a connector would; returns everything and the number of calls. */
async function pageAll<T>(fetchPage: (page: number) => Promise<T[]>, size: number): Promise<{ items: T[]; calls: number }> {
  const items: T[] = [];
  let calls = 0;
  for (let page = 1; ; page++) {
    const got = await fetchPage(page);
    calls++;
    items.push(...got);
    if (got.length < size) return { items, calls };
  }
}

/** The SDK's JSON number back to exact minor units (GBP-style two decimals in this world's Xero ledger). */
function minor(n: number | undefined, currency = 'GBP'): number {
  return Number(toMinor(n ?? 0, currency));
}

describe('xero-node against the simulator', () => {
  it('pages through every invoice, sales and bills, 100 at a time with pagination metadata', async () => {
    const first = await api.getInvoices(tenant, undefined, undefined, undefined, undefined, undefined, undefined, undefined, 1);
    expect(first.body.pagination?.pageSize).toBe(100);
    const { items, calls } = await pageAll(
      async (page) => (await api.getInvoices(tenant, undefined, undefined, undefined, undefined, undefined, undefined, undefined, page)).body.invoices ?? [],
      100,
    );
    const sales = items.filter((i) => String(i.type) === 'ACCREC');
    expect(sales).toHaveLength(world.xero.invoices.length);
    expect(items.length).toBeGreaterThan(sales.length);
    expect(calls).toBe(Math.ceil(items.length / 100) + (items.length % 100 === 0 ? 1 : 0));
    expect(new Set(items.map((i) => i.invoiceID)).size).toBe(items.length);
    expect(first.body.pagination?.itemCount).toBe(items.length);
  });

  it('filters with where, Statuses and pageSize up to 1000', async () => {
    const res = await api.getInvoices(tenant, undefined, 'Type=="ACCREC"', undefined, undefined, undefined, undefined, ['AUTHORISED', 'PAID'], 1, undefined, undefined, undefined, undefined, 1000);
    const got = res.body.invoices ?? [];
    const expected = world.xero.invoices.filter((i) => i.status === 'open' || i.status === 'paid').length;
    expect(got).toHaveLength(expected);
    expect(got.every((i) => String(i.type) === 'ACCREC' && ['AUTHORISED', 'PAID'].includes(String(i.status)))).toBe(true);
    expect(got[0]?.date).toBeInstanceOf(Date);
  });

  it('keeps every sales invoice exact: Total = AmountPaid + AmountCredited + AmountDue, as the world says', async () => {
    const res = await api.getInvoices(tenant, undefined, 'Type=="ACCREC"', undefined, undefined, undefined, undefined, undefined, 1, undefined, undefined, undefined, undefined, 1000);
    const byNumber = new Map(world.xero.invoices.map((i) => [i.number, i]));
    for (const inv of res.body.invoices ?? []) {
      const w = byNumber.get(inv.invoiceNumber!)!;
      const cur = inv.currencyCode ? String(inv.currencyCode) : 'GBP';
      expect(minor(inv.total, cur)).toBe(w.totalMinor);
      expect(minor(inv.amountDue, cur)).toBe(w.balanceMinor);
      if (String(inv.status) !== 'VOIDED') {
        expect(minor(inv.amountPaid, cur) + minor(inv.amountCredited, cur) + minor(inv.amountDue, cur)).toBe(w.totalMinor);
      }
    }
  });

  it('pages through contacts, payments, credit notes and overpayments', async () => {
    const contacts = await pageAll(async (p) => (await api.getContacts(tenant, undefined, undefined, undefined, undefined, p, undefined, undefined, undefined, 10)).body.contacts ?? [], 10);
    expect(contacts.items.filter((c) => c.isCustomer)).toHaveLength(world.xero.customers.length);
    const payments = await pageAll(async (p) => (await api.getPayments(tenant, undefined, undefined, undefined, p, 50)).body.payments ?? [], 50);
    const allocations = world.xero.payments.reduce((n, p) => n + p.allocations.length, 0);
    expect(payments.items).toHaveLength(allocations);
    expect(payments.items.every((p) => p.invoice?.invoiceID)).toBe(true);
    const credits = await pageAll(async (p) => (await api.getCreditNotes(tenant, undefined, undefined, undefined, p, undefined, 5)).body.creditNotes ?? [], 5);
    expect(credits.items).toHaveLength(world.xero.creditNotes.length);
    const withAlloc = world.xero.creditNotes.filter((c) => c.allocations.length > 0).length;
    expect(credits.items.filter((c) => (c.allocations ?? []).length > 0)).toHaveLength(withAlloc);
    const overs = await pageAll(async (p) => (await api.getOverpayments(tenant, undefined, undefined, undefined, p, undefined, 100)).body.overpayments ?? [], 100);
    expect(overs.items).toHaveLength(world.xero.payments.filter((p) => p.unappliedMinor > 0).length);
  });

  it('reads only what changed since If-Modified-Since, and an edit shows up in the next read', async () => {
    const all = (await api.getInvoices(tenant, undefined, undefined, 'UpdatedDateUTC ASC', undefined, undefined, undefined, undefined, 1, undefined, undefined, undefined, undefined, 1000)).body.invoices!;
    const cut = all[Math.floor(all.length / 2)]!.updatedDateUTC!;
    const since = (await api.getInvoices(tenant, cut, undefined, undefined, undefined, undefined, undefined, undefined, 1, undefined, undefined, undefined, undefined, 1000)).body.invoices!;
    expect(since.length).toBe(all.filter((i) => i.updatedDateUTC!.getTime() >= cut.getTime()).length);
    expect(since.length).toBeLessThan(all.length);

    const latest = new Date(Math.max(...all.map((i) => i.updatedDateUTC!.getTime())) + 1);
    const none = await api.getInvoices(tenant, latest, undefined, undefined, undefined, undefined, undefined, undefined, 1);
    expect(none.body.invoices).toHaveLength(0);
    const target = world.xero.invoices.find((i) => i.status === 'open')!;
    await sim.control.editRecord('invoice', target.id, { Reference: 'PO 991' });
    const after = (await api.getInvoices(tenant, latest, undefined, undefined, undefined, undefined, undefined, undefined, 1)).body.invoices!;
    expect(after.map((i) => i.invoiceNumber)).toEqual([target.number]);
    expect(after[0]!.reference).toBe('PO 991');
  });

  it('reads one invoice by id, writes a history note, and gets the online link', async () => {
    const open = world.xero.invoices.find((i) => i.status === 'open')!;
    const list = await api.getInvoices(tenant, undefined, undefined, undefined, undefined, [open.number]);
    const id = list.body.invoices![0]!.invoiceID!;
    const one = await api.getInvoice(tenant, id);
    const inv: Invoice = one.body.invoices![0]!;
    expect(inv.invoiceNumber).toBe(open.number);
    expect(inv.lineItems?.length).toBe(open.lines.length);

    const records: HistoryRecords = { historyRecords: [{ details: 'Relance: reminder 1 sent' }] };
    const put = await api.createInvoiceHistory(tenant, id, records);
    expect(put.body.historyRecords?.[0]?.details).toBe('Relance: reminder 1 sent');
    const got = await api.getInvoiceHistory(tenant, id);
    expect(got.body.historyRecords?.map((r) => r.details)).toContain('Relance: reminder 1 sent');
    const written = sim.control.writtenBack();
    expect(written.at(-1)).toMatchObject({ entity: 'Invoice', id, what: 'history' });

    const online = await api.getOnlineInvoice(tenant, id);
    expect(online.body.onlineInvoices?.[0]?.onlineInvoiceUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/in\.xero\.com\//);
  });

  it('records a payment: the invoice balance goes down, a payment appears, the invoice is PAID at zero', async () => {
    const open = world.xero.invoices.find((i) => i.status === 'open' && i.balanceMinor > 200)!;
    const part = 100;
    await sim.control.recordPayment({ customerId: open.customerId, amountMinor: part, date: '2026-03-02', allocations: [{ invoiceId: open.id, amountMinor: part }] });
    const read = async (): Promise<Invoice> =>
      (await api.getInvoices(tenant, undefined, undefined, undefined, undefined, [open.number])).body.invoices![0]!;
    expect(minor((await read()).amountDue)).toBe(open.balanceMinor - part);
    const rest = open.balanceMinor - part;
    await sim.control.recordPayment({ customerId: open.customerId, amountMinor: rest + 500, date: '2026-03-03', allocations: [{ invoiceId: open.id, amountMinor: rest }] });
    const paid = await read();
    expect(minor(paid.amountDue)).toBe(0);
    expect(String(paid.status)).toBe('PAID');
    expect(paid.payments?.length).toBeGreaterThanOrEqual(2);
    const overs = (await api.getOverpayments(tenant)).body.overpayments!;
    expect(overs.some((o) => minor(o.remainingCredit) === 500)).toBe(true);
    await expect(
      sim.control.recordPayment({ customerId: open.customerId, amountMinor: 1, date: '2026-03-04', allocations: [{ invoiceId: open.id, amountMinor: 1 }] }),
    ).rejects.toThrow(/PAID/);
  });

  it('works with a refreshed token, and the old access token keeps working until it expires', async () => {
    const basic = Buffer.from(`${sim.credentials.clientId}:${sim.credentials.clientSecret}`).toString('base64');
    const res = await fetch(`${base}/connect/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: sim.credentials.refreshToken! }),
    });
    expect(res.status).toBe(200);
    const set = (await res.json()) as { access_token: string; refresh_token: string; expires_in: number };
    expect(set.expires_in).toBe(1800);
    expect(set.refresh_token).not.toBe(sim.credentials.refreshToken);
    const fresh = new AccountingApi(`${base}/api.xro/2.0`);
    fresh.accessToken = set.access_token;
    const got = await fresh.getContacts(tenant, undefined, undefined, undefined, undefined, 1);
    expect(got.body.contacts?.length).toBeGreaterThan(0);
  });

  it('surfaces Xero errors through the SDK with their status and body', async () => {
    const err = await api.getInvoices(tenant, undefined, 'Nope=="x"').then(() => null, (e: unknown) => e);
    const parsed = JSON.parse(String(err)) as { response: { statusCode: number; body: { Type: string } } };
    expect(parsed.response.statusCode).toBe(400);
    expect(parsed.response.body.Type).toBe('QueryParseException');
  });
});
