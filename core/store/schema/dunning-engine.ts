/**
 * What the dunning engine keeps besides scenarios and actions: holds, each customer's dunning
 * profile (pinned scenario, credit limit, payer score) and the record of daily runs.
 */
import { sql } from 'drizzle-orm';
import { check, date, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { currency, id, instant, minor, createdAt, updatedAt } from './columns.ts';
import { customers } from './customers.ts';
import { scenarios } from './dunning.ts';
import { invoices } from './ledger.ts';
import { organizations } from './organizations.ts';

/**
 * A hold stops dunning for one customer (invoice_id null) or one of its invoices, for a reason,
 * until an optional end date (inclusive) or until released.
 */
export const dunningHolds = pgTable(
  'dunning_holds',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    invoiceId: uuid('invoice_id').references(() => invoices.id, { onDelete: 'cascade' }),
    reason: text('reason').notNull(),
    // The last day the hold applies; null: until released.
    until: date('until', { mode: 'string' }),
    createdBy: text('created_by'),
    releasedAt: instant('released_at'),
    createdAt: createdAt(),
  },
  (t) => [index('dunning_holds_customer_idx').on(t.customerId).where(sql`${t.releasedAt} IS NULL`)],
);

/** Per customer: the scenario an admin pinned, the credit limit, and the payer score with its factors. */
export const customerDunningProfiles = pgTable(
  'customer_dunning_profiles',
  {
    customerId: uuid('customer_id')
      .primaryKey()
      .references(() => customers.id, { onDelete: 'cascade' }),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    pinnedScenarioId: uuid('pinned_scenario_id').references(() => scenarios.id, { onDelete: 'set null' }),
    creditLimitMinor: minor('credit_limit_minor'),
    creditLimitCurrency: currency('credit_limit_currency'),
    // 0 (worst) … 100 (best); null until the first scoring.
    score: integer('score'),
    riskClass: text('risk_class'),
    // The explanation: each factor with its value and the points it cost.
    scoreFactors: jsonb('score_factors').$type<Record<string, unknown>>(),
    scoredAt: instant('scored_at'),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('customer_dunning_profiles_org_idx').on(t.organizationId),
    check('customer_dunning_profiles_score_range', sql`${t.score} IS NULL OR ${t.score} BETWEEN 0 AND 100`),
  ],
);

/** One daily run per organization and local date: the unique key lets one scheduler enqueue it. */
export const dunningRuns = pgTable(
  'dunning_runs',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    asOf: date('as_of', { mode: 'string' }).notNull(),
    startedAt: instant('started_at').notNull().defaultNow(),
    finishedAt: instant('finished_at'),
    counts: jsonb('counts').$type<Record<string, number>>(),
  },
  (t) => [uniqueIndex('dunning_runs_org_as_of_uq').on(t.organizationId, t.asOf)],
);

/** The daily rescoring of an organization's customers, once per local date (migration 0031, core/scoring/schedule.ts). */
export const scoringRuns = pgTable(
  'scoring_runs',
  {
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    asOf: date('as_of', { mode: 'string' }).notNull(),
    startedAt: instant('started_at').notNull().defaultNow(),
    finishedAt: instant('finished_at'),
    scored: integer('scored'),
  },
  (t) => [primaryKey({ name: 'scoring_runs_pk', columns: [t.organizationId, t.asOf] })],
);
