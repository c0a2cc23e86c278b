/** Holds by hand: pause and resume a customer or one invoice, with a reason and an optional last day; written back to the CRM. */
export { pauseCustomers, releaseHold, expireHolds, pauseInputSchema, type PauseInput, type PauseContext, type ReleaseContext } from './holds.ts';
