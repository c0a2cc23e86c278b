/** The demo's printed summary names the aged balance and the DSO (issue #7: "prints the aged balance and DSO"). */
import { describe, expect, it } from 'vitest';
import { agingLine, printSummary } from '../../cli/demo/session.ts';
import type { DemoSummary } from '../../cli/demo/run-demo.ts';

const aging = {
  asOf: '2026-11-02', currency: 'USD',
  buckets: { current: '100.00', '1-30': '20.50', '31-60': '0.00', '61-90': '0.00', '91+': '7.00' },
  total: '127.50', byCustomer: [], otherCurrencies: [],
};

describe('demo summary', () => {
  it('prints the aged balance buckets and total, then the DSO', () => {
    const summary = {
      synced: { quickbooks: { invoice: 3 }, xero: {}, hubspot: {} },
      actions: { planned: 0, awaitingApproval: 0, sent: 1, byStep: {} },
      emailsCaught: 1, writtenBack: { quickbooks: 1, xero: 0, hubspot: 0 },
      reports: { aging, dso: '42.3' }, notes: [],
    } as unknown as DemoSummary;
    const text = printSummary(summary);
    expect(text).toContain('  aged balance (USD, 2026-11-02): current 100.00 · 1-30 20.50 · 31-60 0.00 · 61-90 0.00 · 91+ 7.00 · total 127.50');
    expect(text.indexOf('aged balance')).toBeLessThan(text.indexOf('DSO: 42.3 days'));
  });

  it('says what the sent reminders went out as, channel by channel', () => {
    const summary = {
      synced: { quickbooks: {}, xero: {}, hubspot: {} },
      actions: { planned: 2, awaitingApproval: 3, sent: 6, byStep: {}, sentByChannel: { email: 3, letter: 2, task: 1 } },
      emailsCaught: 3, writtenBack: { quickbooks: 1, xero: 1, hubspot: 1 }, reports: { aging: null, dso: null }, notes: [],
    } as unknown as DemoSummary;
    expect(printSummary(summary)).toContain('  reminders: 6 sent (email 3, letter 2, task 1), 2 planned, 3 awaiting approval\n');
  });

  it('prints no aging line when the store had nothing to age', () => {
    expect(agingLine(null)).toBeNull();
  });
});
