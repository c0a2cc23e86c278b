/**
 * Late-payment policies: which interest rate and which fixed compensation apply to an overdue
 * invoice. The policy is organization configuration (the ledger file's `organization.latePayment`,
 * later a column of the organization in the store).
 */
import type { IsoDate } from '../calendar/index.ts';
import type { PercentRate } from './rate.ts';

export const POLICY_NAMES = ['NONE', 'FR_B2B', 'EU_DIRECTIVE', 'UK_LPCDA', 'CUSTOM'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

/** A reference rate (central bank rate) in force from `from` until the next entry's `from`. */
export interface ReferenceRate {
  readonly from: IsoDate;
  readonly rate: PercentRate;
}

export type LatePaymentPolicy =
  | { readonly policy: 'NONE' }
  | {
      readonly policy: 'FR_B2B' | 'EU_DIRECTIVE' | 'UK_LPCDA';
      /** Sorted by `from`, ascending. */
      readonly referenceRates: readonly ReferenceRate[];
    }
  | {
      readonly policy: 'CUSTOM';
      readonly annualRate: PercentRate;
      /** Fixed compensation per overdue invoice, in minor units of `fixedCurrency`. */
      readonly fixedAmount: bigint;
      readonly fixedCurrency: string;
    };

/** Whether a policy's interest rate is built on a dated reference rate. */
export function usesReferenceRate(
  policy: LatePaymentPolicy,
): policy is Extract<LatePaymentPolicy, { referenceRates: readonly ReferenceRate[] }> {
  return policy.policy === 'FR_B2B' || policy.policy === 'EU_DIRECTIVE' || policy.policy === 'UK_LPCDA';
}
