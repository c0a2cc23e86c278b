/**
 * Credit, continued (migration 0026): late fees posted to the accounting system after approval
 * (or waived with a reason), and what a public company registry says about each customer.
 */
import { sql } from 'drizzle-orm';
import { boolean, check, date, index, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { connections } from './connections.ts';
import { currency, id, instant, minor } from './columns.ts';
import { customers } from './customers.ts';
import { dunningHolds } from './dunning-engine.ts';
import { invoices } from './ledger.ts';
import { organizations } from './organizations.ts';

export const FEE_POSTING_STATUSES = ['requested', 'approved', 'waived', 'rejected'] as const;
export type FeePostingStatus = (typeof FEE_POSTING_STATUSES)[number];

/** Interest and fixed compensation of one invoice, asked to be posted as a fee invoice in its ledger. */
export const feePostings = pgTable(
  'fee_postings',
  {
    id: id(),
    organizationId: uuid('organization_id').notNull().references(() => organizations.id, { onDelete: 'cascade' }),
    customerId: uuid('customer_id').notNull().references(() => customers.id, { onDelete: 'cascade' }),
    invoiceId: uuid('invoice_id').notNull().references(() => invoices.id, { onDelete: 'cascade' }),
    // The accounting connection the invoice came from: the fee invoice is created there.
    connectionId: uuid('connection_id').notNull().references(() => connections.id, { onDelete: 'cascade' }),
    currency: currency().notNull(),
    interestMinor: minor('interest_minor').notNull(),
    fixedMinor: minor('fixed_minor').notNull(),
    asOf: date('as_of').notNull(),
    status: text('status').$type<FeePostingStatus>().notNull().default('requested'),
    requestedBy: text('requested_by').notNull(),
    requestedAt: instant('requested_at').notNull().defaultNow(),
    decidedBy: text('decided_by'),
    decidedAt: instant('decided_at'),
    // The approver's note, or the reason a fee was waived (required then).
    decisionNote: text('decision_note'),
    outboxId: uuid('outbox_id'),
    // The fee invoice as the provider created it (migration 0031: copied from the outbox row's
    // result when it is pushed), so it can be shown, linked and voided.
    providerInvoiceId: text('provider_invoice_id'),
    providerInvoiceVersion: text('provider_invoice_version'),
  },
  (t) => [
    uniqueIndex('fee_postings_one_pending_uq').on(t.invoiceId).where(sql`${t.status} = 'requested'`),
    index('fee_postings_org_idx').on(t.organizationId, t.status),
    check('fee_postings_status', sql`${t.status} IN ('requested', 'approved', 'waived', 'rejected')`),
    check('fee_postings_amounts', sql`${t.interestMinor} >= 0 AND ${t.fixedMinor} >= 0 AND ${t.interestMinor} + ${t.fixedMinor} > 0`),
    check('fee_postings_waive_reason', sql`${t.status} <> 'waived' OR length(trim(coalesce(${t.decisionNote}, ''))) > 0`),
  ],
);

/** The registry's latest applied answer about a customer's company. */
export const companyRegistryRecords = pgTable('company_registry_records', {
  customerId: uuid('customer_id').primaryKey().references(() => customers.id, { onDelete: 'cascade' }),
  organizationId: uuid('organization_id').notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  registry: text('registry').notNull(),
  companyNumber: text('company_number').notNull(),
  companyName: text('company_name'),
  companyStatus: text('company_status'),
  hasInsolvencyHistory: boolean('has_insolvency_history').notNull().default(false),
  insolvencyCases: jsonb('insolvency_cases').$type<unknown[]>().notNull().default([]),
  registeredAddress: jsonb('registered_address').$type<Record<string, unknown>>(),
  checkedAt: instant('checked_at').notNull().defaultNow(),
  // The dunning hold an insolvency event placed (released by hand).
  holdId: uuid('hold_id').references(() => dunningHolds.id, { onDelete: 'set null' }),
});

export const REGISTRY_CHECK_OUTCOMES = ['applied', 'unchanged', 'refused', 'not_found', 'failed'] as const;
export type RegistryCheckOutcome = (typeof REGISTRY_CHECK_OUTCOMES)[number];

/** Every registry check, applied or not: a refused answer is recorded with the field that failed. */
export const companyRegistryChecks = pgTable(
  'company_registry_checks',
  {
    id: id(),
    organizationId: uuid('organization_id').notNull().references(() => organizations.id, { onDelete: 'cascade' }),
    customerId: uuid('customer_id').notNull().references(() => customers.id, { onDelete: 'cascade' }),
    registry: text('registry').notNull(),
    companyNumber: text('company_number').notNull(),
    outcome: text('outcome').$type<RegistryCheckOutcome>().notNull(),
    field: text('field'),
    message: text('message'),
    answer: jsonb('answer'),
    checkedAt: instant('checked_at').notNull().defaultNow(),
  },
  (t) => [
    index('company_registry_checks_customer_idx').on(t.customerId, t.checkedAt),
    check('company_registry_checks_outcome', sql`${t.outcome} IN ('applied', 'unchanged', 'refused', 'not_found', 'failed')`),
  ],
);
