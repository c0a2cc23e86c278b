/**
 * Connections to provider accounts and what the sync keeps per connection: cursors, mapping
 * versions, and the records a mapping could not read.
 */
import { integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid, index } from 'drizzle-orm/pg-core';
import { createdAt, id, instant, updatedAt } from './columns.ts';
import { connectionStatusEnum, providerEnum } from './enums.ts';
import { organizations } from './organizations.ts';

export const connections = pgTable(
  'connections',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    provider: providerEnum('provider').notNull(),
    // QuickBooks realm id, Xero tenant id or HubSpot portal id: resolved once at connect time.
    externalAccountId: text('external_account_id').notNull(),
    displayName: text('display_name'),
    status: connectionStatusEnum('status').notNull().default('active'),
    // The OAuth token set, encrypted by core/crypto; `tokenKeyId` names the key so keys can rotate.
    tokenCiphertext: text('token_ciphertext'),
    tokenKeyId: text('token_key_id'),
    tokenExpiresAt: instant('token_expires_at'),
    lastError: jsonb('last_error').$type<Record<string, unknown>>(),
    mappingOverrides: jsonb('mapping_overrides').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('connections_org_provider_account_uq').on(t.organizationId, t.provider, t.externalAccountId),
    // Webhooks name the provider account only; this finds its connections.
    index('connections_provider_account_idx').on(t.provider, t.externalAccountId),
  ],
);

/** One cursor per (connection, entity): incremental sync resumes from here after every page. */
export const syncCursors = pgTable(
  'sync_cursors',
  {
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    entity: text('entity').notNull(),
    cursor: jsonb('cursor'),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.connectionId, t.entity] })],
);

/** Versioned mapping bodies per connection and entity; the highest version is the one in force. */
export const mappings = pgTable(
  'mappings',
  {
    id: id(),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    entity: text('entity').notNull(),
    version: integer('version').notNull(),
    body: jsonb('body').notNull(),
    createdBy: text('created_by'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('mappings_connection_entity_version_uq').on(t.connectionId, t.entity, t.version)],
);

/** Records a mapping could not read: kept with the reason so that a fixed mapping can replay them. */
export const rejectedRecords = pgTable(
  'rejected_records',
  {
    id: id(),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    entity: text('entity').notNull(),
    externalId: text('external_id').notNull(),
    reason: text('reason').notNull(),
    raw: jsonb('raw'),
    rejectedAt: instant('rejected_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('rejected_records_connection_entity_external_uq').on(t.connectionId, t.entity, t.externalId)],
);
