/** Who works in an organization: members and their roles, and the customers assigned to them. */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import {
  actorOf, assignCustomers, assignedCustomerIds, createUser, findUserByEmail, grantMembership, listMembers, recordAudit,
  revokeMembership, ROLES, unassignCustomer,
} from '../../core/access/index.ts';
import { orgParams, requireOrg, type ApiScope } from './context.ts';
import { HttpError, notFound } from './http-errors.ts';
import { defineRoute } from './route.ts';

const memberParams = orgParams.extend({ userId: z.uuid() });
const memberBody = z.object({
  email: z.email().max(254),
  role: z.enum(ROLES),
  assignedOnly: z.boolean().default(false),
  displayName: z.string().trim().min(1).max(200).optional(),
});
const roleBody = z.object({ role: z.enum(ROLES), assignedOnly: z.boolean().default(false) });
const assignBody = z.object({ customerIds: z.array(z.uuid()).min(1).max(500) });

export function memberRoutes(app: FastifyInstance, scope: ApiScope): void {
  const { db, registry } = scope;

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/members', summary: 'Members and their roles', tag: 'access', params: orgParams }, async ({ principal, params }) => {
    requireOrg(principal, params.orgId, 'read', 'listing members');
    const members = await listMembers(db, params.orgId);
    return {
      items: members.map((m) => ({ id: m.id, email: m.email, displayName: m.displayName, role: m.role, assignedOnly: m.assignedOnly, disabled: m.disabled, lastLoginAt: m.lastLoginAt?.toISOString() ?? null })),
    };
  });

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations/:orgId/members', summary: 'Add a member by email (creates a user with no password when new)', tag: 'access', params: orgParams, body: memberBody, status: 201 }, async ({ principal, params, body }) => {
    requireOrg(principal, params.orgId, 'administer', 'adding members');
    return db.transaction(async (tx) => {
      // No password here: the person sets one out of band (`relance user add` or a later invite flow).
      const user = (await findUserByEmail(tx, body.email)) ?? (await createUser(tx, { email: body.email, displayName: body.displayName ?? null, password: null }));
      const m = await grantMembership(tx, { userId: user.id, organizationId: params.orgId, role: body.role, assignedOnly: body.assignedOnly });
      await recordAudit(tx, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.membership.grant', payload: { userId: user.id, role: m.role, assignedOnly: m.assignedOnly } });
      return { id: user.id, email: user.email, role: m.role, assignedOnly: m.assignedOnly };
    });
  });

  defineRoute(app, registry, { method: 'PUT', url: '/api/organizations/:orgId/members/:userId', summary: "Change a member's role", tag: 'access', params: memberParams, body: roleBody }, async ({ principal, params, body }) => {
    requireOrg(principal, params.orgId, 'administer', 'changing roles');
    const members = await listMembers(db, params.orgId);
    if (!members.some((m) => m.id === params.userId)) throw notFound('member', 'userId');
    if (params.userId === principal.userId && body.role !== 'admin') {
      throw new HttpError(409, 'conflict', 'role: an admin cannot demote themselves (ask another admin)', 'role');
    }
    return db.transaction(async (tx) => {
      const m = await grantMembership(tx, { userId: params.userId, organizationId: params.orgId, role: body.role, assignedOnly: body.assignedOnly });
      await recordAudit(tx, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.membership.grant', payload: { userId: params.userId, role: m.role, assignedOnly: m.assignedOnly } });
      return { id: params.userId, role: m.role, assignedOnly: m.assignedOnly };
    });
  });

  defineRoute(app, registry, { method: 'DELETE', url: '/api/organizations/:orgId/members/:userId', summary: 'Remove a member', tag: 'access', params: memberParams, status: 204 }, async ({ principal, params }) => {
    requireOrg(principal, params.orgId, 'administer', 'removing members');
    if (params.userId === principal.userId) throw new HttpError(409, 'conflict', 'userId: an admin cannot remove themselves', 'userId');
    await db.transaction(async (tx) => {
      await revokeMembership(tx, params.userId, params.orgId);
      await recordAudit(tx, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.membership.revoke', payload: { userId: params.userId } });
    });
  });

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/members/:userId/customers', summary: 'Customers assigned to a member', tag: 'access', params: memberParams }, async ({ principal, params }) => {
    const own = params.userId === principal.userId;
    requireOrg(principal, params.orgId, own ? 'read' : 'administer', "reading another member's assignments");
    return { customerIds: await assignedCustomerIds(db, params.orgId, params.userId) };
  });

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations/:orgId/members/:userId/customers', summary: 'Assign customers to a member', tag: 'access', params: memberParams, body: assignBody }, async ({ principal, params, body }) => {
    requireOrg(principal, params.orgId, 'administer', 'assigning customers');
    const members = await listMembers(db, params.orgId);
    if (!members.some((m) => m.id === params.userId)) throw notFound('member', 'userId');
    await db.transaction(async (tx) => {
      await assignCustomers(tx, params.orgId, params.userId, body.customerIds);
      await recordAudit(tx, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.assignment.add', payload: { userId: params.userId, customerIds: body.customerIds } });
    });
    return { customerIds: await assignedCustomerIds(db, params.orgId, params.userId) };
  });

  defineRoute(app, registry, { method: 'DELETE', url: '/api/organizations/:orgId/members/:userId/customers/:customerId', summary: 'Unassign a customer', tag: 'access', params: memberParams.extend({ customerId: z.uuid() }), status: 204 }, async ({ principal, params }) => {
    requireOrg(principal, params.orgId, 'administer', 'assigning customers');
    const assigned = await assignedCustomerIds(db, params.orgId, params.userId);
    if (!assigned.includes(params.customerId)) throw notFound('assignment', 'customerId');
    await db.transaction(async (tx) => {
      await unassignCustomer(tx, params.userId, params.customerId);
      await recordAudit(tx, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.assignment.remove', customerId: params.customerId, payload: { userId: params.userId } });
    });
  });
}
