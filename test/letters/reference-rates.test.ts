/**
 * The shipped reference rates (ECB main refinancing rate, BoE Bank Rate) and what the code says of
 * them: which rate date it used on a day, and a warning once the table's newest rate is 6 months
 * old (a half-year began whose rate is not in the table). The letter settings API shows both.
 */
import { describe, expect, it } from 'vitest';
import { referenceRateStatus, shippedReferenceRates } from '../../core/fees/index.ts';

describe('shipped reference rates', () => {
  it('extend past 2025-07-01 with the published rates, in date order', () => {
    const ecb = shippedReferenceRates('FR_B2B');
    const boe = shippedReferenceRates('UK_LPCDA');
    expect(ecb.at(-1)).toEqual({ from: '2026-01-01', rate: '2.15' });
    expect(boe.slice(-2)).toEqual([{ from: '2026-01-01', rate: '3.75' }, { from: '2026-07-01', rate: '3.75' }]);
    for (const table of [ecb, boe]) expect(table.map((r) => r.from)).toEqual([...table.map((r) => r.from)].sort());
  });

  it('says which rate date is used, and warns once the newest rate is 6 months old', () => {
    const ecb = shippedReferenceRates('EU_DIRECTIVE');
    expect(referenceRateStatus(ecb, '2026-03-10')).toMatchObject({ from: '2026-01-01', rate: '2.15', stale: false });
    expect(referenceRateStatus(ecb, '2026-03-10')!.note).toBe('reference rate 2.15 % in force from 2026-01-01');
    const late = referenceRateStatus(ecb, '2026-07-01')!;
    expect(late).toMatchObject({ from: '2026-01-01', newest: '2026-01-01', stale: true });
    expect(late.note).toContain('more than 6 months before 2026-07-01');
    expect(referenceRateStatus(ecb, '2026-06-30')!.stale).toBe(false);
    expect(referenceRateStatus(shippedReferenceRates('UK_LPCDA'), '2026-12-04')).toMatchObject({ from: '2026-07-01', rate: '3.75', stale: false });
    expect(referenceRateStatus([], '2026-01-01')).toBeNull();
    expect(referenceRateStatus(ecb, '2010-01-01')).toBeNull();
  });
});
