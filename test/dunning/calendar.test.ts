import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, isIsoDate, nextBusinessDay, todayIn, weekdayOf } from '../../core/calendar/index.ts';
import { balanceDaySum, openBalanceOn } from '../../core/ledger/index.ts';
import { customer, invoice, ledger, payment } from './ledger-builder.ts';

describe('calendar dates', () => {
  it('knows real dates, leap years included', () => {
    expect(['2026-02-28', '2028-02-29', '2026-12-31'].map(isIsoDate)).toEqual([true, true, true]);
    expect(['2026-02-29', '2026-13-01', '2026-1-05', '05/01/2026', ''].map(isIsoDate)).toEqual([false, false, false, false, false]);
  });

  it('adds and counts days across months and years', () => {
    expect(addDays('2026-02-25', 4)).toBe('2026-03-01');
    expect(addDays('2026-01-05', -10)).toBe('2025-12-26');
    expect(daysBetween('2025-12-31', '2026-03-31')).toBe(90);
  });

  it('moves Saturday and Sunday to Monday, and nothing else', () => {
    // 2026-02-01 is a Sunday.
    expect(weekdayOf('2026-02-01')).toBe(0);
    expect(nextBusinessDay('2026-02-07')).toBe('2026-02-09');
    expect(nextBusinessDay('2026-02-08')).toBe('2026-02-09');
    expect(['2026-02-09', '2026-02-13'].map(nextBusinessDay)).toEqual(['2026-02-09', '2026-02-13']);
  });

  it("gives today's date in the organization's time zone", () => {
    const instant = new Date('2026-03-01T23:30:00Z');
    expect(todayIn('Europe/Paris', instant)).toBe('2026-03-02');
    expect(todayIn('America/New_York', instant)).toBe('2026-03-01');
  });
});

describe('open balances over time', () => {
  const l = ledger({
    customers: [customer('C1')],
    invoices: [invoice('I1', 'C1', '2026-02-04', '1200.00')],
    payments: [payment('P1', 'C1', '2026-02-20', 'I1', '200.00'), payment('P2', 'C1', '2026-02-27', 'I1', '100.00')],
  });
  const inv = l.customers[0]!.invoices[0]!;

  it('counts an allocation from its own day', () => {
    expect([openBalanceOn(inv, '2026-02-19'), openBalanceOn(inv, '2026-02-20'), openBalanceOn(inv, '2026-03-01')]).toEqual([
      120000n, 100000n, 90000n,
    ]);
  });

  it('sums balance × days without walking the days', () => {
    // 5–19 Feb: 15 × 120000; 20–26 Feb: 7 × 100000; 27 Feb – 1 Mar: 3 × 90000.
    expect(balanceDaySum(inv, '2026-02-05', '2026-03-01')).toBe(15n * 120000n + 7n * 100000n + 3n * 90000n);
    expect(balanceDaySum(inv, '2026-02-21', '2026-02-21')).toBe(100000n);
    expect(balanceDaySum(inv, '2026-03-02', '2026-03-01')).toBe(0n);
  });
});
