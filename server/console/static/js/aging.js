/**
 * Aged balance from open invoices, as core/reports/aging.ts and FORMATS.md define it: an invoice's
 * open balance counts in the bucket of its days past due on `asOf` (`current` when not yet due);
 * disputed invoices count and are also totalled apart. Pure, so it is unit-tested outside a browser.
 */
import { compareDecimals, sumDecimals } from './decimal.js';

export const BUCKETS = ['current', '1-30', '31-60', '61-90', '91+'];

const DAY_MS = 86_400_000;

/** Days from `due` to `asOf` (ISO dates), as whole calendar days. */
export function daysPastDue(due, asOf) {
  return Math.round((Date.parse(`${asOf}T00:00:00Z`) - Date.parse(`${due}T00:00:00Z`)) / DAY_MS);
}

export function bucketOf(due, asOf) {
  if (!due) return 'current';
  const days = daysPastDue(due, asOf);
  if (days <= 0) return 'current';
  if (days <= 30) return '1-30';
  if (days <= 60) return '31-60';
  if (days <= 90) return '61-90';
  return '91+';
}

/**
 * Per currency: bucket totals, total, disputed, and per customer. `invoices` are API invoice
 * objects (`dueDate`, `balance`, `currency`, `customerId`, `status`, `disputed`).
 */
export function agedBalances(invoices, asOf) {
  const byCurrency = new Map();
  for (const inv of invoices) {
    if (inv.status !== 'open') continue;
    let cur = byCurrency.get(inv.currency);
    if (!cur) byCurrency.set(inv.currency, (cur = { amounts: Object.fromEntries(BUCKETS.map((b) => [b, []])), disputed: [], customers: new Map() }));
    const bucket = bucketOf(inv.dueDate, asOf);
    cur.amounts[bucket].push(inv.balance);
    if (inv.disputed) cur.disputed.push(inv.balance);
    let c = cur.customers.get(inv.customerId);
    if (!c) cur.customers.set(inv.customerId, (c = Object.fromEntries(BUCKETS.map((b) => [b, []]))));
    c[bucket].push(inv.balance);
  }
  const result = [];
  for (const [currency, cur] of [...byCurrency].sort(([a], [b]) => a.localeCompare(b))) {
    const buckets = Object.fromEntries(BUCKETS.map((b) => [b, sumDecimals(cur.amounts[b])]));
    const byCustomer = [...cur.customers].map(([customerId, c]) => {
      const own = Object.fromEntries(BUCKETS.map((b) => [b, sumDecimals(c[b])]));
      return { customerId, buckets: own, total: sumDecimals(Object.values(own)) };
    });
    byCustomer.sort((a, b) => compareDecimals(b.total, a.total) || a.customerId.localeCompare(b.customerId));
    result.push({ currency, buckets, total: sumDecimals(Object.values(buckets)), disputed: sumDecimals(cur.disputed), byCustomer });
  }
  return result;
}
