export {
  AGING_BUCKETS, type AgingBucket, type Buckets, type AgingReport, type CustomerAging, bucketOf, agedBalance, agedBalances,
  agingToJson,
} from './aging.ts';
export { DEFAULT_DSO_PERIOD_DAYS, DSO_DEFINITION, type DsoReport, dso, dsoReports, dsoToJson, formatTenths } from './dso.ts';
export { agingTable, dsoTable } from './text-tables.ts';
export { isReceivableOn, reportCurrencies } from './receivables.ts';
export { collectionFigures, countbackDsoTenths, type CollectionFigures } from './collection-figures.ts';
export { forecast, forecastToJson, averageDaysLate, type Forecast, type ForecastWeek } from './forecast.ts';
