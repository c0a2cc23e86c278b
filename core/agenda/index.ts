/** The dunning run on the store: daily per organization (split in parts across workers), and per customer on change. */
export { runOrganization, runCustomer, joinRun, forecastCustomers, prepareRun, DEFAULT_PART_SIZE, type RunContext, type RunCounts, type RunOptions } from './daily-run.ts';
export { openRun, claimPart, finishPart, finishRun, type RunPart } from './parts.ts';
export { loadOrganization, toFeesPolicy, type RunOrganization } from './organization.ts';
export { loadCustomerLedgers, loadLedgers, type CustomerScope, type Queryable } from './load-ledgers.ts';
export { actionKey } from './idempotency-key.ts';
export { writeBatch, writeActions, type BatchWrite, type BatchOutcome } from './write-actions.ts';
export { dueDailyRuns, DAILY_RUN_HOUR } from './schedule.ts';
