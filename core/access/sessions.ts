/**
 * Console sessions and API keys: the client holds a random secret, the store its SHA-256. Either
 * resolves to a Principal (the user and their memberships) or to null, never to an error that
 * tells an expired secret from an unknown one.
 */
import { and, eq, gt, isNull, ne, or, sql } from 'drizzle-orm';
import { NotFound } from '../errors.ts';
import { apiKeys, sessions, users } from '../store/schema/index.ts';
import type { Executor } from '../store/index.ts';
import { loadMemberships } from './memberships.ts';
import type { Principal } from './roles.ts';
import { randomSecret, sha256Hex } from './secret-token.ts';

/** A console session lasts a working day; the user logs in again the next morning. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
// Writing last_seen_at on every request would be a write per read; once a minute is enough.
const TOUCH_INTERVAL_MS = 60_000;

export interface NewSession {
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

export async function createSession(
  db: Executor,
  input: { userId: string; ip?: string | null; userAgent?: string | null; ttlMs?: number },
): Promise<NewSession> {
  const token = randomSecret();
  const csrfToken = randomSecret();
  const expiresAt = new Date(Date.now() + (input.ttlMs ?? SESSION_TTL_MS));
  await db.insert(sessions).values({
    userId: input.userId,
    tokenHash: sha256Hex(token),
    csrfToken,
    ip: input.ip ?? null,
    userAgent: input.userAgent?.slice(0, 300) ?? null,
    expiresAt,
  });
  return { token, csrfToken, expiresAt };
}

/** The principal of a live session token, or null. */
export async function resolveSession(db: Executor, token: string): Promise<Principal | null> {
  const [row] = await db
    .select({ id: sessions.id, userId: users.id, email: users.email, csrfToken: sessions.csrfToken, lastSeenAt: sessions.lastSeenAt })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, sha256Hex(token)), isNull(sessions.revokedAt), gt(sessions.expiresAt, sql`now()`), eq(users.disabled, false)));
  if (!row) return null;
  if (Date.now() - row.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await db.update(sessions).set({ lastSeenAt: sql`now()` }).where(eq(sessions.id, row.id));
  }
  const memberships = await loadMemberships(db, row.userId);
  return { userId: row.userId, email: row.email, via: 'session', csrfToken: row.csrfToken, sessionId: row.id, memberships };
}

export async function revokeSession(db: Executor, sessionId: string): Promise<void> {
  await db.update(sessions).set({ revokedAt: sql`now()` }).where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
}

/** Ends every session of a user (password change, account disabled), but `keep` (the session that changed the password). */
export async function revokeUserSessions(db: Executor, userId: string, keep: string | null = null): Promise<void> {
  await db
    .update(sessions)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), keep ? ne(sessions.id, keep) : undefined));
}

/** Revokes every API key of a user (account disabled). */
export async function revokeUserApiKeys(db: Executor, userId: string): Promise<void> {
  await db.update(apiKeys).set({ revokedAt: sql`now()` }).where(and(eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt)));
}

const API_KEY_PREFIX = 'rlk_';

export interface NewApiKey {
  id: string;
  /** Shown once; only its hash is kept. */
  key: string;
  prefix: string;
}

/**
 * Makes an API key acting as `userId`: with that user's memberships, or only the one of
 * `organizationId` (a scoped key), and only for reading when `readOnly`.
 */
export async function createApiKey(
  db: Executor,
  input: { userId: string; name: string; expiresAt?: Date | null; organizationId?: string | null; readOnly?: boolean },
): Promise<NewApiKey> {
  const key = API_KEY_PREFIX + randomSecret();
  const prefix = key.slice(0, API_KEY_PREFIX.length + 6);
  const [row] = await db
    .insert(apiKeys)
    .values({
      userId: input.userId, name: input.name, prefix, keyHash: sha256Hex(key), expiresAt: input.expiresAt ?? null,
      organizationId: input.organizationId ?? null, readOnly: input.readOnly ?? false,
    })
    .returning({ id: apiKeys.id });
  return { id: row!.id, key, prefix };
}

export async function resolveApiKey(db: Executor, key: string): Promise<Principal | null> {
  if (!key.startsWith(API_KEY_PREFIX)) return null;
  const [row] = await db
    .select({ id: apiKeys.id, userId: users.id, email: users.email, organizationId: apiKeys.organizationId, readOnly: apiKeys.readOnly })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(
      and(
        eq(apiKeys.keyHash, sha256Hex(key)),
        isNull(apiKeys.revokedAt),
        or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, sql`now()`)),
        eq(users.disabled, false),
      ),
    );
  if (!row) return null;
  await db.update(apiKeys).set({ lastUsedAt: sql`now()` }).where(eq(apiKeys.id, row.id));
  const all = await loadMemberships(db, row.userId);
  // A scoped key sees one organization; a read-only one reads only (roles.ts: readOnly principals).
  const memberships = row.organizationId ? all.filter((m) => m.organizationId === row.organizationId) : all;
  return { userId: row.userId, email: row.email, via: 'api_key', csrfToken: null, sessionId: null, memberships, readOnly: row.readOnly };
}

export async function listApiKeys(db: Executor, userId: string) {
  return db
    .select({
      id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix, organizationId: apiKeys.organizationId, readOnly: apiKeys.readOnly,
      createdAt: apiKeys.createdAt, lastUsedAt: apiKeys.lastUsedAt, expiresAt: apiKeys.expiresAt, revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .where(eq(apiKeys.userId, userId))
    .orderBy(apiKeys.createdAt);
}

/** Revokes one of the user's own keys. */
export async function revokeApiKey(db: Executor, userId: string, keyId: string): Promise<void> {
  const done = await db
    .update(apiKeys)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  if (!done[0]) throw new NotFound(`API key ${keyId} does not exist`, { field: 'keyId' });
}
