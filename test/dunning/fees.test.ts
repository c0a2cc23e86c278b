/**
 * Late-payment fees with hand-computed figures. Interest = Σ(open balance × days) × rate / 100 / 365,
 * in minor units, rounded half-up per invoice.
 */
import { describe, expect, it } from 'vitest';
import { simulate } from '../../core/dunning/index.ts';
import { fixedCompensation, invoiceFees } from '../../core/fees/index.ts';
import { formatMinor } from '../../core/money.ts';
import type { Ledger } from '../../core/ledger/index.ts';
import { customer, invoice, ledger, payment } from './ledger-builder.ts';

type Parts = Parameters<typeof ledger>[0];
const FR = { policy: 'FR_B2B', referenceRates: [{ from: '2025-07-01', rate: '2.15' }, { from: '2026-01-01', rate: '3.00' }] };

function firstInvoice(l: Ledger, id: string) {
  const inv = l.customers.flatMap((c) => c.invoices).find((i) => i.externalId === id);
  if (!inv) throw new Error(`no invoice ${id}`);
  return inv;
}

/** Fees of one invoice as decimal strings. */
function feesOf(parts: Parts, id: string, asOf: string): { interest: string; fixed: string; total: string } {
  const l = ledger(parts);
  const inv = firstInvoice(l, id);
  const f = invoiceFees(inv, asOf, l.organization.latePayment);
  return { interest: formatMinor(f.interest, inv.currency), fixed: formatMinor(f.fixed, inv.currency), total: formatMinor(f.total, inv.currency) };
}

const one = (latePayment: unknown, inv: Record<string, unknown>, extra: Parts = {}): Parts => ({
  organization: { latePayment }, customers: [customer('C1')], invoices: [inv], ...extra,
});

describe('policies', () => {
  it('FR_B2B: reference rate + 10 points, €40', () => {
    // 1000.00 due 2025-12-31 (rate in force 2.15 → 12.15 %), 1–30 January: 100000 × 30 × 12.15 / 36500
    // = 36 450 000 / 36 500 = 998.63 → 999 minor units.
    expect(feesOf(one(FR, invoice('I1', 'C1', '2025-12-31', '1000.00')), 'I1', '2026-01-30')).toEqual({
      interest: '9.99', fixed: '40.00', total: '49.99',
    });
  });

  it('the reference rate is the one in force on the due date, even after a change', () => {
    // Due 2026-01-01: the 3.00 rate applies → 13 %; 2–31 January = 30 days:
    // 100000 × 30 × 13 / 36500 = 39 000 000 / 36 500 = 1068.49 → 1068.
    expect(feesOf(one(FR, invoice('I1', 'C1', '2026-01-01', '1000.00')), 'I1', '2026-01-31').interest).toBe('10.68');
  });

  it('EU_DIRECTIVE: reference rate + 8 points, €40', () => {
    const eu = { policy: 'EU_DIRECTIVE', referenceRates: [{ from: '2026-01-01', rate: '2.15' }] };
    // 10.15 %; 1 Feb – 2 Mar 2026 = 28 + 2 = 30 days: 100000 × 30 × 10.15 / 36500 = 30 450 000 / 36 500 = 834.25 → 834.
    expect(feesOf(one(eu, invoice('I1', 'C1', '2026-01-31', '1000.00')), 'I1', '2026-03-02')).toEqual({
      interest: '8.34', fixed: '40.00', total: '48.34',
    });
  });

  it('UK_LPCDA: reference rate + 8 points and £40/£70/£100 by open balance', () => {
    const uk = { policy: 'UK_LPCDA', referenceRates: [{ from: '2025-01-01', rate: '4.00' }] };
    const gbp = (id: string, total: string) => invoice(id, 'C1', '2026-02-01', total, { currency: 'GBP' });
    // 12 %; 2–11 Feb = 10 days: 500000 × 10 × 12 / 36500 = 60 000 000 / 36 500 = 1643.84 → 1644.
    expect(feesOf(one(uk, gbp('I1', '5000.00')), 'I1', '2026-02-11')).toEqual({ interest: '16.44', fixed: '70.00', total: '86.44' });
    const l = ledger({
      organization: { latePayment: uk }, customers: [customer('C1')],
      invoices: [gbp('A', '999.99'), gbp('B', '1000.00'), gbp('C', '9999.99'), gbp('D', '10000.00'), gbp('E', '12000.00')],
      payments: [{ ...payment('P1', 'C1', '2026-02-05', 'E', '2500.00'), currency: 'GBP' }],
    });
    // E: 12000.00 − 2500.00 = 9500.00 open on asOf → the £70 band.
    const fixed = ['A', 'B', 'C', 'D', 'E'].map((id) => fixedCompensation(firstInvoice(l, id), '2026-02-11', l.organization.latePayment));
    expect(fixed).toEqual([4000n, 7000n, 7000n, 10000n, 7000n]);
  });

  it('CUSTOM: annualRate and fixedAmount', () => {
    const custom = { policy: 'CUSTOM', annualRate: '7.5', fixedAmount: '15.00' };
    // 2–21 Feb = 20 days: 80000 × 20 × 7.5 / 36500 = 12 000 000 / 36 500 = 328.77 → 329.
    expect(feesOf(one(custom, invoice('I1', 'C1', '2026-02-01', '800.00')), 'I1', '2026-02-21')).toEqual({
      interest: '3.29', fixed: '15.00', total: '18.29',
    });
  });

  it('NONE: nothing', () => {
    expect(feesOf(one({ policy: 'NONE' }, invoice('I1', 'C1', '2025-01-01', '800.00')), 'I1', '2026-02-21')).toEqual({
      interest: '0.00', fixed: '0.00', total: '0.00',
    });
  });
});

describe('interest arithmetic', () => {
  // 36.5 % a year is 0.1 % a day: interest = balance-days / 1000.
  const daily = { policy: 'CUSTOM', annualRate: '36.5', fixedAmount: '0' };

  it('uses each day’s open balance, a payment counting from its own day', () => {
    // Paid 400.00 on 6 Feb: 2–5 Feb (4 days) at 100000, 6–11 Feb (6 days) at 60000 → 760000 / 1000 = 760.
    const parts = one(daily, invoice('I1', 'C1', '2026-02-01', '1000.00'), { payments: [payment('P1', 'C1', '2026-02-06', 'I1', '400.00')] });
    expect(feesOf(parts, 'I1', '2026-02-11').interest).toBe('7.60');
    // Paid before the due date: 10 days at 60000 → 600.
    const early = one(daily, invoice('I1', 'C1', '2026-02-01', '1000.00'), { payments: [payment('P1', 'C1', '2026-01-20', 'I1', '400.00')] });
    expect(feesOf(early, 'I1', '2026-02-11').interest).toBe('6.00');
  });

  it('rounds half-up per invoice, then sums', () => {
    // Each 5.00 for one day: 500 × 1 / 1000 = 0.5 → 1 minor unit each; 2 in all (rounding the sum would give 1).
    const parts: Parts = {
      organization: { latePayment: daily }, customers: [customer('C1')],
      invoices: [invoice('I1', 'C1', '2026-02-01', '5.00'), invoice('I2', 'C1', '2026-02-01', '5.00')],
    };
    const action = simulate(ledger(parts), '2026-02-02').actions[0]!;
    expect(action.fees).toEqual({ interest: 2n, fixed: 0n, total: 2n });
  });

  it('no fees on the due date itself, nor at a zero rate', () => {
    expect(feesOf(one(FR, invoice('I1', 'C1', '2026-02-01', '1000.00')), 'I1', '2026-02-01').total).toBe('0.00');
    const zero = { policy: 'CUSTOM', annualRate: '0' };
    expect(feesOf(one(zero, invoice('I1', 'C1', '2026-01-01', '1000.00')), 'I1', '2026-02-01').total).toBe('0.00');
  });

  it('an invoice in another currency than the policy’s gets interest but no fixed sum', () => {
    // USD under FR_B2B: 12.15 %, 30 days → 9.99 USD as in the EUR case, and no €40.
    expect(feesOf(one(FR, invoice('I1', 'C1', '2025-12-31', '1000.00', { currency: 'USD' })), 'I1', '2026-01-30')).toEqual({
      interest: '9.99', fixed: '0.00', total: '9.99',
    });
  });
});

describe('fees in an action', () => {
  it('only the listed items that are overdue carry fees', () => {
    const parts: Parts = {
      organization: { latePayment: FR }, customers: [customer('C1')],
      invoices: [invoice('I1', 'C1', '2026-02-01', '1000.00'), invoice('I2', 'C1', '2026-03-10', '500.00')],
    };
    // I1: 13 % (3.00 in force on 1 Feb); 2 Feb – 7 Mar = 27 + 7 = 34 days:
    // 100000 × 34 × 13 / 36500 = 44 200 000 / 36 500 = 1210.96 → 1211. I2 is listed (courtesy) but not due.
    const action = simulate(ledger(parts), '2026-03-07').actions[0]!;
    expect(action.invoiceExternalIds).toEqual(['I1', 'I2']);
    expect(action.amountDue).toBe(150000n);
    expect(action.fees).toEqual({ interest: 1211n, fixed: 4000n, total: 5211n });
  });
});
