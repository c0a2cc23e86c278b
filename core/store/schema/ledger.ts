/** The receivables ledger: invoices, credit notes, payments, and allocations between them. */
import { sql } from 'drizzle-orm';
import { boolean, check, date, index, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, currency, id, instant, minor, updatedAt } from './columns.ts';
import { allocationSourceEnum, invoiceStatusEnum } from './enums.ts';
import { connections } from './connections.ts';
import { customers } from './customers.ts';
import { organizations } from './organizations.ts';

/** Columns every synced ledger document has: where it comes from and whose it is. */
function syncedColumns() {
  return {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    externalId: text('external_id').notNull(),
    // Kept as the source said it; `customer_id` is resolved from it now or when the customer syncs.
    customerExternalId: text('customer_external_id').notNull(),
    customerId: uuid('customer_id').references(() => customers.id, { onDelete: 'set null' }),
    currency: currency().notNull(),
    sourceUpdatedAt: instant('source_updated_at'),
    raw: jsonb('raw'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  };
}

export const invoices = pgTable(
  'invoices',
  {
    ...syncedColumns(),
    number: text('number'),
    issueDate: date('issue_date', { mode: 'string' }),
    dueDate: date('due_date', { mode: 'string' }),
    totalMinor: minor('total_minor').notNull(),
    balanceMinor: minor('balance_minor').notNull(),
    status: invoiceStatusEnum('status').notNull(),
    // Set by Relance (a dispute is opened) or read from a provider custom field.
    disputed: boolean('disputed').notNull().default(false),
    customFields: jsonb('custom_fields').$type<Record<string, unknown>>().notNull().default({}),
    // The provider's online payment page, asked of the connector when the portal shows the invoice
    // (core/portal/payment-links.ts), not by the sync; cleared by the sync once the invoice is no longer open.
    paymentUrl: text('payment_url'),
    paymentUrlCheckedAt: instant('payment_url_checked_at'),
  },
  (t) => [
    uniqueIndex('invoices_connection_external_uq').on(t.connectionId, t.externalId),
    index('invoices_customer_idx').on(t.customerId),
    // The worklist's search by invoice number (migration 0025).
    index('invoices_organization_number_idx').on(t.organizationId, t.number),
    // Serves "open, overdue, undisputed invoices of this organization by due date": overdue is
    // relative to today, so it is the range `due_date < $today` on this index, not its predicate.
    index('invoices_org_open_undisputed_due_idx')
      .on(t.organizationId, t.dueDate)
      .where(sql`${t.status} = 'open' AND NOT ${t.disputed}`),
    // Invoices synced before their customer: linked when the customer arrives.
    index('invoices_unlinked_idx')
      .on(t.connectionId, t.customerExternalId)
      .where(sql`${t.customerId} IS NULL`),
    check('invoices_currency_iso', sql`${t.currency} ~ '^[A-Z]{3}$'`),
  ],
);

export const creditNotes = pgTable(
  'credit_notes',
  {
    ...syncedColumns(),
    number: text('number'),
    issueDate: date('issue_date', { mode: 'string' }),
    totalMinor: minor('total_minor').notNull(),
    remainingMinor: minor('remaining_minor').notNull(),
  },
  (t) => [
    uniqueIndex('credit_notes_connection_external_uq').on(t.connectionId, t.externalId),
    index('credit_notes_customer_idx').on(t.customerId),
    index('credit_notes_unlinked_idx')
      .on(t.connectionId, t.customerExternalId)
      .where(sql`${t.customerId} IS NULL`),
    check('credit_notes_currency_iso', sql`${t.currency} ~ '^[A-Z]{3}$'`),
  ],
);

export const payments = pgTable(
  'payments',
  {
    ...syncedColumns(),
    date: date('date', { mode: 'string' }),
    amountMinor: minor('amount_minor').notNull(),
    // What the payment has not (yet) been applied to: reconciliation works from here.
    unappliedMinor: minor('unapplied_minor').notNull(),
    reference: text('reference'),
  },
  (t) => [
    uniqueIndex('payments_connection_external_uq').on(t.connectionId, t.externalId),
    index('payments_customer_idx').on(t.customerId),
    index('payments_unlinked_idx')
      .on(t.connectionId, t.customerExternalId)
      .where(sql`${t.customerId} IS NULL`),
    index('payments_unapplied_idx')
      .on(t.organizationId)
      .where(sql`${t.unappliedMinor} <> 0`),
    check('payments_currency_iso', sql`${t.currency} ~ '^[A-Z]{3}$'`),
  ],
);

/**
 * A payment or credit note applied to an invoice. Synced allocations are replaced whenever their
 * payment or credit note is; reconciliation writes its own (`connection_id` null).
 */
export const allocations = pgTable(
  'allocations',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    source: allocationSourceEnum('source').notNull(),
    paymentId: uuid('payment_id').references(() => payments.id, { onDelete: 'cascade' }),
    creditNoteId: uuid('credit_note_id').references(() => creditNotes.id, { onDelete: 'cascade' }),
    connectionId: uuid('connection_id').references(() => connections.id, { onDelete: 'cascade' }),
    invoiceExternalId: text('invoice_external_id').notNull(),
    invoiceId: uuid('invoice_id').references(() => invoices.id, { onDelete: 'set null' }),
    currency: currency().notNull(),
    amountMinor: minor('amount_minor').notNull(),
    // The day the money reached the invoice: the payment's date or the credit note's issue date.
    date: date('date', { mode: 'string' }),
    createdAt: createdAt(),
    // A credit note's application listed by a payment (QuickBooks' $0 payment with a CreditMemo
    // line): replaced with that payment; `credit_note_id` follows once the credit note is stored.
    viaPaymentId: uuid('via_payment_id').references(() => payments.id, { onDelete: 'cascade' }),
    creditNoteExternalId: text('credit_note_external_id'),
  },
  (t) => [
    index('allocations_invoice_idx').on(t.invoiceId),
    index('allocations_payment_idx').on(t.paymentId),
    index('allocations_credit_note_idx').on(t.creditNoteId),
    index('allocations_unlinked_idx')
      .on(t.connectionId, t.invoiceExternalId)
      .where(sql`${t.invoiceId} IS NULL`),
    check(
      'allocations_one_source',
      sql`(${t.source} = 'payment' AND ${t.paymentId} IS NOT NULL AND ${t.creditNoteId} IS NULL AND ${t.viaPaymentId} IS NULL)
        OR (${t.source} = 'credit_note' AND ${t.paymentId} IS NULL
            AND (${t.creditNoteId} IS NOT NULL OR (${t.viaPaymentId} IS NOT NULL AND ${t.creditNoteExternalId} IS NOT NULL)))`,
    ),
    index('allocations_via_payment_idx').on(t.viaPaymentId).where(sql`${t.viaPaymentId} IS NOT NULL`),
    index('allocations_unlinked_credit_note_idx')
      .on(t.connectionId, t.creditNoteExternalId)
      .where(sql`${t.creditNoteId} IS NULL AND ${t.creditNoteExternalId} IS NOT NULL`),
  ],
);
