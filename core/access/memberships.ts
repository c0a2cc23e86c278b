/** Roles per organization, and the customers assigned to a restricted collector. */
import { and, eq, inArray } from 'drizzle-orm';
import { InvalidInput, NotFound } from '../errors.ts';
import { customerAssignments, customers, memberships } from '../store/schema/index.ts';
import type { Executor } from '../store/index.ts';
import { ROLES, type Membership, type Role } from './roles.ts';

export function parseRole(value: string): Role {
  if (!(ROLES as readonly string[]).includes(value)) {
    throw new InvalidInput(`role: "${value}" is not one of ${ROLES.join(', ')}`, { field: 'role' });
  }
  return value as Role;
}

/** Gives a user a role in an organization, or changes it. */
export async function grantMembership(
  db: Executor,
  input: { userId: string; organizationId: string; role: Role; assignedOnly?: boolean },
): Promise<Membership> {
  const values = { userId: input.userId, organizationId: input.organizationId, role: input.role, assignedOnly: input.assignedOnly ?? false };
  await db
    .insert(memberships)
    .values(values)
    .onConflictDoUpdate({ target: [memberships.userId, memberships.organizationId], set: { role: values.role, assignedOnly: values.assignedOnly } });
  return { organizationId: values.organizationId, role: values.role, assignedOnly: values.assignedOnly };
}

/** Removes a user from an organization; their assignments there go with it. */
export async function revokeMembership(db: Executor, userId: string, organizationId: string): Promise<void> {
  const removed = await db
    .delete(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.organizationId, organizationId)))
    .returning({ userId: memberships.userId });
  if (!removed[0]) throw new NotFound(`user ${userId} is not a member of this organization`, { field: 'userId' });
  const orgCustomers = db.select({ id: customers.id }).from(customers).where(eq(customers.organizationId, organizationId));
  await db.delete(customerAssignments).where(and(eq(customerAssignments.userId, userId), inArray(customerAssignments.customerId, orgCustomers)));
}

export async function loadMemberships(db: Executor, userId: string): Promise<Membership[]> {
  const rows = await db
    .select({ organizationId: memberships.organizationId, role: memberships.role, assignedOnly: memberships.assignedOnly })
    .from(memberships)
    .where(eq(memberships.userId, userId));
  return rows.map((r) => ({ ...r, role: r.role as Role }));
}

/** Assigns customers to a member (idempotent). Every customer must belong to the organization. */
export async function assignCustomers(db: Executor, organizationId: string, userId: string, customerIds: string[]): Promise<void> {
  if (customerIds.length === 0) return;
  const found = await db
    .select({ id: customers.id })
    .from(customers)
    .where(and(eq(customers.organizationId, organizationId), inArray(customers.id, customerIds)));
  const known = new Set(found.map((r) => r.id));
  const missing = customerIds.find((id) => !known.has(id));
  if (missing) throw new NotFound(`customer ${missing} does not exist`, { field: 'customerIds' });
  await db
    .insert(customerAssignments)
    .values(customerIds.map((customerId) => ({ userId, customerId })))
    .onConflictDoNothing();
}

export async function unassignCustomer(db: Executor, userId: string, customerId: string): Promise<void> {
  await db.delete(customerAssignments).where(and(eq(customerAssignments.userId, userId), eq(customerAssignments.customerId, customerId)));
}

/** The ids of the customers of an organization assigned to a user. */
export async function assignedCustomerIds(db: Executor, organizationId: string, userId: string): Promise<string[]> {
  const rows = await db
    .select({ id: customerAssignments.customerId })
    .from(customerAssignments)
    .innerJoin(customers, eq(customers.id, customerAssignments.customerId))
    .where(and(eq(customerAssignments.userId, userId), eq(customers.organizationId, organizationId)));
  return rows.map((r) => r.id);
}
