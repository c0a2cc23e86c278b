/**
 * Who may use the admin API and what the customer portal lets in: users, their memberships (a role
 * per organization), sessions, API keys, the customers a restricted collector works.
 * Secrets are never stored: only their hashes.
 */
import { sql } from 'drizzle-orm';
import { boolean, check, index, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, instant, updatedAt } from './columns.ts';
import { customers } from './customers.ts';
import { organizations } from './organizations.ts';

export const users = pgTable(
  'users',
  {
    id: id(),
    // Stored lower-cased: one account per address however it is typed.
    email: text('email').notNull(),
    displayName: text('display_name'),
    // "scrypt$N$r$p$salt$hash" (core/access/password.ts); null: no password login (API keys only).
    passwordHash: text('password_hash'),
    disabled: boolean('disabled').notNull().default(false),
    lastLoginAt: instant('last_login_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('users_email_uq').on(t.email), check('users_email_lower', sql`${t.email} = lower(${t.email})`)],
);

/**
 * A user's role in one organization. `assignedOnly`: a collector or account manager who sees only
 * the customers assigned to them (customer_assignments).
 */
export const memberships = pgTable(
  'memberships',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    role: text('role').notNull(),
    assignedOnly: boolean('assigned_only').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.organizationId] }),
    index('memberships_organization_idx').on(t.organizationId),
    check('memberships_role', sql`${t.role} IN ('admin', 'collector', 'viewer')`),
  ],
);

export const customerAssignments = pgTable(
  'customer_assignments',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.customerId] }), index('customer_assignments_customer_idx').on(t.customerId)],
);

/** A console session; the cookie holds the token, the row only its SHA-256. */
export const sessions = pgTable(
  'sessions',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    // The synchronizer CSRF token of this session: writes with the cookie must echo it in a header.
    csrfToken: text('csrf_token').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    expiresAt: instant('expires_at').notNull(),
    lastSeenAt: instant('last_seen_at').notNull().defaultNow(),
    revokedAt: instant('revoked_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('sessions_token_hash_uq').on(t.tokenHash), index('sessions_user_idx').on(t.userId)],
);

/** An API key acts as its user; the key is shown once, the row keeps its prefix and SHA-256. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull(),
    // Scope (migration 0010): null = every organization of the user; set = that one only.
    organizationId: uuid('organization_id').references(() => organizations.id, { onDelete: 'cascade' }),
    /** A read-only key may only read (GET), whatever the user's role. */
    readOnly: boolean('read_only').notNull().default(false),
    expiresAt: instant('expires_at'),
    lastUsedAt: instant('last_used_at'),
    revokedAt: instant('revoked_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('api_keys_key_hash_uq').on(t.keyHash), index('api_keys_user_idx').on(t.userId)],
);
