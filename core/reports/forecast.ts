/**
 * Weekly cash-in forecast, per currency. Each customer's payer profile is its average days late:
 * over its fully paid invoices, the days from the due date to the allocation that settled it (0
 * when it has none, early payments counting as negative). An open, undisputed invoice is expected
 * on its due date plus that delay, and never before asOf. A pending promise dated on or after asOf
 * is expected on its date instead, for its amount, taken from the customer's earliest-due invoices.
 * Week n covers asOf + 7n … asOf + 7n + 6; what falls after the last week is `later`.
 */
import { addDays, daysBetween, toDayNumber, type IsoDate } from '../calendar/index.ts';
import { divRoundHalfUp, formatMinor } from '../money.ts';
import { openBalanceOn } from '../ledger/balance.ts';
import type { CustomerLedger, Invoice } from '../ledger/index.ts';
import { isReceivableOn } from './receivables.ts';

export interface ForecastWeek {
  readonly from: IsoDate;
  readonly to: IsoDate;
  readonly amount: bigint;
}

export interface Forecast {
  readonly asOf: IsoDate;
  readonly currency: string;
  readonly weeks: readonly ForecastWeek[];
  readonly later: bigint;
  readonly total: bigint;
}

/** Average days from due date to settlement over the paid invoices (rounded half-up), 0 without history. */
export function averageDaysLate(invoices: readonly Invoice[]): number {
  let sum = 0n;
  let n = 0n;
  for (const inv of invoices) {
    if (inv.void || inv.allocations.length === 0) continue;
    let applied = 0n;
    for (const a of inv.allocations) {
      applied += a.amount;
      if (applied >= inv.total) {
        sum += BigInt(daysBetween(inv.dueDate, a.date));
        n++;
        break;
      }
    }
  }
  return n === 0n ? 0 : Number(divRoundHalfUp(sum, n));
}

/** Expected (date, amount) receipts of one customer in one currency. */
function expectedReceipts(ledger: CustomerLedger, currency: string, asOf: IsoDate): { date: IsoDate; amount: bigint }[] {
  const delay = averageDaysLate(ledger.invoices.filter((i) => i.currency === currency));
  const open = ledger.invoices
    .filter((inv) => inv.currency === currency && !inv.disputed && isReceivableOn(inv, asOf))
    .sort((a, b) => toDayNumber(a.dueDate) - toDayNumber(b.dueDate))
    .map((inv) => ({ inv, left: openBalanceOn(inv, asOf) }));
  const out: { date: IsoDate; amount: bigint }[] = [];
  for (const p of ledger.promises) {
    if (p.currency !== currency || toDayNumber(p.date) < toDayNumber(asOf)) continue;
    let promised = p.amount;
    for (const o of open) {
      const take = o.left < promised ? o.left : promised;
      o.left -= take;
      promised -= take;
    }
    // A promise covers at most what is open: the forecast never exceeds the receivables.
    out.push({ date: p.date, amount: p.amount - promised });
  }
  for (const o of open) {
    if (o.left === 0n) continue;
    const expected = addDays(o.inv.dueDate, delay);
    out.push({ date: toDayNumber(expected) < toDayNumber(asOf) ? asOf : expected, amount: o.left });
  }
  return out;
}

export function forecast(customers: Iterable<CustomerLedger>, currency: string, asOf: IsoDate, weeks = 8): Forecast {
  const buckets = Array.from({ length: weeks }, (_, i) => ({ from: addDays(asOf, 7 * i), to: addDays(asOf, 7 * i + 6), amount: 0n }));
  let later = 0n;
  const start = toDayNumber(asOf);
  for (const ledger of customers) {
    for (const r of expectedReceipts(ledger, currency, asOf)) {
      const week = Math.floor((toDayNumber(r.date) - start) / 7);
      if (week < weeks) buckets[week]!.amount += r.amount;
      else later += r.amount;
    }
  }
  const total = buckets.reduce((s, b) => s + b.amount, later);
  return { asOf, currency, weeks: buckets, later, total };
}

export function forecastToJson(f: Forecast): Record<string, unknown> {
  const money = (v: bigint) => formatMinor(v, f.currency);
  return {
    asOf: f.asOf, currency: f.currency,
    weeks: f.weeks.map((w) => ({ from: w.from, to: w.to, amount: money(w.amount) })),
    later: money(f.later), total: money(f.total),
  };
}
