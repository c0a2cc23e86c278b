/**
 * The invoices of one ledger before settlement: how many each customer gets, when they were issued
 * (over the twelve months before asOf), their terms, amounts and lines. Ids and numbers follow issue
 * order, as a real ledger's sequence does.
 *
 * The draws go to typed arrays and the world's invoice objects are made once, in their final order:
 * at 100,000 invoices per ledger, short-lived draft objects would cost more in garbage collection than
 * the drawing itself.
 */
import { exponentOf } from '../../core/money.ts';
import type { WorldInvoice } from '../shared/contract.ts';
import type { SeededRandom } from '../shared/seeded-random.ts';
import type { Calendar } from './calendar.ts';
import { stableOrderBy } from './counting-sort.ts';
import type { GeneratedCustomer } from './customers.ts';

/** The ledger's invoices, in issue order, with their day numbers alongside. */
export interface DraftedInvoices {
  invoices: WorldInvoice[];
  issueDay: Int32Array;
  dueDay: Int32Array;
  customerIndex: Int32Array;
}

const LINE_ITEMS = [
  'Consulting services', 'Monthly subscription', 'Freight and handling', 'Spare parts', 'Installation',
  'Maintenance contract', 'Training day', 'Software licence', 'Raw materials', 'Printing', 'Support hours',
  'Equipment rental', 'Design work', 'Catering', 'Inspection',
];

/** The oldest invoice is issued about a year before asOf. */
export const HISTORY_DAYS = 365;

/** Splits `total` invoices over the customers: one each first (when there are enough), the rest by weight. */
export function invoiceCounts(rng: SeededRandom, customers: GeneratedCustomer[], total: number): Int32Array {
  const counts = new Int32Array(customers.length);
  let left = total;
  if (total >= customers.length) {
    counts.fill(1);
    left -= customers.length;
  }
  const cumulative = new Float64Array(customers.length);
  let sum = 0;
  for (let i = 0; i < customers.length; i++) cumulative[i] = sum += customers[i]!.weight;
  while (left > 0) {
    // Binary search over the cumulative weights: O(log n) per invoice keeps 1,000,000 invoices fast.
    const r = rng.next() * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    counts[lo]!++;
    left--;
  }
  return counts;
}

export function draftInvoices(
  rng: SeededRandom,
  cal: Calendar,
  customers: GeneratedCustomer[],
  counts: Int32Array,
  invoiceNumber: (n: number) => string,
): DraftedInvoices {
  const n = counts.reduce((s, c) => s + c, 0);
  const day = new Int32Array(n);
  const owner = new Int32Array(n);
  const total = new Float64Array(n);
  let k = 0;
  for (let ci = 0; ci < customers.length; ci++) {
    const unit = 10 ** exponentOf(customers[ci]!.customer.currency);
    // Each customer has its own typical invoice size; invoices scatter around it.
    const median = rng.logNormal(900, 0.8);
    for (let j = 0; j < counts[ci]!; j++, k++) {
      day[k] = -rng.int(0, HISTORY_DAYS);
      owner[k] = ci;
      const major = Math.min(250_000, Math.max(15, rng.logNormal(median, 0.6)));
      total[k] = rng.chance(0.4) ? Math.round(major) * unit : Math.round(major * unit);
    }
  }
  // Issue order; ties keep draw order (by customer, then draw), as the counting sort is stable.
  const order = stableOrderBy(n, (i) => day[i]!, -HISTORY_DAYS, 0);
  const out: DraftedInvoices = { invoices: [], issueDay: new Int32Array(n), dueDay: new Int32Array(n), customerIndex: new Int32Array(n) };
  for (let i = 0; i < n; i++) {
    const src = order[i]!;
    const g = customers[owner[src]!]!;
    const issueDay = day[src]!;
    const totalMinor = total[src]!;
    const createdAt = cal.instant(issueDay, rng.int(28_800, 64_799));
    out.issueDay[i] = issueDay;
    out.dueDay[i] = issueDay + g.termsDays;
    out.customerIndex[i] = owner[src]!;
    // Every field is set here, in one shape, so V8 keeps one hidden class for 100,000 objects.
    out.invoices.push({
      id: `I${String(i + 1).padStart(7, '0')}`,
      number: invoiceNumber(i + 1),
      customerId: g.customer.id,
      currency: g.customer.currency,
      issueDate: cal.date(issueDay),
      dueDate: cal.date(issueDay + g.termsDays),
      totalMinor,
      balanceMinor: totalMinor,
      status: 'open',
      lines: splitLines(rng, totalMinor),
      createdAt,
      updatedAt: createdAt,
    });
  }
  return out;
}

/** One to three lines whose amounts add up to the total exactly. */
function splitLines(rng: SeededRandom, totalMinor: number): { description: string; amountMinor: number }[] {
  const n = totalMinor < 300 ? 1 : rng.int(1, 3);
  const lines: { description: string; amountMinor: number }[] = [];
  let left = totalMinor;
  for (let i = 0; i < n; i++) {
    const amountMinor = i === n - 1 ? left : Math.max(1, Math.floor(left * (0.3 + rng.next() * 0.4)));
    left -= amountMinor;
    lines.push({ description: rng.pick(LINE_ITEMS), amountMinor });
  }
  return lines;
}
