/**
 * A fresh, migrated PostgreSQL database per test file, dropped afterwards: test files run in
 * parallel and never see each other's rows.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore, type Store } from '../../core/store/db.ts';
import { migrate } from '../../core/store/migrate.ts';
import { testServerUrl, withDatabase } from './pg-url.ts';

export interface TestDatabase extends Store {
  url: string;
  name: string;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testServerUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database; `migrated: false` leaves it without the schema. */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const name = `relance_t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = withDatabase(testServerUrl(), name);
  const store = openStore(url);
  if (options.migrated !== false) await migrate(store.pool);
  return {
    ...store,
    url,
    name,
    async drop() {
      await store.close();
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
