/**
 * The sync engine's checkpoint: a page of records and the cursor after it, in one transaction, so
 * that a crash or a bad record never leaves rows stored under an old cursor or a cursor past rows
 * that were not stored. Resuming from the saved cursor is then always correct.
 */
import type { Db } from '../db.ts';
import type { StoredEntity } from './canonical-records.ts';
import { storedNotRejected, writeCheckpoint } from './checkpoint.ts';
import { saveRejected, type RejectedRecord } from './rejected-records.ts';
import type { JsonValue } from './sync-cursors.ts';
import { upsertPage, type UpsertResult } from './upsert-page.ts';

export interface SavePageInput {
  connectionId: string;
  entity: StoredEntity;
  /** Canonical records of `entity` (FORMATS.md), validated here. */
  records: readonly unknown[];
  /** The cursor to resume from after this page; `undefined` leaves the saved cursor as it is. */
  cursor?: JsonValue;
  /** Records of this page that the mapping could not read. */
  rejected?: readonly RejectedRecord[];
}

/** Upserts a page and saves its cursor atomically. */
export async function savePage(db: Db, input: SavePageInput): Promise<UpsertResult> {
  return db.transaction(async (tx) => {
    const result = await upsertPage(tx, input.connectionId, input.entity, input.records);
    const rejected = input.rejected ?? [];
    await saveRejected(tx, input.connectionId, input.entity, rejected);
    // A record both stored and rejected in this page stays rejected, as when the clear came first.
    const stored = [{ entity: input.entity, externalIds: storedNotRejected(input.records, rejected) }];
    const cursor = input.cursor === undefined ? undefined : { key: input.entity, value: input.cursor };
    await writeCheckpoint(tx, input.connectionId, stored, cursor);
    return result;
  });
}
