/** Organizations the caller belongs to, their settings and branding, and groups of them. */
import { eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { actorOf, grantMembership, recordAudit } from '../../core/access/index.ts';
import { groupMemberships, groups, organizationBranding, organizations } from '../../core/store/schema/index.ts';
import { orgParams, requireOrg, type ApiScope } from './context.ts';
import { forbidden, notFound } from './http-errors.ts';
import { defineRoute } from './route.ts';
import type { FastifyInstance } from 'fastify';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM');
const settingsShape = z.object({
  name: z.string().trim().min(1).max(200),
  baseCurrency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code'),
  country: z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 code'),
  locale: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'expected a locale such as fr or en-GB').default('en'),
  timezone: z.string().refine((tz) => Intl.supportedValuesOf('timeZone').includes(tz) || tz === 'UTC', 'unknown time zone').default('UTC'),
  businessDaysOnly: z.boolean().default(false),
  sendingHours: z.object({ from: hhmm, to: hhmm, days: z.array(z.number().int().min(1).max(7)).min(1) }).optional(),
});
const patchShape = settingsShape.omit({ baseCurrency: true }).partial().strict();
const brandingShape = z.object({
  logoUrl: z.url({ protocol: /^https?$/ }).max(2000).nullable(),
  primaryColor: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'expected #RRGGBB'),
});
const groupShape = z.object({ name: z.string().trim().min(1).max(200), organizationIds: z.array(z.uuid()).min(1).max(100) });

type OrgRow = typeof organizations.$inferSelect;
function toJson(o: OrgRow) {
  return {
    id: o.id, name: o.name, baseCurrency: o.baseCurrency, country: o.country, locale: o.locale, timezone: o.timezone,
    businessDaysOnly: o.businessDaysOnly, sendingHours: o.sendingHours, createdAt: o.createdAt.toISOString(),
  };
}

export function organizationRoutes(app: FastifyInstance, scope: ApiScope): void {
  const { db, registry } = scope;

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations', summary: 'Organizations the caller belongs to, with their role', tag: 'organizations' }, async ({ principal }) => {
    const ids = principal.memberships.map((m) => m.organizationId);
    const rows = ids.length ? await db.select().from(organizations).where(inArray(organizations.id, ids)).orderBy(organizations.name) : [];
    const roleOf = new Map(principal.memberships.map((m) => [m.organizationId, m.role]));
    return { items: rows.map((o) => ({ ...toJson(o), role: roleOf.get(o.id) })) };
  });

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations', summary: 'Create an organization (the caller becomes its admin)', tag: 'organizations', body: settingsShape, status: 201 }, async ({ principal, body }) => {
    // Only someone who already administers an organization may add one: a viewer cannot grow the tenant.
    if (!principal.memberships.some((m) => m.role === 'admin')) throw forbidden('creating organizations');
    return db.transaction(async (tx) => {
      const [org] = await tx.insert(organizations).values(body).returning();
      await grantMembership(tx, { userId: principal.userId, organizationId: org!.id, role: 'admin' });
      await recordAudit(tx, { organizationId: org!.id, actor: actorOf(principal), kind: 'audit.organization.create', payload: { name: org!.name } });
      return toJson(org!);
    });
  });

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId', summary: 'One organization', tag: 'organizations', params: orgParams }, async ({ principal, params }) => {
    requireOrg(principal, params.orgId, 'read', 'reading this organization');
    const [org] = await db.select().from(organizations).where(eq(organizations.id, params.orgId));
    if (!org) throw notFound('organization', 'orgId');
    const [branding] = await db.select().from(organizationBranding).where(eq(organizationBranding.organizationId, params.orgId));
    return { ...toJson(org), branding: { logoUrl: branding?.logoUrl ?? null, primaryColor: branding?.primaryColor ?? '#1f4e79' } };
  });

  defineRoute(app, registry, { method: 'PATCH', url: '/api/organizations/:orgId', summary: "Change an organization's settings", tag: 'organizations', params: orgParams, body: patchShape }, async ({ principal, params, body }) => {
    requireOrg(principal, params.orgId, 'administer', 'changing organization settings');
    return db.transaction(async (tx) => {
      const [org] = await tx.update(organizations).set({ ...body, updatedAt: new Date() }).where(eq(organizations.id, params.orgId)).returning();
      await recordAudit(tx, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.organization.update', payload: { changes: body } });
      return toJson(org!);
    });
  });

  defineRoute(app, registry, { method: 'PUT', url: '/api/organizations/:orgId/branding', summary: 'Logo and colour shown on the customer portal', tag: 'organizations', params: orgParams, body: brandingShape }, async ({ principal, params, body }) => {
    requireOrg(principal, params.orgId, 'administer', 'changing the branding');
    await db.transaction(async (tx) => {
      await tx
        .insert(organizationBranding)
        .values({ organizationId: params.orgId, ...body })
        .onConflictDoUpdate({ target: organizationBranding.organizationId, set: { ...body, updatedAt: new Date() } });
      await recordAudit(tx, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.branding.update', payload: body });
    });
    return body;
  });

  defineRoute(app, registry, { method: 'GET', url: '/api/groups', summary: 'Groups holding organizations the caller belongs to (only those members shown)', tag: 'organizations' }, async ({ principal }) => {
    const mine = principal.memberships.map((m) => m.organizationId);
    if (!mine.length) return { items: [] };
    const rows = await db
      .select({ id: groups.id, name: groups.name, organizationId: groupMemberships.organizationId })
      .from(groupMemberships)
      .innerJoin(groups, eq(groups.id, groupMemberships.groupId))
      .where(inArray(groupMemberships.organizationId, mine))
      .orderBy(groups.name);
    const byGroup = new Map<string, { id: string; name: string; organizationIds: string[] }>();
    for (const r of rows) (byGroup.get(r.id) ?? byGroup.set(r.id, { id: r.id, name: r.name, organizationIds: [] }).get(r.id)!).organizationIds.push(r.organizationId);
    return { items: [...byGroup.values()] };
  });

  defineRoute(app, registry, { method: 'POST', url: '/api/groups', summary: 'Create a group of organizations the caller administers', tag: 'organizations', body: groupShape, status: 201 }, async ({ principal, body }) => {
    for (const id of body.organizationIds) requireOrg(principal, id, 'administer', 'grouping this organization');
    return db.transaction(async (tx) => {
      const [group] = await tx.insert(groups).values({ name: body.name }).returning();
      await tx.insert(groupMemberships).values(body.organizationIds.map((organizationId) => ({ groupId: group!.id, organizationId })));
      for (const organizationId of body.organizationIds) {
        await recordAudit(tx, { organizationId, actor: actorOf(principal), kind: 'audit.group.create', payload: { groupId: group!.id, name: body.name } });
      }
      return { id: group!.id, name: group!.name, organizationIds: body.organizationIds };
    });
  });
}
