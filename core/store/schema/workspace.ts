/**
 * The collector's workspace (issue 17): each user's saved worklist view per organization, and the
 * tasks collectors give each other about a customer. Notes and logged calls are activities.
 */
import { sql } from 'drizzle-orm';
import { check, date, index, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, instant, updatedAt } from './columns.ts';
import { users } from './access.ts';
import { customers } from './customers.ts';
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
