/**
 * The last check before a send: the world may have changed since the run planned it (a payment
 * synced, a dispute opened, a promise recorded, the CRM paused the customer, a hold placed). Any
 * of those cancels the action instead of sending it. One query checks a whole batch, each action
 * on its organization's local date; the sender runs it again for what is still unsent whenever
 * its last check is more than a second old (dispatch.ts).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../store/db.ts';
import { uuidList } from './claim.ts';

export type SendStopReason = 'paid' | 'disputed' | 'promise' | 'paused' | 'hold';

type Executor = Pick<Db, 'execute'>;

/**
 * The stop flags of action `a` (joined with its customer `c` and organization `o`) at `now`, on
 * the organization's local date: a fragment of a select list, so the batch load of the send
 * (compose.ts) checks the stop rules in the same query that loads the actions.
 */
export function stopFlagColumns(now: Date) {
  const today = sql`(${now.toISOString()}::timestamptz AT TIME ZONE o.timezone)::date`;
  return sql`
      NOT EXISTS (SELECT 1 FROM action_invoices ai JOIN invoices i ON i.id = ai.invoice_id
                   WHERE ai.action_id = a.id AND i.status = 'open' AND i.balance_minor > 0) AS stop_paid,
      EXISTS (SELECT 1 FROM action_invoices ai JOIN invoices i ON i.id = ai.invoice_id
               WHERE ai.action_id = a.id AND (i.disputed OR EXISTS (
                 SELECT 1 FROM dispute_invoices di JOIN disputes d ON d.id = di.dispute_id
                  WHERE di.invoice_id = i.id AND d.status = 'open'))) AS stop_disputed,
      EXISTS (SELECT 1 FROM promises_to_pay p WHERE p.customer_id = a.customer_id AND p.status = 'pending'
                AND p.promised_date >= ${today}) AS stop_promise,
      c.paused AS stop_paused,
      EXISTS (SELECT 1 FROM dunning_holds h WHERE h.customer_id = a.customer_id AND h.released_at IS NULL
                AND (h.until IS NULL OR h.until >= ${today})
                AND (h.invoice_id IS NULL OR h.invoice_id IN (SELECT invoice_id FROM action_invoices WHERE action_id = a.id))) AS stop_hold`;
}

export type StopFlags = { stop_paid: boolean; stop_disputed: boolean; stop_promise: boolean; stop_paused: boolean; stop_hold: boolean };

/** The first reason the flags give, in the order paid, disputed, promise, paused, hold. */
export function stopReasonOf(f: StopFlags): SendStopReason | null {
  if (f.stop_paid) return 'paid';
  if (f.stop_disputed) return 'disputed';
  if (f.stop_promise) return 'promise';
  if (f.stop_paused) return 'paused';
  if (f.stop_hold) return 'hold';
  return null;
}

/** The first reason each of `actionIds` must not go out at `now`; absent when none. */
export async function sendStopReasons(tx: Executor, actionIds: readonly string[], now: Date): Promise<Map<string, SendStopReason>> {
  const reasons = new Map<string, SendStopReason>();
  if (actionIds.length === 0) return reasons;
  const { rows } = await tx.execute<StopFlags & { id: string }>(sql`
    SELECT a.id, ${stopFlagColumns(now)}
      FROM actions a JOIN customers c ON c.id = a.customer_id JOIN organizations o ON o.id = a.organization_id
     WHERE a.id = ANY(${uuidList(actionIds)})`);
  for (const r of rows) {
    const reason = stopReasonOf(r);
    if (reason) reasons.set(r.id, reason);
  }
  return reasons;
}

/** The first reason one action must not go out at `now`, or null. */
export async function sendStopReason(tx: Executor, actionId: string, now: Date): Promise<SendStopReason | null> {
  return (await sendStopReasons(tx, [actionId], now)).get(actionId) ?? null;
}
