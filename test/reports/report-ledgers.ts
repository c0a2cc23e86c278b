/** Hand-made ledgers for the report tests (as files a user would write). */
import { customer, invoice, ledgerFile, payment } from '../dunning/ledger-builder.ts';

/**
 * As of 2026-03-31, days past due → bucket:
 * C1: A 0 → current 100 | B 1 → 1-30 10 | C 30 → 1-30 20 | D 31 → 31-60 30 | E 60 → 31-60 40 |
 *     F 61 → 61-90 50 | G 90 → 61-90 60 | H 91 → 91+ 70                       total 380.00
 * C2: I 16 days, disputed → 1-30 200 | J paid, K void, M issued after asOf: out |
 *     L 500 − 120 paid → current 380                                          total 580.00, disputed 200.00
 * C2 also owes N, 75.00 USD, 30 days → the USD report.
 */
export const agingFile = ledgerFile({
  customers: [customer('C1'), customer('C2')],
  invoices: [
    invoice('A', 'C1', '2026-03-31', '100.00'),
    invoice('B', 'C1', '2026-03-30', '10.00'),
    invoice('C', 'C1', '2026-03-01', '20.00'),
    invoice('D', 'C1', '2026-02-28', '30.00'),
    invoice('E', 'C1', '2026-01-30', '40.00'),
    invoice('F', 'C1', '2026-01-29', '50.00'),
    invoice('G', 'C1', '2025-12-31', '60.00'),
    invoice('H', 'C1', '2025-12-30', '70.00'),
    invoice('I', 'C2', '2026-03-15', '200.00', { disputed: true }),
    invoice('J', 'C2', '2026-03-01', '90.00'),
    invoice('K', 'C2', '2026-03-01', '80.00', { status: 'void' }),
    invoice('L', 'C2', '2026-04-30', '500.00'),
    invoice('M', 'C2', '2026-05-05', '999.00', { issueDate: '2026-04-05' }),
    invoice('N', 'C2', '2026-03-01', '75.00', { currency: 'USD' }),
  ],
  payments: [payment('P1', 'C2', '2026-03-02', 'J', '90.00'), payment('P2', 'C2', '2026-03-10', 'L', '120.00')],
});

/**
 * As of 2026-03-31 over 90 days (1 January – 31 March 2026):
 * S1 issued 2025-12-31, 1000 open: receivable, not a sale of the period.
 * S2 issued 2026-01-01, 3000, 2500 paid: 500 open, a 3000 sale.
 * S3 issued 2026-03-31, 1000 open: receivable and sale.  S4 void, S5 issued after asOf: neither.
 * Receivables 2500.00, sales 4000.00: DSO = 2500 / 4000 × 90 = 56.25 → 56.3.
 * Over 30 days (2–31 March): sales 1000.00 → 2500 / 1000 × 30 = 75.0.
 */
export const dsoFile = ledgerFile({
  customers: [customer('C1')],
  invoices: [
    invoice('S1', 'C1', '2026-01-30', '1000.00', { issueDate: '2025-12-31' }),
    invoice('S2', 'C1', '2026-01-31', '3000.00', { issueDate: '2026-01-01' }),
    invoice('S3', 'C1', '2026-04-30', '1000.00', { issueDate: '2026-03-31' }),
    invoice('S4', 'C1', '2026-03-10', '2000.00', { issueDate: '2026-02-10', status: 'void' }),
    invoice('S5', 'C1', '2026-05-01', '5000.00', { issueDate: '2026-04-01' }),
  ],
  payments: [payment('P1', 'C1', '2026-02-15', 'S2', '2500.00')],
});
