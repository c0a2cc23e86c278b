/** The QuickBooks application of unapplied money (apply_payment), against nock: lines merged per invoice, SyncToken, refusals. */
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { quickbooksConnector } from '../../connectors/quickbooks/index.ts';
import { API, BASE, context } from '../connectors/quickbooks/context.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

const apply = (applications: { invoiceExternalId: string; amount: string }[], source: 'payment' | 'overpayment' = 'payment') =>
  quickbooksConnector.connect(context()).push({ kind: 'apply_payment', source, sourceExternalId: '190', currency: 'USD', applications });

describe('apply_payment on QuickBooks', () => {
  it('sends every line, the new amount added to an invoice already linked, with the SyncToken read', async () => {
    nock(BASE).get(`${API}/payment/190`).query(true).reply(200, { Payment: {
      Id: '190', SyncToken: '2', UnappliedAmt: 300.5, CurrencyRef: { value: 'USD' },
      Line: [{ Amount: 100.25, LinkedTxn: [{ TxnId: '70', TxnType: 'Invoice' }] }],
    } });
    let sent: Record<string, unknown> = {};
    nock(BASE).post(`${API}/payment`).query((q) => q.operation === 'update').reply((_uri, body) => {
      sent = body as Record<string, unknown>;
      return [200, { Payment: { Id: '190', SyncToken: '3' } }];
    });
    const result = await apply([{ invoiceExternalId: '70', amount: '0.75' }, { invoiceExternalId: '71', amount: '299.75' }]);
    expect(result).toEqual({ externalId: '190', version: '3', attempts: 1 });
    expect(sent).toEqual({ Id: '190', SyncToken: '2', sparse: true, Line: [
      { Amount: 101, LinkedTxn: [{ TxnId: '70', TxnType: 'Invoice' }] },
      { Amount: 299.75, LinkedTxn: [{ TxnId: '71', TxnType: 'Invoice' }] },
    ] });
  });

  it('refuses more than the payment has unapplied, and an overpayment (Xero\'s, not QuickBooks\'), naming why', async () => {
    nock(BASE).get(`${API}/payment/190`).query(true).reply(200, { Payment: { Id: '190', SyncToken: '2', UnappliedAmt: 10, Line: [] } });
    await expect(apply([{ invoiceExternalId: '71', amount: '10.01' }])).rejects.toThrow('quickbooks payment 190: only 10 is unapplied, cannot apply 10.01');
    await expect(apply([{ invoiceExternalId: '71', amount: '1.00' }], 'overpayment')).rejects.toMatchObject({ code: 'invalid', details: { field: 'source' } });
  });
});
