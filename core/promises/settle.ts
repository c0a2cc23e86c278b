/**
 * Kept or broken, from the payments that sync: a pending promise is kept as soon as the customer's
 * payments (in the promise's currency, dated from the day it was recorded to its date) cover it,
 * and broken once its date has passed without that. For an installment of a payment plan the
 * payments count from the plan's start and must cover every installment up to this one.
 * A broken promise resumes the customer's scenario (resume.ts). Run after each reconciliation.
 */
import { sql } from 'drizzle-orm';
import type { IsoDate } from '../calendar/index.ts';
import { formatMinor } from '../money.ts';
import type { Db } from '../store/db.ts';
import { resumeAfterBrokenPromise, type Resumed } from './resume.ts';

interface DueRow extends Record<string, unknown> {
  id: string; customer_id: string; currency: string; promised_date: string; target: string; paid: string;
  installment_id: string | null; plan_id: string | null;
}

export interface SettleReport {
  kept: number;
  broken: number;
  resumed: Resumed[];
}

/** Pending promises with what they need (cumulative for plan installments) and what was paid toward it. */
async function pendingWithPayments(db: Db, organizationId: string, asOf: IsoDate): Promise<DueRow[]> {
  const { rows } = await db.execute<DueRow>(sql`
    WITH pending AS (
      SELECT p.id, p.customer_id, p.currency, p.promised_date, p.amount_minor, p.installment_id, ins.plan_id,
             CASE WHEN ins.id IS NULL THEN p.amount_minor
                  ELSE (SELECT sum(x.amount_minor) FROM payment_plan_installments x WHERE x.plan_id = ins.plan_id AND x.sequence <= ins.sequence) END AS target,
             -- created_at holds the recording day at midnight (UTC session): its date is that day.
             (COALESCE(pl.created_at, p.created_at) AT TIME ZONE 'UTC')::date AS since
        FROM promises_to_pay p
        LEFT JOIN payment_plan_installments ins ON ins.id = p.installment_id
        LEFT JOIN payment_plans pl ON pl.id = ins.plan_id
       WHERE p.organization_id = ${organizationId}::uuid AND p.status = 'pending')
    SELECT pending.id, pending.customer_id, pending.currency::text, pending.promised_date::text, pending.target::text, pending.installment_id, pending.plan_id,
           COALESCE((SELECT sum(pay.amount_minor) FROM payments pay
                      WHERE pay.customer_id = pending.customer_id AND pay.currency = pending.currency
                        AND pay.date >= pending.since AND pay.date <= LEAST(pending.promised_date, ${asOf}::date)), 0)::text AS paid
      FROM pending ORDER BY pending.promised_date, pending.id`);
  return rows;
}

async function settleOne(db: Db, organizationId: string, r: DueRow, outcome: 'kept' | 'broken'): Promise<boolean> {
  return db.transaction(async (tx) => {
    const updated = await tx.execute(sql`
      UPDATE promises_to_pay SET status = ${outcome}::promise_status, paid_minor = ${r.paid}::bigint, settled_at = now(), updated_at = now()
       WHERE id = ${r.id}::uuid AND status = 'pending'`);
    if ((updated.rowCount ?? 0) === 0) return false; // Another run settled it first.
    await tx.execute(sql`INSERT INTO activities (organization_id, customer_id, actor, kind, payload)
      VALUES (${organizationId}::uuid, ${r.customer_id}::uuid, 'job:reconcile.run', ${`promise.${outcome}`},
              ${JSON.stringify({ promiseId: r.id, date: r.promised_date, expected: formatMinor(BigInt(r.target), r.currency), paid: formatMinor(BigInt(r.paid), r.currency), currency: r.currency })}::jsonb)`);
    if (r.installment_id) {
      await tx.execute(sql`UPDATE payment_plan_installments SET status = ${outcome === 'kept' ? 'paid' : 'late'}::installment_status,
        paid_minor = LEAST(amount_minor, ${r.paid}::bigint) WHERE id = ${r.installment_id}::uuid`);
      await tx.execute(sql`
        UPDATE payment_plans pl SET updated_at = now(), status = CASE
            WHEN ${outcome} = 'broken' THEN 'defaulted'::payment_plan_status
            WHEN NOT EXISTS (SELECT 1 FROM payment_plan_installments x WHERE x.plan_id = pl.id AND x.status <> 'paid') THEN 'completed'::payment_plan_status
            ELSE pl.status END
         WHERE pl.id = ${r.plan_id}::uuid AND pl.status = 'active'`);
    }
    return true;
  });
}

/** Settles the organization's due promises on `asOf`; broken ones resume their customer's scenario. */
export async function settlePromises(db: Db, organizationId: string, asOf: IsoDate): Promise<SettleReport> {
  const report: SettleReport = { kept: 0, broken: 0, resumed: [] };
  for (const r of await pendingWithPayments(db, organizationId, asOf)) {
    const kept = BigInt(r.paid) >= BigInt(r.target);
    if (!kept && r.promised_date >= asOf) continue; // Still time to pay.
    const outcome = kept ? 'kept' : 'broken';
    if (!(await settleOne(db, organizationId, r, outcome))) continue;
    report[outcome]++;
    if (outcome === 'broken') {
      const resumed = await resumeAfterBrokenPromise(db, organizationId, r.customer_id, r.currency, asOf);
      if (resumed) report.resumed.push(resumed);
    }
  }
  return report;
}
