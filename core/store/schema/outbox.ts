/**
 * The write-back outbox: a change meant for a provider is written here in the same transaction as
 * the state change, then pushed by a job with retries. A row that keeps failing is parked, not lost.
 */
import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, instant, updatedAt } from './columns.ts';
import { outboxStatusEnum } from './enums.ts';
import { connections } from './connections.ts';
import { organizations } from './organizations.ts';

export const outbox = pgTable(
  'outbox',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    // What to write: "set-dunning-stage", "add-note", "set-disputed", "record-payment", ...
    kind: text('kind').notNull(),
    entity: text('entity').notNull(),
    externalId: text('external_id'),
    // Rows of one record (`entity:externalId`, or the caller's key) are pushed one at a time, in
    // `seq` order: a note must not overtake the stage change written before it.
    recordKey: text('record_key').notNull().default(''),
    seq: bigint('seq', { mode: 'bigint' }).notNull().generatedAlwaysAsIdentity(),
    // The provider field the change sets, when it sets one: a newer pending change to the same
    // field of the same record supersedes the older (only the latest value is worth pushing).
    field: text('field'),
    supersededBy: uuid('superseded_by'),
    // A claimed row is `in_flight` until `claimed_until`; a worker that dies leaves it to expire and
    // be claimed again (with the same idempotency key, so the provider sees one change).
    claimedUntil: instant('claimed_until'),
    claimToken: uuid('claim_token'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    status: outboxStatusEnum('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: instant('next_attempt_at').notNull().defaultNow(),
    lastError: jsonb('last_error').$type<Record<string, unknown>>(),
    doneAt: instant('done_at'),
    // What the provider answered once pushed (its record's id and version; migration 0031).
    result: jsonb('result').$type<Record<string, unknown>>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('outbox_idempotency_key_uq').on(t.idempotencyKey),
    // The push job's claim query: due pending rows, oldest first.
    index('outbox_due_idx')
      .on(t.nextAttemptAt)
      .where(sql`${t.status} = 'pending'`),
    index('outbox_connection_status_idx').on(t.connectionId, t.status),
    index('outbox_record_seq_idx').on(t.connectionId, t.recordKey, t.seq),
  ],
);
