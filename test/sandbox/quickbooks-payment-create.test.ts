/**
 * The QuickBooks simulator creates payments as the Accounting API does (POST /payment without an
 * Id): CustomerRef and TotalAmt required; lines linked to invoices and credit memos; the invoice
 * lines less the credit memo lines are the cash applied (at most TotalAmt, never negative), so the
 * $0 payment that applies a credit memo has equal invoice and credit memo lines. Balances and
 * remaining credit move; refusals are Intuit's faults and change nothing; a repeated requestid
 * answers the first payment; webhooks and CDC announce the payment and what it changed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWorld } from '../../sandbox/generator/index.ts';
import { createQuickBooksSimulator, type QuickBooksSimulator } from '../../sandbox/quickbooks/index.ts';

const clock = Date.parse('2026-03-01T12:00:00Z');
// The simulator's answers, read field by field as the assertions need.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test reading JSON answers
type Json = Record<string, any>;
let sim: QuickBooksSimulator;
let company: string;
let receiver: Server;
const received: Json[] = [];
// A customer with a credit memo that has credit left, and two of its open invoices.
let memo: Json;
let invoices: [Json, Json];
let customer: Json;

async function api(path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${company}${path}${path.includes('?') ? '&' : '?'}minorversion=75`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { Authorization: `Bearer ${sim.credentials.accessToken}`, Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json };
}
const all = async (entity: string): Promise<Json[]> => (await api(`/query?query=${encodeURIComponent(`select * from ${entity} maxresults 1000`)}`)).body.QueryResponse[entity] ?? [];
const read = async (entity: string, id: string): Promise<Json> => (await api(`/${entity.toLowerCase()}/${id}`)).body[entity];
const cents = (n: number): number => Math.round(n * 100);
const fault = (r: { status: number; body: Json }) => ({ status: r.status, ...r.body.Fault?.Error?.[0], type: r.body.Fault?.type });
const invoiceLine = (id: string, amount: number) => ({ Amount: amount, LinkedTxn: [{ TxnId: id, TxnType: 'Invoice' }] });
const creditLine = (id: string, amount: number) => ({ Amount: amount, LinkedTxn: [{ TxnId: id, TxnType: 'CreditMemo' }] });

beforeAll(async () => {
  // The world made to hold the case: a credit memo, nothing of it applied yet, for a customer owing two invoices.
  const world = generateWorld({ seed: 51, invoices: 120, asOf: '2026-03-01' });
  const q = world.quickbooks;
  const owing = q.invoices.filter((i) => i.balanceMinor >= 500);
  const debtor = owing.find((i) => owing.filter((j) => j.customerId === i.customerId && j.currency === i.currency).length >= 2)!;
  const cn = q.creditNotes[0]!;
  Object.assign(cn, { customerId: debtor.customerId, currency: debtor.currency, totalMinor: 5_000, remainingMinor: 5_000, allocations: [] });
  sim = createQuickBooksSimulator({ world, limits: false, now: () => clock });
  company = `${await sim.app.listen({ host: '127.0.0.1', port: 0 })}/v3/company/${sim.credentials.realmId}`;
  receiver = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      received.push(JSON.parse(raw) as Json);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  sim.control.setWebhookTarget(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/quickbooks`);
  const open = (await all('Invoice')).filter((i) => i.Balance >= 2);
  memo = (await all('CreditMemo')).find((m) => m.RemainingCredit >= 2 && open.filter((i) => i.CustomerRef.value === m.CustomerRef.value).length >= 2)!;
  expect(memo, 'a credit memo with credit left and two open invoices of its customer').toBeDefined();
  invoices = open.filter((i) => i.CustomerRef.value === memo.CustomerRef.value).slice(0, 2) as [Json, Json];
  customer = await read('Customer', memo.CustomerRef.value);
}, 60_000);

afterAll(async () => {
  await sim.app.close();
  await new Promise((r) => receiver.close(r));
});

describe('POST /payment (create)', () => {
  it('refuses what Intuit refuses, with its faults, changing nothing', async () => {
    const [a] = invoices;
    const ref = { value: memo.CustomerRef.value };
    expect(fault(await api('/payment', { TotalAmt: 0, Line: [] }))).toMatchObject({ status: 400, type: 'ValidationFault', code: '2020', element: 'CustomerRef' });
    expect(fault(await api('/payment', { CustomerRef: ref }))).toMatchObject({ code: '2020', element: 'TotalAmt' });
    expect(fault(await api('/payment', { CustomerRef: { value: '999999' }, TotalAmt: 1 }))).toMatchObject({ code: '610' });
    expect(fault(await api('/payment', { CustomerRef: ref, TotalAmt: 0, Line: [invoiceLine('999999', 1), creditLine(memo.Id, 1)] }))).toMatchObject({ code: '610' });
    expect(fault(await api('/payment', { CustomerRef: ref, TotalAmt: 0, Line: [{ Amount: 1, LinkedTxn: [{ TxnId: a.Id, TxnType: 'Bill' }] }] }))).toMatchObject({ code: '2010', element: 'Line.0.LinkedTxn.TxnType' });
    // A $0 payment: invoice lines must equal credit memo lines, either way round.
    expect(fault(await api('/payment', { CustomerRef: ref, TotalAmt: 0, Line: [invoiceLine(a.Id, 1.5), creditLine(memo.Id, 1)] }))).toMatchObject({ code: '6000', Message: 'Payment amount exceeded' });
    expect(fault(await api('/payment', { CustomerRef: ref, TotalAmt: 0, Line: [invoiceLine(a.Id, 1), creditLine(memo.Id, 1.5)] }))).toMatchObject({ code: '6000', element: 'Line' });
    // Not more than the credit memo has left, nor more than the invoice owes.
    const tooMuch = (cents(memo.RemainingCredit) + 1) / 100;
    expect(fault(await api('/payment', { CustomerRef: ref, TotalAmt: 0, Line: [invoiceLine(a.Id, tooMuch), creditLine(memo.Id, tooMuch)] })).Message)
      .toMatch(/exceeds (the credit remaining|the invoice balance)/);
    const overInvoice = (cents(a.Balance) + 1) / 100;
    expect(fault(await api('/payment', { CustomerRef: ref, TotalAmt: overInvoice, Line: [invoiceLine(a.Id, overInvoice)] }))).toMatchObject({ code: '6000', Message: 'Amount exceeds the invoice balance' });
    const other = customer.CurrencyRef.value === 'EUR' ? 'GBP' : 'EUR';
    expect(fault(await api('/payment', { CustomerRef: ref, CurrencyRef: { value: other }, TotalAmt: 1 }))).toMatchObject({ code: '6000', element: 'CurrencyRef' });
    expect(fault(await api('/payment', { CustomerRef: ref, TotalAmt: 1.005 }))).toMatchObject({ code: '2010', element: 'TotalAmt' });
    expect(sim.control.writtenBack()).toEqual([]);
    expect((await read('CreditMemo', memo.Id)).RemainingCredit).toBe(memo.RemainingCredit);
    expect((await read('Invoice', a.Id)).Balance).toBe(a.Balance);
  });

  it('a $0 payment applies the credit memo to the invoices: balances and remaining credit move, once per requestid, announced', async () => {
    const [a, b] = invoices;
    const body = { CustomerRef: { value: memo.CustomerRef.value }, TotalAmt: 0, TxnDate: '2026-03-01', Line: [invoiceLine(a.Id, 1.25), invoiceLine(b.Id, 0.75), creditLine(memo.Id, 2)] };
    received.length = 0;
    const first = await api('/payment?requestid=credit-1', body);
    expect(first.status).toBe(200);
    expect(first.body.Payment).toMatchObject({ TotalAmt: 0, UnappliedAmt: 0, SyncToken: '0', TxnDate: '2026-03-01', CustomerRef: { value: memo.CustomerRef.value }, CurrencyRef: { value: customer.CurrencyRef.value }, Line: body.Line });
    const again = await api('/payment?requestid=credit-1', body);
    expect(again.body.Payment.Id).toBe(first.body.Payment.Id);
    expect(sim.control.writtenBack()).toEqual([expect.objectContaining({ entity: 'Payment', id: first.body.Payment.Id, what: 'create' })]);

    expect(cents((await read('Invoice', a.Id)).Balance)).toBe(cents(a.Balance) - 125);
    expect(cents((await read('Invoice', b.Id)).Balance)).toBe(cents(b.Balance) - 75);
    const after = await read('CreditMemo', memo.Id);
    expect(cents(after.RemainingCredit)).toBe(cents(memo.RemainingCredit) - 200);
    expect(after.Balance).toBe(after.RemainingCredit);
    expect(after.SyncToken).toBe(String(Number(memo.SyncToken) + 1));
    expect((await read('Invoice', a.Id)).LinkedTxn).toContainEqual({ TxnId: first.body.Payment.Id, TxnType: 'Payment' });
    // Credit used on invoices: the customer owes the same.
    expect((await read('Customer', customer.Id)).Balance).toBe(customer.Balance);
    expect((await read('Payment', first.body.Payment.Id)).Line).toEqual(body.Line);

    await sim.settled();
    expect(received).toHaveLength(1);
    const entities = (received[0]!.eventNotifications[0].dataChangeEvent.entities as Json[]).map((e) => `${e.name} ${e.id} ${e.operation}`);
    expect(entities.sort()).toEqual([`CreditMemo ${memo.Id} Update`, `Invoice ${a.Id} Update`, `Invoice ${b.Id} Update`, `Payment ${first.body.Payment.Id} Create`].sort());
    const since = encodeURIComponent(new Date(clock - 1000).toISOString());
    const cdc = (await api(`/cdc?entities=Payment,Invoice,CreditMemo&changedSince=${since}`)).body.CDCResponse[0].QueryResponse as Json[];
    const ids = (k: number, entity: string) => ((cdc[k]![entity] ?? []) as Json[]).map((r) => r.Id);
    expect(ids(0, 'Payment')).toContain(first.body.Payment.Id);
    expect(ids(1, 'Invoice')).toEqual(expect.arrayContaining([a.Id, b.Id]));
    expect(ids(2, 'CreditMemo')).toContain(memo.Id);
  });

  it('a plain payment: applied to an invoice, the rest unapplied, the customer owes the total less', async () => {
    const [a] = invoices;
    const before = await read('Invoice', a.Id);
    const owner = await read('Customer', customer.Id);
    const made = await api('/payment', { CustomerRef: { value: customer.Id }, TotalAmt: 10, PaymentRefNum: 'chq 12', Line: [invoiceLine(a.Id, 1)] });
    expect(made.body.Payment).toMatchObject({ TotalAmt: 10, UnappliedAmt: 9, PaymentRefNum: 'chq 12', TxnDate: '2026-03-01' });
    expect(cents((await read('Invoice', a.Id)).Balance)).toBe(cents(before.Balance) - 100);
    expect(cents((await read('Customer', customer.Id)).Balance)).toBe(cents(owner.Balance) - 1000);
  });
});
