/**
 * Late fees posted to the ledger (core/credit/fee-postings): what an invoice owes in fees and
 * has not had posted, a request to post it (collect), the decision — approve (the fee invoice is
 * queued for QuickBooks or Xero), reject, or waive with a reason (administer) — and the list.
 * Also the company registry (core/credit/registry): the customer's company number (administer)
 * and the registry's latest answer with every check made.
 */
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { actorOf, recordAudit } from '../../core/access/index.ts';
import { decideFeePosting, feesToPost, getFeePosting, listFeePostings, organizationToday, requestFeePosting } from '../../core/credit/index.ts';
import { checkCustomerRegistry, companiesHouseFromEnv, registryStatus, setCompanyNumber } from '../../core/credit/registry/index.ts';
import { formatMinor } from '../../core/money.ts';
import { orgParams, requireOrg, requireVisibleCustomer, visibleCustomers, type ApiScope } from './context.ts';
import { notFound } from './http-errors.ts';
import { defineRoute } from './route.ts';

const postingParams = orgParams.extend({ postingId: z.uuid() });
const invoiceParams = orgParams.extend({ invoiceId: z.uuid() });
const customerParams = orgParams.extend({ customerId: z.uuid() });
const anyBody = z.unknown();

export function feePostingRoutes(app: FastifyInstance, scope: ApiScope): void {
  const { db, registry } = scope;
  const tag = 'credit';

  /** The invoice's customer, 404 when the member does not see it. */
  async function invoiceCustomer(principal: Parameters<typeof visibleCustomers>[1], membership: Parameters<typeof visibleCustomers>[2], orgId: string, invoiceId: string): Promise<string> {
    const { rows: [row] } = await db.execute<{ customer_id: string | null }>(sql`SELECT customer_id FROM invoices WHERE id = ${invoiceId}::uuid AND organization_id = ${orgId}::uuid`);
    if (!row?.customer_id) throw notFound('invoice', 'invoiceId');
    await requireVisibleCustomer(db, principal, membership, row.customer_id).catch(() => { throw notFound('invoice', 'invoiceId'); });
    return row.customer_id;
  }

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/invoices/:invoiceId/fees', summary: 'Late fees owed on an invoice today and not yet posted, with its postings', tag, params: invoiceParams }, async ({ principal, params }) => {
    const membership = requireOrg(principal, params.orgId, 'read', 'reading fees');
    await invoiceCustomer(principal, membership, params.orgId, params.invoiceId);
    const asOf = await organizationToday(db, params.orgId);
    const due = await feesToPost(db, params.orgId, params.invoiceId, asOf);
    return {
      asOf, currency: due.currency, interest: formatMinor(due.interest, due.currency), fixed: formatMinor(due.fixed, due.currency),
      total: formatMinor(due.interest + due.fixed, due.currency), postings: await listFeePostings(db, params.orgId, { invoiceId: params.invoiceId }),
    };
  });

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations/:orgId/fee-postings', summary: "Ask for an invoice's unposted late fees to be posted to its ledger (refused on a disputed invoice)", tag, params: orgParams, body: anyBody, status: 201 }, async ({ principal, params, body }) => {
    const membership = requireOrg(principal, params.orgId, 'collect', 'asking for fee postings');
    const invoiceId = (body as { invoiceId?: unknown } | null)?.invoiceId;
    if (typeof invoiceId === 'string' && z.uuid().safeParse(invoiceId).success) await invoiceCustomer(principal, membership, params.orgId, invoiceId);
    const posting = await requestFeePosting(db, params.orgId, body, actorOf(principal), await organizationToday(db, params.orgId));
    await recordAudit(db, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.credit.fee_posting.request', customerId: posting.customer.id, payload: { feePostingId: posting.id, total: posting.total, currency: posting.currency } });
    return posting;
  });

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/fee-postings', summary: 'Fee postings, newest first', tag, params: orgParams, query: z.object({ status: z.enum(['requested', 'approved', 'waived', 'rejected']).optional() }) }, async ({ principal, params, query }) => {
    const membership = requireOrg(principal, params.orgId, 'read', 'reading fee postings');
    return { items: await listFeePostings(db, params.orgId, { status: query.status, customerIds: await visibleCustomers(db, principal, membership) }) };
  });

  for (const decision of ['approve', 'reject', 'waive'] as const) {
    defineRoute(app, registry, { method: 'POST', url: `/api/organizations/:orgId/fee-postings/:postingId/${decision}`, summary: decision === 'waive' ? 'Waive a requested fee posting, with a reason' : `${decision === 'approve' ? 'Approve (the fee invoice is queued for the ledger)' : 'Reject'} a requested fee posting`, tag, params: postingParams, body: anyBody }, async ({ principal, params, body }) => {
      const membership = requireOrg(principal, params.orgId, 'administer', `deciding fee postings (${decision})`);
      const found = await getFeePosting(db, params.orgId, params.postingId);
      if (!found) throw notFound('fee posting', 'postingId');
      await requireVisibleCustomer(db, principal, membership, found.customer.id).catch(() => { throw notFound('fee posting', 'postingId'); });
      const decided = await decideFeePosting(db, params.orgId, params.postingId, decision, actorOf(principal), body ?? {});
      await recordAudit(db, { organizationId: params.orgId, actor: actorOf(principal), kind: `audit.credit.fee_posting.${decision}`, customerId: decided.customer.id, payload: { feePostingId: decided.id, note: decided.decisionNote } });
      return decided;
    });
  }

  defineRoute(app, registry, { method: 'PUT', url: '/api/organizations/:orgId/customers/:customerId/company-number', summary: "Set (or clear, with null) the customer's company number at a public registry", tag, params: customerParams, body: anyBody }, async ({ principal, params, body }) => {
    requireOrg(principal, params.orgId, 'administer', 'changing company numbers');
    return db.transaction(async (tx) => {
      const saved = await setCompanyNumber(tx, params.orgId, params.customerId, body);
      await recordAudit(tx, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.credit.company_number', customerId: params.customerId, payload: saved });
      return saved;
    });
  });

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/customers/:customerId/registry', summary: "What the company registry says about the customer, and the last checks (refused answers named by field)", tag, params: customerParams }, async ({ principal, params }) => {
    const membership = requireOrg(principal, params.orgId, 'read', 'reading registry data');
    await requireVisibleCustomer(db, principal, membership, params.customerId);
    return registryStatus(db, params.orgId, params.customerId);
  });

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations/:orgId/customers/:customerId/registry/check', summary: 'Check the customer at the company registry now', tag, params: customerParams }, async ({ principal, params }) => {
    const membership = requireOrg(principal, params.orgId, 'collect', 'checking the company registry');
    await requireVisibleCustomer(db, principal, membership, params.customerId);
    const result = await checkCustomerRegistry(db, companiesHouseFromEnv(), params.orgId, params.customerId);
    await recordAudit(db, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.credit.registry.check', customerId: params.customerId, payload: { outcome: result.outcome, field: result.field } });
    return result;
  });
}
