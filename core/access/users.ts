/** Users: created with a password (hashed here) or without one (API keys only), found by email. */
import { and, eq, sql } from 'drizzle-orm';
import { Conflict, InvalidInput, NotFound } from '../errors.ts';
import { memberships, users } from '../store/schema/index.ts';
import type { Executor } from '../store/index.ts';
import { DEFAULT_SCRYPT, hashPassword, needsRehash, passwordProblem, verifyPassword, type ScryptParams } from './password.ts';
import type { Role } from './roles.ts';
import { revokeUserApiKeys, revokeUserSessions } from './sessions.ts';

export interface UserRecord {
  id: string;
  email: string;
  displayName: string | null;
  disabled: boolean;
  lastLoginAt: Date | null;
  createdAt: Date;
}

const PUBLIC_COLUMNS = {
  id: users.id,
  email: users.email,
  displayName: users.displayName,
  disabled: users.disabled,
  lastLoginAt: users.lastLoginAt,
  createdAt: users.createdAt,
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normalizeEmail(email: string): string {
  const e = email.trim().toLowerCase();
  if (!EMAIL.test(e) || e.length > 254) throw new InvalidInput(`email: "${email}" is not an email address`, { field: 'email' });
  return e;
}

export interface NewUser {
  email: string;
  displayName?: string | null;
  /** Null: the user cannot log in with a password (scripts with an API key). */
  password: string | null;
  /** Lower costs for tests only; production hashes use DEFAULT_SCRYPT. */
  scrypt?: ScryptParams;
}

/** Creates a user; an email already taken is a Conflict. */
export async function createUser(db: Executor, input: NewUser): Promise<UserRecord> {
  const email = normalizeEmail(input.email);
  if (input.password !== null) {
    const problem = passwordProblem(input.password);
    if (problem) throw new InvalidInput(`password: ${problem}`, { field: 'password' });
  }
  const passwordHash = input.password === null ? null : await hashPassword(input.password, input.scrypt ?? DEFAULT_SCRYPT);
  const [row] = await db
    .insert(users)
    .values({ email, displayName: input.displayName ?? null, passwordHash })
    .onConflictDoNothing({ target: users.email })
    .returning(PUBLIC_COLUMNS);
  if (!row) throw new Conflict(`email: a user with ${email} already exists`, { field: 'email' });
  return row;
}

export async function getUser(db: Executor, userId: string): Promise<UserRecord> {
  const [row] = await db.select(PUBLIC_COLUMNS).from(users).where(eq(users.id, userId));
  if (!row) throw new NotFound(`user ${userId} does not exist`, { field: 'userId' });
  return row;
}

export async function findUserByEmail(db: Executor, email: string): Promise<UserRecord | null> {
  const [row] = await db.select(PUBLIC_COLUMNS).from(users).where(eq(users.email, email.trim().toLowerCase()));
  return row ?? null;
}

/**
 * Checks an email and password. Returns the user, or null for an unknown email, a wrong password
 * or a disabled account alike (the caller must not tell them apart). Upgrades an old hash.
 */
export async function authenticate(db: Executor, email: string, password: string): Promise<UserRecord | null> {
  const [row] = await db
    .select({ ...PUBLIC_COLUMNS, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.email, email.trim().toLowerCase()));
  const ok = await verifyPassword(password, row?.passwordHash ?? null);
  if (!row || !ok || row.disabled) return null;
  const rehash = row.passwordHash && needsRehash(row.passwordHash) ? await hashPassword(password) : null;
  await db
    .update(users)
    .set({ lastLoginAt: sql`now()`, ...(rehash ? { passwordHash: rehash } : {}) })
    .where(eq(users.id, row.id));
  const { passwordHash: _hash, ...user } = row;
  return user;
}

/**
 * Sets a new password (validated, hashed) and ends the user's other sessions: whoever held one
 * with the old password is out. `keepSessionId`: the session that made the change stays.
 */
export async function setPassword(db: Executor, userId: string, password: string, scrypt?: ScryptParams, keepSessionId: string | null = null): Promise<void> {
  const problem = passwordProblem(password);
  if (problem) throw new InvalidInput(`password: ${problem}`, { field: 'password' });
  const hash = await hashPassword(password, scrypt ?? DEFAULT_SCRYPT);
  const updated = await db.update(users).set({ passwordHash: hash, updatedAt: sql`now()` }).where(eq(users.id, userId)).returning({ id: users.id });
  if (!updated[0]) throw new NotFound(`user ${userId} does not exist`, { field: 'userId' });
  await revokeUserSessions(db, userId, keepSessionId);
}

/** Disables (or enables again) a user; disabling ends every session and revokes every API key at once. */
export async function setUserDisabled(db: Executor, userId: string, disabled: boolean): Promise<UserRecord> {
  const [row] = await db.update(users).set({ disabled, updatedAt: sql`now()` }).where(eq(users.id, userId)).returning(PUBLIC_COLUMNS);
  if (!row) throw new NotFound(`user ${userId} does not exist`, { field: 'userId' });
  if (disabled) {
    await revokeUserSessions(db, userId);
    await revokeUserApiKeys(db, userId);
  }
  return row;
}

export interface MemberRecord extends UserRecord {
  role: Role;
  assignedOnly: boolean;
}

/** The members of an organization with their role, by email. */
export async function listMembers(db: Executor, organizationId: string): Promise<MemberRecord[]> {
  const rows = await db
    .select({ ...PUBLIC_COLUMNS, role: memberships.role, assignedOnly: memberships.assignedOnly })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.organizationId, organizationId)))
    .orderBy(users.email);
  return rows.map((r) => ({ ...r, role: r.role as Role }));
}
