/** Sending: claim, last check, render, channel, mark sent with activity and write-back (see README.md). */
export { sendDueActions, type SendPassResult } from './send-due.ts';
export { sendClaimedAction, MAX_SEND_ATTEMPTS, type SendOutcome } from './send-action.ts';
export { claimActions, organizationsInSendingHours, DEFAULT_LEASE_MS } from './claim.ts';
export { withinSendingHours, localClock } from './sending-hours.ts';
export { sendStopReason, type SendStopReason } from './stop-check.ts';
export { composeMessage, loadActionForSend, messageInput, type ActionForSend } from './compose.ts';
export { loadRecipients, planRecipient, markAddressInvalid, CHANNEL_SETTING } from './recipients.ts';
export { deliver, type Delivery } from './deliver.ts';
export type { MessageOverride, SendChannels, SendDeps } from './types.ts';
