/**
 * The last check before a send, under the action's row lock: the world may have changed since the
 * run planned it (a payment synced, a dispute opened, a promise recorded, the CRM paused the
 * customer, a hold placed). Any of those cancels the action instead of sending it.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../store/db.ts';

export type SendStopReason = 'paid' | 'disputed' | 'promise' | 'paused' | 'hold';

type Executor = Pick<Db, 'execute'>;

/** The first reason the action must not go out on `today`, or null. */
export async function sendStopReason(tx: Executor, actionId: string, today: string): Promise<SendStopReason | null> {
  const { rows } = await tx.execute<{ paid: boolean; disputed: boolean; promise: boolean; paused: boolean; hold: boolean }>(sql`
    SELECT
      NOT EXISTS (SELECT 1 FROM action_invoices ai JOIN invoices i ON i.id = ai.invoice_id
                   WHERE ai.action_id = a.id AND i.status = 'open' AND i.balance_minor > 0) AS paid,
      EXISTS (SELECT 1 FROM action_invoices ai JOIN invoices i ON i.id = ai.invoice_id
               WHERE ai.action_id = a.id AND (i.disputed OR EXISTS (
                 SELECT 1 FROM dispute_invoices di JOIN disputes d ON d.id = di.dispute_id
                  WHERE di.invoice_id = i.id AND d.status = 'open'))) AS disputed,
      EXISTS (SELECT 1 FROM promises_to_pay p WHERE p.customer_id = a.customer_id AND p.status = 'pending'
                AND p.promised_date >= ${today}::date) AS promise,
      c.paused,
      EXISTS (SELECT 1 FROM dunning_holds h WHERE h.customer_id = a.customer_id AND h.released_at IS NULL
                AND (h.until IS NULL OR h.until >= ${today}::date)
                AND (h.invoice_id IS NULL OR h.invoice_id IN (SELECT invoice_id FROM action_invoices WHERE action_id = a.id))) AS hold
    FROM actions a JOIN customers c ON c.id = a.customer_id WHERE a.id = ${actionId}::uuid`);
  const r = rows[0];
  if (!r) return null;
  if (r.paid) return 'paid';
  if (r.disputed) return 'disputed';
  if (r.promise) return 'promise';
  if (r.paused) return 'paused';
  if (r.hold) return 'hold';
  return null;
}
