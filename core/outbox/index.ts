/** The write-back outbox: enqueue in the caller's transaction, push in order per record, park what keeps failing. */
export type { OutboxChange, PushResult, Pusher, PusherResolver, ChangeInput, Provider } from './types.ts';
export { enqueueChange, recordKeyOf, type EnqueueResult } from './enqueue.ts';
export { claimDue, markDone, markParked, markRetry, type Claim } from './claim.ts';
export { pushDueChanges, retryDelay, type PushOptions, type PushReport, type ItemOutcome } from './push-loop.ts';
export { listParked, retryParked, outboxCounts, type ParkedRow } from './admin.ts';
export { enqueuePushChange, toPushChange, changeTarget, type PushChangeInput } from './changes.ts';
export { enqueueReminderWriteBack, enqueueReminderWriteBacks, stageLabel, type SentReminder } from './producers/reminder-sent.ts';
