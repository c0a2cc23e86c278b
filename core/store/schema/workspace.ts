/**
 * The collector's workspace (issue 17): each user's saved worklist view per organization, and the
 * tasks collectors give each other about a customer. Notes and logged calls are activities.
 */
import { sql } from 'drizzle-orm';
import { boolean, check, date, index, integer, jsonb, numeric, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, instant, minor, updatedAt } from './columns.ts';
import { users } from './access.ts';
import { customers } from './customers.ts';
import { actions } from './dunning.ts';
import { organizations } from './organizations.ts';

/** The filters, sort and columns a user last saved on the worklist of one organization. */
export const worklistViews = pgTable(
  'worklist_views',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    view: jsonb('view').$type<Record<string, unknown>>().notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ name: 'worklist_views_pk', columns: [t.userId, t.organizationId] })],
);

/** Work about one customer for one member who can see that customer, due on a day. */
export const collectorTasks = pgTable(
  'collector_tasks',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    assigneeId: uuid('assignee_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    status: text('status').notNull().default('open'),
    createdBy: text('created_by').notNull(),
    doneAt: instant('done_at'),
    createdAt: createdAt(),
  },
  (t) => [
    index('collector_tasks_assignee_idx').on(t.assigneeId, t.organizationId, t.dueDate).where(sql`${t.status} = 'open'`),
    index('collector_tasks_customer_idx').on(t.customerId),
    check('collector_tasks_status_ck', sql`${t.status} IN ('open', 'done')`),
  ],
);

/**
 * The worklist's figures per customer (core/worklist/summary.ts), recomputed from the rows when a
 * trigger marks the customer in `worklist_dirty` or `valid_until` (the last day they stay true)
 * passes; `open_value`/`overdue_value` are the amounts in major units, so currencies sort by value.
 */
export const worklistSummaries = pgTable(
  'worklist_summaries',
  {
    customerId: uuid('customer_id')
      .primaryKey()
      .references(() => customers.id, { onDelete: 'cascade' }),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    lowerName: text('lower_name').notNull(),
    externalId: text('external_id').notNull(),
    email: text('email'),
    tags: text('tags').array().notNull(),
    connectionId: uuid('connection_id').notNull(),
    currency: text('currency').notNull(),
    openMinor: minor('open_minor').notNull(),
    overdueMinor: minor('overdue_minor').notNull(),
    openValue: numeric('open_value').notNull(),
    overdueValue: numeric('overdue_value').notNull(),
    openCount: integer('open_count').notNull(),
    oldestDue: date('oldest_due'),
    stageStep: integer('stage_step'),
    stageTemplate: text('stage_template'),
    stageAt: instant('stage_at'),
    nextStep: integer('next_step'),
    nextChannel: text('next_channel'),
    nextDate: date('next_date'),
    nextStatus: text('next_status'),
    lastContact: instant('last_contact'),
    riskClass: text('risk_class'),
    score: integer('score'),
    collectors: jsonb('collectors').$type<{ id: string; name: string }[]>(),
    collectorFirst: text('collector_first'),
    disputed: boolean('disputed').notNull(),
    promised: boolean('promised').notNull(),
    paused: boolean('paused').notNull(),
    onHold: boolean('on_hold').notNull(),
    holdId: uuid('hold_id'),
    holdReason: text('hold_reason'),
    holdUntil: date('hold_until'),
    promiseDate: date('promise_date'),
    promiseMinor: minor('promise_minor'),
    promiseCurrency: text('promise_currency'),
    asOf: date('as_of').notNull(),
    validUntil: date('valid_until'),
    refreshedAt: instant('refreshed_at').notNull().defaultNow(),
  },
  (t) => [
    index('worklist_summaries_valid_idx').on(t.organizationId, t.validUntil),
    index('worklist_summaries_as_of_idx').on(t.organizationId, t.asOf),
    index('worklist_summaries_name_idx').on(t.organizationId, t.lowerName, t.customerId),
    index('worklist_summaries_number_idx').on(t.organizationId, t.externalId, t.lowerName, t.customerId),
    index('worklist_summaries_open_idx').on(t.organizationId, t.openValue.desc(), t.lowerName, t.customerId),
    index('worklist_summaries_overdue_idx').on(t.organizationId, t.overdueValue.desc(), t.lowerName, t.customerId),
    index('worklist_summaries_oldest_idx').on(t.organizationId, t.oldestDue.asc().nullsLast(), t.lowerName, t.customerId),
    index('worklist_summaries_stage_idx').on(t.organizationId, t.stageStep.desc().nullsLast(), t.lowerName, t.customerId),
    index('worklist_summaries_next_idx').on(t.organizationId, t.nextDate.desc().nullsLast(), t.lowerName, t.customerId),
    index('worklist_summaries_contact_idx').on(t.organizationId, t.lastContact.desc().nullsLast(), t.lowerName, t.customerId),
    index('worklist_summaries_risk_idx').on(t.organizationId, t.riskClass.desc().nullsLast(), t.lowerName, t.customerId),
    index('worklist_summaries_collector_idx').on(t.organizationId, t.collectorFirst.desc().nullsLast(), t.lowerName, t.customerId),
    index('worklist_summaries_oldest_reverse_idx').on(t.organizationId, t.oldestDue.desc().nullsLast(), t.lowerName, t.customerId),
    index('worklist_summaries_stage_reverse_idx').on(t.organizationId, t.stageStep.asc().nullsLast(), t.lowerName, t.customerId),
    index('worklist_summaries_next_reverse_idx').on(t.organizationId, t.nextDate.asc().nullsLast(), t.lowerName, t.customerId),
    index('worklist_summaries_contact_reverse_idx').on(t.organizationId, t.lastContact.asc().nullsLast(), t.lowerName, t.customerId),
    index('worklist_summaries_risk_reverse_idx').on(t.organizationId, t.riskClass.asc().nullsLast(), t.lowerName, t.customerId),
    index('worklist_summaries_collector_reverse_idx').on(t.organizationId, t.collectorFirst.asc().nullsLast(), t.lowerName, t.customerId),
  ],
);

/** Customers whose worklist summary is to be recomputed, marked by the triggers of migration 0025 (duplicates harmless). */
export const worklistDirty = pgTable(
  'worklist_dirty',
  {
    organizationId: uuid('organization_id').notNull(),
    customerId: uuid('customer_id').notNull(),
    markedAt: instant('marked_at').notNull().defaultNow(),
  },
  (t) => [index('worklist_dirty_organization_idx').on(t.organizationId), index('worklist_dirty_customer_idx').on(t.customerId)],
);

/** Each reminder as it left (core/sending/acceptance.ts, in the acceptance's own statement): the timeline links to it. */
export const sentMessages = pgTable(
  'sent_messages',
  {
    actionId: uuid('action_id')
      .primaryKey()
      .references(() => actions.id, { onDelete: 'cascade' }),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    channel: text('channel').notNull(),
    toAddress: text('to_address'),
    subject: text('subject'),
    textBody: text('text_body'),
    htmlBody: text('html_body'),
    providerMessageId: text('provider_message_id'),
    sentAt: instant('sent_at').notNull().defaultNow(),
  },
  (t) => [index('sent_messages_customer_idx').on(t.customerId)],
);
