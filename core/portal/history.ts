/**
 * What the portal remembers for the customer (issue 17): the promises to pay they made and their
 * status, the payment plans they asked for and the ones agreed, and their disputes with status and
 * outcome — so a customer who promised a date sees it, not a blank form again.
 */
import { sql } from 'drizzle-orm';
import { formatMinor } from '../money.ts';
import type { Executor } from '../store/index.ts';
import type { OpenedLink } from './links.ts';

export interface PortalHistory {
  promises: { date: string; amount: string; currency: string; status: string; recordedOn: string }[];
  planRequests: { requestedOn: string; installments: number | null; message: string | null }[];
  plans: { createdOn: string; total: string; currency: string; status: string; installments: number }[];
  disputes: { openedOn: string; invoices: string[]; reason: string; status: string; resolution: string | null }[];
}

/** The customer's promises, plan requests and plans, and disputes, newest first (20 of each at most). */
export async function loadPortalHistory(db: Executor, link: Pick<OpenedLink, 'customerId' | 'organizationId'>): Promise<PortalHistory> {
  const customer = sql`${link.customerId}::uuid`;
  const org = sql`${link.organizationId}::uuid`;
  const { rows: promises } = await db.execute<{ date: string; amount: string; currency: string; status: string; recorded: string }>(sql`
    SELECT promised_date::text AS date, amount_minor::text AS amount, currency::text, status::text, created_at::date::text AS recorded
      FROM promises_to_pay WHERE customer_id = ${customer} AND organization_id = ${org} AND installment_id IS NULL ORDER BY created_at DESC LIMIT 20`);
  const { rows: requests } = await db.execute<{ at: string; installments: number | null; message: string | null }>(sql`
    SELECT occurred_at::date::text AS at, (payload->>'installments')::int AS installments, payload->>'message' AS message
      FROM activities WHERE customer_id = ${customer} AND organization_id = ${org} AND kind = 'portal.payment_plan_requested' ORDER BY occurred_at DESC LIMIT 20`);
  const { rows: plans } = await db.execute<{ at: string; total: string; currency: string; status: string; n: number }>(sql`
    SELECT p.created_at::date::text AS at, p.total_minor::text AS total, p.currency::text, p.status::text,
           (SELECT count(*)::int FROM payment_plan_installments i WHERE i.plan_id = p.id) AS n
      FROM payment_plans p WHERE p.customer_id = ${customer} AND p.organization_id = ${org} ORDER BY p.created_at DESC LIMIT 20`);
  const { rows: disputes } = await db.execute<{ at: string; reason: string; status: string; resolution: string | null; invoices: string[] }>(sql`
    SELECT d.opened_at::date::text AS at, d.reason, d.status::text, d.resolution,
           coalesce(array_agg(coalesce(i.number, i.external_id) ORDER BY i.number) FILTER (WHERE i.id IS NOT NULL), '{}') AS invoices
      FROM disputes d LEFT JOIN dispute_invoices di ON di.dispute_id = d.id LEFT JOIN invoices i ON i.id = di.invoice_id
     WHERE d.customer_id = ${customer} AND d.organization_id = ${org} GROUP BY d.id ORDER BY d.opened_at DESC LIMIT 20`);
  return {
    promises: promises.map((p) => ({ date: p.date, amount: formatMinor(BigInt(p.amount), p.currency), currency: p.currency, status: p.status, recordedOn: p.recorded })),
    planRequests: requests.map((r) => ({ requestedOn: r.at, installments: r.installments, message: r.message })),
    plans: plans.map((p) => ({ createdOn: p.at, total: formatMinor(BigInt(p.total), p.currency), currency: p.currency, status: p.status, installments: p.n })),
    disputes: disputes.map((d) => ({ openedOn: d.at, invoices: d.invoices, reason: d.reason, status: d.status, resolution: d.resolution })),
  };
}
