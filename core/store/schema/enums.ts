/** The closed vocabularies of the store, as PostgreSQL enums: a typo in a status fails at write time. */
import { pgEnum } from 'drizzle-orm/pg-core';

export const providerEnum = pgEnum('provider', ['quickbooks', 'xero', 'hubspot']);

/** `needs_reauth`: a token refresh failed; the connection's jobs stop until someone reconnects. */
export const connectionStatusEnum = pgEnum('connection_status', ['active', 'needs_reauth', 'disconnected']);

export const invoiceStatusEnum = pgEnum('invoice_status', ['open', 'paid', 'void', 'draft', 'written_off']);

export const contactRoleEnum = pgEnum('contact_role', ['billing', 'main', 'other']);

export const allocationSourceEnum = pgEnum('allocation_source', ['payment', 'credit_note']);

export const disputeStatusEnum = pgEnum('dispute_status', ['open', 'resolved', 'rejected']);

export const promiseStatusEnum = pgEnum('promise_status', ['pending', 'kept', 'broken', 'cancelled']);

export const paymentPlanStatusEnum = pgEnum('payment_plan_status', ['active', 'completed', 'defaulted', 'cancelled']);

export const installmentStatusEnum = pgEnum('installment_status', ['pending', 'paid', 'late', 'cancelled']);

export const actionChannelEnum = pgEnum('action_channel', ['email', 'sms', 'letter', 'task', 'call', 'escalate']);

export const actionStatusEnum = pgEnum('action_status', [
  'planned',
  'awaiting_approval',
  // Claimed by a send worker (claimed_by/claimed_at on the action): a stale claim is taken over.
  'sending',
  'sent',
  'skipped',
  'failed',
  'cancelled',
]);

/**
 * `parked`: retries exhausted; the row stays visible for an operator instead of being lost.
 * `superseded`: a newer change to the same field of the same record replaced it before it was pushed.
 */
export const outboxStatusEnum = pgEnum('outbox_status', ['pending', 'in_flight', 'done', 'parked', 'superseded']);
