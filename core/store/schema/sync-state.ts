/**
 * What the sync keeps per connection to prove freshness and coalesce requests: when it last
 * completed, failed or tried (`sync_state`); which streams have a sync queued and not yet started
 * (`sync_requests`, so replayed webhooks make one pending sync, not thirty); and when each CRM flag
 * of a company last changed (`crm_flag_times`, so an older event of one flag never hides behind a
 * newer event of another).
 */
import { boolean, integer, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { instant, updatedAt } from './columns.ts';
import { connections } from './connections.ts';

export const syncState = pgTable('sync_state', {
  connectionId: uuid('connection_id').primaryKey().references(() => connections.id, { onDelete: 'cascade' }),
  lastSyncedAt: instant('last_synced_at'),
  lastAttemptAt: instant('last_attempt_at'),
  lastFailedAt: instant('last_failed_at'),
  consecutiveFailures: integer('consecutive_failures').notNull().default(0),
  updatedAt: updatedAt(),
});

export const syncRequests = pgTable(
  'sync_requests',
  {
    connectionId: uuid('connection_id').notNull().references(() => connections.id, { onDelete: 'cascade' }),
    /** A stream name, or `*` for all of the connection's streams. */
    stream: text('stream').notNull(),
    pending: boolean('pending').notNull().default(true),
    requestedAt: instant('requested_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'sync_requests_pk', columns: [t.connectionId, t.stream] })],
);

export const crmFlagTimes = pgTable(
  'crm_flag_times',
  {
    connectionId: uuid('connection_id').notNull().references(() => connections.id, { onDelete: 'cascade' }),
    companyExternalId: text('company_external_id').notNull(),
    flag: text('flag').notNull(),
    value: boolean('value').notNull(),
    occurredAt: instant('occurred_at').notNull(),
  },
  (t) => [primaryKey({ name: 'crm_flag_times_pk', columns: [t.connectionId, t.companyExternalId, t.flag] })],
);
