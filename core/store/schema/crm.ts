/**
 * What a CRM connection (HubSpot) brings besides contacts: its companies (and deals and invoices
 * objects, kept raw), and matching each accounting customer to a company — the suggestions an
 * admin must review and the decisions an admin made, which every later matching run respects.
 */
import { sql } from 'drizzle-orm';
import { boolean, check, index, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, instant, updatedAt } from './columns.ts';
import { connections } from './connections.ts';
import { customers } from './customers.ts';
import { organizations } from './organizations.ts';

/** One CRM object as last synced; `paused`/`disputed` are the Relance flags a salesperson sets. */
export const crmRecords = pgTable(
  'crm_records',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    // "company", "deal", "hubspotInvoice".
    objectType: text('object_type').notNull(),
    externalId: text('external_id').notNull(),
    name: text('name'),
    domain: text('domain'),
    ownerExternalId: text('owner_external_id'),
    // A mapped id property naming the accounting customer (an explicit link), when the CRM has one.
    linkedCustomerExternalId: text('linked_customer_external_id'),
    paused: boolean('paused'),
    disputed: boolean('disputed'),
    sourceUpdatedAt: instant('source_updated_at'),
    raw: jsonb('raw'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('crm_records_connection_type_external_uq').on(t.connectionId, t.objectType, t.externalId),
    index('crm_records_domain_idx').on(t.connectionId, t.domain),
  ],
);

/**
 * An admin's word on one customer ↔ company pair: `link` (this is the customer's company) or
 * `reject` (it is not). Matching never overrides it.
 */
export const customerMatchDecisions = pgTable(
  'customer_match_decisions',
  {
    id: id(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    companyExternalId: text('company_external_id').notNull(),
    decision: text('decision').notNull(),
    decidedBy: text('decided_by').notNull(),
    decidedAt: instant('decided_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('customer_match_decisions_uq').on(t.customerId, t.connectionId, t.companyExternalId),
    check('customer_match_decisions_decision', sql`${t.decision} IN ('link', 'reject')`),
  ],
);

/** A match the matcher would not make alone (ambiguous or weak): listed until an admin decides. */
export const customerMatchReviews = pgTable(
  'customer_match_reviews',
  {
    id: id(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    // "ambiguous" (several equally good) or "weak" (one, by a weak signal).
    reason: text('reason').notNull(),
    candidates: jsonb('candidates').$type<{ companyExternalId: string; name: string | null; by: string }[]>().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('customer_match_reviews_uq').on(t.customerId, t.connectionId)],
);
