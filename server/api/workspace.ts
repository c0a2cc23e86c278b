/**
 * The collector's workspace (issue 17): holds by hand (one customer, one invoice, or a selection),
 * notes, logged calls, tasks and each user's saved worklist view; unapplied money listed and
 * applied by hand. The cores (core/holds, core/notes, core/worklist, core/unapplied) write the
 * timeline and the write-back in the route's transaction; the route adds the audit row and keeps
 * the organization and assignment boundaries.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { actorOf, recordAudit, type Membership, type Principal } from '../../core/access/index.ts';
import { pauseCustomers, pauseInputSchema, releaseHold } from '../../core/holds/index.ts';
import { addNote, callInputSchema, completeTask, createTask, listTasks, logCall, noteInputSchema, taskInputSchema } from '../../core/notes/index.ts';
import { allocateManually, allocationInputSchema, listUnapplied } from '../../core/unapplied/index.ts';
import { loadWorklistView, saveWorklistView, worklistViewSchema } from '../../core/worklist/index.ts';
import { sql } from 'drizzle-orm';
import { orgParams, requireOrg, requireVisibleCustomer, visibleCustomers, type ApiScope } from './context.ts';
import { customerParams, organizationToday } from './customers.ts';
import { HttpError, notFound } from './http-errors.ts';
import { decodeCursor, encodeCursor, pageQuery } from './paging.ts';
import { defineRoute } from './route.ts';

const holdBody = pauseInputSchema.omit({ customerIds: true });
const holdParams = orgParams.extend({ holdId: z.uuid() });
const taskParams = orgParams.extend({ taskId: z.uuid() });
const tasksQuery = z.object({ assignee: z.union([z.literal('me'), z.uuid()]).default('me') });
const moneyParams = orgParams.extend({ source: z.enum(['payment', 'credit_note']), moneyId: z.uuid() });

export function workspaceRoutes(app: FastifyInstance, scope: ApiScope): void {
  const { db, registry } = scope;

  /** 404 unless every customer is the organization's and visible to the member. */
  async function requireVisibleAll(principal: Principal, membership: Membership, customerIds: readonly string[]): Promise<void> {
    const visible = await visibleCustomers(db, principal, membership);
    if (visible !== null && customerIds.some((id) => !visible.includes(id))) throw notFound('customer', 'customerIds');
  }

  async function pause(principal: Principal, orgId: string, input: z.input<typeof pauseInputSchema>) {
    const today = await organizationToday(db, orgId);
    return db.transaction(async (tx) => {
      const holdIds = await pauseCustomers(tx, { organizationId: orgId, actor: actorOf(principal), today }, input);
      await recordAudit(tx, { organizationId: orgId, actor: actorOf(principal), kind: 'audit.hold.place', payload: { holdIds, customerIds: input.customerIds, until: input.until ?? null } });
      return { holdIds };
    });
  }

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations/:orgId/customers/:customerId/holds', summary: 'Pause a customer (or one invoice) with a reason and an optional last day; written back to the CRM', tag: 'holds', params: customerParams, body: holdBody, status: 201 }, async ({ principal, params, body }) => {
    const membership = requireOrg(principal, params.orgId, 'collect', 'pausing customers');
    await requireVisibleCustomer(db, principal, membership, params.customerId);
    return pause(principal, params.orgId, { ...body, customerIds: [params.customerId] });
  });

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations/:orgId/holds', summary: 'Pause a selection of customers (bulk), with a reason and an optional last day', tag: 'holds', params: orgParams, body: pauseInputSchema.omit({ invoiceId: true }), status: 201 }, async ({ principal, params, body }) => {
    const membership = requireOrg(principal, params.orgId, 'collect', 'pausing customers');
    await requireVisibleAll(principal, membership, body.customerIds);
    return pause(principal, params.orgId, body);
  });

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/customers/:customerId/holds', summary: "The customer's active holds", tag: 'holds', params: customerParams }, async ({ principal, params }) => {
    const membership = requireOrg(principal, params.orgId, 'read', 'reading holds');
    await requireVisibleCustomer(db, principal, membership, params.customerId);
    const { rows } = await db.execute<{ id: string; invoice_id: string | null; invoice: string | null; reason: string; until: string | null; created_by: string | null; created_at: Date }>(sql`
      SELECT h.id, h.invoice_id, coalesce(i.number, i.external_id) AS invoice, h.reason, h.until::text, h.created_by, h.created_at
        FROM dunning_holds h LEFT JOIN invoices i ON i.id = h.invoice_id
       WHERE h.customer_id = ${params.customerId}::uuid AND h.organization_id = ${params.orgId}::uuid AND h.released_at IS NULL
         AND (h.until IS NULL OR h.until >= ${await organizationToday(db, params.orgId)}::date)
       ORDER BY h.created_at DESC`);
    return { items: rows.map((r) => ({ id: r.id, invoiceId: r.invoice_id, invoice: r.invoice, reason: r.reason, until: r.until, createdBy: r.created_by, createdAt: new Date(r.created_at).toISOString() })) };
  });

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations/:orgId/holds/:holdId/release', summary: 'Resume: release a hold now (written back to the CRM)', tag: 'holds', params: holdParams }, async ({ principal, params }) => {
    const membership = requireOrg(principal, params.orgId, 'collect', 'resuming customers');
    const { rows } = await db.execute<{ customer_id: string }>(sql`SELECT customer_id FROM dunning_holds WHERE id = ${params.holdId}::uuid AND organization_id = ${params.orgId}::uuid`);
    if (!rows[0]) throw notFound('hold', 'holdId');
    await requireVisibleCustomer(db, principal, membership, rows[0].customer_id);
    return db.transaction(async (tx) => {
      const released = await releaseHold(tx, { organizationId: params.orgId, actor: actorOf(principal), how: 'resumed' }, params.holdId);
      await recordAudit(tx, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.hold.release', customerId: released.customerId, payload: { holdId: params.holdId } });
      return { id: params.holdId, released: true };
    });
  });

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations/:orgId/customers/:customerId/notes', summary: 'A note on the customer’s timeline', tag: 'notes', params: customerParams, body: noteInputSchema, status: 201 }, async ({ principal, params, body }) => {
    const membership = requireOrg(principal, params.orgId, 'collect', 'adding notes');
    await requireVisibleCustomer(db, principal, membership, params.customerId);
    await requireCustomer(params.orgId, params.customerId);
    return db.transaction((tx) => addNote(tx, { organizationId: params.orgId, customerId: params.customerId, userId: principal.userId }, body));
  });

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations/:orgId/customers/:customerId/calls', summary: 'Log a call: reached, voicemail, promise (records the promise), dispute (opens the dispute), wrong number', tag: 'notes', params: customerParams, body: callInputSchema, status: 201 }, async ({ principal, params, body }) => {
    const membership = requireOrg(principal, params.orgId, 'collect', 'logging calls');
    await requireVisibleCustomer(db, principal, membership, params.customerId);
    await requireCustomer(params.orgId, params.customerId);
    return db.transaction(async (tx) => {
      const logged = await logCall(tx, { organizationId: params.orgId, customerId: params.customerId, userId: principal.userId }, body);
      await recordAudit(tx, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.call.log', customerId: params.customerId, payload: { outcome: body.outcome, ...logged } });
      return logged;
    });
  });

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations/:orgId/customers/:customerId/tasks', summary: 'A task for a member who can see the customer; hubspot=true also tasks the HubSpot company owner', tag: 'notes', params: customerParams, body: taskInputSchema, status: 201 }, async ({ principal, params, body }) => {
    const membership = requireOrg(principal, params.orgId, 'collect', 'creating tasks');
    await requireVisibleCustomer(db, principal, membership, params.customerId);
    await requireCustomer(params.orgId, params.customerId);
    return db.transaction((tx) => createTask(tx, { organizationId: params.orgId, customerId: params.customerId, userId: principal.userId }, body));
  });

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/customers/:customerId/tasks', summary: "The customer's open tasks", tag: 'notes', params: customerParams }, async ({ principal, params }) => {
    const membership = requireOrg(principal, params.orgId, 'read', 'reading tasks');
    await requireVisibleCustomer(db, principal, membership, params.customerId);
    return { items: await listTasks(db, params.orgId, { customerId: params.customerId, visible: null }) };
  });

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/tasks', summary: 'Open tasks of one assignee (default: me), by due date', tag: 'notes', params: orgParams, query: tasksQuery }, async ({ principal, params, query }) => {
    const membership = requireOrg(principal, params.orgId, 'read', 'reading tasks');
    const visible = await visibleCustomers(db, principal, membership);
    return { items: await listTasks(db, params.orgId, { assigneeId: query.assignee === 'me' ? principal.userId : query.assignee, visible }) };
  });

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations/:orgId/tasks/:taskId/done', summary: 'Mark a task done', tag: 'notes', params: taskParams }, async ({ principal, params }) => {
    const membership = requireOrg(principal, params.orgId, 'collect', 'completing tasks');
    const { rows } = await db.execute<{ customer_id: string }>(sql`SELECT customer_id FROM collector_tasks WHERE id = ${params.taskId}::uuid AND organization_id = ${params.orgId}::uuid`);
    if (!rows[0]) throw notFound('task', 'taskId');
    await requireVisibleCustomer(db, principal, membership, rows[0].customer_id);
    return db.transaction((tx) => completeTask(tx, params.orgId, params.taskId, principal.userId));
  });

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/worklist-view', summary: "The caller's saved worklist view (null: none)", tag: 'customers', params: orgParams }, async ({ principal, params }) => {
    requireOrg(principal, params.orgId, 'read', 'reading the worklist');
    return { view: await loadWorklistView(db, principal.userId, params.orgId) };
  });

  defineRoute(app, registry, { method: 'PUT', url: '/api/organizations/:orgId/worklist-view', summary: "Save the caller's worklist view (filters, sort, page size)", tag: 'customers', params: orgParams, body: worklistViewSchema }, async ({ principal, params, body }) => {
    requireOrg(principal, params.orgId, 'read', 'saving a worklist view');
    return { view: await saveWorklistView(db, principal.userId, params.orgId, body) };
  });

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/unapplied', summary: 'Every unapplied payment, overpayment, prepayment and credit note, oldest first, with age, open invoices and ranked suggestions (weak ones marked)', tag: 'unapplied', params: orgParams, query: z.object(pageQuery) }, async ({ principal, params, query }) => {
    const membership = requireOrg(principal, params.orgId, 'read', 'reading unapplied money');
    const visible = await visibleCustomers(db, principal, membership);
    const after = decodeCursor(query.cursor);
    const offset = after ? Number(after.key) : 0;
    if (!Number.isInteger(offset) || offset < 0) throw new HttpError(400, 'invalid', 'cursor: not a cursor this API gave', 'cursor');
    const { items, total } = await listUnapplied(db, { organizationId: params.orgId, visible, today: await organizationToday(db, params.orgId), limit: query.limit + 1, offset });
    const more = items.length > query.limit;
    const kept = more ? items.slice(0, query.limit) : items;
    return { items: kept, total, nextCursor: more ? encodeCursor(String(offset + query.limit), kept[kept.length - 1]!.id) : null };
  });

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations/:orgId/unapplied/:source/:moneyId/allocate', summary: 'Apply unapplied money to invoices picked by hand; written back through apply_payment where the provider allows it', tag: 'unapplied', params: moneyParams, body: allocationInputSchema }, async ({ principal, params, body }) => {
    const membership = requireOrg(principal, params.orgId, 'collect', 'applying money');
    const table = params.source === 'payment' ? sql`payments` : sql`credit_notes`;
    const { rows } = await db.execute<{ customer_id: string | null }>(sql`SELECT customer_id FROM ${table} WHERE id = ${params.moneyId}::uuid AND organization_id = ${params.orgId}::uuid`);
    if (!rows[0]?.customer_id) throw notFound(params.source, 'moneyId');
    await requireVisibleCustomer(db, principal, membership, rows[0].customer_id);
    const today = await organizationToday(db, params.orgId);
    return db.transaction(async (tx) => {
      const result = await allocateManually(tx, { organizationId: params.orgId, userId: principal.userId, today }, params.source, params.moneyId, body);
      await recordAudit(tx, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.unapplied.allocate', customerId: rows[0]!.customer_id, payload: { source: params.source, moneyId: params.moneyId, writeBack: result.writeBack.status } });
      return result;
    });
  });

  async function requireCustomer(orgId: string, customerId: string): Promise<void> {
    const { rows } = await db.execute(sql`SELECT 1 FROM customers WHERE id = ${customerId}::uuid AND organization_id = ${orgId}::uuid`);
    if (!rows[0]) throw notFound('customer', 'customerId');
  }
}
