/** The dunning run on the store: daily per organization, and per customer on change. */
export { runOrganization, runCustomer, type RunCounts, type RunOptions } from './daily-run.ts';
export { loadOrganization, toFeesPolicy, type RunOrganization } from './organization.ts';
export { loadCustomerLedgers, nextCustomerIds } from './load-ledgers.ts';
export { actionKey } from './idempotency-key.ts';
export { writeBatch, type BatchWrite, type BatchOutcome } from './write-actions.ts';
export { dueDailyRuns, DAILY_RUN_HOUR } from './schedule.ts';
