/** Sync cursors, one per (connection, entity): where the next incremental pull starts. */
import { sql } from 'drizzle-orm';
import type { Executor } from './executor.ts';

/** A cursor is whatever the connector needs (a timestamp, an offset, a token), as JSON. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The saved cursor, or null when the entity was never synced (the next pull is a full one). */
export async function readCursor(db: Executor, connectionId: string, entity: string): Promise<JsonValue> {
  const { rows } = await db.execute<{ cursor: JsonValue }>(
    sql`SELECT cursor FROM sync_cursors WHERE connection_id = ${connectionId}::uuid AND entity = ${entity}`,
  );
  return rows[0]?.cursor ?? null;
}

/** Saves a cursor; `null` forgets it, so that the next pull is a full one. */
export async function writeCursor(db: Executor, connectionId: string, entity: string, cursor: JsonValue): Promise<void> {
  await db.execute(sql`
    INSERT INTO sync_cursors (connection_id, entity, cursor, updated_at)
    VALUES (${connectionId}::uuid, ${entity}, ${JSON.stringify(cursor)}::jsonb, now())
    ON CONFLICT (connection_id, entity) DO UPDATE SET cursor = EXCLUDED.cursor, updated_at = now()`);
}
