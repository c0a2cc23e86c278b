/** Open balances of an invoice over time, from its total and its dated allocations. */
import { toDayNumber, type IsoDate } from '../calendar/index.ts';
import type { Invoice } from './model.ts';

/** The total less the allocations dated on or before `day`. */
export function openBalanceOn(invoice: Invoice, day: IsoDate): bigint {
  const limit = toDayNumber(day);
  let balance = invoice.total;
  for (const a of invoice.allocations) {
    if (toDayNumber(a.date) <= limit) balance -= a.amount;
  }
  return balance;
}

/** An open item on `day`: not void and a positive open balance. */
export function isOpenOn(invoice: Invoice, day: IsoDate): boolean {
  return !invoice.void && openBalanceOn(invoice, day) > 0n;
}

/** Overdue on `day`: the due date is before it (an invoice due today is not yet late). */
export function isOverdueOn(invoice: Invoice, day: IsoDate): boolean {
  return toDayNumber(invoice.dueDate) < toDayNumber(day);
}

/**
 * Σ over each calendar day d in [firstDay, lastDay] of the open balance on d, in minor-unit-days.
 * Walks the allocations instead of the days, so a ten-year-old invoice costs as little as a new one.
 */
export function balanceDaySum(invoice: Invoice, firstDay: IsoDate, lastDay: IsoDate): bigint {
  const first = toDayNumber(firstDay);
  const last = toDayNumber(lastDay);
  if (last < first) return 0n;
  // The balance changes on each allocation's day; an allocation before firstDay is already applied.
  let balance = invoice.total;
  const changes: { day: number; amount: bigint }[] = [];
  for (const a of invoice.allocations) {
    const day = toDayNumber(a.date);
    if (day <= first) balance -= a.amount;
    else if (day <= last) changes.push({ day, amount: a.amount });
  }
  changes.sort((x, y) => x.day - y.day);
  let sum = 0n;
  let cursor = first;
  for (const change of changes) {
    sum += balance * BigInt(change.day - cursor);
    balance -= change.amount;
    cursor = change.day;
  }
  sum += balance * BigInt(last - cursor + 1);
  return sum;
}
