/**
 * The console's OAuth connect attacked over HTTP, with the sandbox as QuickBooks: the callback URL
 * replayed, the consent link opened in another browser (the "attach my victim's ledger to my
 * organization" trick), and an authorization code used twice. Each is a 400 with a clear message,
 * and no connection is stored.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, createUser, grantMembership } from '../../core/access/index.ts';
import { generateKeySpec, parseKeyRing } from '../../core/crypto.ts';
import { organizations } from '../../core/store/schema/index.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { buildServer } from '../../server/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { TEST_SCRYPT } from '../api/world.ts';
import { http, silentLogger } from './support.ts';

const keys = parseKeyRing(generateKeySpec());
let sandbox: RunningSandbox;
let db: TestDatabase;
let server: FastifyInstance;
let url: string;
let orgId: string;
let auth: { authorization: string };

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 12, invoices: 10, asOf: '2026-03-01', port: 0, limits: false });
  db = await createTestDatabase();
  const [org] = await db.db.insert(organizations).values({ name: 'Sender Ltd', baseCurrency: 'USD', country: 'US' }).returning();
  orgId = org!.id;
  const admin = await createUser(db.db, { email: 'admin@sender.example', password: 'correct horse battery staple', scrypt: TEST_SCRYPT });
  await grantMembership(db.db, { userId: admin.id, organizationId: orgId, role: 'admin' });
  auth = { authorization: `Bearer ${(await createApiKey(db.db, { userId: admin.id, name: 'test' })).key}` };
  const q = sandbox.quickbooks;
  server = buildServer({
    pool: db.pool, storeMode: 'postgres', worker: null, logger: silentLogger(), keys,
    providerApps: { quickbooks: { clientId: q.clientId!, clientSecret: q.clientSecret!, authorizeUrl: `${q.baseUrl}/connect/oauth2`, tokenUrl: `${q.baseUrl}/oauth2/v1/tokens/bearer`, apiUrl: q.baseUrl, webhookKey: null } },
  });
  url = await server.listen({ host: '127.0.0.1', port: 0 });
}, 120_000);
afterAll(async () => {
  await server?.close();
  await sandbox?.close();
  await db?.drop();
});

const connections = async () => (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM connections')).rows[0]!.n;

/** Starts a connect as the admin's browser (holding `cookie`, when it has one): the cookie it ends with and the callback URL the provider sends back. */
async function start(cookie = ''): Promise<{ cookie: string; callback: string }> {
  const res = await http(`${url}/api/organizations/${orgId}/connections`, { body: { provider: 'quickbooks' }, headers: { ...auth, ...(cookie ? { cookie } : {}) } });
  expect(res.status, res.body).toBe(201);
  const consent = await fetch(String(res.json().authorizeUrl), { redirect: 'manual' });
  expect(consent.status).toBe(302);
  return { cookie: res.cookie?.split(';')[0] ?? cookie, callback: consent.headers.get('location')! };
}

describe('the OAuth callback', () => {
  it('refuses a consent link opened in another browser than the one that started it, storing nothing', async () => {
    const { callback } = await start();
    const before = await connections();
    const elsewhere = await http(callback, { headers: { cookie: 'relance_oauth=someone-elses-browser-cookie-value-0000000000' } });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.json().error).toMatchObject({ field: 'state', message: expect.stringMatching(/another browser/) });
    const none = await http(callback, { headers: { accept: 'text/html' } });
    expect(none.status).toBe(400);
    expect(none.body).toMatch(/another browser/);
    expect(await connections()).toBe(before);
  });

  it('takes a state once: the replayed callback is a 400 and changes nothing', async () => {
    const { cookie, callback } = await start();
    const first = await http(callback, { headers: { cookie } });
    expect(first.status, first.body).toBe(200);
    const after = await connections();
    const replay = await http(callback, { headers: { cookie } });
    expect(replay.status).toBe(400);
    expect(replay.json().error).toMatchObject({ field: 'state', message: expect.stringMatching(/already used/) });
    expect(await connections()).toBe(after);
  });

  it('answers a reused authorization code with a clear 400 naming the code, not a 500', async () => {
    const a = await start();
    const b = await start(a.cookie);
    const used = new URL(a.callback);
    expect((await http(used.href, { headers: { cookie: a.cookie } })).status).toBe(200);
    const before = await connections();
    // B's fresh state with A's already-redeemed code.
    const reused = new URL(b.callback);
    reused.searchParams.set('code', used.searchParams.get('code')!);
    const res = await http(reused.href, { headers: { cookie: b.cookie } });
    expect(res.status, res.body).toBe(400);
    expect(res.json().error).toMatchObject({ field: 'code', message: expect.stringMatching(/invalid_grant/) });
    expect(await connections()).toBe(before);
  });
});
