/**
 * Every ledger report as the JSON the CLI prints, the admin API serves and scripts read
 * (FORMATS.md, "Reports"): one place, so that the three never differ.
 */
import type { IsoDate } from '../calendar/index.ts';
import type { CustomerLedger, Organization } from '../ledger/index.ts';
import { agedBalances, agingToJson } from './aging.ts';
import { collectionFigures, figuresToJson } from './collection-figures.ts';
import { DEFAULT_DSO_PERIOD_DAYS, dsoReports, dsoToJson } from './dso.ts';
import { dsoTrends, dsoTrendsToJson } from './dso-trend.ts';
import { forecast, forecastToJson } from './forecast.ts';
import { reportCurrencies, withOtherCurrencies } from './receivables.ts';

/** The reports computed from ledgers alone (an organization's, a group's or a ledger file's). */
export const LEDGER_REPORTS = ['aging', 'dso', 'forecast', 'figures', 'dso-trend'] as const;
export type LedgerReport = (typeof LEDGER_REPORTS)[number];

export const DEFAULT_FORECAST_WEEKS = 8;
export const DEFAULT_TREND_MONTHS = 12;

export interface LedgerReportOptions {
  readonly asOf: IsoDate;
  /** dso, figures, dso-trend. */
  readonly periodDays?: number;
  /** forecast. */
  readonly weeks?: number;
  /** dso-trend. */
  readonly months?: number;
}

export function ledgerReportJson(
  name: LedgerReport,
  customers: readonly CustomerLedger[],
  organization: Organization,
  options: LedgerReportOptions,
): Record<string, unknown> {
  const { asOf } = options;
  const periodDays = options.periodDays ?? DEFAULT_DSO_PERIOD_DAYS;
  const currencies = () => reportCurrencies(customers, organization);
  switch (name) {
    case 'aging':
      return agingToJson(agedBalances(customers, organization, asOf));
    case 'dso':
      return dsoToJson(dsoReports(customers, organization, asOf, periodDays));
    case 'forecast':
      return withOtherCurrencies(currencies().map((c) => forecastToJson(forecast(customers, c, asOf, options.weeks ?? DEFAULT_FORECAST_WEEKS))));
    case 'figures':
      return withOtherCurrencies(currencies().map((c) => figuresToJson(collectionFigures(customers, c, asOf, periodDays))));
    case 'dso-trend':
      return dsoTrendsToJson(dsoTrends(customers, organization, asOf, options.months ?? DEFAULT_TREND_MONTHS, periodDays));
  }
}
