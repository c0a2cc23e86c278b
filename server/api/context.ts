/**
 * What every admin API route needs: the store, the key ring, the public URL, and the checks that
 * turn "who is calling" into "may they touch this organization and this customer".
 */
import { and, eq, inArray, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type pg from 'pg';
import { z } from 'zod';
import { assignedCustomerIds, membershipIn, roleAllows, type Membership, type Permission, type Principal } from '../../core/access/index.ts';
import type { KeyRing } from '../../core/crypto.ts';
import type { Logger } from '../../core/logging.ts';
import type { Db } from '../../core/store/index.ts';
import { forbidden, notFound } from './http-errors.ts';
import type { RouteRegistry } from './route.ts';

export interface ApiDeps {
  db: Db;
  /** The pool under `db`, for core functions written on plain `pg`. */
  pool: pg.Pool;
  logger: Logger;
  /** Signs portal links; without it, portal links cannot be made. */
  keys: KeyRing | null;
  publicUrl: string | null;
  /** Queues `sync.pull` (jobs/sync.ts); null when no scheduler runs in this process. */
  enqueueSync: ((data: { connectionId: string; full: boolean }) => Promise<void>) | null;
  /** The message channels this installation sends through ("email", "sms", "letter"); null or absent: unknown, not checked. */
  channels?: readonly string[] | null;
}

export interface ApiScope extends ApiDeps {
  registry: RouteRegistry;
}

export const orgParams = z.object({ orgId: z.uuid() });

/**
 * The caller's membership in `organizationId`, or 404 when they have none (an organization they
 * do not belong to does not exist for them), or 403 when their role lacks the permission.
 */
export function requireOrg(principal: Principal, organizationId: string, permission: Permission, what: string): Membership {
  const membership = membershipIn(principal, organizationId);
  if (!membership) throw notFound('organization', 'orgId');
  if (!roleAllows(membership.role, permission)) throw forbidden(what);
  return membership;
}

/** The customers a member may see: null for all, else the assigned ones. */
export async function visibleCustomers(db: Db, principal: Principal, membership: Membership): Promise<string[] | null> {
  if (!membership.assignedOnly) return null;
  return assignedCustomerIds(db, membership.organizationId, principal.userId);
}

/** A condition limiting `column` (a customer id column) to the visible customers, or undefined. */
export function customerScope(column: PgColumn, visible: string[] | null): SQL | undefined {
  if (visible === null) return undefined;
  // No assigned customer: match nothing (IN () is not valid SQL).
  return visible.length ? inArray(column, visible) : eq(column, '00000000-0000-0000-0000-000000000000');
}

/** 404 unless the customer is visible to the member (assigned, when they see only theirs). */
export async function requireVisibleCustomer(db: Db, principal: Principal, membership: Membership, customerId: string): Promise<void> {
  const visible = await visibleCustomers(db, principal, membership);
  if (visible !== null && !visible.includes(customerId)) throw notFound('customer', 'customerId');
}

export { and, eq };
