/**
 * One way to reach the store: a `pg` pool and a Drizzle handle over it. The embedded PGlite default
 * is served on a loopback port (see `embedded.ts`), so this same code runs in both modes.
 */
import pg from 'pg';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;
export type Db = NodePgDatabase<Schema>;

export interface Store {
  pool: pg.Pool;
  db: Db;
  close(): Promise<void>;
}

// numeric and bigint come back as strings by default; keep them so (exact), but parse int8 counts
// where code asks for them explicitly. Dates (type 1082) stay 'YYYY-MM-DD' strings, never a JS Date
// shifted by the process time zone.
pg.types.setTypeParser(1082, (v) => v);

/** Opens a pool on a PostgreSQL URL; nothing is queried until first use. */
export function openStore(url: string, options: { max?: number } = {}): Store {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10 });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  const db = drizzle(pool, { schema });
  return {
    pool,
    db,
    close: () => pool.end(),
  };
}
