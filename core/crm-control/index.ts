/** Two-way CRM control: CRM records, the paused/disputed flags a salesperson sets, and their effect on dunning. */
export * from './flags.ts';
export * from './records.ts';
export * from './sync.ts';
export * from './webhook.ts';
export * from './run.ts';
