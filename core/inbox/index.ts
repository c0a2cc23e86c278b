/**
 * The conversation: the organization's mailbox read over IMAP, replies and late bounces filed on
 * the customer's timeline and acted on, collectors answering from Relance, suggested readings,
 * internal comments with @mentions, and Slack / Teams notifications. One entry point.
 */
export { saveMailbox, loadMailbox, connectedMailboxes, parseMailboxInput, mailboxInputSchema, type MailboxSettings, type MailboxInput } from './settings.ts';
export { readMailbox, type ReadDeps, type ReadReport } from './read-mailbox.ts';
export { watchMailbox, MailboxWatchers, supportsIdle, type MailboxWatcher, type WatchMode, type WatchOptions } from './idle.ts';
export { openSession, type MailboxAccess, type MailboxSession } from './client.ts';
export { parseInbound, type InboundMessage } from './parse.ts';
export { fileMessage, REPLY_HOLD_REASON, OUT_OF_OFFICE_HOLD_REASON } from './file-message.ts';
export { autoReplyReason, returnDate } from './auto-reply.ts';
export { parseDsn, isDeliveryReport, isHardFailure } from './dsn.ts';
export { suggestReadings, stripQuoted, type Suggestion } from './suggestions.ts';
export { findDates } from './dates.ts';
export { replyThreading, inboxThreading, customerReplyToken, tokenFromAddress } from './threading.ts';
export { replyPolicy, saveReplyPolicy } from './policy.ts';
export { queueAnswer, deliverQueuedAnswers, answerInputSchema } from './answer.ts';
export { loadConversation, listUnfiled, fileToCustomer, markHandled, attachmentContent } from './conversation.ts';
export { addComment, emailNotifications, mentionHandles } from './comments.ts';
export { addNotificationChannel, collectEvents, dispatchDeliveries, organizationsWithChannels, postToChannel, describeEvent, NOTIFICATION_EVENTS } from './webhooks.ts';
export { runInboxDeliveries } from './deliver-pass.ts';
