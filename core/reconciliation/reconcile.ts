/**
 * The reconciliation run after each sync of a connection: check balances against the source,
 * re-pull what disagrees once, list what still disagrees with its cause, and stop the reminders
 * that no longer apply.
 */
import { sql } from 'drizzle-orm';
import type { Executor } from '../store/index.ts';
import { detectDivergences, listOpenDivergences, recordDivergences, type OpenDivergence } from './divergences.ts';
import { cancelStaleActions, type CancelledAction } from './stale-actions.ts';

/** Fetches the given invoices again from the source (and what is allocated to them), saving them. */
export type Repull = (entity: 'invoice', externalIds: readonly string[]) => Promise<void>;

export interface ReconcileOptions {
  /** Supplied by the sync engine; without it divergences are only listed. */
  repull?: Repull;
  /** Re-pulls per divergence before it is only listed (default 1). */
  maxRepulls?: number;
}

export interface ReconcileReport {
  connectionId: string;
  /** Divergences a re-pull fixed, or that a sync fixed since the last run. */
  fixed: number;
  /** What still disagrees, each with its cause. */
  open: OpenDivergence[];
  cancelledActions: CancelledAction[];
}

/** Reconciles one connection after its sync. */
export async function reconcileConnection(db: Executor, connectionId: string, options: ReconcileOptions = {}): Promise<ReconcileReport> {
  let found = await detectDivergences(db, connectionId);
  let fixed = await recordDivergences(db, connectionId, found);
  const maxRepulls = options.maxRepulls ?? 1;
  if (options.repull && found.length > 0) {
    const open = await listOpenDivergences(db, connectionId);
    const due = new Set(open.filter((d) => d.repullAttempts < maxRepulls).map((d) => `${d.entity}\u001f${d.externalId}`));
    const invoiceIds = [...new Set(found.filter((d) => due.has(`${d.entity}\u001f${d.externalId}`)).flatMap((d) => d.repull))].sort();
    if (invoiceIds.length > 0) {
      await options.repull('invoice', invoiceIds);
      await db.execute(sql`
        UPDATE divergences SET repull_attempts = repull_attempts + 1
        WHERE connection_id = ${connectionId}::uuid AND status = 'open'
          AND entity || chr(31) || external_id = ANY(${sql.param([...due])}::text[])`);
      found = await detectDivergences(db, connectionId);
      fixed += await recordDivergences(db, connectionId, found);
    }
  }
  const { rows } = await db.execute<{ organization_id: string }>(
    sql`SELECT organization_id FROM connections WHERE id = ${connectionId}::uuid`,
  );
  const cancelledActions = rows[0] ? await cancelStaleActions(db, rows[0].organization_id) : [];
  return { connectionId, fixed, open: await listOpenDivergences(db, connectionId), cancelledActions };
}
