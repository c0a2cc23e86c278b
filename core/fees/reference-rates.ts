import { ConfigError } from '../errors.ts';
import { toDayNumber, type IsoDate } from '../calendar/index.ts';
import type { ReferenceRate } from './policy.ts';
import type { PercentRate } from './rate.ts';

/**
 * The reference rate in force on `day`: the entry with the latest `from` on or before it.
 * French and EU law fix the rate for an invoice by its due date (the rate of the half-year the
 * due date falls in), so callers pass the due date, and a later rate change does not alter it.
 */
export function referenceRateOn(rates: readonly ReferenceRate[], day: IsoDate): PercentRate {
  const target = toDayNumber(day);
  let found: ReferenceRate | null = null;
  for (const r of rates) {
    const from = toDayNumber(r.from);
    if (from <= target && (found === null || from >= toDayNumber(found.from))) found = r;
  }
  if (found === null) {
    throw new ConfigError(`no reference rate in force on ${day}: add one to latePayment.referenceRates`, {
      field: 'latePayment.referenceRates',
    });
  }
  return found.rate;
}
