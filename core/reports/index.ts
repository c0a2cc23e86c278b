export {
  AGING_BUCKETS, type AgingBucket, type Buckets, type AgingReport, type CustomerAging, bucketOf, agedBalance, agedBalances,
  agingToJson,
} from './aging.ts';
export { DEFAULT_DSO_PERIOD_DAYS, DSO_DEFINITION, type DsoReport, dso, dsoReports, dsoToJson, formatTenths } from './dso.ts';
export { agingTable, dsoTable } from './text-tables.ts';
export { isReceivableOn, reportCurrencies, withOtherCurrencies } from './receivables.ts';
export { collectionFigures, countbackDsoTenths, figuresToJson, type CollectionFigures } from './collection-figures.ts';
export { forecast, forecastToJson, averageDaysLate, type Forecast, type ForecastWeek } from './forecast.ts';
export { dsoPoint, dsoTrend, dsoTrends, dsoTrendsToJson, monthEnds, type DsoPoint, type DsoTrend } from './dso-trend.ts';
export {
  DEFAULT_FORECAST_WEEKS, DEFAULT_TREND_MONTHS, LEDGER_REPORTS, ledgerReportJson, type LedgerReport, type LedgerReportOptions,
} from './report-json.ts';
