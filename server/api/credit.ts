/**
 * Credit risk (core/credit): settings, each customer's credit position, limit and terms requests
 * with their approval, insurance (policy, insured limits, exposure, debts to declare), the alerts
 * of the credit review, and hand-overs to litigation with their case file. Deciding a request,
 * the policies and a hand-over need `administer`; asking and resolving alerts need `collect`.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { actorOf, recordAudit } from '../../core/access/index.ts';
import {
  buildCaseFile, caseDocuments, caseFileZip, closeHandover, customerCredit, debtsToDeclare, decideCredit, deleteInsurancePolicy, getCreditSettings,
  getHandover, getInsurancePolicy, handOver, insuranceExposure, listAlerts, listCreditRequests, listHandovers, organizationToday,
  putCreditSettings, putInsurancePolicy, renderCaseFilePdf, requestCredit, resolveAlert, reviewCredit, setInsuredLimit,
} from '../../core/credit/index.ts';
import { orgParams, requireOrg, requireVisibleCustomer, visibleCustomers, type ApiScope } from './context.ts';
import { notFound } from './http-errors.ts';
import { parseScoringRules, previewScores, putScoringRules, scoreHistory, scoringRulesOf } from '../../core/scoring/index.ts';
import { defineRoute } from './route.ts';
import { feePostingRoutes } from './credit-fees.ts';

const customerParams = orgParams.extend({ customerId: z.uuid() });
const requestParams = orgParams.extend({ requestId: z.uuid() });
const alertParams = orgParams.extend({ alertId: z.uuid() });
const handoverParams = orgParams.extend({ handoverId: z.uuid() });
const anyBody = z.unknown();
const decisionBody = z.object({ note: z.string().max(2000).nullish() }).default({});

export function creditRoutes(app: FastifyInstance, scope: ApiScope): void {
  const { db, registry } = scope;
  const tag = 'credit';

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/credit/settings', summary: 'Credit settings: hold rules, review notice, limit rules', tag, params: orgParams }, async ({ principal, params }) => {
    requireOrg(principal, params.orgId, 'read', 'reading credit settings');
    return getCreditSettings(db, params.orgId);
  });

  defineRoute(app, registry, { method: 'PUT', url: '/api/organizations/:orgId/credit/settings', summary: 'Change the credit settings', tag, params: orgParams, body: anyBody }, async ({ principal, params, body }) => {
    requireOrg(principal, params.orgId, 'administer', 'changing credit settings');
    return db.transaction(async (tx) => {
      const saved = await putCreditSettings(tx, params.orgId, body);
      await recordAudit(tx, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.credit.settings', payload: { ...saved } });
      return saved;
    });
  });

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/credit/scoring', summary: "The payer score's weights and thresholds", tag, params: orgParams }, async ({ principal, params }) => {
    requireOrg(principal, params.orgId, 'read', 'reading scoring rules');
    return scoringRulesOf(db, params.orgId);
  });

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations/:orgId/credit/scoring/preview', summary: "Score the organization's own customers under unsaved rules: classes now and then, the customers that would change", tag, params: orgParams, body: anyBody }, async ({ principal, params, body }) => {
    // Reading: it changes nothing and shows only scores a member can already read.
    requireOrg(principal, params.orgId, 'read', 'previewing scoring rules');
    return previewScores(db, params.orgId, await organizationToday(db, params.orgId), parseScoringRules(body));
  });

  defineRoute(app, registry, { method: 'PUT', url: '/api/organizations/:orgId/credit/scoring', summary: "Change the payer score's weights and thresholds (applied at the next scoring)", tag, params: orgParams, body: anyBody }, async ({ principal, params, body }) => {
    requireOrg(principal, params.orgId, 'administer', 'changing scoring rules');
    return db.transaction(async (tx) => {
      const rules = await putScoringRules(tx, params.orgId, body);
      await recordAudit(tx, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.credit.scoring', payload: { ...rules } });
      return rules;
    });
  });

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/customers/:customerId/score-history', summary: "A customer's payer score month by month, oldest first", tag, params: customerParams, query: z.object({ months: z.coerce.number().int().min(1).max(120).default(24) }) }, async ({ principal, params, query }) => {
    const membership = requireOrg(principal, params.orgId, 'read', 'reading scores');
    await requireVisibleCustomer(db, principal, membership, params.customerId);
    return { items: await scoreHistory(db, params.orgId, params.customerId, query.months) };
  });

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/customers/:customerId/credit', summary: "A customer's credit position: limit, terms, insured limit, hold, usage, proposal, requests", tag, params: customerParams }, async ({ principal, params }) => {
    const membership = requireOrg(principal, params.orgId, 'read', 'reading credit');
    await requireVisibleCustomer(db, principal, membership, params.customerId);
    return customerCredit(db, params.orgId, params.customerId);
  });

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations/:orgId/customers/:customerId/credit/requests', summary: 'Ask for a credit limit or payment terms (one pending of each kind)', tag, params: customerParams, body: anyBody, status: 201 }, async ({ principal, params, body }) => {
    const membership = requireOrg(principal, params.orgId, 'collect', 'asking for credit');
    await requireVisibleCustomer(db, principal, membership, params.customerId);
    const proposal = (await customerCredit(db, params.orgId, params.customerId)).proposal;
    return db.transaction((tx) => requestCredit(tx, params.orgId, params.customerId, body as never, actorOf(principal), proposal ? { ...proposal } : null));
  });

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/credit/requests', summary: 'Credit limit and terms requests, newest first', tag, params: orgParams, query: z.object({ status: z.enum(['requested', 'approved', 'rejected', 'withdrawn']).optional() }) }, async ({ principal, params, query }) => {
    const membership = requireOrg(principal, params.orgId, 'read', 'reading credit requests');
    return { items: await listCreditRequests(db, params.orgId, { status: query.status, customerIds: await visibleCustomers(db, principal, membership) }) };
  });

  for (const decision of ['approve', 'reject', 'withdraw'] as const) {
    const permission = decision === 'withdraw' ? 'collect' : 'administer';
    defineRoute(app, registry, { method: 'POST', url: `/api/organizations/:orgId/credit/requests/:requestId/${decision}`, summary: `${decision[0]!.toUpperCase()}${decision.slice(1)} a pending credit request`, tag, params: requestParams, body: decisionBody }, async ({ principal, params, body }) => {
      const membership = requireOrg(principal, params.orgId, permission, `deciding credit requests (${decision})`);
      const [found] = (await listCreditRequests(db, params.orgId, { customerIds: await visibleCustomers(db, principal, membership) })).filter((r) => r.id === params.requestId);
      if (!found) throw notFound('credit request', 'requestId');
      return db.transaction((tx) => decideCredit(tx, params.orgId, params.requestId, decision, actorOf(principal), body ?? {}));
    });
  }

  defineRoute(app, registry, { method: 'PUT', url: '/api/organizations/:orgId/customers/:customerId/credit/insured-limit', summary: "Set or remove (amount null) the insurer's limit on a customer", tag, params: customerParams, body: anyBody }, async ({ principal, params, body }) => {
    requireOrg(principal, params.orgId, 'administer', 'changing insured limits');
    return db.transaction(async (tx) => {
      const saved = await setInsuredLimit(tx, params.orgId, params.customerId, body);
      await recordAudit(tx, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.credit.insured_limit', customerId: params.customerId, payload: saved });
      return saved;
    });
  });

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/credit/insurance', summary: 'The credit insurance policy (null when none)', tag, params: orgParams }, async ({ principal, params }) => {
    requireOrg(principal, params.orgId, 'read', 'reading the insurance policy');
    return { policy: await getInsurancePolicy(db, params.orgId) };
  });

  defineRoute(app, registry, { method: 'PUT', url: '/api/organizations/:orgId/credit/insurance', summary: 'Set the credit insurance policy', tag, params: orgParams, body: anyBody }, async ({ principal, params, body }) => {
    requireOrg(principal, params.orgId, 'administer', 'changing the insurance policy');
    return db.transaction(async (tx) => {
      const policy = await putInsurancePolicy(tx, params.orgId, body);
      await recordAudit(tx, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.credit.insurance', payload: { ...policy } });
      return { policy };
    });
  });

  defineRoute(app, registry, { method: 'DELETE', url: '/api/organizations/:orgId/credit/insurance', summary: 'Remove the credit insurance policy', tag, params: orgParams, status: 204 }, async ({ principal, params }) => {
    requireOrg(principal, params.orgId, 'administer', 'changing the insurance policy');
    await db.transaction(async (tx) => {
      await deleteInsurancePolicy(tx, params.orgId);
      await recordAudit(tx, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.credit.insurance.delete' });
    });
  });

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/credit/insurance/exposure', summary: 'Insured and uninsured outstanding per currency and age bucket', tag, params: orgParams }, async ({ principal, params }) => {
    requireOrg(principal, params.orgId, 'read', 'reading insurance exposure');
    return insuranceExposure(db, params.orgId, await organizationToday(db, params.orgId));
  });

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/credit/insurance/declarations', summary: 'Insured debts past due with their declaration deadline, soonest first', tag, params: orgParams }, async ({ principal, params }) => {
    const membership = requireOrg(principal, params.orgId, 'read', 'reading debts to declare');
    const visible = await visibleCustomers(db, principal, membership);
    const result = await debtsToDeclare(db, params.orgId, await organizationToday(db, params.orgId));
    return { ...result, debts: visible === null ? result.debts : result.debts.filter((d) => visible.includes(d.customer.id)) };
  });

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/credit/alerts', summary: 'Open credit alerts, the most urgent first (all with open=false)', tag, params: orgParams, query: z.object({ open: z.enum(['true', 'false']).default('true') }) }, async ({ principal, params, query }) => {
    const membership = requireOrg(principal, params.orgId, 'read', 'reading credit alerts');
    return { items: await listAlerts(db, params.orgId, { open: query.open === 'true', customerIds: await visibleCustomers(db, principal, membership) }) };
  });

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations/:orgId/credit/alerts/:alertId/resolve', summary: 'Mark a credit alert handled', tag, params: alertParams }, async ({ principal, params }) => {
    const membership = requireOrg(principal, params.orgId, 'collect', 'resolving credit alerts');
    const visible = await visibleCustomers(db, principal, membership);
    const [alert] = (await listAlerts(db, params.orgId, { open: false, customerIds: visible })).filter((a) => a.id === params.alertId);
    if (!alert) throw notFound('alert', 'alertId');
    await db.transaction(async (tx) => {
      await resolveAlert(tx, params.orgId, params.alertId, actorOf(principal));
      await recordAudit(tx, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.credit.alert.resolve', customerId: alert.customer.id, payload: { alertId: alert.id, kind: alert.kind } });
    });
    return { id: params.alertId, resolved: true };
  });

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations/:orgId/credit/review', summary: 'Run the credit review now: holds, expiries, declaration deadlines', tag, params: orgParams }, async ({ principal, params }) => {
    requireOrg(principal, params.orgId, 'collect', 'running the credit review');
    const review = await reviewCredit(db, params.orgId, await organizationToday(db, params.orgId));
    await recordAudit(db, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.credit.review', payload: { placed: review.holds.placed.length, lifted: review.holds.lifted.length, alertsRaised: review.alertsRaised } });
    return review;
  });

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations/:orgId/customers/:customerId/handover', summary: 'Hand the customer over to litigation or a collection agency: reminders stop', tag, params: customerParams, body: anyBody, status: 201 }, async ({ principal, params, body }) => {
    requireOrg(principal, params.orgId, 'administer', 'handing customers over');
    return handOver(db, params.orgId, params.customerId, body as never, actorOf(principal), await organizationToday(db, params.orgId));
  });

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/handovers', summary: 'Hand-overs with what was owed and what was recovered since', tag, params: orgParams }, async ({ principal, params }) => {
    const membership = requireOrg(principal, params.orgId, 'read', 'reading hand-overs');
    return { items: await listHandovers(db, params.orgId, await visibleCustomers(db, principal, membership)) };
  });

  /** The hand-over if the member sees its customer. */
  async function visibleHandover(principal: Parameters<typeof visibleCustomers>[1], orgId: string, handoverId: string) {
    const membership = requireOrg(principal, orgId, 'read', 'reading hand-overs');
    const handover = await getHandover(db, orgId, handoverId);
    if (!handover) throw notFound('hand-over', 'handoverId');
    await requireVisibleCustomer(db, principal, membership, handover.customer.id).catch(() => { throw notFound('hand-over', 'handoverId'); });
    return handover;
  }

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations/:orgId/handovers/:handoverId/close', summary: 'Close a hand-over: the hold is released', tag, params: handoverParams }, async ({ principal, params }) => {
    requireOrg(principal, params.orgId, 'administer', 'closing hand-overs');
    await visibleHandover(principal, params.orgId, params.handoverId);
    return closeHandover(db, params.orgId, params.handoverId, actorOf(principal));
  });

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/handovers/:handoverId/case-file', summary: 'The case file as a ZIP: PDF summary, invoices and reminders as CSV, injonction de payer data for FR', tag, params: handoverParams }, async ({ principal, params, reply }) => {
    const handover = await visibleHandover(principal, params.orgId, params.handoverId);
    // The letters attached as sent (action_documents).
    const zip = await caseFileZip(await buildCaseFile(db, params.orgId, params.handoverId), await caseDocuments(db, params.orgId, handover.customer.id));
    reply.header('content-type', 'application/zip').header('content-disposition', `attachment; filename="case-file-${handover.id}.zip"`);
    return zip;
  });

  // Late fees posted to the ledger (19.5) and the company registry (19.7): server/api/credit-fees.ts.
  feePostingRoutes(app, scope);

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/handovers/:handoverId/case-file.pdf', summary: 'The case file summary as a PDF', tag, params: handoverParams }, async ({ principal, params, reply }) => {
    const handover = await visibleHandover(principal, params.orgId, params.handoverId);
    const pdf = Buffer.from(await renderCaseFilePdf(await buildCaseFile(db, params.orgId, params.handoverId)));
    reply.header('content-type', 'application/pdf').header('content-disposition', `inline; filename="case-file-${handover.id}.pdf"`);
    return pdf;
  });
}
