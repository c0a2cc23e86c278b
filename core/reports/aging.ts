/** The aged balance (FORMATS.md, "Reports"): open balances by days past due, per currency. */
import { daysBetween, type IsoDate } from '../calendar/index.ts';
import { formatMinor } from '../money.ts';
import { openBalanceOn } from '../ledger/balance.ts';
import type { CustomerLedger, Organization } from '../ledger/index.ts';
import { isReceivableOn, reportCurrencies, withOtherCurrencies } from './receivables.ts';

export const AGING_BUCKETS = ['current', '1-30', '31-60', '61-90', '91+'] as const;
export type AgingBucket = (typeof AGING_BUCKETS)[number];
export type Buckets = Record<AgingBucket, bigint>;

export interface AgingLine {
  readonly buckets: Buckets;
  readonly total: bigint;
  /** Disputed invoices count in the buckets and are also totalled here. */
  readonly disputed: bigint;
}

export interface CustomerAging extends AgingLine {
  readonly customerExternalId: string;
  /** What people read: the customer's name (the external id stays the key). */
  readonly customerName: string;
}

export interface AgingReport extends AgingLine {
  readonly asOf: IsoDate;
  readonly currency: string;
  /** Customers with an open balance in this currency, largest total first. */
  readonly byCustomer: readonly CustomerAging[];
}

/** The bucket of an invoice from its days past due on asOf (`current`: not yet due). */
export function bucketOf(daysPastDue: number): AgingBucket {
  if (daysPastDue <= 0) return 'current';
  if (daysPastDue <= 30) return '1-30';
  if (daysPastDue <= 60) return '31-60';
  if (daysPastDue <= 90) return '61-90';
  return '91+';
}

function emptyLine(): { buckets: Buckets; total: bigint; disputed: bigint } {
  return { buckets: { current: 0n, '1-30': 0n, '31-60': 0n, '61-90': 0n, '91+': 0n }, total: 0n, disputed: 0n };
}

/** The aged balance of one currency. */
export function agedBalance(customers: Iterable<CustomerLedger>, currency: string, asOf: IsoDate): AgingReport {
  const report = emptyLine();
  const byCustomer: CustomerAging[] = [];
  for (const { customer, invoices } of customers) {
    const line = emptyLine();
    for (const inv of invoices) {
      if (inv.currency !== currency || !isReceivableOn(inv, asOf)) continue;
      const balance = openBalanceOn(inv, asOf);
      line.buckets[bucketOf(daysBetween(inv.dueDate, asOf))] += balance;
      line.total += balance;
      if (inv.disputed) line.disputed += balance;
    }
    if (line.total === 0n) continue;
    byCustomer.push({ customerExternalId: customer.externalId, customerName: customer.name || customer.externalId, ...line });
    for (const b of AGING_BUCKETS) report.buckets[b] += line.buckets[b];
    report.total += line.total;
    report.disputed += line.disputed;
  }
  byCustomer.sort((a, b) =>
    a.total !== b.total ? (a.total > b.total ? -1 : 1) : a.customerExternalId < b.customerExternalId ? -1 : 1,
  );
  return { asOf, currency, ...report, byCustomer };
}

/** One aged balance per currency, the organization's currency first. */
export function agedBalances(customers: readonly CustomerLedger[], organization: Organization, asOf: IsoDate): AgingReport[] {
  return reportCurrencies(customers, organization).map((currency) => agedBalance(customers, currency, asOf));
}

function bucketsToJson(buckets: Buckets, currency: string): Record<AgingBucket, string> {
  const out = {} as Record<AgingBucket, string>;
  for (const b of AGING_BUCKETS) out[b] = formatMinor(buckets[b], currency);
  return out;
}

function reportToJson(r: AgingReport): Record<string, unknown> {
  return {
    asOf: r.asOf,
    currency: r.currency,
    buckets: bucketsToJson(r.buckets, r.currency),
    total: formatMinor(r.total, r.currency),
    disputed: formatMinor(r.disputed, r.currency),
    byCustomer: r.byCustomer.map((c) => ({
      customerExternalId: c.customerExternalId,
      customerName: c.customerName,
      buckets: bucketsToJson(c.buckets, r.currency),
      total: formatMinor(c.total, r.currency),
      disputed: formatMinor(c.disputed, r.currency),
    })),
  };
}

/** The JSON of FORMATS.md: the organization's currency first, the others in `otherCurrencies`. */
export function agingToJson(reports: readonly AgingReport[]): Record<string, unknown> {
  return withOtherCurrencies(reports.map(reportToJson));
}
