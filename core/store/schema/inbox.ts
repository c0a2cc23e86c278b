/**
 * The conversation (core/inbox): the organization's shared mailbox read over IMAP, the messages
 * filed from it (with the UID and UIDVALIDITY that make each one filed once), their attachments,
 * one thread per customer ("awaiting us"), internal comments and notifications, and the Slack or
 * Teams channels an organization is notified on.
 */
import { sql } from 'drizzle-orm';
import { bigint, boolean, check, customType, date, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, instant, updatedAt } from './columns.ts';
import { actions } from './dunning.ts';
import { dunningHolds } from './dunning-engine.ts';
import { customers } from './customers.ts';
import { organizations } from './organizations.ts';
import { users } from './access.ts';

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });
const orgRef = () => uuid('organization_id').notNull().references(() => organizations.id, { onDelete: 'cascade' });

/** One shared mailbox per organization; the password is encrypted with core/crypto.ts. */
export const inboxMailboxes = pgTable(
  'inbox_mailboxes',
  {
    id: id(),
    organizationId: orgRef(),
    host: text('host').notNull(),
    port: integer('port').notNull(),
    tls: boolean('tls').notNull().default(true),
    username: text('username').notNull(),
    passwordEncrypted: text('password_encrypted').notNull(),
    address: text('address').notNull(),
    plusAddressing: boolean('plus_addressing').notNull().default(true),
    folder: text('folder').notNull().default('INBOX'),
    status: text('status').notNull().default('pending'),
    statusDetail: jsonb('status_detail').$type<Record<string, unknown>>(),
    uidValidity: bigint('uid_validity', { mode: 'bigint' }),
    lastUid: bigint('last_uid', { mode: 'bigint' }).notNull().default(0n),
    lastReadAt: instant('last_read_at'),
    onReply: text('on_reply').notNull().default('hold'),
    postponeOnOutOfOffice: boolean('postpone_on_out_of_office').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('inbox_mailboxes_organization_uq').on(t.organizationId),
    check('inbox_mailboxes_status_ck', sql`${t.status} IN ('pending', 'ok', 'auth_failed', 'unreachable', 'error')`),
    check('inbox_mailboxes_on_reply_ck', sql`${t.onReply} IN ('hold', 'notify')`),
  ],
);

/** A scenario's answer to a reply: hold the next reminder, or just notify; postpone on an out-of-office date. */
export const inboxScenarioPolicies = pgTable(
  'inbox_scenario_policies',
  {
    organizationId: orgRef(),
    scenario: text('scenario').notNull(),
    onReply: text('on_reply').notNull(),
    postponeOnOutOfOffice: boolean('postpone_on_out_of_office').notNull().default(false),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.scenario] }), check('inbox_scenario_policies_on_reply_ck', sql`${t.onReply} IN ('hold', 'notify')`)],
);

/** The token of a customer's reply address (`relances+<token>@…`). */
export const inboxReplyTokens = pgTable(
  'inbox_reply_tokens',
  {
    customerId: uuid('customer_id').primaryKey().references(() => customers.id, { onDelete: 'cascade' }),
    organizationId: orgRef(),
    token: text('token').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('inbox_reply_tokens_token_uq').on(t.token)],
);

/** The conversation with one customer: "awaiting us" until a collector handles it. */
export const inboxThreads = pgTable(
  'inbox_threads',
  {
    id: id(),
    organizationId: orgRef(),
    customerId: uuid('customer_id').notNull().references(() => customers.id, { onDelete: 'cascade' }),
    state: text('state').notNull().default('awaiting_us'),
    subject: text('subject'),
    holdId: uuid('hold_id').references(() => dunningHolds.id, { onDelete: 'set null' }),
    lastMessageAt: instant('last_message_at').notNull().defaultNow(),
    handledAt: instant('handled_at'),
    handledBy: text('handled_by'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('inbox_threads_customer_uq').on(t.customerId), check('inbox_threads_state_ck', sql`${t.state} IN ('awaiting_us', 'awaiting_customer', 'closed')`)],
);

/** A message read from the mailbox (direction in) or answered from Relance (out); no customer = unfiled. */
export const inboxMessages = pgTable(
  'inbox_messages',
  {
    id: id(),
    organizationId: orgRef(),
    mailboxId: uuid('mailbox_id').references(() => inboxMailboxes.id, { onDelete: 'set null' }),
    uidValidity: bigint('uid_validity', { mode: 'bigint' }),
    uid: bigint('uid', { mode: 'bigint' }),
    direction: text('direction').notNull(),
    kind: text('kind').notNull(),
    customerId: uuid('customer_id').references(() => customers.id, { onDelete: 'set null' }),
    threadId: uuid('thread_id').references(() => inboxThreads.id, { onDelete: 'set null' }),
    actionId: uuid('action_id').references(() => actions.id, { onDelete: 'set null' }),
    matchedBy: text('matched_by'),
    messageId: text('message_id'),
    inReplyTo: text('in_reply_to'),
    references: text('references').array().notNull().default(sql`'{}'`),
    fromAddress: text('from_address'),
    fromName: text('from_name'),
    toAddresses: text('to_addresses').array().notNull().default(sql`'{}'`),
    subject: text('subject'),
    sentAt: instant('sent_at'),
    textBody: text('text_body'),
    bodyTruncated: boolean('body_truncated').notNull().default(false),
    sizeBytes: bigint('size_bytes', { mode: 'number' }),
    autoReplyReason: text('auto_reply_reason'),
    outOfOfficeUntil: date('out_of_office_until', { mode: 'string' }),
    bounce: jsonb('bounce').$type<Record<string, unknown>>(),
    suggestions: jsonb('suggestions').$type<unknown[]>().notNull().default([]),
    problem: text('problem'),
    author: text('author'),
    // Answers from Relance: queued by the console, sent by the worker (`inbox.deliver`).
    deliveryStatus: text('delivery_status'),
    deliveryError: text('delivery_error'),
    deliveryAttempts: integer('delivery_attempts').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('inbox_messages_uid_uq').on(t.mailboxId, t.uidValidity, t.uid),
    index('inbox_messages_customer_idx').on(t.customerId, t.createdAt),
    index('inbox_messages_unfiled_idx').on(t.organizationId, t.createdAt).where(sql`${t.customerId} IS NULL`),
    index('inbox_messages_message_id_idx').on(t.organizationId, t.messageId),
    check('inbox_messages_direction_ck', sql`${t.direction} IN ('in', 'out')`),
    check('inbox_messages_kind_ck', sql`${t.kind} IN ('reply', 'auto_reply', 'bounce', 'unreadable', 'answer')`),
    check('inbox_messages_delivery_ck', sql`${t.deliveryStatus} IS NULL OR ${t.deliveryStatus} IN ('queued', 'sent', 'failed')`),
  ],
);

/** An attachment; `content` is null when it was over the stored size (`omitted_reason` says so). */
export const inboxAttachments = pgTable(
  'inbox_attachments',
  {
    id: id(),
    messageId: uuid('message_id').notNull().references(() => inboxMessages.id, { onDelete: 'cascade' }),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    content: bytea('content'),
    omittedReason: text('omitted_reason'),
  },
  (t) => [index('inbox_attachments_message_idx').on(t.messageId)],
);

/** An internal comment on a customer; `mentions` are the users it names with @. */
export const inboxComments = pgTable(
  'inbox_comments',
  {
    id: id(),
    organizationId: orgRef(),
    customerId: uuid('customer_id').notNull().references(() => customers.id, { onDelete: 'cascade' }),
    authorUserId: uuid('author_user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    body: text('body').notNull(),
    mentions: uuid('mentions').array().notNull().default(sql`'{}'`),
    createdAt: createdAt(),
  },
  (t) => [index('inbox_comments_customer_idx').on(t.customerId, t.createdAt)],
);

/** A user's notification: shown in the console until read, and emailed once. */
export const inboxNotifications = pgTable(
  'inbox_notifications',
  {
    id: id(),
    organizationId: orgRef(),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    customerId: uuid('customer_id').references(() => customers.id, { onDelete: 'cascade' }),
    commentId: uuid('comment_id').references(() => inboxComments.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    readAt: instant('read_at'),
    emailStatus: text('email_status').notNull().default('pending'),
    emailError: text('email_error'),
    createdAt: createdAt(),
  },
  (t) => [index('inbox_notifications_user_idx').on(t.userId, t.createdAt), check('inbox_notifications_email_ck', sql`${t.emailStatus} IN ('pending', 'sent', 'failed', 'none')`)],
);

/** A Slack or Teams incoming webhook of an organization, for the events it lists. URL encrypted. */
export const notificationChannels = pgTable(
  'notification_channels',
  {
    id: id(),
    organizationId: orgRef(),
    kind: text('kind').notNull(),
    name: text('name').notNull(),
    urlEncrypted: text('url_encrypted').notNull(),
    events: text('events').array().notNull(),
    active: boolean('active').notNull().default(true),
    lastError: text('last_error'),
    createdAt: createdAt(),
  },
  (t) => [check('notification_channels_kind_ck', sql`${t.kind} IN ('slack', 'teams')`), check('notification_channels_events_ck', sql`cardinality(${t.events}) > 0`)],
);

/** One post to one channel, keyed by its source (an activity, an outbox row): never posted twice. */
export const notificationDeliveries = pgTable(
  'notification_deliveries',
  {
    id: id(),
    channelId: uuid('channel_id').notNull().references(() => notificationChannels.id, { onDelete: 'cascade' }),
    sourceKey: text('source_key').notNull(),
    event: text('event').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: instant('next_attempt_at').notNull().defaultNow(),
    lastError: text('last_error'),
    createdAt: createdAt(),
    sentAt: instant('sent_at'),
  },
  (t) => [uniqueIndex('notification_deliveries_source_uq').on(t.channelId, t.sourceKey), check('notification_deliveries_status_ck', sql`${t.status} IN ('pending', 'sent', 'failed')`)],
);

/** How far each organization's events have been turned into deliveries. */
export const notificationCursors = pgTable('notification_cursors', {
  organizationId: uuid('organization_id').primaryKey().references(() => organizations.id, { onDelete: 'cascade' }),
  activitiesAfter: instant('activities_after').notNull().defaultNow(),
  outboxAfter: instant('outbox_after').notNull().defaultNow(),
});
