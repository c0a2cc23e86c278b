/**
 * Credit holds: a customer whose open balance passes its credit limit, or whose oldest debt is
 * more days past due than the organization allows, is put on hold — a flag with its reason that
 * salespeople see on the HubSpot company (`relance_credit_hold`, reason, amount over the limit),
 * with a task for the company's owner. The hold lifts by itself when the cause clears (a payment,
 * a credit note, a higher limit). A credit hold stops selling on credit, not dunning: reminders
 * go on. Run by the daily credit review and after each reconciliation.
 */
import { sql } from 'drizzle-orm';
import type { IsoDate } from '../calendar/index.ts';
import { formatMinor } from '../money.ts';
import type { Db, Tx } from '../store/index.ts';
import { activities } from '../store/schema/index.ts';
import { raiseAlert, resolveAlerts } from './alerts.ts';
import { queueCompanyCredit, queueOwnerTask } from './write-back.ts';

interface HoldFacts extends Record<string, unknown> {
  customer_id: string;
  name: string;
  limit_minor: string | null;
  limit_currency: string | null;
  balance_minor: string;
  oldest_days: number | null;
  hold: boolean;
  hold_reason: string | null;
  hold_over_minor: string | null;
  hold_since: Date | null;
  hold_over_limit: boolean;
  hold_past_due_days: number | null;
}

export interface HoldDecision {
  hold: boolean;
  reason: string | null;
  /** Minor units over the limit, in `currency`; null when the limit is not exceeded. */
  overMinor: bigint | null;
  currency: string | null;
}

/** Pure: whether the facts put the customer on hold, and why (every cause, in one sentence). */
export function decideHold(f: Pick<HoldFacts, 'limit_minor' | 'limit_currency' | 'balance_minor' | 'oldest_days' | 'hold_over_limit' | 'hold_past_due_days'>): HoldDecision {
  const reasons: string[] = [];
  let overMinor: bigint | null = null;
  if (f.hold_over_limit && f.limit_minor !== null && f.limit_currency) {
    const over = BigInt(f.balance_minor) - BigInt(f.limit_minor);
    if (over > 0n) {
      overMinor = over;
      reasons.push(`open balance ${formatMinor(BigInt(f.balance_minor), f.limit_currency)} ${f.limit_currency} is over the credit limit of ${formatMinor(BigInt(f.limit_minor), f.limit_currency)} ${f.limit_currency}`);
    }
  }
  if (f.hold_past_due_days !== null && f.oldest_days !== null && f.oldest_days > f.hold_past_due_days) {
    reasons.push(`oldest debt is ${f.oldest_days} days past due (more than ${f.hold_past_due_days})`);
  }
  return { hold: reasons.length > 0, reason: reasons.length ? reasons.join('; ') : null, overMinor, currency: f.limit_currency };
}

/** The customers a review must look at: those with a limit, those on hold, and (with an age rule) the overdue ones. */
async function loadFacts(db: Db | Tx, organizationId: string, asOf: IsoDate, customerId: string | null): Promise<HoldFacts[]> {
  const { rows } = await db.execute<HoldFacts>(sql`
    WITH settings AS (
      SELECT coalesce(s.hold_over_limit, true) AS hold_over_limit, s.hold_past_due_days
        FROM (SELECT 1) one LEFT JOIN credit_settings s ON s.organization_id = ${organizationId}::uuid
    ), candidates AS (
      SELECT cc.customer_id FROM customer_credit cc WHERE cc.organization_id = ${organizationId}::uuid
       AND (cc.limit_minor IS NOT NULL OR cc.hold)
      UNION
      SELECT i.customer_id FROM invoices i, settings
       WHERE settings.hold_past_due_days IS NOT NULL AND i.organization_id = ${organizationId}::uuid
         AND i.status = 'open' AND i.balance_minor > 0 AND i.customer_id IS NOT NULL
         AND i.due_date < ${asOf}::date - settings.hold_past_due_days
    )
    SELECT c.id AS customer_id, c.name, cc.limit_minor::text, cc.limit_currency::text,
           coalesce((SELECT sum(i.balance_minor) FROM invoices i WHERE i.customer_id = c.id AND i.status = 'open'
                       AND i.balance_minor > 0 AND i.currency = cc.limit_currency), 0)::text AS balance_minor,
           (SELECT (${asOf}::date - min(i.due_date))::int FROM invoices i WHERE i.customer_id = c.id AND i.status = 'open'
               AND i.balance_minor > 0 AND i.due_date < ${asOf}::date) AS oldest_days,
           coalesce(cc.hold, false) AS hold, cc.hold_reason, cc.hold_over_minor::text, cc.hold_since,
           settings.hold_over_limit, settings.hold_past_due_days
      FROM candidates JOIN customers c ON c.id = candidates.customer_id
      LEFT JOIN customer_credit cc ON cc.customer_id = c.id
      CROSS JOIN settings
     WHERE c.organization_id = ${organizationId}::uuid ${customerId ? sql`AND c.id = ${customerId}::uuid` : sql``}
     ORDER BY c.id`);
  return rows;
}

export interface HoldReview {
  placed: string[];
  lifted: string[];
  changed: string[];
}

/**
 * Places, updates and lifts holds for the organization (or one customer) as of `asOf`. A
 * customer whose state is unchanged gets nothing written, so the review can run as often as
 * payments arrive.
 */
export async function reviewCreditHolds(db: Db, organizationId: string, asOf: IsoDate, options: { customerId?: string } = {}): Promise<HoldReview> {
  const review: HoldReview = { placed: [], lifted: [], changed: [] };
  for (const facts of await loadFacts(db, organizationId, asOf, options.customerId ?? null)) {
    const d = decideHold(facts);
    const overText = d.overMinor !== null && d.currency ? `${formatMinor(d.overMinor, d.currency)} ${d.currency}` : null;
    const same = d.hold === facts.hold && d.reason === facts.hold_reason && (d.overMinor?.toString() ?? null) === facts.hold_over_minor;
    if (same) continue;
    await db.transaction(async (tx) => {
      const { rows } = await tx.execute<{ hold_since: Date | null }>(sql`
        INSERT INTO customer_credit (customer_id, organization_id, hold, hold_reason, hold_since, hold_over_minor, hold_currency)
        VALUES (${facts.customer_id}::uuid, ${organizationId}::uuid, ${d.hold}, ${d.reason}, ${d.hold ? sql`now()` : sql`NULL`},
                ${d.overMinor?.toString() ?? null}::bigint, ${d.overMinor !== null ? d.currency : null})
        ON CONFLICT (customer_id) DO UPDATE SET hold = EXCLUDED.hold, hold_reason = EXCLUDED.hold_reason,
          hold_since = CASE WHEN EXCLUDED.hold THEN coalesce(customer_credit.hold_since, now()) END,
          hold_over_minor = EXCLUDED.hold_over_minor, hold_currency = EXCLUDED.hold_currency, updated_at = now()
        RETURNING hold_since`);
      const since = rows[0]?.hold_since ? new Date(rows[0].hold_since).toISOString() : null;
      // One key per hold episode and state: a retried review queues the same rows once.
      const key = `credit-hold:${facts.customer_id}:${since ?? `lifted-after:${facts.hold_since ? new Date(facts.hold_since).toISOString() : 'never'}`}:${d.reason ?? ''}:${overText ?? ''}`;
      await queueCompanyCredit(tx, organizationId, facts.customer_id, key, { creditHold: d.hold, creditHoldReason: d.reason, amountOverLimit: overText });
      const kind = !facts.hold && d.hold ? 'placed' : facts.hold && !d.hold ? 'lifted' : 'changed';
      await tx.insert(activities).values({
        organizationId, customerId: facts.customer_id, actor: 'job:credit.review', kind: `credit.hold.${kind}`,
        payload: { reason: d.reason, previousReason: facts.hold_reason, amountOverLimit: overText },
      });
      if (kind === 'placed') {
        await queueOwnerTask(tx, organizationId, facts.customer_id, key, {
          subject: `Credit hold: ${facts.name}`,
          body: `Relance put ${facts.name} on credit hold on ${asOf}: ${d.reason}. Do not quote or ship on credit until it is lifted.`,
          dueDate: asOf,
        });
        await raiseAlert(tx, { organizationId, customerId: facts.customer_id, kind: 'credit_hold', dedupeKey: `credit_hold:${facts.customer_id}:${since}`, details: { reason: d.reason, amountOverLimit: overText } });
      }
      if (kind === 'lifted') await resolveAlerts(tx, organizationId, { customerId: facts.customer_id, kind: 'credit_hold' }, 'job:credit.review');
      review[kind].push(facts.customer_id);
    });
  }
  return review;
}
