/**
 * A planned or awaiting action is cancelled as soon as one of its invoices stops being a debt to
 * chase (paid, void, written off, disputed): its message would be wrong, and the next dunning run
 * plans afresh from what is still open.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Executor, Tx } from '../store/index.ts';

/** An invoice an action must not chase any more. */
const SETTLED = sql`(i.status IN ('paid', 'void', 'written_off') OR i.disputed OR i.balance_minor <= 0)`;

export interface CancelledAction {
  id: string;
  /** The listed invoices that settled, with why. */
  invoices: { externalId: string; reason: 'paid' | 'void' | 'written_off' | 'disputed' }[];
}

interface Row extends Record<string, unknown> {
  id: string;
  invoices: { externalId: string; reason: CancelledAction['invoices'][number]['reason'] }[];
}

async function cancelWhere(db: Executor, scope: SQL): Promise<CancelledAction[]> {
  const { rows } = await db.execute<Row>(sql`
    WITH stale AS (
      SELECT a.id,
             jsonb_agg(jsonb_build_object('externalId', i.external_id, 'reason',
               CASE WHEN i.disputed THEN 'disputed' WHEN i.status IN ('void', 'written_off') THEN i.status::text ELSE 'paid' END)
               ORDER BY i.external_id) AS invoices
      FROM actions a
      JOIN action_invoices ai ON ai.action_id = a.id
      JOIN invoices i ON i.id = ai.invoice_id
      WHERE a.status IN ('planned', 'awaiting_approval') AND ${scope} AND ${SETTLED}
      GROUP BY a.id)
    UPDATE actions a SET status = 'cancelled', updated_at = now(),
      details = a.details || jsonb_build_object('cancelledBecause', stale.invoices, 'cancelledBy', 'reconciliation')
    FROM stale WHERE a.id = stale.id AND a.status IN ('planned', 'awaiting_approval')
    RETURNING a.id, stale.invoices`);
  return rows.map((r) => ({ id: r.id, invoices: r.invoices }));
}

/** Cancels the organization's planned and awaiting actions that list a settled invoice. */
export function cancelStaleActions(db: Executor, organizationId: string): Promise<CancelledAction[]> {
  return cancelWhere(db, sql`a.organization_id = ${organizationId}::uuid`);
}

/**
 * The last check before a send, in the sender's transaction: locks the action, cancels it if one of
 * its invoices settled since it was planned, and answers whether it may still go. A payment synced a
 * moment before the send therefore stops it; one synced after the lock waits for the send to commit.
 */
export async function stillDueForSend(tx: Tx, actionId: string): Promise<boolean> {
  const { rows } = await tx.execute<{ status: string }>(
    sql`SELECT status::text FROM actions WHERE id = ${actionId}::uuid FOR UPDATE`,
  );
  if (!rows[0] || !['planned', 'awaiting_approval'].includes(rows[0].status)) return false;
  const cancelled = await cancelWhere(tx, sql`a.id = ${actionId}::uuid`);
  return cancelled.length === 0;
}
