import nock from 'nock';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuthExpired, Transient } from '../../core/errors.ts';
import { ensureOk, normalizeHeaders } from '../../core/http/http-failure.ts';
import { AccountLimiter } from '../../core/http/limiter.ts';
import { oauthRefreshGrant } from '../../core/http/oauth-refresh.ts';
import { defineProfile } from '../../core/http/profile.ts';
import { callProvider } from '../../core/http/request.ts';
import { defaultRetryPolicy } from '../../core/http/retry.ts';
import { TokenRefresher, type TokenSet } from '../../core/http/token-refresher.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { CREATE_TABLE, PgTokenStore, seedTokens } from './pg-token-store.ts';

const IDENTITY = 'https://identity.acme.test';
const TOKEN_URL = `${IDENTITY}/connect/token`;
const API = 'https://api.acme.test';
const CONN = 'conn-1';
const MINUTE = 60_000;

let db: TestDatabase;
const extraPools: pg.Pool[] = [];

/** A token endpoint whose refresh tokens are single-use, like Xero's: a reused one is `invalid_grant`. */
function singleUseTokenEndpoint(firstRefreshToken: string, delayMs = 80) {
  const valid = new Set([firstRefreshToken]);
  const issued: string[] = [];
  nock(IDENTITY)
    .persist()
    .post('/connect/token')
    .delay(delayMs)
    .reply((_uri, body) => {
      const refreshToken = new URLSearchParams(String(body)).get('refresh_token') ?? '';
      if (!valid.delete(refreshToken)) return [400, { error: 'invalid_grant' }];
      const n = issued.length + 1;
      issued.push(`refresh-${n}`);
      valid.add(`refresh-${n}`);
      return [200, { access_token: `access-${n}`, refresh_token: `refresh-${n}`, expires_in: 1800, token_type: 'Bearer' }];
    });
  return { issued };
}

const grant = oauthRefreshGrant({ provider: 'acme', tokenUrl: TOKEN_URL, clientId: 'id', clientSecret: 'secret', clientAuth: 'basic' });
const expired = (): TokenSet => ({ accessToken: 'access-0', refreshToken: 'refresh-0', expiresAt: new Date(Date.now() - MINUTE) });

async function stored(pool: pg.Pool = db.pool) {
  const { rows } = await pool.query('SELECT access_token, refresh_token, status, status_message FROM http_test_tokens WHERE connection_id = $1', [CONN]);
  return rows[0] as { access_token: string; refresh_token: string; status: string; status_message: string | null };
}

beforeAll(async () => {
  db = await createTestDatabase();
  await db.pool.query(CREATE_TABLE);
  nock.disableNetConnect();
  nock.enableNetConnect((host) => host.startsWith('127.0.0.1') || host.startsWith('localhost'));
});
beforeEach(async () => {
  await seedTokens(db.pool, CONN, expired());
});
afterEach(() => {
  nock.cleanAll();
});
afterAll(async () => {
  nock.enableNetConnect();
  await Promise.all(extraPools.map((p) => p.end()));
  await db.drop();
});

describe('TokenRefresher with PostgreSQL', () => {
  it('returns a fresh token without calling the provider', async () => {
    await seedTokens(db.pool, CONN, { accessToken: 'still-good', refreshToken: 'refresh-0', expiresAt: new Date(Date.now() + 30 * MINUTE) });
    const endpoint = singleUseTokenEndpoint('refresh-0');
    await expect(new TokenRefresher(new PgTokenStore(db.pool)).accessToken(CONN, grant)).resolves.toBe('still-good');
    expect(endpoint.issued).toEqual([]);
  });

  it('refreshes within the early margin and stores the newest pair', async () => {
    await seedTokens(db.pool, CONN, { accessToken: 'nearly', refreshToken: 'refresh-0', expiresAt: new Date(Date.now() + 4 * MINUTE) });
    const endpoint = singleUseTokenEndpoint('refresh-0');
    const refresher = new TokenRefresher(new PgTokenStore(db.pool), { marginMs: 5 * MINUTE });
    await expect(refresher.accessToken(CONN, grant)).resolves.toBe('access-1');
    expect(endpoint.issued).toEqual(['refresh-1']);
    expect(await stored()).toMatchObject({ access_token: 'access-1', refresh_token: 'refresh-1', status: 'active' });
  });

  it('concurrent calls in one process share one refresh', async () => {
    const endpoint = singleUseTokenEndpoint('refresh-0');
    const refresher = new TokenRefresher(new PgTokenStore(db.pool));
    const tokens = await Promise.all(Array.from({ length: 5 }, () => refresher.accessToken(CONN, grant)));
    expect(new Set(tokens)).toEqual(new Set(['access-1']));
    expect(endpoint.issued).toHaveLength(1);
  });

  it('two processes (separate pools and refreshers) never refresh at once: one refresh, no lost token', async () => {
    const endpoint = singleUseTokenEndpoint('refresh-0');
    const poolB = new pg.Pool({ connectionString: db.url, max: 3 });
    extraPools.push(poolB);
    const a = new TokenRefresher(new PgTokenStore(db.pool));
    const b = new TokenRefresher(new PgTokenStore(poolB));
    const tokens = await Promise.all([0, 1, 2].flatMap(() => [a.accessToken(CONN, grant), b.accessToken(CONN, grant)]));
    expect(new Set(tokens)).toEqual(new Set(['access-1']));
    expect(endpoint.issued).toEqual(['refresh-1']);
    expect(await stored(poolB)).toMatchObject({ refresh_token: 'refresh-1', status: 'active' });
  });

  it('after a rejection, refreshes even a token not yet expired — once, whoever asks', async () => {
    await seedTokens(db.pool, CONN, { accessToken: 'revoked', refreshToken: 'refresh-0', expiresAt: new Date(Date.now() + 30 * MINUTE) });
    const endpoint = singleUseTokenEndpoint('refresh-0');
    const a = new TokenRefresher(new PgTokenStore(db.pool));
    const b = new TokenRefresher(new PgTokenStore(db.pool));
    await expect(a.refreshAfterRejection(CONN, grant, 'revoked')).resolves.toBe('access-1');
    // Another process saw the same 401 a moment later: it finds the new token under the lock.
    await expect(b.refreshAfterRejection(CONN, grant, 'revoked')).resolves.toBe('access-1');
    expect(endpoint.issued).toHaveLength(1);
  });

  it('invalid_grant marks the connection needs_reauth and throws AuthExpired; later calls stop at once', async () => {
    const endpoint = singleUseTokenEndpoint('some-other-token');
    const refresher = new TokenRefresher(new PgTokenStore(db.pool));
    const error = await refresher.accessToken(CONN, grant).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthExpired);
    expect((error as AuthExpired).message).toMatch(/conn-1 needs re-authorization: .*invalid_grant.*reconnect/);
    expect(await stored()).toMatchObject({ status: 'needs_reauth', refresh_token: 'refresh-0' });
    expect((await stored()).status_message).toContain('invalid_grant');
    nock.cleanAll();
    await expect(refresher.accessToken(CONN, grant)).rejects.toBeInstanceOf(AuthExpired);
    expect(endpoint.issued).toEqual([]);
  });

  it('a passing failure of the token endpoint (503) changes nothing', async () => {
    nock(IDENTITY).post('/connect/token').reply(503, 'unavailable');
    const refresher = new TokenRefresher(new PgTokenStore(db.pool));
    await expect(refresher.accessToken(CONN, grant)).rejects.toBeInstanceOf(Transient);
    expect(await stored()).toMatchObject({ access_token: 'access-0', refresh_token: 'refresh-0', status: 'active' });
  });

  it('the new pair is persisted before use: if saving fails, nobody gets the token', async () => {
    singleUseTokenEndpoint('refresh-0', 0);
    const failing = new PgTokenStore(db.pool, { beforeSave: async () => { throw new Error('disk full'); } });
    await expect(new TokenRefresher(failing).accessToken(CONN, grant)).rejects.toThrow('disk full');
    expect(await stored()).toMatchObject({ access_token: 'access-0', refresh_token: 'refresh-0' });
  });

  it('sends the client credentials as HTTP Basic when the profile says so', async () => {
    const scope = nock(IDENTITY)
      .post('/connect/token', (body: string) => new URLSearchParams(body).get('grant_type') === 'refresh_token')
      .matchHeader('authorization', `Basic ${Buffer.from('id:secret').toString('base64')}`)
      .reply(200, { access_token: 'access-b', expires_in: 3600 });
    await expect(new TokenRefresher(new PgTokenStore(db.pool)).accessToken(CONN, grant)).resolves.toBe('access-b');
    expect(scope.isDone()).toBe(true);
    // No new refresh token in the answer (a provider that does not rotate): the old one is kept.
    expect(await stored()).toMatchObject({ refresh_token: 'refresh-0' });
  });
});

describe('callProvider with the refresher', () => {
  it('401 → one refresh through the token endpoint → success, the new pair stored', async () => {
    await seedTokens(db.pool, CONN, { accessToken: 'revoked', refreshToken: 'refresh-0', expiresAt: new Date(Date.now() + 30 * MINUTE) });
    singleUseTokenEndpoint('refresh-0', 0);
    const api = nock(API)
      .get('/things').matchHeader('authorization', 'Bearer revoked').reply(401, { message: 'token expired' })
      .get('/things').matchHeader('authorization', 'Bearer access-1').reply(200, { ok: true });
    const profile = defineProfile({ provider: 'acme', baseUrl: API, limits: { concurrent: 2, windows: [{ requests: 1000, perMs: 1000 }] }, paging: { style: 'cursor', pageSize: 10 } });
    const limiter = new AccountLimiter('acme:1', profile);
    const refresher = new TokenRefresher(new PgTokenStore(db.pool));
    const result = await callProvider(
      { limiter, classify: { provider: 'acme' }, policy: defaultRetryPolicy(), tokens: refresher.forConnection(CONN, grant) },
      'things.list',
      async ({ accessToken, observe }) => {
        const response = await fetch(`${API}/things`, { headers: { authorization: `Bearer ${accessToken}` } });
        observe(normalizeHeaders(response.headers));
        return (await (await ensureOk(response)).json()) as { ok: boolean };
      },
    );
    await limiter.stop();
    expect(result).toEqual({ ok: true });
    expect(api.isDone()).toBe(true);
    expect(await stored()).toMatchObject({ access_token: 'access-1', refresh_token: 'refresh-1' });
  });
});
