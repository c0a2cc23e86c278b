/** Invoices of an organization, paged by due date, filtered; one invoice with its allocations. */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { formatMinor } from '../../core/money.ts';
import { invoiceLinks } from '../../core/portal/invoice-links.ts';
import { allocations, connections, invoices } from '../../core/store/schema/index.ts';
import { customerScope, orgParams, requireOrg, visibleCustomers, type ApiScope } from './context.ts';
import { notFound } from './http-errors.ts';
import { decodeCursor, pageQuery, toPage } from './paging.ts';
import { defineRoute } from './route.ts';

const listQuery = z.object({
  ...pageQuery,
  status: z.enum(['open', 'paid', 'void', 'draft', 'written_off']).optional(),
  customerId: z.uuid().optional(),
  disputed: z.enum(['true', 'false']).optional(),
  dueBefore: z.iso.date().optional(),
});

type InvoiceRow = typeof invoices.$inferSelect;
function invoiceJson(i: InvoiceRow) {
  return {
    id: i.id, externalId: i.externalId, number: i.number, customerId: i.customerId, connectionId: i.connectionId,
    issueDate: i.issueDate, dueDate: i.dueDate, currency: i.currency, total: formatMinor(i.totalMinor, i.currency),
    balance: formatMinor(i.balanceMinor, i.currency), status: i.status, disputed: i.disputed,
  };
}

// Invoices with no due date sort last; the key must be total for keyset paging.
const dueKey = sql<string>`coalesce(${invoices.dueDate}, '9999-12-31')::text`;

export function invoiceRoutes(app: FastifyInstance, scope: ApiScope): void {
  const { db, registry } = scope;

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/invoices', summary: 'Invoices by due date, paged; filters status, customerId, disputed, dueBefore', tag: 'invoices', params: orgParams, query: listQuery }, async ({ principal, params, query }) => {
    const membership = requireOrg(principal, params.orgId, 'read', 'reading invoices');
    const visible = await visibleCustomers(db, principal, membership);
    const after = decodeCursor(query.cursor);
    const where: (SQL | undefined)[] = [
      eq(invoices.organizationId, params.orgId),
      customerScope(invoices.customerId, visible),
      query.status ? eq(invoices.status, query.status) : undefined,
      query.customerId ? eq(invoices.customerId, query.customerId) : undefined,
      query.disputed ? eq(invoices.disputed, query.disputed === 'true') : undefined,
      query.dueBefore ? sql`${invoices.dueDate} < ${query.dueBefore}::date` : undefined,
      after ? sql`(${dueKey}, ${invoices.id}) > (${after.key}, ${after.id}::uuid)` : undefined,
    ];
    const rows = await db.select({ row: invoices, key: dueKey }).from(invoices).where(and(...where)).orderBy(dueKey, invoices.id).limit(query.limit + 1);
    return toPage(rows, query.limit, (r) => [r.key, r.row.id], (r) => invoiceJson(r.row));
  });

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/invoices/:invoiceId', summary: 'One invoice with its allocations and payment link', tag: 'invoices', params: orgParams.extend({ invoiceId: z.uuid() }) }, async ({ principal, params }) => {
    const membership = requireOrg(principal, params.orgId, 'read', 'reading invoices');
    const visible = await visibleCustomers(db, principal, membership);
    const [found] = await db
      .select({ invoice: invoices, provider: connections.provider })
      .from(invoices)
      .innerJoin(connections, eq(connections.id, invoices.connectionId))
      .where(and(eq(invoices.id, params.invoiceId), eq(invoices.organizationId, params.orgId), customerScope(invoices.customerId, visible)));
    if (!found) throw notFound('invoice', 'invoiceId');
    const applied = await db.select().from(allocations).where(eq(allocations.invoiceId, found.invoice.id)).orderBy(allocations.date);
    return {
      ...invoiceJson(found.invoice),
      ...invoiceLinks(found.provider, found.invoice.raw, found.invoice.customFields, found.invoice.paymentUrl),
      allocations: applied.map((a) => ({ source: a.source, paymentId: a.paymentId, creditNoteId: a.creditNoteId, date: a.date, amount: formatMinor(a.amountMinor, a.currency), currency: a.currency })),
    };
  });
}
