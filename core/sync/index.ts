/** The sync engine: cursors, one transaction per page, rejected records, deletions as void. */
export * from './types.ts';
export { syncConnection, type SyncOptions } from './engine.ts';
export { mapPage, type MappedEntity, type MapPageOptions } from './map-page.ts';
export { applyTombstones, type Tombstone } from './tombstones.ts';
export { runSync, parseOverrides, type SyncConnector, type SyncDeps, type RunSyncOptions } from './run.ts';
export * from './freshness.ts';
export { customersToReplan, replanCustomers, changesLedger, type PageChanges, type ReplanOutcome } from './replan.ts';
