/** Disputes on invoices: open, write back, resolve or reject. */
export { openDispute, closeDispute, type OpenDisputeInput } from './open-dispute.ts';
