/**
 * The last look before a message leaves: is every piece it needs there? A step whose channel is
 * not configured, whose template exists in no language, or a letter with no postal address (or
 * no sender address) is HELD — back in the approval queue with its reason, on the customer's
 * timeline — never sent blank or half-filled, and never failed away: an admin fixes the piece and
 * approves it again.
 */
export { heldReason, holdAction, holdIfNotReady, type HoldCheck } from './hold.ts';
