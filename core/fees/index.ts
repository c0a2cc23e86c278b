export { type Fees, NO_FEES, feesFor, invoiceFees, annualRateFor } from './late-fees.ts';
export { lateInterest } from './interest.ts';
export { fixedCompensation } from './fixed-compensation.ts';
export { referenceRateOn } from './reference-rates.ts';
export { POLICY_NAMES, type PolicyName, type LatePaymentPolicy, type ReferenceRate, usesReferenceRate } from './policy.ts';
export { type PercentRate, parsePercent, addRates, percentPoints } from './rate.ts';
export { defaultPolicyName, effectivePolicy, shippedReferenceRates, type StoredPolicyLike, type StoredReferenceRate } from './defaults.ts';
export { referenceRateStatus, RATE_TABLE_STALE_MONTHS, type ReferenceRateStatus } from './defaults.ts';
