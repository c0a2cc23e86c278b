/**
 * How each customer settles its invoices, driven by its payer profile: when it pays relative to the
 * due date, whether it pays in part, disputes, gets credit notes, or never pays. Every amount that
 * leaves an invoice is an allocation, so an invoice's balance is always its total less its payment
 * and credit-note allocations — the invariant the sync and reconciliation tests lean on.
 */
import type { PayerProfile } from '../shared/contract.ts';
import type { SeededRandom } from '../shared/seeded-random.ts';

interface Behaviour {
  /** Probability that an invoice is paid at all (once its pay day has come). */
  pays: number;
  /** Days after the due date that payment comes: normal(mean, sd). */
  delayMean: number;
  delaySd: number;
  /** Probability that the first payment covers only part of the balance. */
  partial: number;
}

export const BEHAVIOUR: Record<PayerProfile, Behaviour> = {
  early: { pays: 0.99, delayMean: -8, delaySd: 4, partial: 0.02 },
  on_time: { pays: 0.98, delayMean: 0, delaySd: 2, partial: 0.05 },
  late: { pays: 0.95, delayMean: 20, delaySd: 10, partial: 0.15 },
  very_late: { pays: 0.85, delayMean: 65, delaySd: 25, partial: 0.3 },
  disputes: { pays: 0.9, delayMean: 25, delaySd: 12, partial: 0.2 },
  never: { pays: 0.08, delayMean: 110, delaySd: 30, partial: 0.5 },
};

/** Share of a `disputes` customer's invoices that are contested (never paid while contested). */
const DISPUTED_SHARE = 0.3;

/**
 * What settlement did, in flat arrays (one entry per payment or credit note applied to one invoice):
 * the ledger turns them into payments and credit notes. Flat arrays keep 100,000 invoices cheap.
 */
export class SettlementLog {
  readonly payDay: number[] = [];
  readonly payInvoice: number[] = [];
  readonly payAmount: number[] = [];
  readonly creditDay: number[] = [];
  readonly creditInvoice: number[] = [];
  readonly creditTotal: number[] = [];
  readonly creditApplied: number[] = [];
}

export interface InvoiceToSettle {
  index: number;
  issueDay: number;
  dueDay: number;
  totalMinor: number;
}

export interface SettlementResult {
  status: 'draft' | 'open' | 'paid' | 'void';
  balanceMinor: number;
  /** The last day something happened to the invoice (its update time). */
  lastDay: number;
}

const CREDIT = 0;
const PAY = 1;
// Scratch for the (at most three) planned steps of one invoice, reused to avoid garbage.
const stepDay = [0, 0, 0];
const stepKind = [0, 0, 0];
const stepAmount = [0, 0, 0];

/** Settles one invoice as of day 0. `allowDrafts`: Xero keeps unsent invoices as DRAFT; QuickBooks has no drafts. */
export function settleInvoice(
  rng: SeededRandom,
  inv: InvoiceToSettle,
  profile: PayerProfile,
  allowDrafts: boolean,
  log: SettlementLog,
): SettlementResult {
  if (rng.chance(0.02)) {
    return { status: 'void', balanceMinor: 0, lastDay: Math.min(0, inv.issueDay + rng.int(1, 20)) };
  }
  if (allowDrafts && inv.issueDay >= -7 && rng.chance(0.25)) {
    return { status: 'draft', balanceMinor: inv.totalMinor, lastDay: inv.issueDay };
  }
  const steps = planSteps(rng, inv, profile);
  let balance = inv.totalMinor;
  let lastDay = inv.issueDay;
  for (let s = 0; s < steps && stepDay[s]! <= 0; s++) {
    if (stepKind[s] === CREDIT) {
      // The credit note may be larger than what is left: the rest stays on the customer's account.
      const applied = Math.min(stepAmount[s]!, balance);
      const extra = rng.chance(0.15) ? Math.max(1, Math.round(stepAmount[s]! * 0.3)) : 0;
      log.creditDay.push(stepDay[s]!);
      log.creditInvoice.push(inv.index);
      log.creditTotal.push(stepAmount[s]! + extra);
      log.creditApplied.push(applied);
      balance -= applied;
    } else {
      const amount = Math.min(stepAmount[s]!, balance);
      if (amount <= 0) continue;
      log.payDay.push(stepDay[s]!);
      log.payInvoice.push(inv.index);
      log.payAmount.push(amount);
      balance -= amount;
    }
    lastDay = stepDay[s]!;
  }
  return { status: balance === 0 ? 'paid' : 'open', balanceMinor: balance, lastDay };
}

/** Fills the scratch arrays with the invoice's planned steps in day order; returns how many. */
function planSteps(rng: SeededRandom, inv: InvoiceToSettle, profile: PayerProfile): number {
  const b = BEHAVIOUR[profile];
  const disputed = profile === 'disputes' && rng.chance(DISPUTED_SHARE);
  let n = 0;
  if (rng.chance(disputed ? 0.4 : 0.03)) {
    const full = rng.chance(0.15);
    const amount = full ? inv.totalMinor : Math.max(1, Math.round(inv.totalMinor * (0.05 + rng.next() * 0.25)));
    n = push(n, inv.issueDay + rng.int(3, 45), CREDIT, amount);
  }
  // A disputed invoice is not paid while the dispute lasts.
  if (!disputed && rng.chance(b.pays)) {
    const payDay = Math.max(inv.issueDay, inv.dueDay + Math.round(rng.normal(b.delayMean, b.delaySd)));
    if (rng.chance(b.partial)) {
      n = push(n, payDay, PAY, Math.max(1, Math.round(inv.totalMinor * (0.2 + rng.next() * 0.6))));
      if (rng.chance(0.7)) n = push(n, payDay + rng.int(10, 60), PAY, Infinity);
    } else {
      n = push(n, payDay, PAY, Infinity);
    }
  }
  return n;
}

/** Inserts a step keeping day order; on the same day the earlier-planned step (a credit note) goes first. */
function push(n: number, day: number, kind: number, amount: number): number {
  let i = n;
  while (i > 0 && stepDay[i - 1]! > day) {
    stepDay[i] = stepDay[i - 1]!;
    stepKind[i] = stepKind[i - 1]!;
    stepAmount[i] = stepAmount[i - 1]!;
    i--;
  }
  stepDay[i] = day;
  stepKind[i] = kind;
  stepAmount[i] = amount;
  return n + 1;
}
