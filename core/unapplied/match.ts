/**
 * Suggestions for unapplied money (a payment's unapplied part, a Xero overpayment or prepayment, a
 * credit note's remaining credit), pure: which open invoices of the customer it most likely pays,
 * ranked and explained. Three rules:
 * - `reference`: an invoice number appears in the memo/reference (as a whole token) — the payer said so;
 * - `exact_amount`: one invoice's open balance equals the money (or exceeds it by at most the
 *   tolerance: a bank fee kept by the payer's or our bank);
 * - `invoice_set`: several invoices whose balances sum to the money, within the same tolerance.
 * The set search is bounded: only the `maxCandidates` oldest open invoices (default 20) and sets of
 * at most `maxSetSize` (default 4) are tried, and it stops after `maxSetsTried` sets (default 20,000)
 * — at most C(20,2)+C(20,3)+C(20,4) = 6,175 with the defaults — so one customer with thousands of
 * invoices cannot stall a run.
 */
import { formatMinor } from '../money.ts';

export interface OpenItem {
  readonly id: string;
  readonly number: string | null;
  readonly dueDate: string | null;
  readonly balance: bigint;
}

export interface Money {
  readonly amount: bigint;
  readonly currency: string;
  readonly memo: string | null;
}

export interface MatchOptions {
  /** How much less than the invoices' balances the money may be (bank fees), in minor units. */
  readonly tolerance?: bigint;
  readonly maxCandidates?: number;
  readonly maxSetSize?: number;
  readonly maxSetsTried?: number;
  /** Suggestions kept, best first (default 5). */
  readonly limit?: number;
  /**
   * Also the guesses a collector may want to start from when nothing fits (`oldest_first`: the
   * oldest invoices first, as most payers mean), scored below every rule above.
   */
  readonly includeWeak?: boolean;
}

export interface Suggestion {
  readonly rule: 'reference' | 'exact_amount' | 'invoice_set' | 'oldest_first';
  /** 0–1000; higher is better. */
  readonly score: number;
  readonly invoiceIds: readonly string[];
  /** Per invoice, what the money pays of it; never more than the money in total. */
  readonly amounts: readonly bigint[];
  readonly explanation: string;
}

const byAge = (a: OpenItem, b: OpenItem) => (a.dueDate ?? '').localeCompare(b.dueDate ?? '') || (a.number ?? '').localeCompare(b.number ?? '');

function mentions(memo: string, number: string): boolean {
  const escaped = number.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^A-Za-z0-9])${escaped}($|[^A-Za-z0-9])`, 'i').test(memo);
}

/** Pays the items in order, each up to its balance, until the money runs out. */
function spread(items: readonly OpenItem[], amount: bigint): bigint[] {
  let left = amount;
  return items.map((i) => {
    const paid = i.balance < left ? i.balance : left;
    left -= paid;
    return paid;
  });
}

function byReference(money: Money, items: readonly OpenItem[]): Suggestion[] {
  if (!money.memo) return [];
  const named = items.filter((i) => i.number && mentions(money.memo!, i.number));
  if (named.length === 0) return [];
  const total = named.reduce((s, i) => s + i.balance, 0n);
  const exact = total === money.amount;
  return [{
    rule: 'reference', score: exact ? 1000 : 900, invoiceIds: named.map((i) => i.id), amounts: spread(named, money.amount),
    explanation: `the reference "${money.memo}" names ${named.map((i) => i.number).join(', ')}` +
      (exact ? ', and the amounts agree' : ` (open ${formatMinor(total, money.currency)}, received ${formatMinor(money.amount, money.currency)})`),
  }];
}

function byAmount(money: Money, items: readonly OpenItem[], tolerance: bigint): Suggestion[] {
  const fits = items.filter((i) => i.balance >= money.amount && i.balance - money.amount <= tolerance);
  return fits.map((i, k) => {
    const short = i.balance - money.amount;
    return {
      rule: 'exact_amount' as const,
      // Several invoices of the same amount: the oldest first, none certain.
      score: (short === 0n ? 800 : 750) - (fits.length > 1 ? 100 + k : 0),
      invoiceIds: [i.id], amounts: [money.amount],
      explanation: short === 0n
        ? `${i.number ?? i.id} is open for exactly ${formatMinor(money.amount, money.currency)}${fits.length > 1 ? ` (one of ${fits.length} invoices of that amount; the oldest first)` : ''}`
        : `${i.number ?? i.id} is open for ${formatMinor(i.balance, money.currency)}: ${formatMinor(short, money.currency)} short, within the ${formatMinor(tolerance, money.currency)} tolerance for bank fees`,
    };
  });
}

function bySet(money: Money, items: readonly OpenItem[], tolerance: bigint, o: Required<Pick<MatchOptions, 'maxCandidates' | 'maxSetSize' | 'maxSetsTried'>>): Suggestion[] {
  const pool = [...items].sort(byAge).slice(0, o.maxCandidates);
  const found: Suggestion[] = [];
  let tried = 0;
  const walk = (start: number, chosen: OpenItem[], sum: bigint): void => {
    if (tried >= o.maxSetsTried) return;
    if (chosen.length >= 2) {
      tried++;
      if (sum >= money.amount && sum - money.amount <= tolerance) {
        const short = sum - money.amount;
        found.push({
          rule: 'invoice_set', score: 600 - 20 * (chosen.length - 2) - (short === 0n ? 0 : 50), invoiceIds: chosen.map((i) => i.id),
          amounts: spread(chosen, money.amount),
          explanation: `${chosen.map((i) => i.number ?? i.id).join(' + ')} sum to ${formatMinor(sum, money.currency)}` +
            (short === 0n ? ', the amount received' : `; ${formatMinor(short, money.currency)} short, within the ${formatMinor(tolerance, money.currency)} tolerance for bank fees`),
        });
      }
    }
    if (chosen.length === o.maxSetSize) return;
    for (let k = start; k < pool.length; k++) {
      const next = sum + pool[k]!.balance;
      if (next > money.amount + tolerance) continue; // Balances are positive: adding more only overshoots further.
      walk(k + 1, [...chosen, pool[k]!], next);
    }
  };
  walk(0, [], 0n);
  return found;
}

/** A guess: the money spread over the oldest open invoices, as most payers mean a part-payment. */
function oldestFirst(money: Money, items: readonly OpenItem[]): Suggestion[] {
  const amounts = spread(items, money.amount);
  const used = items.filter((_, k) => amounts[k]! > 0n);
  if (used.length === 0) return [];
  return [{
    rule: 'oldest_first', score: 300, invoiceIds: used.map((i) => i.id), amounts: amounts.slice(0, used.length),
    explanation: `a guess: nothing matches the amount or the reference; ${formatMinor(money.amount, money.currency)} spread over the oldest open invoice${used.length > 1 ? 's' : ''} (${used.map((i) => i.number ?? i.id).join(', ')})`,
  }];
}

/** Ranked suggestions for one sum of unapplied money over the customer's open invoices (same currency). */
export function suggestApplications(money: Money, openItems: readonly OpenItem[], options: MatchOptions = {}): Suggestion[] {
  if (money.amount <= 0n) return [];
  const items = openItems.filter((i) => i.balance > 0n).sort(byAge);
  const tolerance = options.tolerance ?? 0n;
  const all = [
    ...byReference(money, items),
    ...byAmount(money, items, tolerance),
    ...bySet(money, items, tolerance, { maxCandidates: options.maxCandidates ?? 20, maxSetSize: options.maxSetSize ?? 4, maxSetsTried: options.maxSetsTried ?? 20_000 }),
    ...(options.includeWeak ? oldestFirst(money, items) : []),
  ];
  const seen = new Set<string>();
  return all
    .sort((a, b) => b.score - a.score)
    .filter((s) => {
      const key = [...s.invoiceIds].sort().join(',');
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .slice(0, options.limit ?? 5);
}
