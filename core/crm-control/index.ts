/**
 * Two-way CRM control: CRM records, the paused/disputed flags a salesperson sets and their effect on
 * dunning and disputes, and the customers' overdue figures written back to their companies.
 */
export * from './flags.ts';
export * from './disputes.ts';
export * from './company-balances.ts';
export * from './records.ts';
export * from './sync.ts';
export * from './webhook.ts';
export * from './run.ts';
export * from './company-plans.ts';
export * from './company-addresses.ts';
