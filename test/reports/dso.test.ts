import { describe, expect, it } from 'vitest';
import { parseLedger } from '../../core/ledger/index.ts';
import { DSO_DEFINITION, dsoReports, dsoToJson } from '../../core/reports/index.ts';
import { customer, invoice, ledgerFile } from '../dunning/ledger-builder.ts';
import { dsoFile } from './report-ledgers.ts';

describe('DSO', () => {
  it('receivables at period end / credit sales of the period × days, rounded half-up to a tenth', () => {
    const l = parseLedger(dsoFile);
    expect(dsoToJson(dsoReports(l.customers, l.organization, '2026-03-31', 90))).toEqual({
      asOf: '2026-03-31', currency: 'EUR', periodDays: 90, definition: DSO_DEFINITION,
      receivables: '2500.00', creditSales: '4000.00', dso: '56.3', otherCurrencies: [],
    });
    const [thirty] = dsoReports(l.customers, l.organization, '2026-03-31', 30);
    expect(thirty).toMatchObject({ creditSales: 100000n, receivables: 250000n, dsoTenths: 750n });
  });

  it('is null when there were no credit sales in the period', () => {
    const l = parseLedger(ledgerFile({ customers: [customer('C1')], invoices: [invoice('I1', 'C1', '2025-02-01', '10.00')] }));
    expect(dsoToJson(dsoReports(l.customers, l.organization, '2026-03-31', 90))).toMatchObject({ receivables: '10.00', creditSales: '0.00', dso: null });
  });
});
