/**
 * Checks of a ledger file that need more than one record: references between records, the
 * currency of each amount, dates against each other. Each problem names its place in the file.
 */
import { toDayNumber } from '../calendar/index.ts';
import { isRelanceError } from '../errors.ts';
import { toMinor } from '../money.ts';
import { parsePercent } from '../fees/rate.ts';
import { referenceRateOn } from '../fees/reference-rates.ts';
import type { LedgerFile } from './schema.ts';

export type Path = (string | number)[];
export interface Problem {
  path: Path;
  message: string;
}

type Report = (path: Path, message: string) => void;

/** Parses an amount in `currency`, reporting (instead of throwing) too many decimals. */
function amountIn(value: string, currency: string, path: Path, report: Report): bigint | null {
  try {
    return toMinor(value, currency);
  } catch (e) {
    if (!isRelanceError(e)) throw e;
    report(path, e.message.replace(/^amount: /, ''));
    return null;
  }
}

function checkDuplicates(records: readonly { externalId: string }[], name: string, report: Report): void {
  const seen = new Set<string>();
  records.forEach((r, i) => {
    if (seen.has(r.externalId)) report([name, i, 'externalId'], `duplicate externalId "${r.externalId}"`);
    seen.add(r.externalId);
  });
}

function checkInvoices(file: LedgerFile, customers: Set<string>, report: Report): void {
  const { latePayment } = file.organization;
  const rates = (latePayment?.referenceRates ?? []).map((r) => ({ from: r.from, rate: parsePercent(r.rate) }));
  const needsRate = latePayment !== undefined && ['FR_B2B', 'EU_DIRECTIVE', 'UK_LPCDA'].includes(latePayment.policy);
  file.invoices.forEach((inv, i) => {
    if (!customers.has(inv.customerExternalId)) {
      report(['invoices', i, 'customerExternalId'], `unknown customer "${inv.customerExternalId}"`);
    }
    if (toDayNumber(inv.dueDate) < toDayNumber(inv.issueDate)) {
      report(['invoices', i, 'dueDate'], `due date ${inv.dueDate} is before the issue date ${inv.issueDate}`);
    }
    amountIn(inv.total, inv.currency, ['invoices', i, 'total'], report);
    if (needsRate && rates.length > 0) {
      try {
        referenceRateOn(rates, inv.dueDate);
      } catch {
        report(['invoices', i, 'dueDate'], `no reference rate in force on ${inv.dueDate} (organization.latePayment.referenceRates)`);
      }
    }
  });
}

function checkPayments(file: LedgerFile, customers: Set<string>, report: Report): void {
  const invoices = new Map(file.invoices.map((inv) => [inv.externalId, inv]));
  const allocated = new Map<string, bigint>();
  (file.payments ?? []).forEach((pay, i) => {
    if (!customers.has(pay.customerExternalId)) {
      report(['payments', i, 'customerExternalId'], `unknown customer "${pay.customerExternalId}"`);
    }
    const amount = amountIn(pay.amount, pay.currency, ['payments', i, 'amount'], report);
    let sum = 0n;
    pay.allocations.forEach((alloc, j) => {
      const at: Path = ['payments', i, 'allocations', j];
      const invoice = invoices.get(alloc.invoiceExternalId);
      if (!invoice) return report([...at, 'invoiceExternalId'], `unknown invoice "${alloc.invoiceExternalId}"`);
      if (invoice.currency !== pay.currency) {
        return report(at, `a payment in ${pay.currency} cannot be allocated to invoice "${invoice.externalId}" in ${invoice.currency}`);
      }
      const part = amountIn(alloc.amount, pay.currency, [...at, 'amount'], report);
      if (part === null) return;
      sum += part;
      const total = toMinor(invoice.total, invoice.currency);
      const already = (allocated.get(invoice.externalId) ?? 0n) + part;
      allocated.set(invoice.externalId, already);
      if (already > total) {
        report([...at, 'amount'], `allocations to invoice "${invoice.externalId}" exceed its total ${invoice.total}`);
      }
    });
    if (amount !== null && sum > amount) {
      report(['payments', i, 'allocations'], `allocations add up to more than the payment's amount ${pay.amount}`);
    }
  });
}

function checkScenarios(file: LedgerFile, report: Report): void {
  const names = new Set<string>();
  (file.scenarios ?? []).forEach((sc, i) => {
    if (names.has(sc.name)) report(['scenarios', i, 'name'], `duplicate scenario name "${sc.name}"`);
    names.add(sc.name);
    sc.steps.forEach((step, j) => {
      const previous = sc.steps[j - 1];
      if (previous && step.offsetDays <= previous.offsetDays) {
        report(['scenarios', i, 'steps', j, 'offsetDays'], 'steps must be in increasing offsetDays order');
      }
    });
    const min = sc.segment?.minOverdue;
    if (min !== undefined) amountIn(min, file.organization.currency, ['scenarios', i, 'segment', 'minOverdue'], report);
  });
}

function checkOrganization(file: LedgerFile, report: Report): void {
  const lp = file.organization.latePayment;
  const at: Path = ['organization', 'latePayment'];
  if (lp && ['FR_B2B', 'EU_DIRECTIVE', 'UK_LPCDA'].includes(lp.policy) && (lp.referenceRates ?? []).length === 0) {
    report([...at, 'referenceRates'], `policy ${lp.policy} needs at least one reference rate`);
  }
  if (lp?.fixedAmount !== undefined) amountIn(lp.fixedAmount, file.organization.currency, [...at, 'fixedAmount'], report);
  const tz = file.organization.timezone;
  if (tz) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
    } catch {
      report(['organization', 'timezone'], `unknown time zone "${tz}"`);
    }
  }
}

/** Every cross-record problem of a structurally valid ledger file, in file order. */
export function checkLedger(file: LedgerFile): Problem[] {
  const problems: Problem[] = [];
  const report: Report = (path, message) => {
    problems.push({ path, message });
  };
  checkOrganization(file, report);
  checkDuplicates(file.customers, 'customers', report);
  checkDuplicates(file.invoices, 'invoices', report);
  checkDuplicates(file.payments ?? [], 'payments', report);
  const customers = new Set(file.customers.map((c) => c.externalId));
  checkInvoices(file, customers, report);
  checkPayments(file, customers, report);
  (file.promises ?? []).forEach((p, i) => {
    // A promise for a customer absent from the file is accepted: it holds nothing back (promises are
    // often recorded in the CRM for accounts an accounting extract leaves out).
    amountIn(p.amount, p.currency ?? file.organization.currency, ['promises', i, 'amount'], report);
  });
  const invoiceIds = new Set(file.invoices.map((inv) => inv.externalId));
  (file.done ?? []).forEach((d, i) => {
    if (!invoiceIds.has(d.invoiceExternalId)) report(['done', i, 'invoiceExternalId'], `unknown invoice "${d.invoiceExternalId}"`);
  });
  checkScenarios(file, report);
  return problems;
}
