/** What collectors record about a debt: disputes, promises to pay, payment plans. */
import { sql } from 'drizzle-orm';
import { check, date, index, integer, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, currency, id, instant, minor, updatedAt } from './columns.ts';
import { disputeStatusEnum, installmentStatusEnum, paymentPlanStatusEnum, promiseStatusEnum } from './enums.ts';
import { customers } from './customers.ts';
import { invoices } from './ledger.ts';
import { organizations } from './organizations.ts';

function ownedBy() {
  return {
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
  };
}

export const disputes = pgTable(
  'disputes',
  {
    id: id(),
    ...ownedBy(),
    reason: text('reason').notNull(),
    status: disputeStatusEnum('status').notNull().default('open'),
    // A user id or an email: whoever works the dispute.
    owner: text('owner'),
    notes: text('notes'),
    // Where it was opened: "admin", "portal" or "crm".
    openedVia: text('opened_via').notNull().default('admin'),
    // Why it was resolved or rejected.
    resolution: text('resolution'),
    openedAt: instant('opened_at').notNull().defaultNow(),
    resolvedAt: instant('resolved_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('disputes_customer_idx').on(t.customerId)],
);

export const disputeInvoices = pgTable(
  'dispute_invoices',
  {
    disputeId: uuid('dispute_id')
      .notNull()
      .references(() => disputes.id, { onDelete: 'cascade' }),
    invoiceId: uuid('invoice_id')
      .notNull()
      .references(() => invoices.id, { onDelete: 'cascade' }),
    // The part of the invoice in dispute; null means all of it.
    amountMinor: minor('amount_minor'),
  },
  (t) => [primaryKey({ columns: [t.disputeId, t.invoiceId] }), index('dispute_invoices_invoice_idx').on(t.invoiceId)],
);

export const promisesToPay = pgTable(
  'promises_to_pay',
  {
    id: id(),
    ...ownedBy(),
    currency: currency().notNull(),
    amountMinor: minor('amount_minor').notNull(),
    promisedDate: date('promised_date', { mode: 'string' }).notNull(),
    status: promiseStatusEnum('status').notNull().default('pending'),
    recordedBy: text('recorded_by'),
    note: text('note'),
    // Payments dated from the promise's recording to its date, counted when it is settled.
    paidMinor: minor('paid_minor'),
    // Set when the promise is one installment of a payment plan: settling it settles the installment.
    installmentId: uuid('installment_id'),
    settledAt: instant('settled_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('promises_to_pay_customer_idx').on(t.customerId, t.promisedDate),
    check('promises_to_pay_amount_positive', sql`${t.amountMinor} > 0`),
  ],
);

export const paymentPlans = pgTable(
  'payment_plans',
  {
    id: id(),
    ...ownedBy(),
    currency: currency().notNull(),
    totalMinor: minor('total_minor').notNull(),
    status: paymentPlanStatusEnum('status').notNull().default('active'),
    note: text('note'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('payment_plans_customer_idx').on(t.customerId)],
);

export const paymentPlanInstallments = pgTable(
  'payment_plan_installments',
  {
    id: id(),
    planId: uuid('plan_id')
      .notNull()
      .references(() => paymentPlans.id, { onDelete: 'cascade' }),
    sequence: integer('sequence').notNull(),
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    amountMinor: minor('amount_minor').notNull(),
    // sql`0`, not 0n: drizzle-kit cannot serialize a BigInt default.
    paidMinor: minor('paid_minor').notNull().default(sql`0`),
    status: installmentStatusEnum('status').notNull().default('pending'),
  },
  (t) => [
    uniqueIndex('payment_plan_installments_plan_sequence_uq').on(t.planId, t.sequence),
    check('payment_plan_installments_amount_positive', sql`${t.amountMinor} > 0`),
  ],
);
