import pg from 'pg';
import { testServerUrl } from './pg-url.ts';

/** Fails the run at once, with the reason, when the test PostgreSQL cannot be reached. */
export default async function setup(): Promise<void> {
  const client = new pg.Client({ connectionString: testServerUrl(), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (e) {
    throw new Error(
      `tests need PostgreSQL at ${testServerUrl()} (set TEST_DATABASE_URL): ${(e as Error).message}`,
    );
  } finally {
    await client.end().catch(() => {});
  }
}
