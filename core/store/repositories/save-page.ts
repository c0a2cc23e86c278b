/**
 * The sync engine's checkpoint: a page of records and the cursor after it, in one transaction, so
 * that a crash or a bad record never leaves rows stored under an old cursor or a cursor past rows
 * that were not stored. Resuming from the saved cursor is then always correct.
 */
import type { Db } from '../db.ts';
import type { StoredEntity } from './canonical-records.ts';
import { clearRejected, saveRejected, type RejectedRecord } from './rejected-records.ts';
import { writeCursor, type JsonValue } from './sync-cursors.ts';
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
    const stored = input.records
      .map((r) => (r as { externalId?: unknown }).externalId)
      .filter((id): id is string => typeof id === 'string');
    await clearRejected(tx, input.connectionId, input.entity, stored);
    await saveRejected(tx, input.connectionId, input.entity, input.rejected ?? []);
    if (input.cursor !== undefined) await writeCursor(tx, input.connectionId, input.entity, input.cursor);
    return result;
  });
}
