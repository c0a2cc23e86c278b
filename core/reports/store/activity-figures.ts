/**
 * Figures only the store knows (the ledger file has no history of reminders, promises or disputes),
 * over the `periodDays` days ending on asOf inclusive:
 *   promise kept rate     promises dated in the period and settled: kept / (kept + broken) × 100
 *   reminder conversion   reminders (email, sms, letter) sent in the period that were followed by a
 *                         payment or credit to one of their invoices within 7 (and 14) days / reminders
 *   dispute resolution    average days from opening to resolution (resolved or rejected) of the
 *                         disputes closed in the period
 *   team productivity     per user: actions approved, disputes closed, promises recorded
 * Rates and averages in tenths, rounded half-up; null when nothing was counted.
 */
import { sql } from 'drizzle-orm';
import { addDays, type IsoDate } from '../../calendar/index.ts';
import { divRoundHalfUp } from '../../money.ts';
import type { Executor } from '../../store/index.ts';
import { formatTenths } from '../dso.ts';

export interface ActivityFigures {
  asOf: IsoDate;
  periodDays: number;
  promises: { kept: number; broken: number; keptRate: string | null };
  reminders: { sent: number; paidWithin7: number; paidWithin14: number; conversion7: string | null; conversion14: string | null };
  disputes: { closed: number; averageResolutionDays: string | null };
  team: { user: string; actionsApproved: number; disputesClosed: number; promisesRecorded: number }[];
}

const rate = (n: number, d: number): string | null => (d === 0 ? null : formatTenths(divRoundHalfUp(BigInt(n) * 1000n, BigInt(d))));

export async function activityFigures(db: Executor, organizationId: string, asOf: IsoDate, periodDays: number): Promise<ActivityFigures> {
  const from = addDays(asOf, 1 - periodDays);
  const org = sql`${organizationId}::uuid`;
  const promises = await db.execute<{ kept: string; broken: string }>(sql`
    SELECT count(*) FILTER (WHERE status = 'kept')::text AS kept, count(*) FILTER (WHERE status = 'broken')::text AS broken
    FROM promises_to_pay WHERE organization_id = ${org} AND promised_date BETWEEN ${from}::date AND ${asOf}::date`);
  const reminders = await db.execute<{ sent: string; w7: string; w14: string }>(sql`
    WITH sent AS (
      SELECT a.id, a.sent_at::date AS day FROM actions a
      WHERE a.organization_id = ${org} AND a.status = 'sent' AND a.channel IN ('email', 'sms', 'letter')
        AND a.sent_at::date BETWEEN ${from}::date AND ${asOf}::date),
    paid AS (
      SELECT s.id, min(al.date - s.day) AS days FROM sent s
      JOIN action_invoices ai ON ai.action_id = s.id
      JOIN allocations al ON al.invoice_id = ai.invoice_id AND al.date >= s.day
      GROUP BY s.id)
    SELECT (SELECT count(*) FROM sent)::text AS sent,
           count(*) FILTER (WHERE days <= 7)::text AS w7, count(*) FILTER (WHERE days <= 14)::text AS w14 FROM paid`);
  const disputes = await db.execute<{ closed: string; seconds: string | null }>(sql`
    SELECT count(*)::text AS closed, avg(extract(epoch FROM resolved_at - opened_at))::text AS seconds
    FROM disputes WHERE organization_id = ${org} AND status IN ('resolved', 'rejected')
      AND resolved_at::date BETWEEN ${from}::date AND ${asOf}::date`);
  const team = await db.execute<{ user: string; approved: string; closed: string; recorded: string }>(sql`
    WITH work AS (
      SELECT approved_by AS who, 1 AS approved, 0 AS closed, 0 AS recorded FROM actions
       WHERE organization_id = ${org} AND approved_by IS NOT NULL AND updated_at::date BETWEEN ${from}::date AND ${asOf}::date
      UNION ALL
      SELECT owner, 0, 1, 0 FROM disputes
       WHERE organization_id = ${org} AND owner IS NOT NULL AND status IN ('resolved', 'rejected')
         AND resolved_at::date BETWEEN ${from}::date AND ${asOf}::date
      UNION ALL
      SELECT recorded_by, 0, 0, 1 FROM promises_to_pay
       WHERE organization_id = ${org} AND recorded_by IS NOT NULL AND created_at::date BETWEEN ${from}::date AND ${asOf}::date)
    SELECT who AS user, sum(approved)::text AS approved, sum(closed)::text AS closed, sum(recorded)::text AS recorded
    FROM work GROUP BY who ORDER BY who`);
  const p = promises.rows[0]!;
  const r = reminders.rows[0]!;
  const d = disputes.rows[0]!;
  const [kept, broken, sent, w7, w14] = [p.kept, p.broken, r.sent, r.w7, r.w14].map(Number) as [number, number, number, number, number];
  const seconds = d.seconds === null ? null : Number(d.seconds);
  return {
    asOf, periodDays,
    promises: { kept, broken, keptRate: rate(kept, kept + broken) },
    reminders: { sent, paidWithin7: w7, paidWithin14: w14, conversion7: rate(w7, sent), conversion14: rate(w14, sent) },
    disputes: {
      closed: Number(d.closed),
      // Seconds to tenths of a day; the average is a float only here, rounded once to a tenth.
      averageResolutionDays: seconds === null ? null : formatTenths(BigInt(Math.round(seconds / 8640))),
    },
    team: team.rows.map((t) => ({ user: t.user, actionsApproved: Number(t.approved), disputesClosed: Number(t.closed), promisesRecorded: Number(t.recorded) })),
  };
}
