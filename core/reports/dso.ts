/**
 * Days sales outstanding, the standard (period-end) method:
 *   DSO = receivables at the end of the period / credit sales of the period × days in the period
 * where the period is the `periodDays` calendar days ending on asOf (inclusive), receivables are the
 * open balances on asOf of every issued, non-void invoice (disputed included), and credit sales are
 * the totals of the invoices issued within the period. Per currency, like every report.
 */
import { addDays, toDayNumber, type IsoDate } from '../calendar/index.ts';
import { divRoundHalfUp, formatMinor } from '../money.ts';
import { openBalanceOn } from '../ledger/balance.ts';
import type { CustomerLedger, Organization } from '../ledger/index.ts';
import { isReceivableOn, reportCurrencies, withOtherCurrencies } from './receivables.ts';

export const DEFAULT_DSO_PERIOD_DAYS = 90;

export const DSO_DEFINITION =
  'receivables at period end / credit sales of the period × days in the period; the period is the ' +
  'periodDays days ending on asOf inclusive; receivables: open balances on asOf of issued, non-void ' +
  'invoices, disputed included; credit sales: totals of invoices issued in the period';

export interface DsoReport {
  readonly asOf: IsoDate;
  readonly currency: string;
  readonly periodDays: number;
  readonly receivables: bigint;
  readonly creditSales: bigint;
  /** Tenths of a day, rounded half-up; null when there were no credit sales in the period. */
  readonly dsoTenths: bigint | null;
}

export function dso(customers: Iterable<CustomerLedger>, currency: string, asOf: IsoDate, periodDays: number): DsoReport {
  const first = toDayNumber(addDays(asOf, 1 - periodDays));
  const last = toDayNumber(asOf);
  let receivables = 0n;
  let creditSales = 0n;
  for (const { invoices } of customers) {
    for (const inv of invoices) {
      if (inv.currency !== currency) continue;
      if (isReceivableOn(inv, asOf)) receivables += openBalanceOn(inv, asOf);
      const issued = toDayNumber(inv.issueDate);
      if (!inv.void && issued >= first && issued <= last) creditSales += inv.total;
    }
  }
  const dsoTenths = creditSales > 0n ? divRoundHalfUp(receivables * BigInt(periodDays) * 10n, creditSales) : null;
  return { asOf, currency, periodDays, receivables, creditSales, dsoTenths };
}

export function dsoReports(
  customers: readonly CustomerLedger[],
  organization: Organization,
  asOf: IsoDate,
  periodDays: number,
): DsoReport[] {
  return reportCurrencies(customers, organization).map((c) => dso(customers, c, asOf, periodDays));
}

/** "12.3" from 123 tenths. */
export function formatTenths(tenths: bigint): string {
  const negative = tenths < 0n;
  const abs = negative ? -tenths : tenths;
  return `${negative ? '-' : ''}${abs / 10n}.${abs % 10n}`;
}

function reportToJson(r: DsoReport): Record<string, unknown> {
  return {
    asOf: r.asOf,
    currency: r.currency,
    periodDays: r.periodDays,
    definition: DSO_DEFINITION,
    receivables: formatMinor(r.receivables, r.currency),
    creditSales: formatMinor(r.creditSales, r.currency),
    dso: r.dsoTenths === null ? null : formatTenths(r.dsoTenths),
  };
}

/** The organization's currency at the top level, other currencies in `otherCurrencies`. */
export function dsoToJson(reports: readonly DsoReport[]): Record<string, unknown> {
  return withOtherCurrencies(reports.map(reportToJson));
}
