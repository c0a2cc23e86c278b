/**
 * Recomputes payer scores from the store and saves them (with their explanation) on each customer's
 * dunning profile. Called when payments sync (`rescoreCustomers` with the customers they touched)
 * and by the per-customer dunning run; `rescoreOrganization` walks every customer in batches (the
 * daily `scoring.rescore` job and the demo's import, through schedule.ts).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../store/db.ts';
import { addDays, type IsoDate } from '../calendar/index.ts';
import { LOOK_BACK_DAYS, scorePayer, type PaidInvoiceFact, type PayerScore, type ScoringRules } from './payer-score.ts';
import { scoringRulesOf } from './rules.ts';

const BATCH = 1000;

interface FactsRow extends Record<string, unknown> {
  customer_id: string;
  paid: { dueDate: string; paidOn: string }[] | null;
  overdue: string[] | null;
  open_disputes: number;
  open_balance: string;
  credit_limit: string | null;
}

/** One query for the facts of a batch of customers: paid and overdue invoices, open disputes, balance, limit. */
async function loadFacts(db: Db, organizationId: string, customerIds: readonly string[], asOf: IsoDate): Promise<FactsRow[]> {
  const since = addDays(asOf, -LOOK_BACK_DAYS);
  const ids = sql`ARRAY[${sql.join(customerIds.map((id) => sql`${id}`), sql`, `)}]::uuid[]`;
  const result = await db.execute<FactsRow>(sql`
    WITH paid AS (
      SELECT i.customer_id, i.due_date,
             -- The last allocation is when the balance reached zero; a provider that sends no
             -- allocation leaves the source's last update as the best estimate.
             COALESCE(max(a.date), (i.source_updated_at AT TIME ZONE 'UTC')::date) AS paid_on
        FROM invoices i LEFT JOIN allocations a ON a.invoice_id = i.id
       WHERE i.organization_id = ${organizationId} AND i.customer_id = ANY(${ids})
         AND i.status = 'paid' AND i.due_date IS NOT NULL
       GROUP BY i.id
    )
    SELECT c.id AS customer_id,
      (SELECT json_agg(json_build_object('dueDate', p.due_date, 'paidOn', p.paid_on))
         FROM paid p WHERE p.customer_id = c.id AND p.paid_on BETWEEN ${since}::date AND ${asOf}::date) AS paid,
      (SELECT array_agg(i.due_date::text) FROM invoices i
        WHERE i.customer_id = c.id AND i.status = 'open' AND NOT i.disputed AND i.balance_minor > 0 AND i.due_date < ${asOf}::date) AS overdue,
      (SELECT count(*)::int FROM disputes d WHERE d.customer_id = c.id AND d.status = 'open') AS open_disputes,
      (SELECT COALESCE(sum(i.balance_minor), 0)::text FROM invoices i
        WHERE i.customer_id = c.id AND i.status = 'open'
          AND i.currency = COALESCE(dp.credit_limit_currency, c.currency)) AS open_balance,
      dp.credit_limit_minor::text AS credit_limit
    FROM customers c LEFT JOIN customer_dunning_profiles dp ON dp.customer_id = c.id
    WHERE c.organization_id = ${organizationId} AND c.id = ANY(${ids})`);
  return result.rows;
}

/** Scores the given customers on `asOf` and saves each score; returns them by customer id. */
function factsOf(row: FactsRow) {
  const paid: PaidInvoiceFact[] = (row.paid ?? []).map((p) => ({ dueDate: p.dueDate, paidOn: p.paidOn }));
  const overdue = (row.overdue ?? []).map((dueDate) => ({ dueDate }));
  return { paid, overdue, openDisputes: row.open_disputes, openBalance: BigInt(row.open_balance), creditLimit: row.credit_limit === null ? null : BigInt(row.credit_limit) };
}

export interface ScorePreview {
  /** Customers per risk class, now and under the rules previewed. */
  classes: { current: Record<string, number>; proposed: Record<string, number> };
  /** The customers whose class would change, the largest score moves first (at most 50). */
  changes: { customerId: string; name: string; current: { score: number | null; riskClass: string | null }; proposed: PayerScore }[];
  scored: number;
}

/**
 * Scores every customer of the organization under `rules` without saving anything: what an admin
 * sees before saving new weights, on their own customers.
 */
export async function previewScores(db: Db, organizationId: string, asOf: IsoDate, rules: ScoringRules): Promise<ScorePreview> {
  const current: Record<string, number> = {};
  const proposed: Record<string, number> = {};
  const changes: ScorePreview['changes'] = [];
  let after = '00000000-0000-0000-0000-000000000000';
  let scored = 0;
  for (;;) {
    const { rows: page } = await db.execute<{ id: string; name: string; score: number | null; risk_class: string | null }>(sql`
      SELECT c.id, c.name, dp.score, dp.risk_class FROM customers c LEFT JOIN customer_dunning_profiles dp ON dp.customer_id = c.id
       WHERE c.organization_id = ${organizationId} AND c.id > ${after}::uuid ORDER BY c.id LIMIT ${BATCH}`);
    if (page.length === 0) break;
    const facts = new Map((await loadFacts(db, organizationId, page.map((r) => r.id), asOf)).map((r) => [r.customer_id, r]));
    for (const c of page) {
      const row = facts.get(c.id);
      if (!row) continue;
      const s = scorePayer(factsOf(row), asOf, rules);
      scored += 1;
      const was = c.risk_class ?? 'unscored';
      current[was] = (current[was] ?? 0) + 1;
      proposed[s.riskClass] = (proposed[s.riskClass] ?? 0) + 1;
      if (c.risk_class !== s.riskClass) changes.push({ customerId: c.id, name: c.name, current: { score: c.score, riskClass: c.risk_class }, proposed: s });
    }
    after = page[page.length - 1]!.id;
  }
  changes.sort((a, b) => Math.abs(b.proposed.score - (b.current.score ?? 100)) - Math.abs(a.proposed.score - (a.current.score ?? 100)) || a.customerId.localeCompare(b.customerId));
  return { classes: { current, proposed }, changes: changes.slice(0, 50), scored };
}

/** One customer's score month by month, oldest first (the last score computed in each month). */
export async function scoreHistory(db: Db, organizationId: string, customerId: string, months = 24): Promise<{ month: string; score: number; riskClass: string }[]> {
  const { rows } = await db.execute<{ month: string; score: number; risk_class: string }>(sql`
    SELECT month::text, score, risk_class FROM (
      SELECT month, score, risk_class FROM customer_score_history WHERE customer_id = ${customerId}::uuid AND organization_id = ${organizationId}::uuid ORDER BY month DESC LIMIT ${months}) h
    ORDER BY month`);
  return rows.map((r) => ({ month: r.month.slice(0, 7), score: r.score, riskClass: r.risk_class }));
}

export async function rescoreCustomers(
  db: Db,
  organizationId: string,
  customerIds: readonly string[],
  asOf: IsoDate,
  /** The organization's rules when the caller already has them (`scoringRulesOf`). */
  knownRules?: ScoringRules,
): Promise<Map<string, PayerScore>> {
  const scores = new Map<string, PayerScore>();
  const rules = knownRules ?? (await scoringRulesOf(db, organizationId));
  for (let i = 0; i < customerIds.length; i += BATCH) {
    const batch = customerIds.slice(i, i + BATCH);
    const rows = await loadFacts(db, organizationId, batch, asOf);
    for (const row of rows) {
      scores.set(row.customer_id, scorePayer(factsOf(row), asOf, rules));
    }
    if (rows.length > 0) await saveScores(db, organizationId, batch.filter((id) => scores.has(id)), scores, asOf);
  }
  return scores;
}

async function saveScores(db: Db, organizationId: string, ids: readonly string[], scores: Map<string, PayerScore>, asOf: IsoDate): Promise<void> {
  const payload = ids.map((id) => {
    const s = scores.get(id)!;
    return { customerId: id, score: s.score, riskClass: s.riskClass, factors: { factors: s.factors } };
  });
  // One statement per batch: a profile row is made for a customer that has none yet.
  await db.execute(sql`
    INSERT INTO customer_dunning_profiles (customer_id, organization_id, score, risk_class, score_factors, scored_at)
    SELECT x."customerId", ${organizationId}, x.score, x."riskClass", x.factors, now()
      FROM jsonb_to_recordset(${JSON.stringify(payload)}::jsonb)
        AS x("customerId" uuid, score int, "riskClass" text, factors jsonb)
    ON CONFLICT (customer_id) DO UPDATE SET score = EXCLUDED.score, risk_class = EXCLUDED.risk_class,
      score_factors = EXCLUDED.score_factors, scored_at = EXCLUDED.scored_at, updated_at = now()`);
  // The month's entry of the history: the last score of the month stands for it.
  await db.execute(sql`
    INSERT INTO customer_score_history (customer_id, organization_id, month, score, risk_class, factors)
    SELECT x."customerId", ${organizationId}, date_trunc('month', ${asOf}::date)::date, x.score, x."riskClass", x.factors
      FROM jsonb_to_recordset(${JSON.stringify(payload)}::jsonb)
        AS x("customerId" uuid, score int, "riskClass" text, factors jsonb)
    ON CONFLICT (customer_id, month) DO UPDATE SET score = EXCLUDED.score, risk_class = EXCLUDED.risk_class,
      factors = EXCLUDED.factors, scored_at = now()`);
}

/**
 * Rescores every customer of an organization, in batches by id (`onBatch` after each: a job keeps
 * its lock). Returns how many were scored.
 */
export async function rescoreOrganization(db: Db, organizationId: string, asOf: IsoDate, onBatch?: () => Promise<void>): Promise<number> {
  let after = '00000000-0000-0000-0000-000000000000';
  let count = 0;
  for (;;) {
    const { rows } = await db.execute<{ id: string }>(sql`
      SELECT id FROM customers WHERE organization_id = ${organizationId} AND id > ${after}::uuid
      ORDER BY id LIMIT ${BATCH}`);
    if (rows.length === 0) return count;
    await rescoreCustomers(db, organizationId, rows.map((r) => r.id), asOf);
    count += rows.length;
    after = rows[rows.length - 1]!.id;
    await onBatch?.();
  }
}
