/** The dates of the DSO trend, and its points on the hand-made DSO ledger (test/reports/report-ledgers.ts). */
import { describe, expect, it } from 'vitest';
import { parseLedger } from '../../core/ledger/index.ts';
import { dsoTrends, dsoTrendsToJson, monthEnds } from '../../core/reports/index.ts';
import { dsoFile } from './report-ledgers.ts';

describe('monthEnds', () => {
  it("ends each month on its last day, across a year and February's, the current month at asOf", () => {
    expect(monthEnds('2026-03-15', 4)).toEqual(['2025-12-31', '2026-01-31', '2026-02-28', '2026-03-15']);
    expect(monthEnds('2024-03-31', 2)).toEqual(['2024-02-29', '2024-03-31']);
    expect(monthEnds('2026-01-01', 1)).toEqual(['2026-01-01']);
    expect(monthEnds('2026-06-30', 13)[0]).toBe('2025-06-30');
  });
});

describe('dsoTrends', () => {
  it('gives standard and countback DSO at each point, in tenths of a day', () => {
    const ledger = parseLedger(dsoFile);
    const json = dsoTrendsToJson(dsoTrends([...ledger.customers], ledger.organization, '2026-03-31', 2, 30));
    // 28 February, 30-day period: no sales since 29 January → no standard DSO; 1500 open, counted back
    // over 58 empty days and half of 1 January's 3000. 31 March: 2500 / 1000 (S3) × 30 = 75.0.
    expect(json).toEqual({
      currency: 'EUR', otherCurrencies: [],
      points: [{ asOf: '2026-02-28', standard: null, countback: '58.5' }, { asOf: '2026-03-31', standard: '75.0', countback: '89.5' }],
    });
  });
});
