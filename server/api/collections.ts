/**
 * What collectors record: disputes (core/disputes) and promises to pay and payment plans
 * (core/promises). The cores write the timeline and the write-back in the same transaction; the
 * route adds the audit row (who) and keeps the organization and assignment boundaries.
 */
import { and, desc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { actorOf, recordAudit } from '../../core/access/index.ts';
import { closeDispute, openDispute } from '../../core/disputes/index.ts';
import { formatMinor } from '../../core/money.ts';
import { createPaymentPlan, recordPromise } from '../../core/promises/index.ts';
import { disputeInvoices, disputes, invoices, promisesToPay } from '../../core/store/schema/index.ts';
import { customerScope, orgParams, requireOrg, requireVisibleCustomer, visibleCustomers, type ApiScope } from './context.ts';
import { customerParams } from './customers.ts';
import { notFound } from './http-errors.ts';
import { defineRoute } from './route.ts';

const decimal = z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal string such as "1250.00"');
const currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code');
const disputeBody = z.object({ invoiceIds: z.array(z.uuid()).min(1).max(100), reason: z.string().trim().min(1).max(2000), owner: z.string().trim().min(1).max(200).optional() });
const closeBody = z.object({ outcome: z.enum(['resolved', 'rejected']), resolution: z.string().trim().min(1).max(2000) });
const disputeQuery = z.object({ status: z.enum(['open', 'resolved', 'rejected']).optional(), customerId: z.uuid().optional() });
const promiseBody = z.object({ amount: decimal, currency: currency.optional(), date: z.iso.date(), note: z.string().max(2000).optional() });
const planBody = z.object({ currency: currency.optional(), installments: z.array(z.object({ date: z.iso.date(), amount: decimal })).min(1).max(120), note: z.string().max(2000).optional() });

export function collectionRoutes(app: FastifyInstance, scope: ApiScope): void {
  const { db, registry } = scope;

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/disputes', summary: 'Disputes, newest first; filters status, customerId', tag: 'disputes', params: orgParams, query: disputeQuery }, async ({ principal, params, query }) => {
    const membership = requireOrg(principal, params.orgId, 'read', 'reading disputes');
    const visible = await visibleCustomers(db, principal, membership);
    const rows = await db
      .select()
      .from(disputes)
      .where(and(eq(disputes.organizationId, params.orgId), customerScope(disputes.customerId, visible), query.status ? eq(disputes.status, query.status) : undefined, query.customerId ? eq(disputes.customerId, query.customerId) : undefined))
      .orderBy(desc(disputes.openedAt))
      .limit(500);
    const links = rows.length ? await db.select().from(disputeInvoices).where(inArray(disputeInvoices.disputeId, rows.map((r) => r.id))) : [];
    return {
      items: rows.map((d) => ({
        id: d.id, customerId: d.customerId, reason: d.reason, status: d.status, owner: d.owner, openedVia: d.openedVia, resolution: d.resolution,
        openedAt: d.openedAt.toISOString(), resolvedAt: d.resolvedAt?.toISOString() ?? null,
        invoiceIds: links.filter((l) => l.disputeId === d.id).map((l) => l.invoiceId),
      })),
    };
  });

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations/:orgId/disputes', summary: 'Open a dispute on invoices of one customer', tag: 'disputes', params: orgParams, body: disputeBody, status: 201 }, async ({ principal, params, body }) => {
    const membership = requireOrg(principal, params.orgId, 'collect', 'opening disputes');
    const visible = await visibleCustomers(db, principal, membership);
    const seen = await db.select({ id: invoices.id }).from(invoices).where(and(eq(invoices.organizationId, params.orgId), inArray(invoices.id, body.invoiceIds), customerScope(invoices.customerId, visible)));
    if (seen.length !== new Set(body.invoiceIds).size) throw notFound('invoice', 'invoiceIds');
    return db.transaction(async (tx) => {
      const opened = await openDispute(tx, { organizationId: params.orgId, invoiceIds: body.invoiceIds, reason: body.reason, owner: body.owner ?? principal.email, openedVia: 'admin' });
      await recordAudit(tx, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.dispute.open', payload: { disputeId: opened.id, invoiceIds: body.invoiceIds } });
      return opened;
    });
  });

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations/:orgId/disputes/:disputeId/close', summary: 'Resolve or reject a dispute', tag: 'disputes', params: orgParams.extend({ disputeId: z.uuid() }), body: closeBody }, async ({ principal, params, body }) => {
    const membership = requireOrg(principal, params.orgId, 'collect', 'closing disputes');
    const visible = await visibleCustomers(db, principal, membership);
    const [d] = await db.select({ id: disputes.id, customerId: disputes.customerId }).from(disputes).where(and(eq(disputes.id, params.disputeId), eq(disputes.organizationId, params.orgId), customerScope(disputes.customerId, visible)));
    if (!d) throw notFound('dispute', 'disputeId');
    await db.transaction(async (tx) => {
      await closeDispute(tx, d.id, body.outcome, body.resolution);
      await recordAudit(tx, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.dispute.close', customerId: d.customerId, payload: { disputeId: d.id, outcome: body.outcome } });
    });
    return { id: d.id, status: body.outcome };
  });

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/customers/:customerId/promises', summary: "A customer's promises to pay", tag: 'promises', params: customerParams }, async ({ principal, params }) => {
    const membership = requireOrg(principal, params.orgId, 'read', 'reading promises');
    await requireVisibleCustomer(db, principal, membership, params.customerId);
    const rows = await db.select().from(promisesToPay).where(and(eq(promisesToPay.organizationId, params.orgId), eq(promisesToPay.customerId, params.customerId))).orderBy(desc(promisesToPay.promisedDate));
    return { items: rows.map((p) => ({ id: p.id, date: p.promisedDate, amount: formatMinor(p.amountMinor, p.currency), currency: p.currency, status: p.status, recordedBy: p.recordedBy, note: p.note })) };
  });

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations/:orgId/customers/:customerId/promises', summary: 'Record a promise to pay (dunning pauses until its date)', tag: 'promises', params: customerParams, body: promiseBody, status: 201 }, async ({ principal, params, body }) => {
    const membership = requireOrg(principal, params.orgId, 'collect', 'recording promises');
    await requireVisibleCustomer(db, principal, membership, params.customerId);
    return db.transaction(async (tx) => {
      const made = await recordPromise(tx, { organizationId: params.orgId, customerId: params.customerId, ...body, recordedBy: actorOf(principal) });
      await recordAudit(tx, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.promise.record', customerId: params.customerId, payload: { promiseId: made.id } });
      return made;
    });
  });

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations/:orgId/customers/:customerId/payment-plans', summary: 'Create a payment plan (one promise per installment)', tag: 'promises', params: customerParams, body: planBody, status: 201 }, async ({ principal, params, body }) => {
    const membership = requireOrg(principal, params.orgId, 'collect', 'creating payment plans');
    await requireVisibleCustomer(db, principal, membership, params.customerId);
    return db.transaction(async (tx) => {
      const plan = await createPaymentPlan(tx, { organizationId: params.orgId, customerId: params.customerId, ...body, recordedBy: actorOf(principal) });
      await recordAudit(tx, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.payment_plan.create', customerId: params.customerId, payload: { planId: plan.id } });
      return plan;
    });
  });
}
