/** Customers (paged, filtered, limited to a restricted member's own) and each one's timeline. */
import { and, asc, desc, eq, gt, ilike, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { formatMinor } from '../../core/money.ts';
import { activities, contacts, customers, invoices } from '../../core/store/schema/index.ts';
import { customerScope, orgParams, requireOrg, requireVisibleCustomer, visibleCustomers, type ApiScope } from './context.ts';
import { notFound } from './http-errors.ts';
import { decodeCursor, pageQuery, toPage } from './paging.ts';
import { defineRoute } from './route.ts';

export const customerParams = orgParams.extend({ customerId: z.uuid() });
const listQuery = z.object({
  ...pageQuery,
  q: z.string().trim().min(1).max(100).optional(),
  paused: z.enum(['true', 'false']).optional(),
  tag: z.string().max(100).optional(),
});
const timelineQuery = z.object({ ...pageQuery, kind: z.string().max(100).optional() });

const money = (minor: bigint | null, currency: string | null) => (minor === null || currency === null ? null : formatMinor(minor, currency));

type CustomerRow = typeof customers.$inferSelect;
function customerJson(c: CustomerRow) {
  return {
    id: c.id, externalId: c.externalId, connectionId: c.connectionId, name: c.name, email: c.email, phone: c.phone,
    currency: c.currency, balance: money(c.balanceMinor, c.currency), country: c.country, language: c.language,
    active: c.active, paused: c.paused, tags: c.tags,
  };
}

export function customerRoutes(app: FastifyInstance, scope: ApiScope): void {
  const { db, registry } = scope;

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/customers', summary: 'Customers by name, paged; filters q (name or email), paused, tag', tag: 'customers', params: orgParams, query: listQuery }, async ({ principal, params, query }) => {
    const membership = requireOrg(principal, params.orgId, 'read', 'reading customers');
    const visible = await visibleCustomers(db, principal, membership);
    const after = decodeCursor(query.cursor);
    const where: (SQL | undefined)[] = [
      eq(customers.organizationId, params.orgId),
      customerScope(customers.id, visible),
      query.q ? or(ilike(customers.name, `%${query.q}%`), ilike(customers.email, `%${query.q}%`)) : undefined,
      query.paused ? eq(customers.paused, query.paused === 'true') : undefined,
      query.tag ? sql`${query.tag} = ANY(${customers.tags})` : undefined,
      after ? or(gt(customers.name, after.key ?? ''), and(eq(customers.name, after.key ?? ''), gt(customers.id, after.id))) : undefined,
    ];
    const rows = await db.select().from(customers).where(and(...where)).orderBy(asc(customers.name), asc(customers.id)).limit(query.limit + 1);
    return toPage(rows, query.limit, (r) => [r.name, r.id], customerJson);
  });

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/customers/:customerId', summary: 'One customer with contacts and open balance', tag: 'customers', params: customerParams }, async ({ principal, params }) => {
    const membership = requireOrg(principal, params.orgId, 'read', 'reading customers');
    await requireVisibleCustomer(db, principal, membership, params.customerId);
    const [c] = await db.select().from(customers).where(and(eq(customers.id, params.customerId), eq(customers.organizationId, params.orgId)));
    if (!c) throw notFound('customer', 'customerId');
    const people = await db.select().from(contacts).where(eq(contacts.customerId, c.id)).orderBy(asc(contacts.name));
    const open = await db
      .select({ currency: invoices.currency, balance: sql<string>`sum(${invoices.balanceMinor})::text`, count: sql<number>`count(*)::int` })
      .from(invoices)
      .where(and(eq(invoices.customerId, c.id), eq(invoices.status, 'open')))
      .groupBy(invoices.currency)
      .orderBy(invoices.currency);
    return {
      ...customerJson(c),
      contacts: people.map((p) => ({ id: p.id, name: p.name, email: p.email, phone: p.phone, language: p.language, role: p.role })),
      open: open.map((o) => ({ currency: o.currency, balance: formatMinor(BigInt(o.balance), o.currency), invoices: o.count })),
    };
  });

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/customers/:customerId/timeline', summary: "The customer's timeline, newest first; filter kind (prefix)", tag: 'customers', params: customerParams, query: timelineQuery }, async ({ principal, params, query }) => {
    const membership = requireOrg(principal, params.orgId, 'read', 'reading customers');
    await requireVisibleCustomer(db, principal, membership, params.customerId);
    const [c] = await db.select({ id: customers.id }).from(customers).where(and(eq(customers.id, params.customerId), eq(customers.organizationId, params.orgId)));
    if (!c) throw notFound('customer', 'customerId');
    const after = decodeCursor(query.cursor);
    // The cursor keeps occurred_at as PostgreSQL prints it: microseconds, which a JS Date would drop.
    const afterAt = after?.key ? sql`${after.key}::timestamptz` : null;
    const rows = await db
      .select({ row: activities, at: sql<string>`${activities.occurredAt}::text` })
      .from(activities)
      .where(
        and(
          eq(activities.customerId, c.id),
          query.kind ? sql`${activities.kind} LIKE ${query.kind.replace(/[%_\\]/g, '\\$&') + '%'}` : undefined,
          after && afterAt ? sql`(${activities.occurredAt}, ${activities.id}) < (${afterAt}, ${after.id}::uuid)` : undefined,
        ),
      )
      .orderBy(desc(activities.occurredAt), desc(activities.id))
      .limit(query.limit + 1);
    return toPage(rows, query.limit, (r) => [r.at, r.row.id], ({ row: r }) => ({
      id: r.id, kind: r.kind, actor: r.actor, invoiceId: r.invoiceId, payload: r.payload, occurredAt: r.occurredAt.toISOString(),
    }));
  });
}
