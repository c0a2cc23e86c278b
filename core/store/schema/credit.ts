/**
 * Credit risk (core/credit): the limits and payment terms granted to each customer and the
 * requests that granted them, the credit hold salespeople see, the organization's credit
 * insurance policy, the alerts a credit manager must act on, and hand-overs to litigation.
 */
import { sql } from 'drizzle-orm';
import { boolean, check, date, index, integer, jsonb, numeric, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, currency, id, instant, minor, updatedAt } from './columns.ts';
import { customers } from './customers.ts';
import { dunningHolds } from './dunning-engine.ts';
import { invoices } from './ledger.ts';
import { organizations } from './organizations.ts';

/** A rule that proposes a limit: by risk class, as a share of the last twelve months' turnover. */
export interface LimitRule {
  riskClass?: string | null;
  /** Percent of the last 365 days' invoiced total ("25" = a quarter of a year's sales). */
  turnoverPercent?: string | null;
  /** A fixed amount in the organization's base currency ("5000.00"). */
  fixedAmount?: string | null;
}

export const creditSettings = pgTable(
  'credit_settings',
  {
    organizationId: uuid('organization_id')
      .primaryKey()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    holdOverLimit: boolean('hold_over_limit').notNull().default(true),
    // Debt this many days past due puts the customer on hold; null: age alone never does.
    holdPastDueDays: integer('hold_past_due_days'),
    reviewDaysBefore: integer('review_days_before').notNull().default(30),
    limitRules: jsonb('limit_rules').$type<LimitRule[]>().notNull().default([]),
    // The payer score's weights and thresholds (core/scoring ScoringRules); null: the defaults.
    scoringRules: jsonb('scoring_rules').$type<Record<string, unknown>>(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('credit_settings_hold_past_due_days_range', sql`${t.holdPastDueDays} IS NULL OR ${t.holdPastDueDays} BETWEEN 0 AND 3650`),
    check('credit_settings_review_days_range', sql`${t.reviewDaysBefore} BETWEEN 0 AND 365`),
  ],
);

export const customerCredit = pgTable(
  'customer_credit',
  {
    customerId: uuid('customer_id')
      .primaryKey()
      .references(() => customers.id, { onDelete: 'cascade' }),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    limitMinor: minor('limit_minor'),
    limitCurrency: currency('limit_currency'),
    limitExpiresOn: date('limit_expires_on', { mode: 'string' }),
    limitRequestId: uuid('limit_request_id'),
    termsDays: integer('terms_days'),
    termsExpiresOn: date('terms_expires_on', { mode: 'string' }),
    termsRequestId: uuid('terms_request_id'),
    insuredLimitMinor: minor('insured_limit_minor'),
    insuredCurrency: currency('insured_currency'),
    hold: boolean('hold').notNull().default(false),
    holdReason: text('hold_reason'),
    holdSince: instant('hold_since'),
    holdOverMinor: minor('hold_over_minor'),
    holdCurrency: currency('hold_currency'),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('customer_credit_limit_has_currency', sql`(${t.limitMinor} IS NULL) = (${t.limitCurrency} IS NULL)`),
    check('customer_credit_insured_has_currency', sql`(${t.insuredLimitMinor} IS NULL) = (${t.insuredCurrency} IS NULL)`),
    check('customer_credit_amounts_positive', sql`COALESCE(${t.limitMinor}, 0) >= 0 AND COALESCE(${t.insuredLimitMinor}, 0) >= 0`),
  ],
);

export const creditRequests = pgTable(
  'credit_requests',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<'limit' | 'terms'>().notNull(),
    amountMinor: minor('amount_minor'),
    currency: currency(),
    termsDays: integer('terms_days'),
    expiresOn: date('expires_on', { mode: 'string' }),
    reason: text('reason').notNull(),
    proposal: jsonb('proposal').$type<Record<string, unknown>>(),
    status: text('status').$type<'requested' | 'approved' | 'rejected' | 'withdrawn'>().notNull().default('requested'),
    requestedBy: text('requested_by').notNull(),
    requestedAt: instant('requested_at').notNull().defaultNow(),
    decidedBy: text('decided_by'),
    decidedAt: instant('decided_at'),
    decisionNote: text('decision_note'),
  },
  (t) => [
    uniqueIndex('credit_requests_one_pending_uq').on(t.customerId, t.kind).where(sql`${t.status} = 'requested'`),
    index('credit_requests_org_idx').on(t.organizationId, t.status),
    check('credit_requests_kind', sql`${t.kind} IN ('limit', 'terms')`),
    check('credit_requests_status', sql`${t.status} IN ('requested', 'approved', 'rejected', 'withdrawn')`),
    check('credit_requests_limit_shape', sql`${t.kind} <> 'limit' OR (${t.amountMinor} >= 0 AND ${t.currency} ~ '^[A-Z]{3}$')`),
    check('credit_requests_terms_shape', sql`${t.kind} <> 'terms' OR ${t.termsDays} BETWEEN 0 AND 365`),
  ],
);

export const creditInsurancePolicies = pgTable(
  'credit_insurance_policies',
  {
    organizationId: uuid('organization_id')
      .primaryKey()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    insurer: text('insurer').notNull(),
    policyNumber: text('policy_number'),
    insuredSharePercent: numeric('insured_share_percent', { precision: 5, scale: 2 }).notNull(),
    maxExtensionDays: integer('max_extension_days').notNull(),
    // Days after the due date by which an unpaid debt must be declared to the insurer.
    declarationDeadlineDays: integer('declaration_deadline_days').notNull(),
    alertDaysBefore: integer('alert_days_before').notNull().default(15),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('credit_insurance_share_range', sql`${t.insuredSharePercent} > 0 AND ${t.insuredSharePercent} <= 100`),
    check(
      'credit_insurance_days_positive',
      sql`${t.maxExtensionDays} >= 0 AND ${t.declarationDeadlineDays} >= 0 AND ${t.alertDaysBefore} >= 0`,
    ),
  ],
);

export const CREDIT_ALERT_KINDS = ['declaration_due', 'declaration_overdue', 'limit_review', 'limit_expired', 'terms_expired', 'credit_hold', 'insolvency'] as const;
export type CreditAlertKind = (typeof CREDIT_ALERT_KINDS)[number];

export const creditAlerts = pgTable(
  'credit_alerts',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    invoiceId: uuid('invoice_id').references(() => invoices.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<CreditAlertKind>().notNull(),
    dueOn: date('due_on', { mode: 'string' }),
    // One alert per cause: the daily review raises it once, however often it runs.
    dedupeKey: text('dedupe_key').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    resolvedAt: instant('resolved_at'),
    resolvedBy: text('resolved_by'),
  },
  (t) => [
    uniqueIndex('credit_alerts_dedupe_uq').on(t.organizationId, t.dedupeKey),
    index('credit_alerts_open_idx').on(t.organizationId, t.createdAt).where(sql`${t.resolvedAt} IS NULL`),
    check('credit_alerts_kind', sql`${t.kind} IN ('declaration_due', 'declaration_overdue', 'limit_review', 'limit_expired', 'terms_expired', 'credit_hold', 'insolvency')`),
  ],
);

export const legalHandovers = pgTable(
  'legal_handovers',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<'litigation' | 'agency'>().notNull(),
    // The lawyer or collection agency the file goes to.
    party: text('party').notNull(),
    reference: text('reference'),
    note: text('note'),
    handedOverAt: instant('handed_over_at').notNull().defaultNow(),
    handedOverBy: text('handed_over_by').notNull(),
    // What was owed at the hand-over, per currency: { "EUR": { principal, interest, fixed } } as decimal strings.
    amounts: jsonb('amounts').$type<Record<string, { principal: string; interest: string; fixed: string }>>().notNull(),
    holdId: uuid('hold_id').references(() => dunningHolds.id, { onDelete: 'set null' }),
    status: text('status').$type<'open' | 'closed'>().notNull().default('open'),
    closedAt: instant('closed_at'),
    closedBy: text('closed_by'),
  },
  (t) => [
    uniqueIndex('legal_handovers_one_open_uq').on(t.customerId).where(sql`${t.status} = 'open'`),
    check('legal_handovers_kind', sql`${t.kind} IN ('litigation', 'agency')`),
    check('legal_handovers_status', sql`${t.status} IN ('open', 'closed')`),
  ],
);

/** Each customer's payer score month by month: the last score computed in each month. */
export const customerScoreHistory = pgTable(
  'customer_score_history',
  {
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    // The first day of the month.
    month: date('month', { mode: 'string' }).notNull(),
    score: integer('score').notNull(),
    riskClass: text('risk_class').notNull(),
    factors: jsonb('factors').$type<Record<string, unknown>>().notNull(),
    scoredAt: instant('scored_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.customerId, t.month] }),
    check('customer_score_history_score_range', sql`${t.score} BETWEEN 0 AND 100`),
    check('customer_score_history_month_first', sql`extract(day FROM ${t.month}) = 1`),
  ],
);
