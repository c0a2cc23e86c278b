/**
 * Issue 13.3, Xero: apply_payment as `PUT …/Allocations` for credit notes, overpayments and
 * prepayments (the body Xero's reference documents, the tenant and the idempotency key); a payment
 * source refused, naming it. With nock.
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { xeroConnector } from '../../../connectors/xero/index.ts';
import type { PushChange } from '../../../connectors/contract.ts';
import { API, TENANT, stopLimiters, testContext } from './support.ts';

const INVOICE = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const SOURCE = '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(async () => {
  nock.enableNetConnect();
  await stopLimiters();
});

const change = (source: 'credit_note' | 'overpayment' | 'prepayment' | 'payment'): PushChange => ({
  kind: 'apply_payment', source, sourceExternalId: SOURCE, currency: 'GBP', applications: [{ invoiceExternalId: INVOICE, amount: '120.50' }],
});

describe('xero apply_payment', () => {
  it.each([
    ['credit_note', 'CreditNotes'],
    ['overpayment', 'Overpayments'],
    ['prepayment', 'Prepayments'],
  ] as const)('%s: PUT /%s/{id}/Allocations with the amount, date and invoice', async (source, path) => {
    let sent: unknown;
    let headers: Record<string, unknown> = {};
    nock(API).put(`/api.xro/2.0/${path}/${SOURCE}/Allocations`).query(true).reply(function (_uri, body) {
      sent = body;
      headers = this.req.headers;
      return [200, { Allocations: [{ Amount: 120.5, Date: '/Date(1772409600000+0000)/', Invoice: { InvoiceID: INVOICE } }] }];
    });
    const result = await xeroConnector.connect(testContext()).push(change(source), { requestKey: 'k'.repeat(40) });
    expect(result).toMatchObject({ externalId: SOURCE, version: null });
    expect(sent).toMatchObject({ Allocations: [{ Amount: 120.5, Invoice: { InvoiceID: INVOICE } }] });
    expect((sent as { Allocations: { Date: string }[] }).Allocations[0]!.Date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(headers['xero-tenant-id']).toBe(TENANT);
    expect(headers['idempotency-key']).toBe('k'.repeat(40));
  });

  it('refuses a payment as the source, naming it', async () => {
    await expect(xeroConnector.connect(testContext()).push(change('payment'))).rejects.toMatchObject({ details: { field: 'source' } });
  });
});
