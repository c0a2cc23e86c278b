/** Issuing, listing, revoking and opening portal links (a signed token over a stored row). */
import { and, desc, eq, gte, isNull, sql } from 'drizzle-orm';
import type { KeyRing } from '../crypto.ts';
import { InvalidInput, NotFound } from '../errors.ts';
import { customers, portalTokens } from '../store/schema/index.ts';
import type { Executor } from '../store/index.ts';
import { signPortalToken, verifyPortalToken, type TokenProblem } from './token.ts';

/** A reminder's link stays valid a while after the last reminder of a cycle: 60 days. */
export const DEFAULT_LINK_DAYS = 60;
const MAX_LINK_DAYS = 365;

export interface IssuedLink {
  id: string;
  token: string;
  /** `<publicUrl>/portal/<token>` when a public URL is known, else the path alone. */
  url: string;
  expiresAt: Date;
}

/** Makes a link to a customer's page; the customer must belong to the organization. */
export async function issuePortalLink(
  db: Executor,
  ring: KeyRing,
  input: { organizationId: string; customerId: string; createdBy: string; days?: number; publicUrl?: string | null; now?: Date },
): Promise<IssuedLink> {
  const days = input.days ?? DEFAULT_LINK_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > MAX_LINK_DAYS) throw new InvalidInput(`days: must be a whole number from 1 to ${MAX_LINK_DAYS}`, { field: 'days' });
  const [customer] = await db.select({ id: customers.id }).from(customers).where(and(eq(customers.id, input.customerId), eq(customers.organizationId, input.organizationId)));
  if (!customer) throw new NotFound(`customer ${input.customerId} not found`, { field: 'customerId' });
  // Whole seconds: the token carries the expiry in seconds, and the row must say the same instant.
  const expiresAt = new Date(Math.floor(((input.now ?? new Date()).getTime() + days * 86_400_000) / 1000) * 1000);
  const [row] = await db
    .insert(portalTokens)
    .values({ organizationId: input.organizationId, customerId: input.customerId, createdBy: input.createdBy, expiresAt })
    .returning({ id: portalTokens.id });
  return signedLink(ring, { id: row!.id, expiresAt }, input.publicUrl ?? null);
}

function signedLink(ring: KeyRing, row: { id: string; expiresAt: Date }, publicUrl: string | null): IssuedLink {
  const token = signPortalToken(ring, { tokenId: row.id, expiresAt: row.expiresAt });
  const path = `/portal/${token}`;
  return { id: row.id, token, url: publicUrl ? new URL(path, publicUrl).toString() : path, expiresAt: row.expiresAt };
}

/**
 * The customer's link that lasts longest, if it is not revoked and still valid at `validUntil`,
 * signed again (a token is a pure function of its row and the key); null when there is none.
 */
export async function liveLinkOf(
  db: Executor,
  ring: KeyRing,
  input: { organizationId: string; customerId: string; validUntil: Date; publicUrl?: string | null },
): Promise<IssuedLink | null> {
  const [row] = await db
    .select({ id: portalTokens.id, expiresAt: portalTokens.expiresAt })
    .from(portalTokens)
    .where(
      and(
        eq(portalTokens.organizationId, input.organizationId),
        eq(portalTokens.customerId, input.customerId),
        isNull(portalTokens.revokedAt),
        gte(portalTokens.expiresAt, input.validUntil),
      ),
    )
    .orderBy(desc(portalTokens.expiresAt))
    .limit(1);
  return row ? signedLink(ring, row, input.publicUrl ?? null) : null;
}

export async function listPortalLinks(db: Executor, organizationId: string, customerId: string) {
  return db
    .select({ id: portalTokens.id, createdBy: portalTokens.createdBy, createdAt: portalTokens.createdAt, expiresAt: portalTokens.expiresAt, revokedAt: portalTokens.revokedAt, lastUsedAt: portalTokens.lastUsedAt })
    .from(portalTokens)
    .where(and(eq(portalTokens.organizationId, organizationId), eq(portalTokens.customerId, customerId)))
    .orderBy(desc(portalTokens.createdAt));
}

/** Revokes a link (or every live link of the customer when `linkId` is null); returns how many. */
export async function revokePortalLinks(db: Executor, organizationId: string, customerId: string, linkId: string | null): Promise<number> {
  const rows = await db
    .update(portalTokens)
    .set({ revokedAt: sql`now()` })
    .where(
      and(
        eq(portalTokens.organizationId, organizationId),
        eq(portalTokens.customerId, customerId),
        isNull(portalTokens.revokedAt),
        linkId ? eq(portalTokens.id, linkId) : undefined,
      ),
    )
    .returning({ id: portalTokens.id });
  return rows.length;
}

export interface OpenedLink {
  tokenId: string;
  organizationId: string;
  customerId: string;
}

/** Opens a link: signature, expiry, then the stored row (revoked, or expired by an earlier date). */
export async function openPortalLink(db: Executor, ring: KeyRing, token: string, now: Date = new Date()): Promise<{ ok: true; link: OpenedLink } | { ok: false; problem: TokenProblem }> {
  const verified = verifyPortalToken(ring, token, now);
  if (!verified.ok) return verified;
  const [row] = await db.select().from(portalTokens).where(eq(portalTokens.id, verified.claims.tokenId));
  if (!row) return { ok: false, problem: 'revoked' };
  if (row.revokedAt) return { ok: false, problem: 'revoked' };
  if (row.expiresAt.getTime() <= now.getTime()) return { ok: false, problem: 'expired' };
  await db.update(portalTokens).set({ lastUsedAt: sql`now()` }).where(eq(portalTokens.id, row.id));
  return { ok: true, link: { tokenId: row.id, organizationId: row.organizationId, customerId: row.customerId } };
}
