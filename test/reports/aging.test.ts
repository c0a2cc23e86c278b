import { describe, expect, it } from 'vitest';
import { parseLedger } from '../../core/ledger/index.ts';
import { agedBalances, agingToJson, bucketOf } from '../../core/reports/index.ts';
import { agingFile } from './report-ledgers.ts';

describe('aged balance', () => {
  it('puts days past due in the documented buckets', () => {
    expect([0, -5, 1, 30, 31, 60, 61, 90, 91, 400].map(bucketOf)).toEqual([
      'current', 'current', '1-30', '1-30', '31-60', '31-60', '61-90', '61-90', '91+', '91+',
    ]);
  });

  it('totals open balances by bucket and customer (named), disputed apart, one report per currency', () => {
    const l = parseLedger(agingFile);
    const json = agingToJson(agedBalances(l.customers, l.organization, '2026-03-31'));
    expect(json).toEqual({
      asOf: '2026-03-31',
      currency: 'EUR',
      buckets: { current: '480.00', '1-30': '230.00', '31-60': '70.00', '61-90': '110.00', '91+': '70.00' },
      total: '960.00',
      disputed: '200.00',
      byCustomer: [
        {
          customerExternalId: 'C2',
          customerName: 'Customer C2',
          buckets: { current: '380.00', '1-30': '200.00', '31-60': '0.00', '61-90': '0.00', '91+': '0.00' },
          total: '580.00',
          disputed: '200.00',
        },
        {
          customerExternalId: 'C1',
          customerName: 'Customer C1',
          buckets: { current: '100.00', '1-30': '30.00', '31-60': '70.00', '61-90': '110.00', '91+': '70.00' },
          total: '380.00',
          disputed: '0.00',
        },
      ],
      otherCurrencies: [
        {
          asOf: '2026-03-31',
          currency: 'USD',
          buckets: { current: '0.00', '1-30': '75.00', '31-60': '0.00', '61-90': '0.00', '91+': '0.00' },
          total: '75.00',
          disputed: '0.00',
          byCustomer: [
            {
              customerExternalId: 'C2',
              customerName: 'Customer C2',
              buckets: { current: '0.00', '1-30': '75.00', '31-60': '0.00', '61-90': '0.00', '91+': '0.00' },
              total: '75.00',
              disputed: '0.00',
            },
          ],
        },
      ],
    });
  });

  it('counts a payment only from its date', () => {
    const l = parseLedger(agingFile);
    // On 9 March, L's 120.00 payment (10 March) has not happened: 500.00 open; with I (200.00, due
    // 15 March) that is 700.00 current. J (paid 2 March) is out, K is void.
    const [eur] = agedBalances(l.customers, l.organization, '2026-03-09');
    const c2 = eur!.byCustomer.find((c) => c.customerExternalId === 'C2')!;
    expect([c2.buckets.current, c2.total]).toEqual([70000n, 70000n]);
    // On 1 March J (90.00, due that day, paid 2 March) is still open and current: 790.00.
    const [first] = agedBalances(l.customers, l.organization, '2026-03-01');
    expect(first!.byCustomer.find((c) => c.customerExternalId === 'C2')!.buckets.current).toBe(79000n);
  });
});
