/** Customers (paged, filtered, limited to a restricted member's own) and each one's timeline. */
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { forecastCustomers } from '../../core/agenda/index.ts';
import type { ForecastAction } from '../../core/dunning/index.ts';
import { formatMinor } from '../../core/money.ts';
import { todayIn } from '../../core/calendar/index.ts';
import { MAX_ROWS } from '../../core/exports/index.ts';
import type { Db } from '../../core/store/index.ts';
import { activities, contacts, customers, invoices, organizations } from '../../core/store/schema/index.ts';
import { sentMessages } from '../../core/store/schema/workspace.ts';
import { describeTimeline } from '../../core/timeline/index.ts';
import { listWorklist, WORKLIST_FLAGS, WORKLIST_SORTS, type WorklistFilter, type WorklistItem } from '../../core/worklist/index.ts';
import { orgParams, requireOrg, requireVisibleCustomer, visibleCustomers, type ApiScope } from './context.ts';
import { HttpError, notFound } from './http-errors.ts';
import { decodeCursor, encodeCursor, pageQuery, toPage } from './paging.ts';
import { defineRoute } from './route.ts';

export const customerParams = orgParams.extend({ customerId: z.uuid() });
const bool = z.enum(['true', 'false']).optional();
const worklistQuery = z.object({
  ...pageQuery,
  q: z.string().trim().max(100).optional(),
  sort: z.enum(WORKLIST_SORTS).default('name'),
  direction: z.enum(['asc', 'desc']).optional(),
  /** Only the customers assigned to the caller. */
  mine: bool,
  overdueOnly: bool,
  minOverdue: z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal string such as "1000.00"').optional(),
  disputed: bool, promised: bool, paused: bool, onHold: bool,
  riskClass: z.string().max(50).optional(),
  stage: z.coerce.number().int().min(0).max(100).optional(),
  collector: z.union([z.uuid(), z.literal('none')]).optional(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code').optional(),
  tag: z.string().max(100).optional(),
  all: bool,
});
type WorklistParams = z.output<typeof worklistQuery>;

/** The list's filters from its query; `mine` is the caller's own assignments. */
function worklistFilter(q: WorklistParams, userId: string): WorklistFilter {
  const flag = (v: 'true' | 'false' | undefined) => (v === undefined ? undefined : v === 'true');
  const flags = Object.fromEntries(WORKLIST_FLAGS.map((f) => [f, flag(q[f])]).filter(([, v]) => v !== undefined));
  return {
    q: q.q || undefined, flags, overdueOnly: q.overdueOnly === 'true', riskClass: q.riskClass, stage: q.stage, currency: q.currency, tag: q.tag,
    minOverdue: q.minOverdue,
    collector: q.mine === 'true' ? userId : q.collector,
  };
}

/** The cursor of the worklist keeps the offset: its sort keys are computed, so any row can move between pages. */
function offsetOf(cursor: string | undefined): number {
  const after = decodeCursor(cursor);
  if (!after) return 0;
  const n = Number(after.key);
  if (!Number.isInteger(n) || n < 0) throw new HttpError(400, 'invalid', 'cursor: not a cursor this API gave', 'cursor');
  return n;
}

/** A worklist row, with the fields the first customers list had (balance, paused, externalId) kept. */
function worklistJson(w: WorklistItem, forecasts?: Map<string, ForecastAction>) {
  const f = forecasts?.get(w.id);
  return {
    ...w, externalId: w.number, balance: w.open, paused: w.flags.paused,
    // Where nothing is planned yet: the action the plan holds for a later day, the ledger as it stands.
    forecast: f ? { date: f.date, step: f.step, channel: f.action, template: f.template, scenario: f.scenario, needsApproval: f.status === 'awaiting_approval' } : null,
  };
}

/** The forecasts of the rows with an open balance and nothing planned (a page's worth, not an export's). */
async function forecastsOf(db: Db, organizationId: string, items: readonly WorklistItem[]): Promise<Map<string, ForecastAction>> {
  const ids = items.filter((w) => w.nextAction === null && w.openInvoices > 0).map((w) => w.id);
  return forecastCustomers(db, { organizationId, customerIds: ids });
}

/** Today in the organization's time zone: what "overdue" is measured against. */
export async function organizationToday(db: Db, organizationId: string): Promise<string> {
  const [o] = await db.select({ timezone: organizations.timezone }).from(organizations).where(eq(organizations.id, organizationId));
  return todayIn(o?.timezone ?? 'UTC');
}
const timelineQuery = z.object({ ...pageQuery, kind: z.string().max(100).optional(), lang: z.enum(['en', 'fr']).default('en') });

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

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/customers', summary: 'The worklist: customers with open and overdue amounts, stage, next action, last contact, risk, collectors and flags; sorted, filtered, searched (name, number, email), paged; all=true: the whole filtered list (exports)', tag: 'customers', params: orgParams, query: worklistQuery }, async ({ principal, params, query }) => {
    const membership = requireOrg(principal, params.orgId, 'read', 'reading customers');
    const visible = await visibleCustomers(db, principal, membership);
    const offset = offsetOf(query.cursor);
    const limit = query.all === 'true' ? MAX_ROWS : query.limit;
    const { items, total } = await listWorklist(db, {
      organizationId: params.orgId, today: await organizationToday(db, params.orgId), visible,
      filter: worklistFilter(query, principal.userId), sort: query.sort, direction: query.direction ?? (query.sort === 'name' || query.sort === 'number' ? 'asc' : 'desc'),
      limit: limit + 1, offset,
    });
    const more = items.length > limit;
    const kept = more ? items.slice(0, limit) : items;
    const forecasts = query.all === 'true' ? undefined : await forecastsOf(db, params.orgId, kept);
    return { items: kept.map((w) => worklistJson(w, forecasts)), total, nextCursor: more ? encodeCursor(String(offset + limit), kept[kept.length - 1]!.id) : null };
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
    // The worklist's reading of this customer: amounts from its invoices, stage, next action, flags, hold, promise.
    const { items: [work] } = await listWorklist(db, { organizationId: params.orgId, today: await organizationToday(db, params.orgId), visible: [c.id], filter: {}, sort: 'name', direction: 'asc', limit: 1, offset: 0 });
    return {
      ...customerJson(c),
      worklist: work ? worklistJson(work, await forecastsOf(db, params.orgId, [work])) : null,
      contacts: people.map((p) => ({ id: p.id, name: p.name, email: p.email, phone: p.phone, language: p.language, role: p.role })),
      open: open.map((o) => ({ currency: o.currency, balance: formatMinor(BigInt(o.balance), o.currency), invoices: o.count })),
    };
  });

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/customers/:customerId/timeline', summary: "The customer's timeline in words (lang en or fr), newest first; audit rows only when asked for by kind (prefix)", tag: 'customers', params: customerParams, query: timelineQuery }, async ({ principal, params, query }) => {
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
          // The audit rows repeat, as "who did what", what the cores' own rows already say: asked for by kind only.
          query.kind ? undefined : sql`${activities.kind} NOT LIKE 'audit.%'`,
          after && afterAt ? sql`(${activities.occurredAt}, ${activities.id}) < (${afterAt}, ${after.id}::uuid)` : undefined,
        ),
      )
      .orderBy(desc(activities.occurredAt), desc(activities.id))
      .limit(query.limit + 1);
    const page = toPage(rows, query.limit, (r) => [r.at, r.row.id], ({ row: r }) => ({
      id: r.id, kind: r.kind, actor: r.actor, invoiceId: r.invoiceId, payload: r.payload, occurredAt: r.occurredAt.toISOString(),
    }));
    // Each event in words, in the reader's language, with names instead of ids (core/timeline).
    const sentences = await describeTimeline(db, c.id, page.items, query.lang);
    return { ...page, items: page.items.map((item, k) => ({ ...item, text: sentences[k]!.text, tone: sentences[k]!.tone, actionId: sentences[k]!.actionId })) };
  });

  // The reminder as it left (stored at the channel's acceptance, core/sending/acceptance.ts), never a re-render;
  // a letter's text is its PDF (action_documents), linked. Read like the timeline: a member who may see the customer.
  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/customers/:customerId/sent-messages/:actionId', summary: 'A reminder as it was sent: channel, recipient, subject, text and HTML as they left; a letter links to its PDF', tag: 'customers', params: customerParams.extend({ actionId: z.uuid() }) }, async ({ principal, params }) => {
    const membership = requireOrg(principal, params.orgId, 'read', 'reading customers');
    await requireVisibleCustomer(db, principal, membership, params.customerId);
    const [m] = await db.select().from(sentMessages)
      .where(and(eq(sentMessages.actionId, params.actionId), eq(sentMessages.customerId, params.customerId), eq(sentMessages.organizationId, params.orgId)));
    if (!m) throw notFound('sent message (none is stored for this reminder of this customer: not sent, or sent before messages were kept)', 'actionId');
    return {
      actionId: m.actionId, channel: m.channel, to: m.toAddress, subject: m.subject, text: m.textBody, html: m.htmlBody, providerMessageId: m.providerMessageId,
      sentAt: m.sentAt.toISOString(),
      document: m.channel === 'letter' ? `/api/organizations/${params.orgId}/actions/${m.actionId}/document` : null,
    };
  });

}
