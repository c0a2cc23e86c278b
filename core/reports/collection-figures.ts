/**
 * The collection figures beside aging and DSO, per currency, over the `periodDays` days ending on
 * asOf (inclusive). Definitions (also in core/reports/README.md):
 *   receivables(d)     open balances on day d of issued, non-void invoices (disputed included)
 *   current(d)         the part of receivables(d) not yet due on d
 *   sales              totals of the invoices issued within the period
 *   overdue rate       (receivables(asOf) − current(asOf)) / receivables(asOf) × 100
 *   CEI                (B + sales − E) / (B + sales − current(asOf)) × 100, B = receivables on the
 *                      day before the period, E = receivables(asOf)
 *   best possible DSO  current(asOf) / sales × periodDays
 *   ADD                standard DSO − best possible DSO (average days delinquent)
 *   countback DSO      walking back from asOf one day at a time, the days whose sales the
 *                      receivables at asOf use up; the last day counts by its used fraction
 * Each figure is in tenths, rounded half-up; null when its denominator is zero.
 */
import { addDays, toDayNumber, type IsoDate } from '../calendar/index.ts';
import { divRoundHalfUp, formatMinor } from '../money.ts';
import { openBalanceOn } from '../ledger/balance.ts';
import type { CustomerLedger, Invoice } from '../ledger/index.ts';
import { formatTenths } from './dso.ts';
import { isReceivableOn } from './receivables.ts';

export interface CollectionFigures {
  readonly asOf: IsoDate;
  readonly currency: string;
  readonly periodDays: number;
  readonly beginningReceivables: bigint;
  readonly endingReceivables: bigint;
  readonly endingCurrent: bigint;
  readonly creditSales: bigint;
  readonly overdueRateTenths: bigint | null;
  readonly ceiTenths: bigint | null;
  readonly dsoTenths: bigint | null;
  readonly bestPossibleDsoTenths: bigint | null;
  readonly addTenths: bigint | null;
  readonly countbackDsoTenths: bigint | null;
}

/** The invoices of one currency, across customers. */
export function invoicesIn(customers: Iterable<CustomerLedger>, currency: string): Invoice[] {
  const out: Invoice[] = [];
  for (const c of customers) for (const inv of c.invoices) if (inv.currency === currency) out.push(inv);
  return out;
}

function receivablesOn(invoices: readonly Invoice[], day: IsoDate): { total: bigint; current: bigint } {
  let total = 0n;
  let current = 0n;
  for (const inv of invoices) {
    if (!isReceivableOn(inv, day)) continue;
    const balance = openBalanceOn(inv, day);
    total += balance;
    if (toDayNumber(inv.dueDate) >= toDayNumber(day)) current += balance;
  }
  return { total, current };
}

const ratioTenths = (num: bigint, den: bigint, scale: bigint): bigint | null => (den === 0n ? null : divRoundHalfUp(num * scale * 10n, den));

/** Countback DSO in tenths: receivables at asOf used up by the most recent days' sales. */
export function countbackDsoTenths(invoices: readonly Invoice[], asOf: IsoDate, receivables: bigint, maxDays = 3660): bigint | null {
  const salesByDay = new Map<number, bigint>();
  for (const inv of invoices) {
    if (inv.void) continue;
    const day = toDayNumber(inv.issueDate);
    salesByDay.set(day, (salesByDay.get(day) ?? 0n) + inv.total);
  }
  let remaining = receivables;
  let tenths = 0n;
  const last = toDayNumber(asOf);
  for (let day = last; day > last - maxDays && remaining > 0n; day--) {
    const sales = salesByDay.get(day) ?? 0n;
    if (remaining >= sales) {
      remaining -= sales;
      tenths += 10n;
    } else {
      tenths += divRoundHalfUp(remaining * 10n, sales);
      remaining = 0n;
    }
  }
  // Receivables older than all the sales on record: the figure would be a guess.
  return remaining > 0n ? null : tenths;
}

/** Every collection figure of one currency. */
export function collectionFigures(
  customers: Iterable<CustomerLedger>,
  currency: string,
  asOf: IsoDate,
  periodDays: number,
): CollectionFigures {
  const invoices = invoicesIn(customers, currency);
  const first = toDayNumber(addDays(asOf, 1 - periodDays));
  const last = toDayNumber(asOf);
  const creditSales = invoices
    .filter((inv) => !inv.void && toDayNumber(inv.issueDate) >= first && toDayNumber(inv.issueDate) <= last)
    .reduce((s, inv) => s + inv.total, 0n);
  const begin = receivablesOn(invoices, addDays(asOf, -periodDays)).total;
  const end = receivablesOn(invoices, asOf);
  const days = BigInt(periodDays);
  const dsoTenths = ratioTenths(end.total, creditSales, days);
  const bestPossibleDsoTenths = ratioTenths(end.current, creditSales, days);
  return {
    asOf, currency, periodDays,
    beginningReceivables: begin,
    endingReceivables: end.total,
    endingCurrent: end.current,
    creditSales,
    overdueRateTenths: ratioTenths(end.total - end.current, end.total, 100n),
    ceiTenths: ratioTenths(begin + creditSales - end.total, begin + creditSales - end.current, 100n),
    dsoTenths,
    bestPossibleDsoTenths,
    addTenths: dsoTenths === null || bestPossibleDsoTenths === null ? null : dsoTenths - bestPossibleDsoTenths,
    countbackDsoTenths: countbackDsoTenths(invoices, asOf, end.total),
  };
}

/** One currency's figures as JSON: amounts as decimal strings, figures as tenths ("62.3") or null. */
export function figuresToJson(f: CollectionFigures): Record<string, unknown> {
  const tenths = (v: bigint | null) => (v === null ? null : formatTenths(v));
  const money = (v: bigint) => formatMinor(v, f.currency);
  return {
    asOf: f.asOf, currency: f.currency, periodDays: f.periodDays,
    beginningReceivables: money(f.beginningReceivables), endingReceivables: money(f.endingReceivables),
    endingCurrent: money(f.endingCurrent), creditSales: money(f.creditSales),
    overdueRate: tenths(f.overdueRateTenths), cei: tenths(f.ceiTenths), dso: tenths(f.dsoTenths),
    countbackDso: tenths(f.countbackDsoTenths), bestPossibleDso: tenths(f.bestPossibleDsoTenths), averageDaysDelinquent: tenths(f.addTenths),
  };
}
