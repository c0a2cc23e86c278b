/**
 * Issue 13.4: a credit memo applied in QuickBooks arrives as a $0 Payment with an Invoice line and a
 * CreditMemo line (Intuit's documented sample, test/fixtures/quickbooks/payment-with-credit-memo.json).
 * The credit note carries that allocation; the payment adds no cash: for every payment, its own
 * allocations plus its unapplied amount make its total.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileMapping, mapWith } from '../../../core/mapping/index.ts';
import { toMinor } from '../../../core/money.ts';

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/quickbooks/payment-with-credit-memo.json', import.meta.url), 'utf8')) as { Payment: Record<string, unknown> };
const mapping = compileMapping('quickbooks', 'payment');
const map = (raw: unknown) => mapWith(mapping, [raw], { homeCurrency: 'USD' });

type Alloc = { invoiceExternalId: string; amount: string; creditNoteExternalId?: string };

/** amount = own allocations (no credit-note part) + unapplied, in minor units. */
function balances(record: Record<string, unknown>): boolean {
  const own = (record.allocations as Alloc[]).filter((a) => !a.creditNoteExternalId).reduce((s, a) => s + toMinor(a.amount, 'USD'), 0n);
  return toMinor(record.amount as string, 'USD') === own + toMinor(record.unapplied as string, 'USD');
}

describe('a payment applying a credit memo', () => {
  it("Intuit's sample: the 300 on invoice 67 is credit note 68's, the payment's own money is 0", () => {
    const { records, rejected } = map(fixture.Payment);
    expect(rejected).toEqual([]);
    expect(records[0]).toMatchObject({ externalId: '69', amount: '0.00', unapplied: '0.00', allocations: [{ invoiceExternalId: '67', amount: '300.00', creditNoteExternalId: '68' }] });
    expect(balances(records[0] as Record<string, unknown>)).toBe(true);
  });

  it('a payment with cash and a credit: the credit covers the first invoice lines, the cash the rest', () => {
    const raw = {
      ...fixture.Payment, Id: '70', TotalAmt: 150, UnappliedAmt: 10,
      Line: [
        { Amount: 100, LinkedTxn: [{ TxnId: '1', TxnType: 'Invoice' }] },
        { Amount: 100, LinkedTxn: [{ TxnId: '2', TxnType: 'Invoice' }] },
        { Amount: 60, LinkedTxn: [{ TxnId: '9', TxnType: 'CreditMemo' }] },
      ],
    };
    const record = map(raw).records[0] as Record<string, unknown>;
    expect(record.allocations).toEqual([
      { invoiceExternalId: '1', amount: '40.00' },
      { invoiceExternalId: '2', amount: '100.00' },
      { invoiceExternalId: '1', amount: '60.00', creditNoteExternalId: '9' },
    ]);
    expect(balances(record)).toBe(true);
  });

  it('a line linking both the invoice and the credit memo applies that credit to that invoice', () => {
    const raw = { ...fixture.Payment, Id: '71', Line: [{ Amount: 25.5, LinkedTxn: [{ TxnId: '68', TxnType: 'CreditMemo' }, { TxnId: '67', TxnType: 'Invoice' }] }] };
    const record = map(raw).records[0] as Record<string, unknown>;
    expect(record.allocations).toEqual([{ invoiceExternalId: '67', amount: '25.50', creditNoteExternalId: '68' }]);
    expect(balances(record)).toBe(true);
  });

  it('credit lines worth more than the invoice lines are rejected, naming the credit memo', () => {
    const raw = { ...fixture.Payment, Id: '72', Line: [{ Amount: 10, LinkedTxn: [{ TxnId: '67', TxnType: 'Invoice' }] }, { Amount: 30, LinkedTxn: [{ TxnId: '68', TxnType: 'CreditMemo' }] }] };
    const { records, rejected } = map(raw);
    expect(records).toEqual([]);
    expect(rejected[0]).toMatchObject({ externalId: '72' });
    expect(rejected[0]!.message).toMatch(/allocations.*CreditMemo 68 lines apply more than/);
  });

  it('an ordinary payment is unchanged: every invoice line is its own money', () => {
    const raw = { ...fixture.Payment, Id: '73', TotalAmt: 555, UnappliedAmt: 0, Line: [{ Amount: 555, LinkedTxn: [{ TxnId: '130', TxnType: 'Invoice' }] }] };
    const record = map(raw).records[0] as Record<string, unknown>;
    expect(record.allocations).toEqual([{ invoiceExternalId: '130', amount: '555.00' }]);
    expect(balances(record)).toBe(true);
  });
});
