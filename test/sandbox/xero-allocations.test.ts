/**
 * Issue 13.3 and 13.5 in the Xero simulator, through the real xero-node 20 SDK: prepayments listed
 * and paged like Xero's collections; `PUT …/Allocations` for credit notes, overpayments and
 * prepayments lowers the invoice's AmountDue and the source's RemainingCredit exactly, refuses what
 * Xero refuses with its ValidationException body (nothing applied), replays an Idempotency-Key, and
 * sends the INVOICE and CREDITNOTE webhooks; /Invoices and /Payments have no such route (404).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountingApi, Allocations } from 'xero-node';
import { toMinor } from '../../core/money.ts';
import { generateWorld } from '../../sandbox/generator/index.ts';
import { createXeroSimulator, type XeroSimulator } from '../../sandbox/xero/index.ts';
import type { XeroCreditNote, XeroInvoice, XeroOverpayment } from '../../sandbox/xero/types.ts';

const world = generateWorld({ seed: 23, invoices: 1000, asOf: '2026-03-01' });
let sim: XeroSimulator;
let base: string;
let api: AccountingApi;
let tenant: string;
let hooks: Server;
const received: Record<string, unknown>[] = [];

beforeAll(async () => {
  sim = createXeroSimulator({ world, limits: false });
  await sim.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(sim.app.server.address() as AddressInfo).port}`;
  api = new AccountingApi(`${base}/api.xro/2.0`);
  api.accessToken = sim.credentials.accessToken!;
  tenant = sim.credentials.tenantId!;
  hooks = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push(JSON.parse(body) as Record<string, unknown>);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
  sim.control.setWebhookTarget(`http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hooks`);
});
afterAll(async () => {
  await sim.app.close();
  await new Promise((resolve) => hooks.close(resolve));
});

const minor = (n: unknown, cur = 'GBP'): number => Number(toMinor(n as number, cur));

async function raw(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> | null; text: string }> {
  const res = await fetch(`${base}/api.xro/2.0${path}`, {
    method,
    headers: { authorization: `Bearer ${sim.credentials.accessToken}`, 'xero-tenant-id': tenant, accept: 'application/json', 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let json: Record<string, unknown> | null = null;
  try { json = JSON.parse(text) as Record<string, unknown>; } catch { /* plain text */ }
  return { status: res.status, json, text };
}

async function invoice(id: string): Promise<XeroInvoice> {
  return ((await raw('GET', `/Invoices/${id}`)).json!.Invoices as XeroInvoice[])[0]!;
}

/** Open sales invoices in GBP with at least `min` due, of contacts that have one; by contact. */
async function openInvoices(min = 1000): Promise<XeroInvoice[]> {
  const list = (await raw('GET', `/Invoices?where=${encodeURIComponent('Type=="ACCREC" AND Status=="AUTHORISED"')}`)).json!.Invoices as XeroInvoice[];
  return list.filter((i) => i.CurrencyCode === 'GBP' && minor(i.AmountDue) >= min);
}

describe('Xero prepayments', () => {
  it('are listed and paged like Xero (page, pageSize, pagination), filtered by where and If-Modified-Since', async () => {
    const [a, b] = await openInvoices();
    const one = sim.recordPrepayment({ customerId: a!.Contact.ContactID, amountMinor: 12_345, date: '2026-02-20', reference: 'PP-1' });
    const two = sim.recordPrepayment({ customerId: b!.Contact.ContactID, amountMinor: 500, date: '2026-02-21' });
    expect(one).toMatchObject({ Type: 'RECEIVE-PREPAYMENT', Status: 'AUTHORISED', Total: 123.45, RemainingCredit: 123.45, CurrencyCode: 'GBP', Allocations: [] });
    const page1 = await api.getPrepayments(tenant, undefined, 'Type=="RECEIVE-PREPAYMENT"', 'PrepaymentID ASC', 1, undefined, 1);
    expect(page1.body.pagination).toMatchObject({ page: 1, pageSize: 1, pageCount: 2, itemCount: 2 });
    const page2 = await api.getPrepayments(tenant, undefined, 'Type=="RECEIVE-PREPAYMENT"', 'PrepaymentID ASC', 2, undefined, 1);
    const ids = [...(page1.body.prepayments ?? []), ...(page2.body.prepayments ?? [])].map((p) => p.prepaymentID);
    expect(ids).toEqual([one.PrepaymentID, two.PrepaymentID].sort());
    const later = await api.getPrepayments(tenant, new Date(Date.now() + 60_000));
    expect(later.body.prepayments ?? []).toEqual([]);
    expect((await raw('GET', '/Prepayments?pageSize=1001&page=1')).status).toBe(400);
  });
});

describe('PUT …/Allocations', () => {
  it('a prepayment through xero-node: the invoice owes less, the prepayment holds less, exactly', async () => {
    const [inv] = await openInvoices(2000);
    const pp = sim.recordPrepayment({ customerId: inv!.Contact.ContactID, amountMinor: 3000, date: '2026-02-25' });
    const body = new Allocations();
    body.allocations = [{ amount: 12.34, date: '2026-02-26', invoice: { invoiceID: inv!.InvoiceID } } as never];
    const answer = await api.createPrepaymentAllocations(tenant, pp.PrepaymentID, body, undefined, 'pp-key-1');
    const data = answer.response.data as { Status: string; Allocations: Record<string, unknown>[] };
    expect(data.Status).toBe('OK');
    expect(data.Allocations[0]).toMatchObject({ Amount: 12.34, Date: '/Date(1772064000000+0000)/', Invoice: { InvoiceID: inv!.InvoiceID }, Prepayment: { PrepaymentID: pp.PrepaymentID } });
    const after = await invoice(inv!.InvoiceID);
    expect(minor(after.AmountDue)).toBe(minor(inv!.AmountDue) - 1234);
    expect(minor(after.AmountCredited)).toBe(minor(inv!.AmountCredited) + 1234);
    expect(after.Prepayments).toEqual([expect.objectContaining({ PrepaymentID: pp.PrepaymentID, AppliedAmount: 12.34 })]);
    const source = ((await raw('GET', `/Prepayments/${pp.PrepaymentID}`)).json!.Prepayments as Record<string, unknown>[])[0]!;
    expect(source).toMatchObject({ RemainingCredit: 17.66, Status: 'AUTHORISED', Allocations: [expect.objectContaining({ Amount: 12.34 })] });
    // The same request again under its Idempotency-Key: the first answer, nothing applied twice.
    await api.createPrepaymentAllocations(tenant, pp.PrepaymentID, body, undefined, 'pp-key-1');
    expect(minor((await invoice(inv!.InvoiceID)).AmountDue)).toBe(minor(inv!.AmountDue) - 1234);
  });

  it('an overpayment spent whole: PAID with RemainingCredit 0; an invoice paid off is PAID', async () => {
    const overpayments = (await raw('GET', `/Overpayments?where=${encodeURIComponent('Status=="AUTHORISED"')}`)).json!.Overpayments as XeroOverpayment[];
    const open = await openInvoices(1);
    const pair = overpayments
      .filter((o) => o.CurrencyCode === 'GBP')
      .map((o) => ({ o, inv: open.find((i) => i.Contact.ContactID === o.Contact.ContactID && minor(i.AmountDue) >= minor(o.RemainingCredit)) }))
      .find((p) => p.inv);
    expect(pair, 'the world has a GBP overpayment whose customer owes at least as much').toBeDefined();
    const { o, inv } = pair as { o: XeroOverpayment; inv: XeroInvoice };
    const res = await raw('PUT', `/Overpayments/${o.OverpaymentID}/Allocations`, { Allocations: [{ Amount: o.RemainingCredit, Date: '2026-02-27', Invoice: { InvoiceID: inv.InvoiceID } }] });
    expect(res.status, res.text).toBe(200);
    const source = ((await raw('GET', `/Overpayments/${o.OverpaymentID}`)).json!.Overpayments as XeroOverpayment[])[0]!;
    expect(source).toMatchObject({ RemainingCredit: 0, Status: 'PAID' });
    const after = await invoice(inv.InvoiceID);
    expect(minor(after.AmountDue)).toBe(minor(inv.AmountDue) - minor(o.RemainingCredit));
    expect(after.Status).toBe(minor(after.AmountDue) === 0 ? 'PAID' : 'AUTHORISED');
  });

  it('a credit note: allocated, and the CREDITNOTE and INVOICE webhooks sent as xero-webhooks.yaml shapes them', async () => {
    const notes = (await raw('GET', `/CreditNotes?where=${encodeURIComponent('Type=="ACCRECCREDIT" AND Status=="AUTHORISED"')}`)).json!.CreditNotes as XeroCreditNote[];
    const open = await openInvoices(1);
    const pair = notes
      .filter((n) => minor(n.RemainingCredit, n.CurrencyCode) > 0)
      .map((n) => ({ n, inv: open.find((i) => i.Contact.ContactID === n.Contact.ContactID && i.CurrencyCode === n.CurrencyCode) }))
      .find((p) => p.inv);
    expect(pair, 'the world has a credit note with credit left whose customer has an open invoice').toBeDefined();
    const { n, inv } = pair as { n: XeroCreditNote; inv: XeroInvoice };
    const amount = Math.min(minor(n.RemainingCredit, n.CurrencyCode), minor(inv.AmountDue, inv.CurrencyCode), 100);
    received.length = 0;
    const res = await raw('PUT', `/CreditNotes/${n.CreditNoteID}/Allocations`, { Allocations: [{ Amount: amount / 100, Date: '2026-02-27', Invoice: { InvoiceID: inv.InvoiceID } }] });
    expect(res.status, res.text).toBe(200);
    const after = ((await raw('GET', `/CreditNotes/${n.CreditNoteID}`)).json!.CreditNotes as XeroCreditNote[])[0]!;
    expect(minor(after.RemainingCredit, n.CurrencyCode)).toBe(minor(n.RemainingCredit, n.CurrencyCode) - amount);
    expect(received).toHaveLength(1);
    const events = (received[0]!.events as Record<string, unknown>[]);
    expect(events.map((e) => [e.eventCategory, e.resourceId])).toEqual([['INVOICE', inv.InvoiceID], ['CREDITNOTE', n.CreditNoteID]]);
    expect(events[1]).toMatchObject({ eventType: 'UPDATE', tenantType: 'ORGANISATION', resourceUrl: expect.stringMatching(/\/api\.xro\/2\.0\/CreditNotes\//), data: { Type: 'ACCRECCREDIT', Status: after.Status } });
  });

  it('refuses what Xero refuses, in its ValidationException body, and applies nothing of a refused request', async () => {
    const [inv, other] = await openInvoices(1000);
    const pp = sim.recordPrepayment({ customerId: inv!.Contact.ContactID, amountMinor: 1000, date: '2026-02-25' });
    const put = (allocations: unknown[]) => raw('PUT', `/Prepayments/${pp.PrepaymentID}/Allocations`, { Allocations: allocations });
    const cases: [unknown[], RegExp][] = [
      [[{ Amount: 10.01, Date: '2026-02-26', Invoice: { InvoiceID: inv!.InvoiceID } }], /greater than amount outstanding/],
      [[{ Amount: 1.001, Date: '2026-02-26', Invoice: { InvoiceID: inv!.InvoiceID } }], /at most 2 decimal places/],
      [[{ Amount: 1, Invoice: { InvoiceID: inv!.InvoiceID } }], /Date/],
      [[{ Amount: 1, Date: '2026-02-26' }], /Invoice is a required field/],
      [[{ Amount: 1, Date: '2026-02-26', Invoice: { InvoiceID: '00000000-0000-0000-0000-000000000000' } }], /Invoice could not be found/],
      [[{ Amount: 1, Date: '2026-02-26', Invoice: { InvoiceID: other!.InvoiceID } }], other!.Contact.ContactID === inv!.Contact.ContactID ? /^$/ : /same contact/],
      // Two allocations, the second too much together: neither is applied.
      [[{ Amount: 6, Date: '2026-02-26', Invoice: { InvoiceID: inv!.InvoiceID } }, { Amount: 6, Date: '2026-02-26', Invoice: { InvoiceID: inv!.InvoiceID } }], /allocation 2/],
      [[], /At least one allocation/],
    ];
    for (const [allocations, message] of cases) {
      if (message.source === '^$') continue;
      const res = await put(allocations);
      expect(res.status, JSON.stringify(allocations)).toBe(400);
      expect(res.json).toMatchObject({ ErrorNumber: 10, Type: 'ValidationException', Message: 'A validation exception occurred' });
      const messages = ((res.json!.Elements as { ValidationErrors: { Message: string }[] }[])[0]!.ValidationErrors).map((v) => v.Message).join(' | ');
      expect(messages).toMatch(message);
    }
    expect(minor((await invoice(inv!.InvoiceID)).AmountDue)).toBe(minor(inv!.AmountDue));
    const source = ((await raw('GET', `/Prepayments/${pp.PrepaymentID}`)).json!.Prepayments as Record<string, unknown>[])[0]!;
    expect(source).toMatchObject({ RemainingCredit: 10, Allocations: [] });
    // xero-node hands the 400 back as its serialised error with Xero's body.
    const body = new Allocations();
    body.allocations = [{ amount: 99, date: '2026-02-26', invoice: { invoiceID: inv!.InvoiceID } } as never];
    const failure = await api.createPrepaymentAllocations(tenant, pp.PrepaymentID, body).catch((e: unknown) => JSON.parse(e as string) as { response: { statusCode: number; body: { ErrorNumber: number } } });
    expect(failure).toMatchObject({ response: { statusCode: 400, body: { ErrorNumber: 10 } } });
  });

  it('answers 404 for an unknown source and for /Invoices or /Payments, which have no Allocations in Xero', async () => {
    const [inv] = await openInvoices(1);
    const body = { Allocations: [{ Amount: 1, Date: '2026-02-26', Invoice: { InvoiceID: inv!.InvoiceID } }] };
    for (const path of [`/Prepayments/00000000-0000-0000-0000-000000000000/Allocations`, `/Invoices/${inv!.InvoiceID}/Allocations`, `/Payments/${inv!.InvoiceID}/Allocations`]) {
      const res = await raw('PUT', path, body);
      expect(res.status, path).toBe(404);
      expect(res.text).toBe("The resource you're looking for cannot be found");
    }
  });
});
