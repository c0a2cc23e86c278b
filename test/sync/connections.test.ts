/**
 * The connection store on PostgreSQL: credentials encrypted and bound to their row, reconnecting the
 * same account, and the token store under core/http's refresher (rotated refresh token persisted,
 * a refused refresh marks the connection needs_reauth and its syncs stop).
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectorFor } from '../../connectors/index.ts';
import { quickbooksConnector } from '../../connectors/quickbooks/index.ts';
import { ConnectionTokenStore, createConnection, getConnection, loadCredentials } from '../../core/connections/index.ts';
import { TokenRefresher } from '../../core/http/index.ts';
import { runSync } from '../../core/sync/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { qboSettings, ring, seedQuickBooksConnection } from './support.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});
afterEach(() => {
  nock.cleanAll();
});

describe('connection store', () => {
  it('keeps settings and tokens encrypted, bound to the connection row', async () => {
    const id = await seedQuickBooksConnection(db, qboSettings({ accountId: 'enc-1' }));
    const { rows } = await db.pool.query<{ token_ciphertext: string; token_key_id: string }>('SELECT token_ciphertext, token_key_id FROM connections WHERE id = $1', [id]);
    expect(rows[0]!.token_ciphertext).not.toMatch(/access-1|client-secret|refresh-1/);
    expect(rows[0]!.token_key_id).toBe(ring.currentId);
    expect((await loadCredentials(db.pool, ring, id)).tokens?.accessToken).toBe('access-1');
    // The same ciphertext moved onto another connection does not open there.
    const other = await seedQuickBooksConnection(db, qboSettings({ accountId: 'enc-2' }));
    await db.pool.query('UPDATE connections SET token_ciphertext = $1 WHERE id = $2', [rows[0]!.token_ciphertext, other]);
    await expect(loadCredentials(db.pool, ring, other)).rejects.toThrow(/does not decrypt/);
  });

  it('reconnecting the same account updates the one connection and makes it active again', async () => {
    const id = await seedQuickBooksConnection(db, qboSettings({ accountId: 'again-1' }));
    await db.pool.query("UPDATE connections SET status = 'needs_reauth' WHERE id = $1", [id]);
    const conn = await getConnection(db.pool, id);
    const again = await createConnection(db.pool, ring, { organizationId: conn.organizationId, provider: 'quickbooks', settings: qboSettings({ accountId: 'again-1' }), tokens: null });
    expect(again.id).toBe(id);
    expect(again.status).toBe('active');
  });
});

describe('token store under the refresher', () => {
  it('refreshes near expiry and persists the rotated refresh token before use', async () => {
    const settings = qboSettings({ accountId: 'refresh-1' });
    const id = await seedQuickBooksConnection(db, settings, 60_000);
    nock('https://quickbooks.example.test').post('/oauth2/v1/tokens/bearer', (b: Record<string, string>) => b.refresh_token === 'refresh-1')
      .reply(200, { access_token: 'access-2', refresh_token: 'refresh-2', expires_in: 3600 });
    const refresher = new TokenRefresher(new ConnectionTokenStore(db.pool, ring));
    expect(await refresher.accessToken(id, quickbooksConnector.auth.refreshGrant(settings))).toBe('access-2');
    const stored = await loadCredentials(db.pool, ring, id);
    expect(stored.tokens).toMatchObject({ accessToken: 'access-2', refreshToken: 'refresh-2' });
    expect(stored.settings).toEqual(settings);
  });

  it('marks the connection needs_reauth when the refresh token is refused, and its syncs stop', async () => {
    const settings = qboSettings({ accountId: 'dead-1' });
    const id = await seedQuickBooksConnection(db, settings, 60_000);
    nock('https://quickbooks.example.test').post('/oauth2/v1/tokens/bearer').reply(400, { error: 'invalid_grant' });
    const refresher = new TokenRefresher(new ConnectionTokenStore(db.pool, ring));
    await expect(refresher.accessToken(id, quickbooksConnector.auth.refreshGrant(settings))).rejects.toMatchObject({ code: 'auth_expired' });
    const conn = await getConnection(db.pool, id);
    expect(conn.status).toBe('needs_reauth');
    expect(String(conn.lastError?.message)).toMatch(/invalid_grant/);
    await expect(runSync({ store: db, keys: ring, connectorFor }, id)).rejects.toThrow(/needs_reauth: connect it again/);
  });
});
