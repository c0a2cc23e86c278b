/**
 * Opens the store the configuration names: the PostgreSQL of DATABASE_URL, or the embedded PGlite
 * database. A database that does not answer is one clear error, before anything is written.
 */
import pg from 'pg';
import { ConfigError } from '../errors.ts';
import { redactText } from '../logging.ts';
import { openStore, type Store } from './db.ts';
import { startEmbedded, type EmbeddedDatabase } from './embedded.ts';
import { migrate } from './migrate.ts';

export interface OpenedStore extends Store {
  url: string;
  mode: 'postgres' | 'embedded';
  /** Closes the pool, then the embedded server if there is one. */
  close(): Promise<void>;
}

/** Connects once to prove the URL works; the error names DATABASE_URL with no password in it. */
export async function checkConnection(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (e) {
    const reason = (e as Error).message || (e as NodeJS.ErrnoException).code || String(e);
    throw new ConfigError(`DATABASE_URL: cannot connect to ${redactText(url)}: ${reason}`, { field: 'DATABASE_URL' });
  } finally {
    await client.end().catch(() => {});
  }
}

export async function openConfiguredStore(opts: {
  databaseUrl: string | null;
  dataDir: string;
  migrate?: boolean;
}): Promise<OpenedStore> {
  let embedded: EmbeddedDatabase | null = null;
  const url = opts.databaseUrl ?? (embedded = await startEmbedded(opts.dataDir)).url;
  try {
    await checkConnection(url);
    // PGlite runs one statement at a time whatever the pool size: a small pool is enough there.
    const store = openStore(url, { max: embedded ? 4 : 10 });
    if (opts.migrate) await migrate(store.pool);
    return {
      ...store,
      url,
      mode: embedded ? 'embedded' : 'postgres',
      async close() {
        await store.close();
        await embedded?.close();
      },
    };
  } catch (e) {
    await embedded?.close();
    throw e;
  }
}
