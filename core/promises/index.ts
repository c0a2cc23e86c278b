/** Promises to pay and payment plans: recorded (dunning pauses), written back, kept or broken from synced payments. */
export { recordPromise, promiseInputSchema, type PromiseInput } from './record.ts';
export { createPaymentPlan, planInputSchema, type PaymentPlanInput } from './plans.ts';
export { settlePromises, type SettleReport } from './settle.ts';
export { resumeAfterBrokenPromise, type Resumed } from './resume.ts';
