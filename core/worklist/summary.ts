/**
 * The worklist's per-customer summaries (table `worklist_summaries`): every figure of the worklist
 * stored for each customer, so that sorting, filtering and paging 100,000 customers read one indexed
 * table instead of grouping every invoice, action, activity, hold, dispute and promise on each page.
 *
 * Exact by construction, not by discipline on each write path: statement triggers on every table a
 * figure is made of (migration 0025: customers, invoices, actions, activities, holds, disputes,
 * promises, profiles, assignments, and the users, memberships and organizations the names and
 * currencies come from) mark the customers a statement touched in `worklist_dirty`, whichever code
 * wrote — sync commit, reconciliation, daily run, sending, holds, the API or SQL by hand. Figures
 * that change with the calendar carry the last day they stay true (`valid_until`: the day the next
 * open invoice falls due, a hold ends, a promised date passes); oldest overdue days are stored as the
 * oldest due date and counted at read time.
 *
 * Before each read, the customers marked or past their `valid_until` (or summarized for a later day
 * than the one asked) are recomputed with the very query the worklist used to run on every page
 * (liveWorklistSql), under a per-organization advisory lock so that two readers never write an older
 * reading over a newer one. A marked row committed while a refresh runs stays marked for the next.
 */
import { sql } from 'drizzle-orm';
import { todayIn } from '../calendar/index.ts';
import type { Executor } from '../store/index.ts';
import { liveWorklistSql } from './query.ts';

/** The per-organization advisory lock the refresh takes: one namespace, the organization's hash. */
const LOCK_NAMESPACE = 0x776f726b; // "work"

/**
 * Brings the summaries of the organization up to date for `today`: recomputes the customers marked
 * changed, those whose figures expired before `today`, and those summarized for a later day. Returns
 * how many customers were recomputed (0: nothing was stale, no lock taken).
 */
/** Above this many customers to recompute, one grouped pass over the whole organization is cheaper than index probes per customer. */
const FULL_PASS_FROM = 10_000;

/** The stored columns and how each is made from a row of liveWorklistSql (`l`); `as_of` and `refreshed_at` are added. */
const COLUMNS: [string, string][] = [
  ['organization_id', 'l.organization_id'], ['name', 'l.name'], ['lower_name', 'lower(l.name)'], ['external_id', 'l.external_id'], ['email', 'l.email'],
  ['tags', 'l.tags'], ['connection_id', 'l.connection_id'], ['currency', 'l.currency'],
  ['open_minor', 'l.open_minor::bigint'], ['overdue_minor', 'l.overdue_minor::bigint'],
  ['open_value', 'l.open_minor::numeric / (10::numeric ^ l.exponent)'], ['overdue_value', 'l.overdue_minor::numeric / (10::numeric ^ l.exponent)'],
  ['open_count', 'l.open_count'], ['oldest_due', 'l.oldest_due::date'], ['stage_step', 'l.stage_step'], ['stage_template', 'l.stage_template'], ['stage_at', 'l.stage_at'],
  ['next_step', 'l.next_step'], ['next_channel', 'l.next_channel'], ['next_date', 'l.next_date::date'], ['next_status', 'l.next_status'],
  ['last_contact', 'l.last_contact'], ['risk_class', 'l.risk_class'], ['score', 'l.score'], ['collectors', 'l.collectors::jsonb'], ['collector_first', "l.collectors->0->>'name'"],
  ['disputed', 'l.disputed'], ['promised', 'l.promised'], ['paused', 'l.paused'], ['on_hold', 'l.on_hold'],
  ['hold_id', 'l.hold_id'], ['hold_reason', 'l.hold_reason'], ['hold_until', 'l.hold_until::date'],
  ['promise_date', 'l.promise_date::date'], ['promise_minor', 'l.promise_minor::bigint'], ['promise_currency', 'l.promise_currency'], ['valid_until', 'l.valid_until::date'],
];
const names = COLUMNS.map(([c]) => c);
const insertHead = sql.raw(`INSERT INTO worklist_summaries AS s (customer_id, ${names.join(', ')}, as_of, refreshed_at) SELECT l.id, ${COLUMNS.map(([, e]) => e).join(', ')}, `);
// A customer whose figures did not change keeps its row (and its twenty index entries) untouched.
const conflict = sql.raw(` FROM live l ON CONFLICT (customer_id) DO UPDATE SET ${[...names, 'as_of', 'refreshed_at'].map((c) => `${c} = excluded.${c}`).join(', ')}
  WHERE (${names.map((c) => `s.${c}`).join(', ')}) IS DISTINCT FROM (${names.map((c) => `excluded.${c}`).join(', ')}) OR s.as_of > excluded.as_of`);

/**
 * Brings the summaries of the organization up to date for `today`: recomputes the customers marked
 * changed, those whose figures expired before `today`, and those summarized for a later day. Returns
 * how many customers were recomputed (0: nothing was stale, no lock taken).
 */
export async function refreshWorklist(db: Executor, organizationId: string, today: string, options: { fullPassFrom?: number } = {}): Promise<number> {
  const org = sql`${organizationId}::uuid`;
  const expired = sql`
    SELECT s.customer_id FROM worklist_summaries s WHERE s.organization_id = ${org} AND s.valid_until < ${today}::date
    UNION SELECT s.customer_id FROM worklist_summaries s WHERE s.organization_id = ${org} AND s.as_of > ${today}::date`;
  const { rows: [probe] } = await db.execute<{ any: boolean }>(sql`
    SELECT EXISTS (SELECT 1 FROM worklist_dirty d WHERE d.organization_id = ${org}) OR EXISTS (${expired}) AS any`);
  if (!probe?.any) return 0;
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${LOCK_NAMESPACE}, hashtext(${organizationId}))`);
    // Under the lock: the marks removed here are of writes committed before this statement, which
    // the recomputation (a later statement) sees; a mark committed meanwhile stays for the next read.
    const { rows } = await tx.execute<{ id: string }>(sql`
      WITH marked AS (DELETE FROM worklist_dirty d WHERE d.organization_id = ${org} RETURNING d.customer_id)
      SELECT customer_id AS id FROM marked UNION ${expired}`);
    if (rows.length === 0) return 0;
    const ids = rows.length >= (options.fullPassFrom ?? FULL_PASS_FROM) ? null : rows.map((r) => r.id);
    await tx.execute(sql`WITH live AS (${liveWorklistSql(organizationId, today, ids)}) ${insertHead}${today}::date, now()${conflict}`);
    return rows.length;
  });
}

/**
 * Every organization's summaries brought up to date, as the first reader would: run by the
 * `worklist.refresh` job so that a collector opening the worklist after a big sync or a daily run does
 * not pay for the recomputation, and so that the marks (one per writing statement) do not pile up in
 * an organization nobody reads. Returns the customers recomputed per organization that had any.
 */
export async function refreshAllWorklists(db: Executor, now: Date = new Date()): Promise<Record<string, number>> {
  const { rows } = await db.execute<{ id: string; timezone: string | null }>(sql`SELECT id, timezone FROM organizations ORDER BY id`);
  const refreshed: Record<string, number> = {};
  for (const org of rows) {
    const n = await refreshWorklist(db, org.id, todayIn(org.timezone ?? 'UTC', now));
    if (n > 0) refreshed[org.id] = n;
  }
  return refreshed;
}
