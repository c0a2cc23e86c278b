/**
 * The cross-process lock around a connection's tokens: a transaction-scoped PostgreSQL advisory
 * lock, so two workers never refresh the same connection at once (Xero refresh tokens are
 * single-use; QuickBooks rotates them) and the lock cannot outlive a crashed holder.
 */
import type pg from 'pg';

// Two-int4 advisory keys live apart from single-bigint ones (the migration lock uses one of those).
// The first names what is locked, the second is the connection.
export const TOKEN_LOCK_NAMESPACE = 0x544f4b4e; // "TOKN"

/** The statement that takes the lock; a Drizzle-based store can run the same inside its transaction. */
export const TOKEN_LOCK_SQL = 'SELECT pg_advisory_xact_lock($1::int4, hashtext($2))';

/** Runs `fn` in one transaction that holds the connection's token lock; commits when `fn` returns. */
export async function withConnectionLock<T>(
  pool: pg.Pool,
  connectionId: string,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(TOKEN_LOCK_SQL, [TOKEN_LOCK_NAMESPACE, connectionId]);
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
