/**
 * What reconciliation and the collectors' tools keep beside the synced ledger: divergences between
 * the store and a source, suggested applications of unapplied money, and the exchange rates a
 * group's consolidated reports use.
 */
import { sql } from 'drizzle-orm';
import { check, date, index, integer, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { currency, id, instant, minor } from './columns.ts';
import { allocationSourceEnum } from './enums.ts';
import { connections } from './connections.ts';
import { customers } from './customers.ts';
import { creditNotes, payments } from './ledger.ts';
import { groups, organizations } from './organizations.ts';

/**
 * One thing the store and a source disagree on (or a source record Relance refused), with its
 * cause. `(connection, entity, external_id, kind)` is one divergence: a later check updates it.
 * `status`: `open` until a re-pull fixes it (`fixed`) or someone accepts it (`dismissed`).
 */
export const divergences = pgTable(
  'divergences',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    entity: text('entity').notNull(),
    externalId: text('external_id').notNull(),
    // "balance_mismatch", "over_allocation", "currency_mismatch", "unknown_invoice", ...
    kind: text('kind').notNull(),
    currency: currency(),
    expectedMinor: minor('expected_minor'),
    actualMinor: minor('actual_minor'),
    cause: text('cause').notNull(),
    status: text('status').notNull().default('open'),
    repullAttempts: integer('repull_attempts').notNull().default(0),
    detectedAt: instant('detected_at').notNull().defaultNow(),
    resolvedAt: instant('resolved_at'),
  },
  (t) => [
    uniqueIndex('divergences_record_kind_uq').on(t.connectionId, t.entity, t.externalId, t.kind),
    index('divergences_org_status_idx').on(t.organizationId, t.status),
    check('divergences_status', sql`${t.status} IN ('open', 'fixed', 'dismissed')`),
  ],
);

/**
 * A suggested application of unapplied money (a payment's unapplied part or a credit note's
 * remaining credit) to one or several invoices, ranked and explained for an admin to accept.
 */
export const unappliedSuggestions = pgTable(
  'unapplied_suggestions',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    customerId: uuid('customer_id').references(() => customers.id, { onDelete: 'cascade' }),
    source: allocationSourceEnum('source').notNull(),
    paymentId: uuid('payment_id').references(() => payments.id, { onDelete: 'cascade' }),
    creditNoteId: uuid('credit_note_id').references(() => creditNotes.id, { onDelete: 'cascade' }),
    invoiceIds: uuid('invoice_ids').array().notNull(),
    // Per invoice, in the order of invoice_ids: how much of the money goes to it.
    amountsMinor: minor('amounts_minor').array().notNull(),
    currency: currency().notNull(),
    // "exact_amount", "reference", "invoice_set": the rule that found it.
    rule: text('rule').notNull(),
    // Higher is better; 1000 is a certain match.
    score: integer('score').notNull(),
    explanation: text('explanation').notNull(),
    status: text('status').notNull().default('suggested'),
    decidedBy: text('decided_by'),
    decidedAt: instant('decided_at'),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('unapplied_suggestions_payment_idx').on(t.paymentId),
    index('unapplied_suggestions_credit_note_idx').on(t.creditNoteId),
    index('unapplied_suggestions_org_status_idx').on(t.organizationId, t.status),
    check('unapplied_suggestions_status', sql`${t.status} IN ('suggested', 'accepted', 'dismissed')`),
  ],
);

/**
 * How many units of a group's reporting currency one unit of `currency` is worth from `from` on:
 * consolidated reports convert with the rate in force on their date. A decimal, never a float.
 */
export const groupFxRates = pgTable(
  'group_fx_rates',
  {
    groupId: uuid('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    currency: currency().notNull(),
    from: date('from', { mode: 'string' }).notNull(),
    rate: text('rate').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.groupId, t.currency, t.from] }),
    check('group_fx_rates_rate_decimal', sql`${t.rate} ~ '^[0-9]+(\\.[0-9]+)?$'`),
  ],
);
