/**
 * The late-payment policy an organization gets until an admin chooses one: from its country, as
 * the law it sells under would have it (FR → FR_B2B, other EU → EU_DIRECTIVE, GB → UK_LPCDA, else
 * NONE), with the reference rates Relance ships. An admin can set another policy and their own
 * rates (settings API and console); a policy set explicitly is never replaced by the default.
 */
import type { IsoDate } from '../calendar/index.ts';
import type { PolicyName } from './policy.ts';

const EU = new Set(['AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'DE', 'GR', 'HU', 'IE', 'IT', 'LV', 'LT', 'LU', 'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE']);

/** The policy an organization of `country` (ISO alpha-2) gets by default. */
export function defaultPolicyName(country: string): PolicyName {
  const c = country.toUpperCase();
  if (c === 'FR') return 'FR_B2B';
  if (c === 'GB') return 'UK_LPCDA';
  return EU.has(c) ? 'EU_DIRECTIVE' : 'NONE';
}

/** A reference rate as stored: in force from `from`, a decimal percentage. */
export interface StoredReferenceRate {
  readonly from: IsoDate;
  readonly rate: string;
}

// The ECB's main refinancing operations rate in force on 1 January and 1 July of each half-year:
// French law (L441-10) and the Directive (art. 2(12)) fix the rate of a half-year by its first day.
// https://www.ecb.europa.eu/stats/policy_and_exchange_rates/key_ecb_interest_rates/html/index.en.html
const ECB_HALF_YEARS: readonly StoredReferenceRate[] = [
  { from: '2016-07-01', rate: '0.00' },
  { from: '2022-01-01', rate: '0.00' },
  { from: '2022-07-01', rate: '0.00' },
  { from: '2023-01-01', rate: '2.50' },
  { from: '2023-07-01', rate: '4.00' },
  { from: '2024-01-01', rate: '4.50' },
  { from: '2024-07-01', rate: '4.25' },
  { from: '2025-01-01', rate: '3.15' },
  { from: '2025-07-01', rate: '2.15' },
  // 2.15 % since 11 June 2025, left unchanged through the Governing Council of 5 February 2026.
  // The rate in force on 1 July 2026 is not in this table: it could not be checked when it was
  // written, so the half-year from 2026-07-01 uses 2.15 % and `referenceRateStatus` warns.
  { from: '2026-01-01', rate: '2.15' },
];

// The Bank of England base rate in force on 31 December and 30 June: the UK's statutory interest
// takes the reference rate of the half-year's eve (Late Payment (Rate of Interest) Order 2002).
// https://www.bankofengland.co.uk/boeapps/database/Bank-Rate.asp
const BOE_HALF_YEARS: readonly StoredReferenceRate[] = [
  { from: '2020-07-01', rate: '0.10' },
  { from: '2022-01-01', rate: '0.25' },
  { from: '2022-07-01', rate: '1.25' },
  { from: '2023-01-01', rate: '3.50' },
  { from: '2023-07-01', rate: '5.00' },
  { from: '2024-01-01', rate: '5.25' },
  { from: '2024-07-01', rate: '5.25' },
  { from: '2025-01-01', rate: '4.75' },
  { from: '2025-07-01', rate: '4.25' },
  // Cut to 3.75 % on 18 December 2025 (in force on 31 December); held at 3.75 % on 18 June 2026,
  // with no meeting before 30 June.
  { from: '2026-01-01', rate: '3.75' },
  { from: '2026-07-01', rate: '3.75' },
];

/** The reference rates Relance ships for a policy (the latest applies until an admin adds a newer one). */
export function shippedReferenceRates(policy: PolicyName): readonly StoredReferenceRate[] {
  if (policy === 'FR_B2B' || policy === 'EU_DIRECTIVE') return ECB_HALF_YEARS;
  if (policy === 'UK_LPCDA') return BOE_HALF_YEARS;
  return [];
}

/** Months after its start that the newest rate of a table is taken as possibly out of date (a half-year, since rates are fixed per half-year). */
export const RATE_TABLE_STALE_MONTHS = 6;

/** Which rate of a table applies on a day, and whether the table may be out of date by then. */
export interface ReferenceRateStatus {
  /** The entry used on `asOf`: in force from `from`, at `rate` percent. */
  readonly from: IsoDate;
  readonly rate: string;
  /** The newest entry of the table. */
  readonly newest: IsoDate;
  /** True when `asOf` is 6 months or more after the newest entry: a newer half-year began with no rate in the table. */
  readonly stale: boolean;
  /** In words, for a person: which rate date is used, and the warning when stale. */
  readonly note: string;
}

function addMonths(day: IsoDate, months: number): IsoDate {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}-${String(d).padStart(2, '0')}` as IsoDate;
}

/**
 * The reference rate a table gives on `asOf` (the latest entry on or before it), the newest entry,
 * and whether the table is older than 6 months on that day. Null for an empty table or a day
 * before its first entry.
 */
export function referenceRateStatus(rates: readonly StoredReferenceRate[], asOf: IsoDate): ReferenceRateStatus | null {
  const sorted = [...rates].sort((a, b) => a.from.localeCompare(b.from));
  const used = sorted.filter((r) => r.from <= asOf).at(-1);
  const newest = sorted.at(-1);
  if (!used || !newest) return null;
  const stale = addMonths(newest.from, RATE_TABLE_STALE_MONTHS) <= asOf;
  const note = `reference rate ${used.rate} % in force from ${used.from}` +
    (stale ? `; the table's newest rate is of ${newest.from}, more than ${RATE_TABLE_STALE_MONTHS} months before ${asOf}: add the rate of the half-year begun since` : '');
  return { from: used.from, rate: used.rate, newest: newest.from, stale, note };
}

/** A stored policy (organizations.late_payment_policy) as far as the default needs it. */
export interface StoredPolicyLike {
  readonly policy: PolicyName;
  readonly referenceRates?: readonly StoredReferenceRate[];
  readonly chosen?: boolean;
}

/**
 * The policy in force: the stored one when an admin chose it, else the country's default; a
 * reference-rate policy without rates of its own gets the shipped ones.
 */
export function effectivePolicy<P extends StoredPolicyLike>(stored: P, country: string): P | StoredPolicyLike {
  const base: StoredPolicyLike = stored.chosen ? stored : { policy: defaultPolicyName(country) };
  if (base.policy !== 'FR_B2B' && base.policy !== 'EU_DIRECTIVE' && base.policy !== 'UK_LPCDA') return base;
  if (base.referenceRates && base.referenceRates.length > 0) return base;
  return { ...base, referenceRates: shippedReferenceRates(base.policy) };
}
