/**
 * The worklist: every customer a member sees, with what a collector acts on — open and overdue
 * amounts in the customer's currency, oldest overdue days, dunning stage, next planned action,
 * last contact, risk class, assigned collectors and the flags that stop dunning — filtered,
 * searched, sorted by any of them and paged, in one query.
 *
 * Amounts come from the open invoices, never from `customers.balance_minor`: Xero states a
 * contact's balance in the organisation's base currency, so its mapping leaves the balance empty
 * (mappings/xero/customer.json) and a list reading that column shows "—" for every Xero customer.
 * Invoices in another currency than the customer's are not added to its amounts.
 */
import { sql, type SQL } from 'drizzle-orm';
import { EXPONENTS, formatMinor } from '../money.ts';
import type { Executor } from '../store/index.ts';

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
  oldest_days: number | null; stage_step: number | null; stage_template: string | null; stage_at: Date | null;
  next_step: number | null; next_channel: string | null; next_date: string | null; next_status: string | null;
  last_contact: Date | null; risk_class: string | null; score: number | null; collectors: { id: string; name: string }[] | null;
  disputed: boolean; promised: boolean; paused: boolean; on_hold: boolean;
  hold_id: string | null; hold_reason: string | null; hold_until: string | null; promise_date: string | null; promise_minor: string | null; promise_currency: string | null;
  total: number;
}

/** The currency's exponent in SQL, so that amounts in JPY and in EUR sort by value, not by minor units. */
const exponentSql = (() => {
  const by = new Map<number, string[]>();
  for (const [code, e] of Object.entries(EXPONENTS)) by.set(e, [...(by.get(e) ?? []), code]);
  const arms = [...by].map(([e, codes]) => sql`WHEN cur.currency IN (${sql.join(codes.map((c) => sql`${c}`), sql`, `)}) THEN ${sql.raw(String(e))}`);
  return sql`CASE ${sql.join(arms, sql` `)} ELSE 2 END`;
})();
const value = (column: string) => sql`(${sql.raw(column)}::numeric / (10::numeric ^ w.exponent))`;

const ORDER: Record<WorklistSort, SQL> = {
  name: sql`lower(w.name)`,
  number: sql`w.external_id`,
  open: value('w.open_minor'),
  overdue: value('w.overdue_minor'),
  oldestDays: sql`w.oldest_days`,
  stage: sql`w.stage_step`,
  nextDate: sql`w.next_date`,
  lastContact: sql`w.last_contact`,
  risk: sql`w.risk_class`,
  collector: sql`(w.collectors->0->>'name')`,
};

const FLAG_COLUMN: Record<WorklistFlag, SQL> = { disputed: sql`w.disputed`, promised: sql`w.promised`, paused: sql`w.paused`, onHold: sql`w.on_hold` };

function outerFilters(f: WorklistFilter): SQL[] {
  const where: SQL[] = [];
  for (const flag of WORKLIST_FLAGS) {
    const value = f.flags?.[flag];
    if (value !== undefined) where.push(value ? FLAG_COLUMN[flag] : sql`NOT ${FLAG_COLUMN[flag]}`);
  }
  if (f.overdueOnly) where.push(sql`w.overdue_minor > 0`);
  if (f.minOverdue !== undefined) where.push(sql`${value('w.overdue_minor')} >= ${f.minOverdue}::numeric`);
  if (f.riskClass) where.push(sql`w.risk_class = ${f.riskClass}`);
  if (f.stage !== undefined) where.push(f.stage === 0 ? sql`w.stage_step IS NULL` : sql`w.stage_step = ${f.stage}`);
  if (f.collector === 'none') where.push(sql`w.collectors IS NULL`);
  return where;
}

function innerFilters(q: WorklistQuery): SQL[] {
  const where: SQL[] = [sql`c.organization_id = ${q.organizationId}::uuid`];
  if (q.visible !== null) where.push(sql`c.id = ANY(${sql.param(q.visible)}::uuid[])`);
  // "My customers" narrows the customers themselves: the grouped passes then read only theirs.
  if (q.filter.collector && q.filter.collector !== 'none') where.push(sql`c.id IN (SELECT ca.customer_id FROM customer_assignments ca WHERE ca.user_id = ${q.filter.collector}::uuid)`);
  if (q.filter.tag) where.push(sql`${q.filter.tag} = ANY(c.tags)`);
  if (q.filter.currency) where.push(sql`coalesce(c.currency, o.base_currency) = ${q.filter.currency}`);
  const text = q.filter.q?.trim();
  if (text) {
    const like = `%${text.replace(/[%_\\]/g, '\\$&')}%`;
    where.push(sql`(c.name ILIKE ${like} OR c.email ILIKE ${like} OR c.external_id = ${text}
      OR c.id IN (SELECT n.customer_id FROM invoices n WHERE n.organization_id = ${q.organizationId}::uuid AND n.number = ${text}))`);
  }
  return where;
}

/** The worklist page (or, with `limit: null`, the whole filtered list) and how many rows match. */
export async function listWorklist(db: Executor, q: WorklistQuery): Promise<{ items: WorklistItem[]; total: number }> {
  const today = q.today;
  const outer = outerFilters(q.filter);
  const direction = q.direction === 'asc' ? sql`ASC` : sql`DESC`;
  const org = sql`${q.organizationId}::uuid`;
  // Each figure is one grouped pass over the organization's rows, hash-joined to its customers:
  // on 100,000 customers that is a few scans, where a lateral subquery per customer is 100,000
  // index probes per figure (bench/worklist.ts measured both).
  // The customers the filters keep, once: when they narrow the organization's (a search, "mine", a
  // restricted collector), every grouped pass reads only theirs; the whole list reads everything once.
  const inner = innerFilters(q);
  const mine = (column: string) => (inner.length > 1 ? sql`AND ${sql.raw(column)} IN (SELECT id FROM base)` : sql``);
  const statement = sql`
    WITH base AS MATERIALIZED (
      SELECT c.id FROM customers c JOIN organizations o ON o.id = c.organization_id WHERE ${sql.join(inner, sql` AND `)})
    SELECT w.*, count(*) OVER ()::int AS total FROM (
      SELECT c.id, c.name, c.external_id, c.email, c.tags, c.connection_id, cur.currency, ${exponentSql} AS exponent,
             coalesce(f.open_minor, 0)::text AS open_minor, coalesce(f.overdue_minor, 0)::text AS overdue_minor, coalesce(f.open_count, 0)::int AS open_count,
             f.oldest_days, st.step AS stage_step, st.template AS stage_template, st.sent_at AS stage_at,
             nx.step AS next_step, nx.channel::text AS next_channel, nx.scheduled_for::text AS next_date, nx.status::text AS next_status,
             lc.at AS last_contact, dp.risk_class, dp.score, col.collectors,
             (coalesce(f.disputed, false) OR ds.customer_id IS NOT NULL) AS disputed,
             (pr.promised_date IS NOT NULL) AS promised,
             (c.paused OR ch.id IS NOT NULL) AS paused,
             (ih.customer_id IS NOT NULL) AS on_hold,
             ch.id AS hold_id, ch.reason AS hold_reason, ch.until::text AS hold_until,
             pr.promised_date::text AS promise_date, pr.amount_minor::text AS promise_minor, pr.currency::text AS promise_currency
        FROM base b
        JOIN customers c ON c.id = b.id
        JOIN organizations o ON o.id = c.organization_id
        CROSS JOIN LATERAL (SELECT coalesce(c.currency, o.base_currency)::text AS currency) cur
        LEFT JOIN (
          SELECT i.customer_id, i.currency::text AS currency, sum(i.balance_minor) AS open_minor,
                 sum(i.balance_minor) FILTER (WHERE i.due_date < ${today}::date) AS overdue_minor, count(*) AS open_count,
                 (${today}::date - min(i.due_date) FILTER (WHERE i.due_date < ${today}::date)) AS oldest_days, bool_or(i.disputed) AS disputed
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
          SELECT DISTINCT d.customer_id FROM disputes d WHERE d.organization_id = ${org} AND d.status = 'open' ${mine('d.customer_id')}) ds ON ds.customer_id = c.id
        LEFT JOIN (
          SELECT DISTINCT ON (p.customer_id) p.customer_id, p.promised_date, p.amount_minor, p.currency FROM promises_to_pay p
           WHERE p.organization_id = ${org} AND p.status = 'pending' AND p.promised_date >= ${today}::date ${mine('p.customer_id')}
           ORDER BY p.customer_id, p.promised_date) pr ON pr.customer_id = c.id
    ) w
    ${outer.length ? sql`WHERE ${sql.join(outer, sql` AND `)}` : sql``}
    ORDER BY ${ORDER[q.sort]} ${direction} NULLS LAST, lower(w.name), w.id
    ${q.limit === null ? sql`` : sql`LIMIT ${q.limit}`} OFFSET ${q.offset}`;
  const { rows } = await db.execute<Row>(statement);
  return { items: rows.map(toItem), total: rows[0]?.total ?? 0 };
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
