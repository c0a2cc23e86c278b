import { isOverdueOn } from '../ledger/balance.ts';
import type { Invoice } from '../ledger/model.ts';
import type { IsoDate } from '../calendar/index.ts';
import { fixedCompensation } from './fixed-compensation.ts';
import { lateInterest } from './interest.ts';
import { usesReferenceRate, type LatePaymentPolicy } from './policy.ts';
import { addRates, percentPoints, type PercentRate } from './rate.ts';
import { referenceRateOn } from './reference-rates.ts';

// Code de commerce, article L441-10: the ECB's refinancing rate plus 10 percentage points.
// https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000005634379
const FR_B2B_POINTS = 10;
// Directive 2011/7/EU, article 2(6): the reference rate plus at least 8 percentage points.
// https://eur-lex.europa.eu/eli/dir/2011/7/oj
const EU_DIRECTIVE_POINTS = 8;
// UK statutory interest: the Bank of England base rate plus 8 percentage points.
// https://www.gov.uk/late-commercial-payments-interest-debt-recovery
const UK_LPCDA_POINTS = 8;

/** Interest and fixed compensation, in minor units of one currency. */
export interface Fees {
  readonly interest: bigint;
  readonly fixed: bigint;
  readonly total: bigint;
}

export const NO_FEES: Fees = { interest: 0n, fixed: 0n, total: 0n };

// A dated policy's rate depends on the due date only: a daily run asks it for a million invoices
// that share a few hundred due dates. Kept per policy object (the run's, or the ledger file's), so
// a changed policy is a new object and never sees another's rates; a rate that throws is not kept.
const ratesByPolicy = new WeakMap<LatePaymentPolicy, Map<IsoDate, PercentRate>>();
const RATE_CACHE_LIMIT = 10_000;

/** The annual rate (percent) that applies to an invoice: for dated policies, fixed by its due date. */
export function annualRateFor(invoice: Invoice, policy: LatePaymentPolicy): PercentRate {
  if (policy.policy === 'NONE') return percentPoints(0);
  if (policy.policy === 'CUSTOM') return policy.annualRate;
  if (!usesReferenceRate(policy)) return percentPoints(0);
  let rates = ratesByPolicy.get(policy);
  const cached = rates?.get(invoice.dueDate);
  if (cached) return cached;
  const points =
    policy.policy === 'FR_B2B' ? FR_B2B_POINTS : policy.policy === 'EU_DIRECTIVE' ? EU_DIRECTIVE_POINTS : UK_LPCDA_POINTS;
  const rate = addRates(referenceRateOn(policy.referenceRates, invoice.dueDate), percentPoints(points));
  if (!rates || rates.size >= RATE_CACHE_LIMIT) ratesByPolicy.set(policy, (rates = new Map()));
  rates.set(invoice.dueDate, rate);
  return rate;
}

/** Late fees of one invoice on `asOf`; nothing when it is not overdue. */
export function invoiceFees(invoice: Invoice, asOf: IsoDate, policy: LatePaymentPolicy): Fees {
  if (!isOverdueOn(invoice, asOf) || policy.policy === 'NONE') return NO_FEES;
  const interest = lateInterest(invoice, asOf, annualRateFor(invoice, policy));
  const fixed = fixedCompensation(invoice, asOf, policy);
  return { interest, fixed, total: interest + fixed };
}

/**
 * Fees over several invoices of ONE currency, each rounded on its own then summed. The caller
 * groups by currency first: amounts in different currencies are never added.
 */
export function feesFor(invoices: readonly Invoice[], asOf: IsoDate, policy: LatePaymentPolicy): Fees {
  let interest = 0n;
  let fixed = 0n;
  for (const invoice of invoices) {
    const f = invoiceFees(invoice, asOf, policy);
    interest += f.interest;
    fixed += f.fixed;
  }
  return { interest, fixed, total: interest + fixed };
}
