/** Dunning policies (scenarios) and the actions they plan and carry out. */
import { sql } from 'drizzle-orm';
import { boolean, date, index, integer, jsonb, pgTable, pgView, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, currency, id, instant, minor, updatedAt } from './columns.ts';
import { actionChannelEnum, actionStatusEnum } from './enums.ts';
import { organizations } from './organizations.ts';

/** A step as ARCHITECTURE §4 states it; validated by the dunning engine's zod schema on save. */
export interface ScenarioStep {
  offsetDays: number;
  action: 'email' | 'sms' | 'letter' | 'task' | 'call' | 'escalate';
  template: string;
  requiresApproval?: boolean;
}

export const scenarios = pgTable(
  'scenarios',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    // Which customers it applies to (risk class, amount, tags, payer profile).
    segment: jsonb('segment').$type<Record<string, unknown>>().notNull().default({}),
    steps: jsonb('steps').$type<ScenarioStep[]>().notNull(),
    stopRules: jsonb('stop_rules').$type<string[]>().notNull().default(['paid', 'disputed', 'promise', 'paused']),
    // Lower runs first when several segments match a customer.
    priority: integer('priority').notNull().default(100),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('scenarios_organization_name_uq').on(t.organizationId, t.name)],
);

/**
 * One planned or done step for one customer (grouping its items) or one invoice. The
 * idempotency key (e.g. scenario + customer + step + item set) makes a second send impossible.
 */
export const actions = pgTable(
  'actions',
  {
    id: id(),
    // No foreign keys on these three (migration 0024): one statement-level trigger checks an
    // INSERT's rows in one join, a row trigger an UPDATE that changes them, and delete triggers on
    // organizations, customers (cascade) and scenarios (set null) do what ON DELETE did.
    organizationId: uuid('organization_id').notNull(),
    customerId: uuid('customer_id').notNull(),
    scenarioId: uuid('scenario_id'),
    step: integer('step').notNull(),
    channel: actionChannelEnum('channel').notNull(),
    template: text('template'),
    status: actionStatusEnum('status').notNull().default('planned'),
    idempotencyKey: text('idempotency_key').notNull(),
    scheduledFor: date('scheduled_for', { mode: 'string' }).notNull(),
    currency: currency(),
    amountDueMinor: minor('amount_due_minor'),
    // Fees, rendered message ids, skip reason: whatever the channel reports.
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    approvedBy: text('approved_by'),
    sentAt: instant('sent_at'),
    // The send worker holding the action while status is 'sending', and since when (its lease).
    claimedBy: text('claimed_by'),
    claimedAt: instant('claimed_at'),
    sendAttempts: integer('send_attempts').notNull().default(0),
    // After a transient failure, not claimed again before this (the send retry policy's back-off).
    nextAttemptAt: instant('next_attempt_at'),
    // Accepted by the channel (status 'sent'), its activity and write-back rows not written yet.
    finalizePending: jsonb('finalize_pending').$type<Record<string, unknown>>(),
    lastError: jsonb('last_error').$type<Record<string, unknown>>(),
    // The invoices the action lists, in its order, and the step each reaches with it (parallel
    // arrays, migration 0028; `action_invoices` is their view as rows).
    invoiceIds: uuid('invoice_ids').array().notNull().default(sql`'{}'`),
    invoiceLevels: integer('invoice_levels').array().notNull().default(sql`'{}'`),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('actions_idempotency_key_uq').on(t.idempotencyKey),
    index('actions_org_status_scheduled_idx').on(t.organizationId, t.status, t.scheduledFor),
    // By customer (every lookup of a customer's actions), from migration 0016; 0028 dropped the
    // customer_id-only index it made redundant.
    index('actions_customer_status_idx').on(t.customerId, t.status, t.scheduledFor),
    index('actions_finalize_pending_idx').on(t.claimedAt).where(sql`${t.finalizePending} IS NOT NULL`),
  ],
);

/**
 * The invoices an action lists, each at the step level it reaches with this action: a view of
 * the action's invoice_ids and invoice_levels arrays (migration 0028). It takes INSERT and DELETE
 * (INSTEAD OF triggers), one row per (action, invoice) as the table it replaced did.
 */
export const actionInvoices = pgView('action_invoices', {
  actionId: uuid('action_id').notNull(),
  invoiceId: uuid('invoice_id').notNull(),
  level: integer('level').notNull(),
}).existing();
