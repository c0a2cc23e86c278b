/**
 * `post_fee_invoice` to QuickBooks against nock: one POST /invoice (no operation: a create) with the
 * customer, the currency, one sales line per fee on the configured Item, and the outbox's request
 * key as `requestid`; the created invoice's Id is what the push reports.
 */
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { quickbooksConnector } from '../../../connectors/quickbooks/index.ts';
import type { PushChange } from '../../../connectors/contract.ts';
import { API, BASE, context, settings, strictNock } from './context.ts';

strictNock();

const change: PushChange = {
  kind: 'post_fee_invoice', feePostingId: '00000000-0000-4000-8000-00000000fee1', customerExternalId: '58', invoiceExternalId: '130',
  invoiceNumber: '1037', currency: 'USD', date: '2026-03-01', dueDate: '2026-03-01',
  lines: [{ fee: 'interest', description: 'Late-payment interest on invoice 1037 to 2026-03-01', amount: '12.34' }, { fee: 'fixed', description: 'Fixed compensation', amount: '40.00' }],
};

describe('post_fee_invoice', () => {
  it('creates one invoice with the fee lines under the requestid', async () => {
    let sent: Record<string, unknown> | null = null;
    nock(BASE).post(`${API}/invoice`).query((q) => q.requestid === `${'r'.repeat(40)}-1` && q.operation === undefined).reply((_uri, body) => {
      sent = body as Record<string, unknown>;
      return [200, { Invoice: { Id: '901', SyncToken: '0', DocNumber: '1101' }, time: '2026-03-01T04:00:00.000-08:00' }];
    });
    const session = quickbooksConnector.connect(context({ settings: settings({ extra: { feeItemId: '7' } }) }));
    const result = await session.push(change, { requestKey: 'r'.repeat(40) });
    expect(result).toEqual({ externalId: '901', version: '0', attempts: 1 });
    expect(sent).toMatchObject({
      CustomerRef: { value: '58' }, CurrencyRef: { value: 'USD' }, TxnDate: '2026-03-01', DueDate: '2026-03-01',
      Line: [
        { DetailType: 'SalesItemLineDetail', Amount: 12.34, Description: 'Late-payment interest on invoice 1037 to 2026-03-01', SalesItemLineDetail: { ItemRef: { value: '7' }, Qty: 1, UnitPrice: 12.34 } },
        { DetailType: 'SalesItemLineDetail', Amount: 40, SalesItemLineDetail: { ItemRef: { value: '7' } } },
      ],
    });
    expect(sent!).not.toHaveProperty('Id');
  });
});
