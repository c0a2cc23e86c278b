import { addDays, type IsoDate } from '../calendar/index.ts';
import { divRoundHalfUp } from '../money.ts';
import { balanceDaySum } from '../ledger/balance.ts';
import type { Invoice } from '../ledger/model.ts';
import type { PercentRate } from './rate.ts';

/** Simple interest uses a 365-day year, leap years included, as the ledger format states. */
const DAYS_PER_YEAR = 365n;

/**
 * Simple late-payment interest on one invoice, in its minor units: for each calendar day after
 * the due date up to and including `asOf`, that day's open balance × annual rate / 365. The sum is
 * taken exactly (balance-days × rate as one rational) and rounded half-up once, per invoice.
 * A zero or negative rate yields no interest: a negative central-bank rate never credits the debtor.
 */
export function lateInterest(invoice: Invoice, asOf: IsoDate, annualRate: PercentRate): bigint {
  if (annualRate.numerator <= 0n) return 0n;
  const balanceDays = balanceDaySum(invoice, addDays(invoice.dueDate, 1), asOf);
  if (balanceDays <= 0n) return 0n;
  // balanceDays × (numerator / denominator) / 100 / 365
  return divRoundHalfUp(balanceDays * annualRate.numerator, annualRate.denominator * 100n * DAYS_PER_YEAR);
}
