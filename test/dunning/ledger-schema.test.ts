import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../../core/errors.ts';
import { parseLedger } from '../../core/ledger/index.ts';
import { customer, invoice, ledgerFile, payment } from './ledger-builder.ts';

/** The message of the InvalidInput that parsing `file` throws. */
function problem(file: unknown): string {
  try {
    parseLedger(file);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidInput);
    return (e as Error).message;
  }
  throw new Error('expected the ledger to be refused');
}

const fourInvoices = [
  invoice('I1', 'C1', '2026-02-01', '10.00'),
  invoice('I2', 'C1', '2026-02-01', '10.00'),
  invoice('I3', 'C1', '2026-02-01', '10.00'),
  invoice('I4', 'C1', '2026-02-01', '10.00'),
];

describe('ledger file validation names the place of each problem', () => {
  it('refuses an unknown field', () => {
    const inv = { ...invoice('I1', 'C1', '2026-02-01', '10.00'), dueDte: '2026-02-01' };
    expect(problem(ledgerFile({ customers: [customer('C1')], invoices: [inv] }))).toMatch(/^invoices\[0\]\.dueDte: unknown field/);
  });

  it('refuses an unknown field in the organization', () => {
    expect(problem(ledgerFile({ organization: { vatId: 'x' } }))).toMatch(/^organization\.vatId: unknown field/);
  });

  it('refuses a negative amount', () => {
    const file = ledgerFile({ customers: [customer('C1')], invoices: [invoice('I1', 'C1', '2026-02-01', '-5.00')] });
    expect(problem(file)).toMatch(/^invoices\[0\]\.total: must not be negative/);
  });

  it('refuses an amount written as a JSON number', () => {
    const file = ledgerFile({ customers: [customer('C1')], invoices: [{ ...invoice('I1', 'C1', '2026-02-01', '1'), total: 1200.5 }] });
    expect(problem(file)).toMatch(/^invoices\[0\]\.total: must be a string/);
  });

  it('refuses more decimals than the currency has', () => {
    const jpy = invoice('I1', 'C1', '2026-02-01', '100.50', { currency: 'JPY' });
    expect(problem(ledgerFile({ customers: [customer('C1')], invoices: [jpy] }))).toMatch(/^invoices\[0\]\.total: .*more decimals than JPY/);
  });

  it('refuses a due date before the issue date', () => {
    const invoices = [...fourInvoices];
    invoices[3] = invoice('I4', 'C1', '2024-12-31', '10.00');
    expect(problem(ledgerFile({ customers: [customer('C1')], invoices }))).toMatch(
      /^invoices\[3\]\.dueDate: due date 2024-12-31 is before the issue date 2025-01-01/,
    );
  });

  it('refuses an impossible date', () => {
    const file = ledgerFile({ customers: [customer('C1')], invoices: [invoice('I1', 'C1', '2026-02-30', '10.00')] });
    expect(problem(file)).toMatch(/^invoices\[0\]\.dueDate: must be a date written YYYY-MM-DD/);
  });

  it('refuses an unknown currency', () => {
    const file = ledgerFile({ customers: [customer('C1')], invoices: [invoice('I1', 'C1', '2026-02-01', '10.00', { currency: 'EUX' })] });
    expect(problem(file)).toMatch(/^invoices\[0\]\.currency: unknown currency "EUX"/);
  });

  it('refuses a payment allocated to an invoice in another currency', () => {
    const usd = { ...payment('P1', 'C1', '2026-02-10', 'I2', '5.00'), currency: 'USD' };
    const file = ledgerFile({ customers: [customer('C1')], invoices: fourInvoices, payments: [usd] });
    expect(problem(file)).toMatch(/^payments\[0\]\.allocations\[0\]: a payment in USD cannot be allocated to invoice "I2" in EUR/);
  });

  it('refuses an allocation to an unknown invoice', () => {
    const file = ledgerFile({ customers: [customer('C1')], invoices: fourInvoices, payments: [payment('P1', 'C1', '2026-02-10', 'I9', '5.00')] });
    expect(problem(file)).toMatch(/^payments\[0\]\.allocations\[0\]\.invoiceExternalId: unknown invoice "I9"/);
  });

  it('refuses allocations beyond the invoice total and beyond the payment amount', () => {
    const over = payment('P1', 'C1', '2026-02-10', 'I1', '10.01');
    expect(problem(ledgerFile({ customers: [customer('C1')], invoices: fourInvoices, payments: [over] }))).toMatch(
      /^payments\[0\]\.allocations\[0\]\.amount: allocations to invoice "I1" exceed its total 10.00/,
    );
    const split = {
      ...payment('P1', 'C1', '2026-02-10', 'I1', '6.00'),
      amount: '10.00',
      allocations: [{ invoiceExternalId: 'I1', amount: '6.00' }, { invoiceExternalId: 'I2', amount: '6.00' }],
    };
    expect(problem(ledgerFile({ customers: [customer('C1')], invoices: fourInvoices, payments: [split] }))).toMatch(
      /^payments\[0\]\.allocations: allocations add up to more than the payment's amount 10.00/,
    );
  });

  it('refuses an invoice of an unknown customer and a done step of an unknown invoice', () => {
    expect(problem(ledgerFile({ customers: [customer('C1')], invoices: [invoice('I1', 'C7', '2026-02-01', '1.00')] }))).toMatch(
      /^invoices\[0\]\.customerExternalId: unknown customer "C7"/,
    );
    const file = ledgerFile({ customers: [customer('C1')], invoices: fourInvoices, done: [{ invoiceExternalId: 'I0', step: 1 }] });
    expect(problem(file)).toMatch(/^done\[0\]\.invoiceExternalId: unknown invoice "I0"/);
  });

  it('refuses a missing field, with "is required"', () => {
    const { dueDate: _dropped, ...noDue } = invoice('I1', 'C1', '2026-02-01', '1.00');
    expect(problem(ledgerFile({ customers: [customer('C1')], invoices: [noDue] }))).toMatch(/^invoices\[0\]\.dueDate: is required/);
  });

  it('refuses steps out of order and an unknown action', () => {
    const steps = [{ offsetDays: 7, action: 'email', template: 'a' }, { offsetDays: 7, action: 'email', template: 'b' }];
    expect(problem(ledgerFile({ scenarios: [{ name: 's', steps }] }))).toMatch(/^scenarios\[0\]\.steps\[1\]\.offsetDays: steps must be in increasing/);
    const fax = [{ offsetDays: 7, action: 'fax', template: 'a' }];
    expect(problem(ledgerFile({ scenarios: [{ name: 's', steps: fax }] }))).toMatch(/^scenarios\[0\]\.steps\[0\]\.action: must be one of email/);
  });

  it('refuses a reference-rate policy without a rate in force on a due date', () => {
    const lp = { policy: 'FR_B2B', referenceRates: [{ from: '2026-01-01', rate: '2.15' }] };
    const file = ledgerFile({
      organization: { latePayment: lp }, customers: [customer('C1')], invoices: [invoice('I1', 'C1', '2025-12-31', '1.00')],
    });
    expect(problem(file)).toMatch(/^invoices\[0\]\.dueDate: no reference rate in force on 2025-12-31/);
    expect(problem(ledgerFile({ organization: { latePayment: { policy: 'UK_LPCDA' } } }))).toMatch(
      /^organization\.latePayment\.referenceRates: policy UK_LPCDA needs at least one reference rate/,
    );
  });

  it('says how many more problems there are', () => {
    const file = ledgerFile({ customers: [customer('C1')], invoices: [invoice('I1', 'C1', '2026-02-01', '-1'), invoice('I2', 'C1', 'x', '1')] });
    expect(problem(file)).toMatch(/\(and 1 more problem\)$/);
  });
});

describe('the in-memory ledger', () => {
  it('holds exact minor units, dated allocations and done steps per invoice, grouped per customer', () => {
    const l = parseLedger(
      ledgerFile({
        customers: [customer('C1'), customer('C2')],
        invoices: [invoice('I1', 'C1', '2026-02-01', '1200.10'), invoice('I2', 'C2', '2026-02-01', '0.30', { status: 'void' })],
        payments: [payment('P2', 'C1', '2026-02-20', 'I1', '0.20'), payment('P1', 'C1', '2026-02-10', 'I1', '0.10')],
        done: [{ invoiceExternalId: 'I1', step: 1 }, { invoiceExternalId: 'I1', step: 2 }],
      }),
    );
    const [c1, c2] = l.customers;
    expect(c1!.invoices[0]).toMatchObject({
      total: 120010n,
      allocations: [{ date: '2026-02-10', amount: 10n }, { date: '2026-02-20', amount: 20n }],
      doneSteps: [1, 2],
      void: false,
    });
    expect(c2!.invoices[0]!.void).toBe(true);
    expect(l.organization.latePayment).toEqual({ policy: 'NONE' });
  });
});
