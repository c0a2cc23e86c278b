/**
 * A `TokenStore` over a small table of the test's own, the way the store will implement it over
 * `connections` (which keeps the pair encrypted): load outside the lock, the rest inside it.
 */
import type pg from 'pg';
import { withConnectionLock } from '../../core/http/connection-lock.ts';
import type { LockedTokens, StoredTokens, TokenSet, TokenStore } from '../../core/http/token-refresher.ts';

export const CREATE_TABLE = `
  CREATE TABLE IF NOT EXISTS http_test_tokens (
    connection_id text PRIMARY KEY,
    access_token text,
    refresh_token text,
    expires_at timestamptz,
    status text NOT NULL DEFAULT 'active',
    status_message text
  )`;

type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

async function read(db: Queryable, connectionId: string): Promise<StoredTokens> {
  const { rows } = await db.query<{ access_token: string | null; refresh_token: string | null; expires_at: Date | null; status: string; status_message: string | null }>(
    'SELECT access_token, refresh_token, expires_at, status, status_message FROM http_test_tokens WHERE connection_id = $1',
    [connectionId],
  );
  const row = rows[0];
  if (!row) return { tokens: null, needsReauth: null };
  const tokens = row.access_token && row.refresh_token && row.expires_at ? { accessToken: row.access_token, refreshToken: row.refresh_token, expiresAt: row.expires_at } : null;
  return { tokens, needsReauth: row.status === 'needs_reauth' ? (row.status_message ?? 'needs re-authorization') : null };
}

export class PgTokenStore implements TokenStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly hooks: { beforeSave?: (tokens: TokenSet) => Promise<void> } = {},
  ) {}

  load(connectionId: string): Promise<StoredTokens> {
    return read(this.pool, connectionId);
  }

  withLock<T>(connectionId: string, fn: (locked: LockedTokens) => Promise<T>): Promise<T> {
    return withConnectionLock(this.pool, connectionId, (client) =>
      fn({
        load: () => read(client, connectionId),
        save: async (t) => {
          await this.hooks.beforeSave?.(t);
          await client.query('UPDATE http_test_tokens SET access_token = $2, refresh_token = $3, expires_at = $4 WHERE connection_id = $1', [connectionId, t.accessToken, t.refreshToken, t.expiresAt]);
        },
        markNeedsReauth: async (message) => {
          await client.query("UPDATE http_test_tokens SET status = 'needs_reauth', status_message = $2 WHERE connection_id = $1", [connectionId, message]);
        },
      }),
    );
  }
}

export async function seedTokens(pool: pg.Pool, connectionId: string, tokens: TokenSet): Promise<void> {
  await pool.query(
    `INSERT INTO http_test_tokens (connection_id, access_token, refresh_token, expires_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (connection_id) DO UPDATE SET access_token = $2, refresh_token = $3, expires_at = $4, status = 'active', status_message = NULL`,
    [connectionId, tokens.accessToken, tokens.refreshToken, tokens.expiresAt],
  );
}
