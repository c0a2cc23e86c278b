/** Reconciliation: balances checked against the source, divergences listed with their cause, stale reminders stopped. */
export { detectDivergences, recordDivergences, listOpenDivergences, type Divergence, type DivergenceKind, type OpenDivergence } from './divergences.ts';
export { cancelStaleActions, stillDueForSend, type CancelledAction } from './stale-actions.ts';
export { reconcileConnection, type ReconcileOptions, type ReconcileReport, type Repull } from './reconcile.ts';
