/** Sending: claim, last check, compose, channel, acceptance, then activity and write-back (see README.md). */
export { sendDueActions, DEFAULT_BATCH_SIZE, type SendPassResult, type SendPassOptions } from './send-due.ts';
export { sendClaimedAction, MAX_SEND_ATTEMPTS, type SendOutcome } from './send-action.ts';
export { claimActions, renewClaims, organizationsInSendingHours, DEFAULT_LEASE_MS } from './claim.ts';
export { recordAcceptance } from './acceptance.ts';
export { finalizeAccepted, finalizeOrphans } from './finalize.ts';
export { RECHECK_MS, DEFAULT_IN_FLIGHT } from './batch.ts';
export { withinSendingHours, localClock } from './sending-hours.ts';
export { sendStopReason, sendStopReasons, type SendStopReason } from './stop-check.ts';
export { composeMessage, loadActionForSend, loadActionsForSend, messageInput, type ActionForSend } from './compose.ts';
export { loadRecipients, loadRecipientsOf, planRecipient, markAddressInvalid, CHANNEL_SETTING } from './recipients.ts';
export { deliver, composeOutbound, transmit, type Delivery, type Outbound } from './deliver.ts';
export type { MessageOverride, SendChannels, SendDeps } from './types.ts';
