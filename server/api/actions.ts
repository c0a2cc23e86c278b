/**
 * The approval queue (core/approvals): list what waits, edit a message, approve or reject one or
 * many. Ids outside the caller's organization (or their assigned customers) are reported "not
 * found" per item and never reach the core, which knows actions by id only.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { actorOf, recordAudit, type Principal, type Membership } from '../../core/access/index.ts';
import type { Db } from '../../core/store/index.ts';
import { decide, editAction, listQueue, previewAction } from '../../core/approvals/index.ts';
import { renderMessage, renderWithOverrides } from '../../core/messages/index.ts';
import { formatMinor } from '../../core/money.ts';
import { actions } from '../../core/store/schema/index.ts';
import { customerScope, orgParams, requireOrg, visibleCustomers, type ApiScope } from './context.ts';
import { notFound } from './http-errors.ts';
import { previewPortalUrl } from './letters.ts';
import { defineRoute } from './route.ts';

const queueQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.uuid().optional() });
const idsBody = z.object({ ids: z.array(z.uuid()).min(1).max(500) });
const rejectBody = idsBody.extend({ reason: z.string().trim().min(1).max(2000) });
const editBody = z.strictObject({
  subject: z.string().min(1).max(300).optional(), text: z.string().min(1).optional(), html: z.string().min(1).optional(),
  // The template's text blocks ({{#block greeting}}…): the layout, invoice table, fee line and pay link stay.
  blocks: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/), z.string().max(5000)).optional(),
});

export function actionRoutes(app: FastifyInstance, scope: ApiScope): void {
  const { db, registry } = scope;

  /** The ids among `ids` that are this organization's actions on customers the member sees. */
  async function ownIds(principal: Principal, membership: Membership, orgId: string, ids: readonly string[]): Promise<Set<string>> {
    const visible = await visibleCustomers(db, principal, membership);
    const rows = await db.select({ id: actions.id }).from(actions).where(and(eq(actions.organizationId, orgId), inArray(actions.id, [...ids]), customerScope(actions.customerId, visible)));
    return new Set(rows.map((r) => r.id));
  }

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/actions/queue', summary: 'Actions awaiting approval, paged (cursor: the last id)', tag: 'actions', params: orgParams, query: queueQuery }, async ({ principal, params, query }) => {
    const membership = requireOrg(principal, params.orgId, 'read', 'reading the approval queue');
    const visible = await visibleCustomers(db, principal, membership);
    // The core pages by id; a restricted member's filter is applied on each page, so a page may hold fewer rows.
    const rows = await listQueue(db, params.orgId, { limit: query.limit + 1, ...(query.cursor ? { after: query.cursor } : {}) });
    const more = rows.length > query.limit;
    const page = rows.slice(0, query.limit);
    const items = page
      .filter((r) => visible === null || visible.includes(r.customerId))
      .map((r) => ({ ...r, amountDue: r.amountDue === null || r.currency === null ? null : formatMinor(BigInt(r.amountDue), r.currency) }));
    return { items, nextCursor: more ? page[page.length - 1]!.id : null };
  });

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/actions/:actionId/preview', summary: 'The message of an action as it would leave today, with its edit: { channel, language, subject, text, html }', tag: 'actions', params: orgParams.extend({ actionId: z.uuid() }) }, async ({ principal, params }) => {
    const membership = requireOrg(principal, params.orgId, 'read', 'previewing messages');
    if (!(await ownIds(principal, membership, params.orgId, [params.actionId])).has(params.actionId)) throw notFound('action', 'actionId');
    // Rendered as the send job renders it (the organization's own template copies first), with the
    // customer's portal link the send will use: the approver sees exactly what will leave.
    const portalUrl = await previewPortalUrl(scope, params.orgId, params.actionId);
    const m = await previewAction(db, { render: renderWithOverrides(db, (input) => renderMessage(input)), portalUrl }, params.actionId);
    return { channel: m.channel, language: m.language, subject: m.channel === 'sms' ? null : m.subject, text: m.text, html: m.channel === 'email' ? m.html : null, blocks: m.blocks ?? {} };
  });

  defineRoute(app, registry, { method: 'PATCH', url: '/api/organizations/:orgId/actions/:actionId', summary: 'Edit the message of an action awaiting approval', tag: 'actions', params: orgParams.extend({ actionId: z.uuid() }), body: editBody }, async ({ principal, params, body }) => {
    const membership = requireOrg(principal, params.orgId, 'collect', 'editing messages');
    if (!(await ownIds(principal, membership, params.orgId, [params.actionId])).has(params.actionId)) throw notFound('action', 'actionId');
    await db.transaction(async (tx) => {
      // editAction asks for the store handle; a transaction offers the same query builder.
      await editAction(tx as unknown as Db, params.actionId, body, principal.userId);
      await recordAudit(tx, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.action.edit', payload: { actionId: params.actionId, fields: Object.keys(body) } });
    });
    return { edited: true };
  });

  async function decideOwn(principal: Principal, orgId: string, ids: string[], decision: 'approve' | 'reject', reason?: string) {
    const membership = requireOrg(principal, orgId, 'collect', `${decision === 'approve' ? 'approving' : 'rejecting'} actions`);
    const own = await ownIds(principal, membership, orgId, ids);
    const decided = await decide(db, ids.filter((id) => own.has(id)), decision, principal.userId, reason);
    const byId = new Map(decided.map((r) => [r.id, r]));
    return { results: ids.map((id) => byId.get(id) ?? { id, ok: false, error: 'not found' }) };
  }

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations/:orgId/actions/approve', summary: 'Approve actions (results per id)', tag: 'actions', params: orgParams, body: idsBody }, async ({ principal, params, body }) =>
    decideOwn(principal, params.orgId, body.ids, 'approve'));

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations/:orgId/actions/reject', summary: 'Reject actions with a reason (results per id)', tag: 'actions', params: orgParams, body: rejectBody }, async ({ principal, params, body }) =>
    decideOwn(principal, params.orgId, body.ids, 'reject', body.reason));
}
