/**
 * The PostgreSQL `TokenStore` of core/http's `TokenRefresher`: the token pair lives encrypted on the
 * connection row; refreshes run under the connection's advisory lock, and a refused refresh sets the
 * connection to `needs_reauth` in the same transaction.
 */
import type pg from 'pg';
import type { KeyRing } from '../crypto.ts';
import { withConnectionLock, type LockedTokens, type StoredTokens, type TokenStore } from '../http/index.ts';
import { openCredentials } from './credentials.ts';
import { loadCredentials, saveCredentials, type Queryable } from './repository.ts';

// One round trip per provider call: the status and the sealed tokens in one read (each call asks
// for its token: another process may have refreshed it).
async function read(db: Queryable, ring: KeyRing, connectionId: string): Promise<StoredTokens> {
  const { rows } = await db.query<{ status: string; last_error: { message?: string } | null; token_ciphertext: string | null }>(
    'SELECT status, last_error, token_ciphertext FROM connections WHERE id = $1',
    [connectionId],
  );
  const row = rows[0];
  if (!row) return { tokens: null, needsReauth: null };
  if (row.status === 'needs_reauth') return { tokens: null, needsReauth: row.last_error?.message ?? 'needs re-authorization' };
  // No sealed credentials: loadCredentials says so (the error names the connection).
  const { tokens } = row.token_ciphertext ? openCredentials(ring, connectionId, row.token_ciphertext) : await loadCredentials(db, ring, connectionId);
  return { tokens, needsReauth: null };
}

export class ConnectionTokenStore implements TokenStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly ring: KeyRing,
  ) {}

  load(connectionId: string): Promise<StoredTokens> {
    return read(this.pool, this.ring, connectionId);
  }

  withLock<T>(connectionId: string, fn: (locked: LockedTokens) => Promise<T>): Promise<T> {
    return withConnectionLock(this.pool, connectionId, (client) =>
      fn({
        load: () => read(client, this.ring, connectionId),
        save: async (tokens) => {
          const current = await loadCredentials(client, this.ring, connectionId);
          await saveCredentials(client, this.ring, connectionId, { settings: current.settings, tokens });
        },
        markNeedsReauth: async (message) => {
          await client.query(
            `UPDATE connections SET status = 'needs_reauth', last_error = $2::jsonb, updated_at = now() WHERE id = $1`,
            [connectionId, JSON.stringify({ code: 'auth_expired', category: 'auth', message, at: new Date().toISOString() })],
          );
        },
      }),
    );
  }
}
