/**
 * The worklist: every customer a member sees, with what a collector acts on — open and overdue
 * amounts in the customer's currency, oldest overdue days, dunning stage, next planned action,
 * last contact, risk class, assigned collectors and the flags that stop dunning — filtered,
 * searched, sorted by any of them and paged, read from per-customer summaries (core/worklist/summary.ts)
 * kept exact by recomputing the customers whose rows changed or whose dates passed.
 *
 * Amounts come from the open invoices, never from `customers.balance_minor`: Xero states a
 * contact's balance in the organisation's base currency, so its mapping leaves the balance empty
 * (mappings/xero/customer.json) and a list reading that column shows "—" for every Xero customer.
 * Invoices in another currency than the customer's are not added to its amounts.
 */
import { sql, type SQL } from 'drizzle-orm';
import { EXPONENTS, formatMinor } from '../money.ts';
import type { Executor } from '../store/index.ts';
import { refreshWorklist } from './summary.ts';

export const WORKLIST_SORTS = ['name', 'number', 'open', 'overdue', 'oldestDays', 'stage', 'nextDate', 'lastContact', 'risk', 'collector'] as const;
export type WorklistSort = (typeof WORKLIST_SORTS)[number];
export const WORKLIST_FLAGS = ['disputed', 'promised', 'paused', 'onHold'] as const;
export type WorklistFlag = (typeof WORKLIST_FLAGS)[number];

export interface WorklistFilter {
  /** Name or email (contains), customer number or invoice number (exact). */
  q?: string;
  /** Each flag given must have that value. */
  flags?: Partial<Record<WorklistFlag, boolean>>;
  /** Only customers with something overdue. */
  overdueOnly?: boolean;
  /** Overdue at least this much, a decimal string compared in each customer's currency. */
  minOverdue?: string;
  riskClass?: string;
  /** The step number of the last reminder sent; 0: none sent yet. */
  stage?: number;
  /** A user id: customers assigned to them; `none`: customers assigned to nobody. */
  collector?: string;
  currency?: string;
  tag?: string;
}

export interface WorklistQuery {
  organizationId: string;
  /** The organization's today: overdue is `due_date < today`. */
  today: string;
  /** The customers the member may see; null: all of the organization's. */
  visible: readonly string[] | null;
  filter: WorklistFilter;
  sort: WorklistSort;
  direction: 'asc' | 'desc';
  /** Rows to return; null: all (exports take the whole filtered list). */
  limit: number | null;
  offset: number;
}

export interface WorklistItem {
  id: string;
  name: string;
  number: string;
  email: string | null;
  tags: string[];
  connectionId: string;
  currency: string;
  open: string;
  overdue: string;
  openInvoices: number;
  oldestOverdueDays: number | null;
  stage: { step: number; template: string | null; sentAt: string } | null;
  nextAction: { step: number; channel: string; date: string; status: string; heldBy: 'paused' | 'promise' | 'disputed' | null } | null;
  lastContact: string | null;
  riskClass: string | null;
  score: number | null;
  collectors: { id: string; name: string }[];
  flags: Record<WorklistFlag, boolean>;
  hold: { id: string; reason: string; until: string | null } | null;
  promise: { date: string; amount: string } | null;
}

interface Row extends Record<string, unknown> {
  id: string; name: string; external_id: string; email: string | null; tags: string[]; connection_id: string; currency: string; open_minor: string; overdue_minor: string; open_count: number;
  oldest_due: string | null; oldest_days: number | null; stage_step: number | null; stage_template: string | null; stage_at: Date | null;
  next_step: number | null; next_channel: string | null; next_date: string | null; next_status: string | null;
  last_contact: Date | null; risk_class: string | null; score: number | null; collectors: { id: string; name: string }[] | null;
  disputed: boolean; promised: boolean; paused: boolean; on_hold: boolean;
  hold_id: string | null; hold_reason: string | null; hold_until: string | null; promise_date: string | null; promise_minor: string | null; promise_currency: string | null;
  total?: number;
}

/** The currency's exponent in SQL, so that amounts in JPY and in EUR sort by value, not by minor units. */
const exponentSql = (() => {
  const by = new Map<number, string[]>();
  for (const [code, e] of Object.entries(EXPONENTS)) by.set(e, [...(by.get(e) ?? []), code]);
  const arms = [...by].map(([e, codes]) => sql`WHEN cur.currency IN (${sql.join(codes.map((c) => sql`${c}`), sql`, `)}) THEN ${sql.raw(String(e))}`);
  return sql`CASE ${sql.join(arms, sql` `)} ELSE 2 END`;
})();

/**
 * Every worklist figure of the customers `ids` (null: all of the organization's), computed from the rows themselves on `today`, with the last day
 * the figures stay true (`valid_until`, null: until a row changes): the day the next open invoice
 * falls due, a hold ends or a promised date passes. Each figure is one grouped pass over the
 * organization's rows, hash-joined to its customers (a lateral subquery per customer is 100,000
 * index probes per figure on 100,000 customers).
 */
export function liveWorklistSql(organizationId: string, today: string, ids: readonly string[] | null): SQL {
  const org = sql`${organizationId}::uuid`;
  // A few customers: index probes on each table's customer_id; all of them: one grouped pass each.
  const mine = (column: string) => (ids ? sql`AND ${sql.raw(column)} = ANY(${sql.param(ids)}::uuid[])` : sql``);
  return sql`
    WITH base AS MATERIALIZED (SELECT c.id FROM customers c WHERE c.organization_id = ${org} ${mine('c.id')})
    SELECT c.id, c.organization_id, c.name, c.external_id, c.email, c.tags, c.connection_id, cur.currency, ${exponentSql} AS exponent,
           coalesce(f.open_minor, 0)::text AS open_minor, coalesce(f.overdue_minor, 0)::text AS overdue_minor, coalesce(f.open_count, 0)::int AS open_count,
           f.oldest_due::text AS oldest_due, (${today}::date - f.oldest_due) AS oldest_days, st.step AS stage_step, st.template AS stage_template, st.sent_at AS stage_at,
           nx.step AS next_step, nx.channel::text AS next_channel, nx.scheduled_for::text AS next_date, nx.status::text AS next_status,
           lc.at AS last_contact, dp.risk_class, dp.score, col.collectors,
           (coalesce(f.disputed, false) OR ds.customer_id IS NOT NULL) AS disputed,
           (pr.promised_date IS NOT NULL) AS promised,
           (c.paused OR ch.id IS NOT NULL) AS paused,
           (ih.customer_id IS NOT NULL) AS on_hold,
           ch.id AS hold_id, ch.reason AS hold_reason, ch.until::text AS hold_until,
           pr.promised_date::text AS promise_date, pr.amount_minor::text AS promise_minor, pr.currency::text AS promise_currency,
           least(f.next_due, hv.until, pr.promised_date)::text AS valid_until
      FROM base b
      JOIN customers c ON c.id = b.id
      JOIN organizations o ON o.id = c.organization_id
      CROSS JOIN LATERAL (SELECT coalesce(c.currency, o.base_currency)::text AS currency) cur
      LEFT JOIN (
        SELECT i.customer_id, i.currency::text AS currency, sum(i.balance_minor) AS open_minor,
               sum(i.balance_minor) FILTER (WHERE i.due_date < ${today}::date) AS overdue_minor, count(*) AS open_count,
               min(i.due_date) FILTER (WHERE i.due_date < ${today}::date) AS oldest_due,
               min(i.due_date) FILTER (WHERE i.due_date >= ${today}::date) AS next_due, bool_or(i.disputed) AS disputed
          FROM invoices i WHERE i.organization_id = ${org} AND i.status = 'open' AND i.balance_minor > 0 ${mine('i.customer_id')}
         GROUP BY i.customer_id, i.currency) f ON f.customer_id = c.id AND f.currency = cur.currency
      LEFT JOIN (
        SELECT DISTINCT ON (a.customer_id) a.customer_id, a.step, a.template, a.sent_at FROM actions a
         WHERE a.organization_id = ${org} AND a.status = 'sent' ${mine('a.customer_id')} ORDER BY a.customer_id, a.sent_at DESC NULLS LAST) st ON st.customer_id = c.id
      LEFT JOIN (
        SELECT DISTINCT ON (a.customer_id) a.customer_id, a.step, a.channel, a.scheduled_for, a.status FROM actions a
         WHERE a.organization_id = ${org} AND a.status IN ('planned', 'awaiting_approval') ${mine('a.customer_id')} ORDER BY a.customer_id, a.scheduled_for, a.step) nx ON nx.customer_id = c.id
      LEFT JOIN (
        SELECT v.customer_id, max(v.occurred_at) AS at FROM activities v
         WHERE v.organization_id = ${org} AND v.kind IN ('reminder.sent', 'call.logged') ${mine('v.customer_id')} GROUP BY v.customer_id) lc ON lc.customer_id = c.id
      LEFT JOIN customer_dunning_profiles dp ON dp.customer_id = c.id
      LEFT JOIN (
        SELECT ca.customer_id, json_agg(json_build_object('id', u.id, 'name', coalesce(u.display_name, u.email)) ORDER BY coalesce(u.display_name, u.email)) AS collectors
          FROM customer_assignments ca JOIN users u ON u.id = ca.user_id JOIN memberships m ON m.user_id = u.id AND m.organization_id = ${org}
         WHERE true ${mine('ca.customer_id')} GROUP BY ca.customer_id) col ON col.customer_id = c.id
      LEFT JOIN (
        SELECT DISTINCT ON (h.customer_id) h.customer_id, h.id, h.reason, h.until FROM dunning_holds h
         WHERE h.organization_id = ${org} ${mine('h.customer_id')} AND h.invoice_id IS NULL AND h.released_at IS NULL AND (h.until IS NULL OR h.until >= ${today}::date)
         ORDER BY h.customer_id, h.created_at DESC) ch ON ch.customer_id = c.id
      LEFT JOIN (
        SELECT DISTINCT h.customer_id FROM dunning_holds h
         WHERE h.organization_id = ${org} ${mine('h.customer_id')} AND h.invoice_id IS NOT NULL AND h.released_at IS NULL AND (h.until IS NULL OR h.until >= ${today}::date)) ih ON ih.customer_id = c.id
      LEFT JOIN (
        SELECT h.customer_id, min(h.until) AS until FROM dunning_holds h
         WHERE h.organization_id = ${org} ${mine('h.customer_id')} AND h.released_at IS NULL AND h.until >= ${today}::date GROUP BY h.customer_id) hv ON hv.customer_id = c.id
      LEFT JOIN (
        SELECT DISTINCT d.customer_id FROM disputes d WHERE d.organization_id = ${org} AND d.status = 'open' ${mine('d.customer_id')}) ds ON ds.customer_id = c.id
      LEFT JOIN (
        SELECT DISTINCT ON (p.customer_id) p.customer_id, p.promised_date, p.amount_minor, p.currency FROM promises_to_pay p
         WHERE p.organization_id = ${org} AND p.status = 'pending' AND p.promised_date >= ${today}::date ${mine('p.customer_id')}
         ORDER BY p.customer_id, p.promised_date) pr ON pr.customer_id = c.id`;
}

/**
 * The worklist computed from the rows, not read from the summaries: what the summaries must equal
 * (test/worklist compares them after syncs, payments and actions). Sorted by id.
 */
export async function recomputeWorklist(db: Executor, organizationId: string, today: string): Promise<WorklistItem[]> {
  const { rows } = await db.execute<Row>(sql`SELECT * FROM (${liveWorklistSql(organizationId, today, null)}) w ORDER BY w.id`);
  return rows.map(toItem);
}

/**
 * Each sort's key. The keys that are never null (`notNull`) take the default null placement, so one
 * index serves both directions (read backwards); the others keep nulls last either way and have an
 * index per direction (migration 0025).
 */
const ORDER: Record<WorklistSort, { key: SQL; reverse?: true; notNull?: true }> = {
  name: { key: sql`s.lower_name`, notNull: true },
  number: { key: sql`s.external_id`, notNull: true },
  open: { key: sql`s.open_value`, notNull: true },
  overdue: { key: sql`s.overdue_value`, notNull: true },
  // The most days overdue is the oldest due date.
  oldestDays: { key: sql`s.oldest_due`, reverse: true },
  stage: { key: sql`s.stage_step` },
  nextDate: { key: sql`s.next_date` },
  lastContact: { key: sql`s.last_contact` },
  risk: { key: sql`s.risk_class` },
  collector: { key: sql`s.collector_first` },
};

const FLAG_COLUMN: Record<WorklistFlag, SQL> = { disputed: sql`s.disputed`, promised: sql`s.promised`, paused: sql`s.paused`, onHold: sql`s.on_hold` };

function filters(q: WorklistQuery): SQL[] {
  const f = q.filter;
  const where: SQL[] = [sql`s.organization_id = ${q.organizationId}::uuid`];
  if (q.visible !== null) where.push(sql`s.customer_id = ANY(${sql.param(q.visible)}::uuid[])`);
  if (f.collector === 'none') where.push(sql`s.collectors IS NULL`);
  else if (f.collector) where.push(sql`s.customer_id IN (SELECT ca.customer_id FROM customer_assignments ca WHERE ca.user_id = ${f.collector}::uuid)`);
  if (f.tag) where.push(sql`${f.tag} = ANY(s.tags)`);
  if (f.currency) where.push(sql`s.currency = ${f.currency}`);
  const text = f.q?.trim();
  if (text) {
    const like = `%${text.replace(/[%_\\]/g, '\\$&')}%`;
    where.push(sql`(s.name ILIKE ${like} OR s.email ILIKE ${like} OR s.external_id = ${text}
      OR s.customer_id IN (SELECT n.customer_id FROM invoices n WHERE n.organization_id = ${q.organizationId}::uuid AND n.number = ${text}))`);
  }
  for (const flag of WORKLIST_FLAGS) {
    const value = f.flags?.[flag];
    if (value !== undefined) where.push(value ? FLAG_COLUMN[flag] : sql`NOT ${FLAG_COLUMN[flag]}`);
  }
  if (f.overdueOnly) where.push(sql`s.overdue_minor > 0`);
  if (f.minOverdue !== undefined) where.push(sql`s.overdue_value >= ${f.minOverdue}::numeric`);
  if (f.riskClass) where.push(sql`s.risk_class = ${f.riskClass}`);
  if (f.stage !== undefined) where.push(f.stage === 0 ? sql`s.stage_step IS NULL` : sql`s.stage_step = ${f.stage}`);
  return where;
}

/**
 * The statements listWorklist sends after the refresh: the page, and the count of the filtered list.
 * A search keeps few rows of many: they are found first (one pass over the organization's
 * summaries, the invoice numbers by index), then sorted and counted together — read in a sort's
 * index order instead, a search for a rare name walks most of the index to fill a page.
 */
export function worklistStatements(q: WorklistQuery): { page: SQL; count: SQL; counted: boolean } {
  const where = sql.join(filters(q), sql` AND `);
  const order = ORDER[q.sort];
  const descending = (q.direction === 'desc') !== (order.reverse === true);
  const columns = sql`s.*, s.oldest_due::text AS oldest_due, (${q.today}::date - s.oldest_due) AS oldest_days, s.next_date::text AS next_date,
           s.hold_until::text AS hold_until, s.promise_date::text AS promise_date, s.open_minor::text AS open_minor, s.overdue_minor::text AS overdue_minor,
           s.promise_minor::text AS promise_minor, s.customer_id AS id`;
  const orderBy = sql`ORDER BY ${order.key} ${descending ? sql`DESC` : sql`ASC`}${order.notNull ? sql`` : sql` NULLS LAST`}, s.lower_name, s.customer_id
     ${q.limit === null ? sql`` : sql`LIMIT ${q.limit}`} OFFSET ${q.offset}`;
  const count = sql`SELECT count(*)::int AS total FROM worklist_summaries s WHERE ${where}`;
  if (q.filter.q?.trim()) {
    return { count, counted: true, page: sql`
      WITH found AS MATERIALIZED (SELECT * FROM worklist_summaries s WHERE ${where})
      SELECT ${columns}, count(*) OVER ()::int AS total FROM found s ${orderBy}` };
  }
  return { count, counted: false, page: sql`SELECT ${columns} FROM worklist_summaries s WHERE ${where} ${orderBy}` };
}

/** The worklist page (or, with `limit: null`, the whole filtered list) and how many rows match, from the summaries brought up to date first. */
export async function listWorklist(db: Executor, q: WorklistQuery): Promise<{ items: WorklistItem[]; total: number }> {
  await refreshWorklist(db, q.organizationId, q.today);
  const { page, count, counted } = worklistStatements(q);
  const { rows } = await db.execute<Row>(page);
  // A first page shorter than asked is the whole list: no count needed.
  const total = counted && rows.length > 0 ? rows[0]!.total!
    : q.offset === 0 && q.limit !== null && rows.length < q.limit ? rows.length
    : q.limit === null && (rows.length > 0 || q.offset === 0) ? q.offset + rows.length
    : (await db.execute<{ total: number }>(count)).rows[0]!.total;
  return { items: rows.map(toItem), total };
}

function toItem(r: Row): WorklistItem {
  const money = (m: string) => formatMinor(BigInt(m), r.currency);
  const flags = { disputed: r.disputed, promised: r.promised, paused: r.paused, onHold: r.on_hold };
  return {
    id: r.id, name: r.name, number: r.external_id, email: r.email, tags: r.tags, connectionId: r.connection_id, currency: r.currency,
    open: money(r.open_minor), overdue: money(r.overdue_minor), openInvoices: r.open_count, oldestOverdueDays: r.oldest_days,
    stage: r.stage_step === null ? null : { step: r.stage_step, template: r.stage_template, sentAt: new Date(r.stage_at!).toISOString() },
    nextAction: r.next_step === null ? null : {
      step: r.next_step, channel: r.next_channel!, date: r.next_date!, status: r.next_status!,
      heldBy: flags.paused ? 'paused' : flags.promised ? 'promise' : flags.disputed ? 'disputed' : null,
    },
    lastContact: r.last_contact ? new Date(r.last_contact).toISOString() : null, riskClass: r.risk_class, score: r.score, collectors: r.collectors ?? [], flags,
    hold: r.hold_id ? { id: r.hold_id, reason: r.hold_reason!, until: r.hold_until } : null,
    promise: r.promise_date ? { date: r.promise_date, amount: formatMinor(BigInt(r.promise_minor!), r.promise_currency!) } : null,
  };
}
