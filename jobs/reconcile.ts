/**
 * `reconcile.run` `{ connectionId }`: after each sync of a connection (enqueued when `sync.pull`
 * succeeds), check its ledger against the source, re-pull what disagrees through the connector
 * (an incremental sync of the ledger streams), stop reminders that no longer apply, settle the
 * promises to pay the synced payments kept or broke, and queue the customers' new overdue figures
 * for their CRM companies. Thin: the work is core/reconciliation and
 * core/promises. `reconcile` is the in-process entry point (`relance demo`, tests).
 */
import type { Agenda, JobWithId } from 'agenda';
import { z } from 'zod';
import { connectorFor } from '../connectors/index.ts';
import { todayIn, type IsoDate } from '../core/calendar/index.ts';
import { reviewCreditHolds, type HoldReview } from '../core/credit/index.ts';
import { getConnection } from '../core/connections/index.ts';
import { enqueueCompanyBalances } from '../core/crm-control/index.ts';
import { InvalidInput } from '../core/errors.ts';
import type { Logger } from '../core/logging.ts';
import { settlePromises, type SettleReport } from '../core/promises/index.ts';
import { reconcileConnection, type ReconcileReport } from '../core/reconciliation/index.ts';
import { runSync } from '../core/sync/index.ts';
import { OUTBOX_PUSH, type OutboxDeps } from './outbox.ts';
import { SYNC_PULL } from './sync.ts';

export const RECONCILE_RUN = 'reconcile.run';
export const reconcileRunData = z.object({ connectionId: z.uuid(), asOf: z.iso.date().optional() });

const LEDGER_ENTITIES = new Set(['invoice', 'payment', 'creditNote']);

export interface ReconcileRun extends ReconcileReport {
  promises: SettleReport;
  /** CRM companies whose overdue figures were queued for write-back. */
  companiesQueued: number;
  /** Credit holds placed, changed and lifted by the new balances (core/credit). */
  creditHolds: HoldReview;
}

/** Reconciles one connection now, in-process, and settles its organization's due promises. */
export async function reconcile(deps: OutboxDeps, connectionId: string, options: { asOf?: string } = {}): Promise<ReconcileRun> {
  const registry = deps.connectorFor ?? connectorFor;
  const connection = await getConnection(deps.store.pool, connectionId);
  const streams = registry(connection.provider).describe().streams
    .filter((s) => s.produces.some((p) => LEDGER_ENTITIES.has(p.entity)))
    .map((s) => s.name);
  const report = await reconcileConnection(deps.store.db, connectionId, {
    // The contract has no fetch-by-id: an incremental pull of the ledger streams brings back what
    // changed at the source since the last sync, which is what a divergence usually is.
    repull: async () => {
      await runSync({ store: deps.store, keys: deps.keys, connectorFor: registry, ...(deps.limiters ? { limiters: deps.limiters } : {}) }, connectionId, { streams });
    },
  });
  const { rows } = await deps.store.pool.query<{ timezone: string | null }>('SELECT timezone FROM organizations WHERE id = $1', [connection.organizationId]);
  const asOf = options.asOf ?? todayIn(rows[0]?.timezone ?? 'UTC', new Date());
  const promises = await settlePromises(deps.store.db, connection.organizationId, asOf);
  const companiesQueued = await enqueueCompanyBalances(deps.store.db, connection.organizationId, asOf);
  // A payment that brings a customer back under its limit lifts the credit hold now, not at the hour.
  const creditHolds = await reviewCreditHolds(deps.store.db, connection.organizationId, asOf as IsoDate);
  return { ...report, promises, companiesQueued, creditHolds };
}

export function defineReconcileJobs(agenda: Agenda, deps: OutboxDeps & { logger: Logger }): void {
  agenda.define(RECONCILE_RUN, async (job) => {
    const parsed = reconcileRunData.safeParse(job.attrs.data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new InvalidInput(`${RECONCILE_RUN}: ${issue.path.join('.') || 'data'}: ${issue.message}`, { field: issue.path.join('.') });
    }
    const report = await reconcile(deps, parsed.data.connectionId, parsed.data.asOf ? { asOf: parsed.data.asOf } : {});
    // Issue 13.9: the overdue figures this reconcile queued for the CRM companies go out now.
    if (report.companiesQueued > 0) await agenda.now(OUTBOX_PUSH, {});
    deps.logger.info('reconcile done', {
      connectionId: report.connectionId, fixed: report.fixed, open: report.open.length,
      cancelledActions: report.cancelledActions.length, promisesKept: report.promises.kept, promisesBroken: report.promises.broken,
    });
  }, { concurrency: 1 });
  // After each successful sync of a connection, reconcile it (in the worker that ran the sync).
  agenda.on(`success:${SYNC_PULL}`, (job: JobWithId, remote?: false) => {
    if (remote) return; // Only the worker that ran the sync enqueues its reconciliation.
    const connectionId = (job.attrs.data as { connectionId?: string } | undefined)?.connectionId;
    if (connectionId) void agenda.now(RECONCILE_RUN, { connectionId }).catch((e: unknown) => deps.logger.error('reconcile enqueue failed', { connectionId, error: e }));
  });
}
