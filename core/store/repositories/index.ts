/** The store's repositories: what the sync engine and the rest of core/ call to read and write. */
export * from './canonical-records.ts';
export type { Executor, Tx } from './executor.ts';
export { upsertPage, organizationOf, type UpsertOptions, type UpsertResult } from './upsert-page.ts';
export { writeCheckpoint, storedNotRejected, type StoredIds } from './checkpoint.ts';
export { savePage, type SavePageInput } from './save-page.ts';
export { readCursor, writeCursor, type JsonValue } from './sync-cursors.ts';
export { saveRejected, clearRejected, listRejected, type RejectedRecord } from './rejected-records.ts';
