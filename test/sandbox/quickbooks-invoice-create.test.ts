/**
 * The QuickBooks simulator creates invoices as the Accounting API does (POST /invoice without an
 * Id): a CustomerRef to an existing customer and at least one sales line are required, the
 * currency is the customer's, the balance is the total and the customer owes it; a repeated
 * requestid answers the first invoice again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQuickBooksSimulator, type QuickBooksSimulator } from '../../sandbox/quickbooks/index.ts';
import { generateWorld } from '../../sandbox/generator/index.ts';

const clock = Date.parse('2026-03-01T12:00:00Z');
// The simulator's answers, read field by field as the assertions need.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test reading JSON answers
type Json = Record<string, any>;
let sim: QuickBooksSimulator;
let company: string;
let customer: { Id: string; Balance: number; CurrencyRef: { value: string } };

async function api(path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${company}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { Authorization: `Bearer ${sim.credentials.accessToken}`, Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

const line = (amount: number) => ({ DetailType: 'SalesItemLineDetail', Amount: amount, Description: 'Late-payment interest', SalesItemLineDetail: { ItemRef: { value: '1' }, Qty: 1, UnitPrice: amount } });

beforeAll(async () => {
  sim = createQuickBooksSimulator({ world: generateWorld({ seed: 7, invoices: 40, asOf: '2026-03-01' }), limits: false, now: () => clock });
  company = `${await sim.app.listen({ host: '127.0.0.1', port: 0 })}/v3/company/${sim.credentials.realmId}`;
  customer = (await api(`/query?query=${encodeURIComponent('select * from Customer maxresults 1')}&minorversion=75`)).body.QueryResponse.Customer[0];
});
afterAll(() => sim.app.close());

describe('POST /invoice (create)', () => {
  it('refuses a body without a customer or lines, an unknown customer, another currency', async () => {
    expect((await api('/invoice?minorversion=75', { Line: [line(1)] })).body.Fault.Error[0]).toMatchObject({ code: '2020', element: 'CustomerRef' });
    expect((await api('/invoice?minorversion=75', { CustomerRef: { value: customer.Id }, Line: [] })).body.Fault.Error[0]).toMatchObject({ code: '2020', element: 'Line' });
    expect((await api('/invoice?minorversion=75', { CustomerRef: { value: '999999' }, Line: [line(1)] })).body.Fault.Error[0].code).toBe('610');
    const other = customer.CurrencyRef.value === 'EUR' ? 'GBP' : 'EUR';
    expect((await api('/invoice?minorversion=75', { CustomerRef: { value: customer.Id }, CurrencyRef: { value: other }, Line: [line(1)] })).body.Fault.Error[0]).toMatchObject({ code: '6000', element: 'CurrencyRef' });
    expect(sim.control.writtenBack()).toEqual([]);
  });

  it('creates the invoice, owed by the customer, once per requestid', async () => {
    const first = await api('/invoice?requestid=fee-1&minorversion=75', { CustomerRef: { value: customer.Id }, Line: [line(12.34), line(40)], TxnDate: '2026-03-01' });
    expect(first.status).toBe(200);
    expect(first.body.Invoice).toMatchObject({ TotalAmt: 52.34, Balance: 52.34, CustomerRef: { value: customer.Id }, CurrencyRef: { value: customer.CurrencyRef.value }, TxnDate: '2026-03-01', SyncToken: '0' });
    const again = await api('/invoice?requestid=fee-1&minorversion=75', { CustomerRef: { value: customer.Id }, Line: [line(12.34), line(40)] });
    expect(again.body.Invoice.Id).toBe(first.body.Invoice.Id);
    expect(sim.control.writtenBack().filter((w) => w.what === 'create')).toHaveLength(1);
    const read = await api(`/invoice/${first.body.Invoice.Id}?minorversion=75`);
    expect(read.body.Invoice.DocNumber).toBe(first.body.Invoice.DocNumber);
    const owner = await api(`/customer/${customer.Id}?minorversion=75`);
    expect(Math.round(owner.body.Customer.Balance * 100)).toBe(Math.round(customer.Balance * 100) + 5234);
  });
});
