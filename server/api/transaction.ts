/**
 * One transaction shared by the core's plain-`pg` functions (core/connections) and Drizzle ones
 * (the audit log): a change and its audit row commit together or not at all.
 */
import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import type { Db } from '../../core/store/index.ts';
import * as schema from '../../core/store/schema/index.ts';

export async function inPgTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient, tx: Db) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client, drizzle(client, { schema }) as unknown as Db);
    await client.query('COMMIT');
    return result;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}
