/**
 * The daily credit review of one organization: holds placed and lifted, limits and terms whose
 * expiry is near or past, insured debts whose declaration deadline is near or past. Every alert is
 * raised once per cause; a review run twice the same day changes nothing the second time.
 */
import { sql } from 'drizzle-orm';
import { addDays, type IsoDate } from '../calendar/index.ts';
import type { Db } from '../store/index.ts';
import { raiseAlert } from './alerts.ts';
import { reviewCreditHolds, type HoldReview } from './holds.ts';
import { debtsToDeclare } from './insurance.ts';

export interface CreditReview {
  holds: HoldReview;
  alertsRaised: number;
}

export async function reviewCredit(db: Db, organizationId: string, asOf: IsoDate): Promise<CreditReview> {
  const holds = await reviewCreditHolds(db, organizationId, asOf);
  let alertsRaised = holds.placed.length;
  const { rows: [settings] } = await db.execute<{ review_days_before: number }>(sql`
    SELECT coalesce((SELECT review_days_before FROM credit_settings WHERE organization_id = ${organizationId}::uuid), 30) AS review_days_before`);
  const horizon = addDays(asOf, settings!.review_days_before);
  const { rows: expiring } = await db.execute<{ customer_id: string; what: 'limit' | 'terms'; expires_on: string; request_id: string | null }>(sql`
    SELECT customer_id, 'limit' AS what, limit_expires_on::text AS expires_on, limit_request_id AS request_id FROM customer_credit
     WHERE organization_id = ${organizationId}::uuid AND limit_minor IS NOT NULL AND limit_expires_on <= ${horizon}::date
    UNION ALL
    SELECT customer_id, 'terms', terms_expires_on::text, terms_request_id FROM customer_credit
     WHERE organization_id = ${organizationId}::uuid AND terms_days IS NOT NULL AND terms_expires_on <= ${horizon}::date`);
  for (const e of expiring) {
    const past = e.expires_on < asOf;
    const kind = e.what === 'limit' ? (past ? 'limit_expired' : 'limit_review') : 'terms_expired';
    if (e.what === 'terms' && !past) continue;
    if (await raiseAlert(db, {
      organizationId, customerId: e.customer_id, kind, dueOn: e.expires_on,
      dedupeKey: `${kind}:${e.customer_id}:${e.request_id ?? 'none'}:${e.expires_on}`,
      details: { what: e.what, expiresOn: e.expires_on },
    })) alertsRaised += 1;
  }
  const { policy, debts } = await debtsToDeclare(db, organizationId, asOf);
  for (const d of debts) {
    if (d.state === 'upcoming') continue;
    const kind = d.state === 'overdue' ? 'declaration_overdue' : 'declaration_due';
    if (await raiseAlert(db, {
      organizationId, customerId: d.customer.id, invoiceId: d.invoice.id, kind, dueOn: d.declareBy,
      dedupeKey: `${kind}:${d.invoice.id}:${d.declareBy}`,
      details: { insurer: policy!.insurer, declareBy: d.declareBy, daysLeft: d.daysLeft, balance: d.invoice.balance, currency: d.invoice.currency, invoiceNumber: d.invoice.number },
    })) alertsRaised += 1;
  }
  return { holds, alertsRaised };
}
