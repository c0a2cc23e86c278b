/** The customer's timeline and the audit log, in one append-only table. */
import { index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { id, instant } from './columns.ts';
import { customers } from './customers.ts';
import { invoices } from './ledger.ts';
import { organizations } from './organizations.ts';

export const activities = pgTable(
  'activities',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    customerId: uuid('customer_id').references(() => customers.id, { onDelete: 'cascade' }),
    invoiceId: uuid('invoice_id').references(() => invoices.id, { onDelete: 'set null' }),
    // "system", "user:<id>", "connector:<provider>", "job:<name>".
    actor: text('actor').notNull(),
    // "sync", "reminder.sent", "payment.received", "note", "dispute.opened", ...
    kind: text('kind').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    occurredAt: instant('occurred_at').notNull().defaultNow(),
  },
  (t) => [
    index('activities_customer_occurred_idx').on(t.customerId, t.occurredAt),
    index('activities_org_occurred_idx').on(t.organizationId, t.occurredAt),
  ],
);
