/**
 * DSO over time, for a chart: the standard and countback DSO (dso.ts, collection-figures.ts) at the
 * end of each of the last `months` months, oldest first. The month of asOf has not ended: its point
 * is asOf itself, so the last point is today's figure.
 */
import { fromDayNumber, toDayNumber, type IsoDate } from '../calendar/index.ts';
import type { CustomerLedger, Organization } from '../ledger/index.ts';
import { countbackDsoTenths, invoicesIn } from './collection-figures.ts';
import { dso, formatTenths } from './dso.ts';
import { reportCurrencies, withOtherCurrencies } from './receivables.ts';

export interface DsoPoint {
  readonly asOf: IsoDate;
  /** Tenths of a day; null without credit sales in the period (standard) or sales to count back over (countback). */
  readonly standardTenths: bigint | null;
  readonly countbackTenths: bigint | null;
}

export interface DsoTrend {
  readonly currency: string;
  readonly points: readonly DsoPoint[];
}

/** The last day of each of the `months` months ending with asOf's month, the last one capped at asOf. */
export function monthEnds(asOf: IsoDate, months: number): IsoDate[] {
  const [y, m] = asOf.split('-').map(Number) as [number, number];
  const last = toDayNumber(asOf);
  return Array.from({ length: months }, (_, i) => {
    // Day 0 of a month is the last day of the month before it; Date.UTC carries months past 12 or below 1.
    const end = Date.UTC(y, m - months + 1 + i, 0) / 86_400_000;
    return fromDayNumber(Math.min(end, last));
  });
}

/** Standard and countback DSO of one currency on one day. */
export function dsoPoint(customers: readonly CustomerLedger[], currency: string, asOf: IsoDate, periodDays: number): DsoPoint {
  const standard = dso(customers, currency, asOf, periodDays);
  return {
    asOf,
    standardTenths: standard.dsoTenths,
    countbackTenths: countbackDsoTenths(invoicesIn(customers, currency), asOf, standard.receivables),
  };
}

export function dsoTrend(customers: readonly CustomerLedger[], currency: string, asOf: IsoDate, months: number, periodDays: number): DsoTrend {
  return { currency, points: monthEnds(asOf, months).map((day) => dsoPoint(customers, currency, day, periodDays)) };
}

/** One trend per currency of the organization, its own first. */
export function dsoTrends(customers: readonly CustomerLedger[], organization: Organization, asOf: IsoDate, months: number, periodDays: number): DsoTrend[] {
  return reportCurrencies(customers, organization).map((c) => dsoTrend(customers, c, asOf, months, periodDays));
}

const tenths = (v: bigint | null): string | null => (v === null ? null : formatTenths(v));

/** `{ currency, points: [{ asOf, standard, countback }], otherCurrencies }`, days as decimal strings ("45.2") or null. */
export function dsoTrendsToJson(trends: readonly DsoTrend[]): Record<string, unknown> {
  return withOtherCurrencies(
    trends.map((t) => ({
      currency: t.currency,
      points: t.points.map((p) => ({ asOf: p.asOf, standard: tenths(p.standardTenths), countback: tenths(p.countbackTenths) })),
    })),
  );
}
