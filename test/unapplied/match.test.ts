/** Suggestions for unapplied money on hand-made cases: each rule, the ranking, the tolerance and the bounded search. */
import { describe, expect, it } from 'vitest';
import { suggestApplications, type OpenItem } from '../../core/unapplied/index.ts';

const inv = (id: string, number: string, dueDate: string, balance: bigint): OpenItem => ({ id, number, dueDate, balance });
const OPEN = [
  inv('a', 'F-101', '2026-01-10', 50000n),
  inv('b', 'F-102', '2026-01-20', 30000n),
  inv('c', 'F-103', '2026-02-01', 20000n),
  inv('d', 'F-104', '2026-02-15', 125000n),
];

describe('suggestApplications', () => {
  it('ranks an invoice number in the reference first, and says why', () => {
    const [best] = suggestApplications({ amount: 30000n, currency: 'EUR', memo: 'VIR SEPA REF f-102 ACME' }, OPEN);
    expect(best).toEqual({ rule: 'reference', score: 1000, invoiceIds: ['b'], amounts: [30000n], explanation: 'the reference "VIR SEPA REF f-102 ACME" names F-102, and the amounts agree' });
  });

  it('does not read F-1020 as F-102', () => {
    const out = suggestApplications({ amount: 1n, currency: 'EUR', memo: 'F-1020' }, OPEN);
    expect(out.filter((s) => s.rule === 'reference')).toEqual([]);
  });

  it('finds the one invoice of exactly the amount', () => {
    const out = suggestApplications({ amount: 125000n, currency: 'EUR', memo: null }, OPEN);
    expect(out[0]).toMatchObject({ rule: 'exact_amount', score: 800, invoiceIds: ['d'], amounts: [125000n] });
  });

  it('finds a set of invoices summing to the amount, and within the bank-fee tolerance only when one is given', () => {
    const received = 69950n; // F-101 + F-103 = 700.00, less a 0.50 fee
    expect(suggestApplications({ amount: received, currency: 'EUR', memo: null }, OPEN)).toEqual([]);
    const out = suggestApplications({ amount: received, currency: 'EUR', memo: null }, OPEN, { tolerance: 100n });
    expect(out[0]).toEqual({
      rule: 'invoice_set', score: 550, invoiceIds: ['a', 'c'], amounts: [50000n, 19950n],
      explanation: 'F-101 + F-103 sum to 700.00; 0.50 short, within the 1.00 tolerance for bank fees',
    });
    // Never more allocated than received.
    expect(out[0]!.amounts.reduce((s, a) => s + a, 0n)).toBe(received);
  });

  it('ranks the exact single invoice above a set of the same amount', () => {
    const out = suggestApplications({ amount: 50000n, currency: 'EUR', memo: null }, OPEN);
    expect(out.map((s) => [s.rule, s.invoiceIds.join('+')])).toEqual([['exact_amount', 'a'], ['invoice_set', 'b+c']]);
  });

  it('keeps the set search bounded on a customer with many invoices', () => {
    const many = Array.from({ length: 500 }, (_, k) => inv(`i${k}`, `N-${k}`, `2026-01-${String((k % 28) + 1).padStart(2, '0')}`, 1000n + BigInt(k)));
    const started = Date.now();
    const out = suggestApplications({ amount: 999_999n, currency: 'EUR', memo: null }, many, { maxSetsTried: 5_000 });
    expect(out).toEqual([]);
    expect(Date.now() - started).toBeLessThan(5_000);
    // Only the oldest 20 are candidates: a set needing a newer invoice is not found.
    const newest = many.filter((i) => i.dueDate === '2026-01-28').slice(-2);
    const sum = newest[0]!.balance + newest[1]!.balance;
    expect(suggestApplications({ amount: sum, currency: 'EUR', memo: null }, many).some((s) => s.invoiceIds.includes(newest[1]!.id))).toBe(false);
  });
});
