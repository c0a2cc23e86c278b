/**
 * apply_payment from a QuickBooks credit memo, against nock: the credit memo read first, then one
 * POST /payment creating the $0 payment (Invoice lines + a CreditMemo line of their sum, the
 * credit memo's customer and currency, today's date, the outbox key as requestid); refusals name
 * the field and send nothing.
 */
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import type { PushChange } from '../../../connectors/contract.ts';
import { quickbooksConnector } from '../../../connectors/quickbooks/index.ts';
import { API, BASE, context, strictNock } from './context.ts';

strictNock();

const NOW = Date.parse('2026-03-02T10:00:00Z');
const clock = { now: () => NOW, sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)) };
const KEY = 'k'.repeat(40);

const change = (applications: { invoiceExternalId: string; amount: string }[], currency = 'USD'): PushChange =>
  ({ kind: 'apply_payment', source: 'credit_note', sourceExternalId: '68', currency, applications });
const push = (c: PushChange, requestKey?: string) => quickbooksConnector.connect(context({ clock })).push(c, requestKey ? { requestKey } : {});

const memo = (remaining: number, currency = 'USD') => ({
  CreditMemo: { Id: '68', SyncToken: '3', TotalAmt: 500, RemainingCredit: remaining, Balance: remaining, CustomerRef: { value: '16', name: 'Red Rock Diner' }, CurrencyRef: { value: currency } },
});

describe('apply_payment from a QuickBooks credit memo', () => {
  it('creates the $0 payment linking the invoices and the credit memo, with the requestid', async () => {
    nock(BASE).get(`${API}/creditmemo/68`).query(true).reply(200, memo(400.5));
    let sent: Record<string, unknown> = {};
    let query: Record<string, unknown> = {};
    nock(BASE).post(`${API}/payment`).query((q) => {
      query = q;
      return true;
    }).reply((_uri, body) => {
      sent = body as Record<string, unknown>;
      return [200, { Payment: { Id: '901', SyncToken: '0', TotalAmt: 0, UnappliedAmt: 0 } }];
    });
    const result = await push(change([{ invoiceExternalId: '67', amount: '300.00' }, { invoiceExternalId: '70', amount: '0.25' }, { invoiceExternalId: '67', amount: '0.25' }]), KEY);
    expect(result).toEqual({ externalId: '901', version: '0', attempts: 1 });
    // A create: no operation, no Id; the key of every push of the row, as `requestid`.
    expect(query).toMatchObject({ requestid: `${KEY}-1` });
    expect(query.operation).toBeUndefined();
    expect(sent).toEqual({
      TotalAmt: 0,
      CustomerRef: { value: '16' },
      CurrencyRef: { value: 'USD' },
      TxnDate: '2026-03-02',
      PrivateNote: 'Relance: credit memo 68 applied',
      Line: [
        { Amount: 300.25, LinkedTxn: [{ TxnId: '67', TxnType: 'Invoice' }] },
        { Amount: 0.25, LinkedTxn: [{ TxnId: '70', TxnType: 'Invoice' }] },
        { Amount: 300.5, LinkedTxn: [{ TxnId: '68', TxnType: 'CreditMemo' }] },
      ],
    });
  });

  it('refuses another currency and more than the remaining credit, naming the field, without writing', async () => {
    nock(BASE).get(`${API}/creditmemo/68`).query(true).reply(200, memo(100, 'EUR'));
    await expect(push(change([{ invoiceExternalId: '67', amount: '10.00' }]), KEY)).rejects.toMatchObject({
      code: 'invalid', message: 'quickbooks credit memo 68 is in EUR, not USD', details: { field: 'currency' },
    });
    nock(BASE).get(`${API}/creditmemo/68`).query(true).reply(200, memo(100));
    await expect(push(change([{ invoiceExternalId: '67', amount: '100.01' }]))).rejects.toMatchObject({
      code: 'invalid', message: 'quickbooks credit memo 68: only 100.00 of credit remains (RemainingCredit), cannot apply 100.01', details: { field: 'applications' },
    });
    nock(BASE).get(`${API}/creditmemo/68`).query(true).reply(200, { CreditMemo: { Id: '68', CustomerRef: { value: '16' } } });
    await expect(push(change([{ invoiceExternalId: '67', amount: '1.00' }]))).rejects.toMatchObject({ code: 'invalid', details: { field: 'CreditMemo' } });
  });

  it('a push retried after a lost answer, the credit now used up: the requestid gets the first answer, or the shortfall is refused', async () => {
    // QuickBooks replays the first answer for the same requestid: done, nothing applied twice.
    nock(BASE).get(`${API}/creditmemo/68`).query(true).reply(200, memo(0));
    nock(BASE).post(`${API}/payment`).query((q) => q.requestid === `${KEY}-1`).reply(200, { Payment: { Id: '901', SyncToken: '0' } });
    expect(await push(change([{ invoiceExternalId: '67', amount: '50.00' }]), KEY)).toEqual({ externalId: '901', version: '0', attempts: 1 });
    // The first push never landed and the credit went elsewhere: QuickBooks refuses, said as the shortfall.
    nock(BASE).get(`${API}/creditmemo/68`).query(true).reply(200, memo(20));
    nock(BASE).post(`${API}/payment`).query(true).reply(400, { Fault: { Error: [{ Message: 'Amount exceeds the credit remaining', Detail: 'CreditMemo 68 has 20 of credit remaining', code: '6000', element: 'Line' }], type: 'ValidationFault' } });
    await expect(push(change([{ invoiceExternalId: '67', amount: '50.00' }]), KEY)).rejects.toMatchObject({
      code: 'invalid', message: 'quickbooks credit memo 68: only 20.00 of credit remains (RemainingCredit), cannot apply 50.00', details: { field: 'applications' },
    });
  });
});
