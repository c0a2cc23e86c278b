/**
 * A promise to pay made by the customer on the portal, under the rules a public form needs: a date
 * from today to a horizon (RELANCE_PROMISE_HORIZON_DAYS, default 90 days), an amount above zero and
 * at most what the customer owes in that currency, and one pending promise per customer: a new one
 * replaces the earlier (cancelled, on the timeline), and the same promise posted again is the same
 * promise (nothing recorded or written back twice). Installments of a payment plan are not touched.
 */
import { sql } from 'drizzle-orm';
import { addDays, todayIn } from '../calendar/index.ts';
import { InvalidInput } from '../errors.ts';
import { formatMinor, toMinor } from '../money.ts';
import { customerContext, insertPromise, MAX_MINOR, refusePastDate } from '../promises/record.ts';
import type { Tx } from '../store/index.ts';

export const DEFAULT_PROMISE_HORIZON_DAYS = 90;

export interface PortalPromise {
  organizationId: string;
  customerId: string;
  currency: string;
  /** A decimal string, as typed (a dot for decimals). */
  amount: string;
  date: string;
  /** `portal:<customerId>`. */
  actor: string;
  /** For tests; the organization's today otherwise. */
  today?: string;
}

/** Records (or keeps, or replaces) the customer's promise; InvalidInput names `date` or `amount`. */
export async function recordPortalPromise(tx: Tx, p: PortalPromise, horizonDays = DEFAULT_PROMISE_HORIZON_DAYS): Promise<{ id: string; replaced: string | null; unchanged: boolean }> {
  const ctx = await customerContext(tx, p.organizationId, p.customerId);
  // One portal post at a time per customer: two parallel posts cannot leave two pending promises.
  await tx.execute(sql`SELECT id FROM customers WHERE id = ${p.customerId}::uuid FOR UPDATE`);
  const today = p.today ?? todayIn(ctx.timezone);
  refusePastDate('date', p.date, today);
  const horizon = addDays(today, horizonDays);
  if (p.date > horizon) throw new InvalidInput(`date: ${p.date} is more than ${horizonDays} days ahead (at most ${horizon})`, { field: 'date' });
  const amountMinor = toMinor(p.amount, p.currency, 'amount');
  if (amountMinor <= 0n) throw new InvalidInput('amount: must be more than zero', { field: 'amount' });
  if (amountMinor > MAX_MINOR) throw new InvalidInput('amount: too large', { field: 'amount' });
  const owed = await tx.execute<{ total: string | null }>(sql`
    SELECT sum(balance_minor)::text AS total FROM invoices
     WHERE organization_id = ${p.organizationId}::uuid AND customer_id = ${p.customerId}::uuid AND currency = ${p.currency}
       AND status = 'open' AND balance_minor > 0`);
  const balance = BigInt(owed.rows[0]?.total ?? '0');
  if (amountMinor > balance) {
    throw new InvalidInput(`amount: ${formatMinor(amountMinor, p.currency)} is more than the open balance of ${formatMinor(balance, p.currency)} ${p.currency}`, { field: 'amount' });
  }
  const pending = await tx.execute<{ id: string; currency: string; amount_minor: string; promised_date: string }>(sql`
    SELECT id, currency, amount_minor::text, promised_date::text FROM promises_to_pay
     WHERE customer_id = ${p.customerId}::uuid AND status = 'pending' AND installment_id IS NULL ORDER BY created_at`);
  const same = pending.rows.find((r) => r.currency === p.currency && BigInt(r.amount_minor) === amountMinor && r.promised_date === p.date);
  if (same && pending.rows.length === 1) return { id: same.id, replaced: null, unchanged: true };
  const id = await insertPromise(tx, {
    organizationId: p.organizationId, customerId: p.customerId, currency: p.currency, amountMinor, date: p.date, recordedBy: p.actor, note: null, recordedOn: today,
  });
  for (const old of pending.rows) {
    await tx.execute(sql`UPDATE promises_to_pay SET status = 'cancelled', updated_at = now() WHERE id = ${old.id}::uuid`);
    await tx.execute(sql`INSERT INTO activities (organization_id, customer_id, actor, kind, payload)
      VALUES (${p.organizationId}::uuid, ${p.customerId}::uuid, ${p.actor}, 'promise.replaced', ${JSON.stringify({ promiseId: old.id, replacedBy: id })}::jsonb)`);
  }
  return { id, replaced: pending.rows[0]?.id ?? null, unchanged: false };
}
