/**
 * The whole connect dance from the console, with real HTTP against the sandbox and a real job
 * worker: the admin API hands out the consent URL, the sandbox's authorize page redirects back with
 * a code, the callback stores the connection (QuickBooks realm from the redirect, Xero tenant from
 * GET /connections, HubSpot portal from the token metadata), sends a browser on to the console and
 * queues the first sync; sync-now then works. A reconnect renews the same connection; a broken
 * callback shows a browser a plain page naming the problem.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, createUser, grantMembership } from '../../core/access/index.ts';
import { parseKeyRing, generateKeySpec } from '../../core/crypto.ts';
import { createLogger } from '../../core/logging.ts';
import { organizations } from '../../core/store/schema/index.ts';
import { createWorker, type Worker } from '../../jobs/worker.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { buildServer } from '../../server/app.ts';
import type { ProviderApps } from '../../server/oauth/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { TEST_SCRYPT } from '../api/world.ts';

const keys = parseKeyRing(generateKeySpec());
const logger = createLogger({ level: 'error', format: 'json' });
const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

let sandbox: RunningSandbox;
let db: TestDatabase;
let worker: Worker;
let server: FastifyInstance;
let serverUrl: string;
let orgId: string;
let auth: { authorization: string };

function appsOf(s: RunningSandbox): ProviderApps {
  const { quickbooks: q, xero: x, hubspot: h } = s;
  return {
    quickbooks: { clientId: q.clientId!, clientSecret: q.clientSecret!, authorizeUrl: `${q.baseUrl}/connect/oauth2`, tokenUrl: `${q.baseUrl}/oauth2/v1/tokens/bearer`, apiUrl: q.baseUrl, webhookKey: q.webhookVerifierToken ?? null },
    xero: { clientId: x.clientId!, clientSecret: x.clientSecret!, authorizeUrl: `${x.baseUrl}/identity/connect/authorize`, tokenUrl: `${x.baseUrl}/connect/token`, apiUrl: `${x.baseUrl}/api.xro/2.0`, webhookKey: x.webhookKey ?? null },
    hubspot: { clientId: h.clientId!, clientSecret: h.clientSecret!, authorizeUrl: `${h.baseUrl}/oauth/authorize`, tokenUrl: `${h.baseUrl}/oauth/v1/token`, apiUrl: h.baseUrl, webhookKey: null },
  };
}

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 81, invoices: 40, asOf: '2026-03-01', port: 0, limits: false });
  db = await createTestDatabase();
  const [org] = await db.db.insert(organizations).values({ name: 'Atelier Console', baseCurrency: 'USD', country: 'US' }).returning();
  orgId = org!.id;
  const admin = await createUser(db.db, { email: 'admin@console.example', password: 'correct horse battery staple', scrypt: TEST_SCRYPT });
  await grantMembership(db.db, { userId: admin.id, organizationId: orgId, role: 'admin' });
  auth = { authorization: `Bearer ${(await createApiKey(db.db, { userId: admin.id, name: 'test' })).key}` };
  worker = createWorker({ databaseUrl: db.url, logger, concurrency: 2, processEvery: 100, sync: { store: db, keys } });
  await worker.start();
  server = buildServer({ pool: db.pool, storeMode: 'postgres', worker, logger, keys, providerApps: appsOf(sandbox) });
  serverUrl = await server.listen({ host: '127.0.0.1', port: 0 });
}, 120_000);

afterAll(async () => {
  await server?.close();
  await worker?.stop(10_000);
  await sandbox?.close();
  await db?.drop();
});

/** The browser's `relance_oauth` cookie from the last connect: the callback is accepted only with it. */
let browserCookie = '';

async function api(method: string, path: string, body?: unknown): Promise<Response> {
  const res = await fetch(`${serverUrl}${path}`, { method, headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const set = res.headers.get('set-cookie');
  if (set?.startsWith('relance_oauth=')) browserCookie = set.split(';')[0]!;
  return res;
}

/** The callback as the browser that started the connect opens it. */
const callBack = (url: string | URL, init: { redirect?: 'manual'; headers?: Record<string, string> } = {}) =>
  fetch(url, { ...init, headers: { ...init.headers, cookie: browserCookie } });

/** Opens the consent URL as the user's browser would; the sandbox consents at once and redirects to the callback. */
async function consent(authorizeUrl: string): Promise<string> {
  const page = await fetch(authorizeUrl, { redirect: 'manual' });
  expect(page.status).toBe(302);
  const callback = page.headers.get('location')!;
  expect(callback.startsWith(`${serverUrl}/oauth/`)).toBe(true);
  return callback;
}

async function startConnect(provider: string): Promise<string> {
  const res = await api('POST', `/api/organizations/${orgId}/connections`, { provider });
  expect(res.status).toBe(201);
  return consent(((await res.json()) as { authorizeUrl: string }).authorizeUrl);
}

async function until(check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

const count = async (connectionId: string) =>
  (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM invoices WHERE connection_id = $1', [connectionId])).rows[0]!.n;

describe('connecting QuickBooks from the console', () => {
  let connectionId: string;

  it('stores an active connection for the realm, sends the browser to the console and syncs it first', { timeout: 120_000 }, async () => {
    const landing = await callBack(await startConnect('quickbooks'), { redirect: 'manual', headers: BROWSER });
    expect(landing.status).toBe(303);
    const location = landing.headers.get('location')!;
    expect(location).toMatch(/^\/console\/#\/connections\?connected=[0-9a-f-]{36}$/);
    connectionId = location.split('connected=')[1]!;

    const shown = (await (await api('GET', `/api/organizations/${orgId}/connections/${connectionId}`)).json()) as { status: string; accountId: string; provider: string };
    expect(shown).toMatchObject({ status: 'active', provider: 'quickbooks', accountId: sandbox.quickbooks.realmId });
    const { rows } = await db.pool.query('SELECT actor, kind FROM activities WHERE organization_id = $1 AND kind = $2', [orgId, 'audit.connection.connected']);
    expect(rows).toHaveLength(1);
    // The first sync was queued on connect: the invoices arrive without anyone asking.
    await until(async () => (await count(connectionId)) > 0);
  });

  it('syncs again on sync-now', { timeout: 120_000 }, async () => {
    const { rows } = await db.pool.query<{ external_id: string }>("SELECT external_id FROM invoices WHERE connection_id = $1 AND status = 'open' LIMIT 1", [connectionId]);
    const id = rows[0]!.external_id;
    await fetch(`${sandbox.control.baseUrl}/quickbooks/records/Invoice/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ DueDate: '2026-06-30' }) });
    const res = await api('POST', `/api/organizations/${orgId}/connections/${connectionId}/sync`, {});
    expect(res.status).toBe(202);
    const dueDate = async () => (await db.pool.query<{ d: string }>('SELECT due_date::text AS d FROM invoices WHERE connection_id = $1 AND external_id = $2', [connectionId, id])).rows[0]!.d;
    await until(async () => (await dueDate()) === '2026-06-30');
  });

  it('reconnects the same connection', { timeout: 60_000 }, async () => {
    const res = await api('POST', `/api/organizations/${orgId}/connections/${connectionId}/reconnect`);
    const callback = await consent(((await res.json()) as { authorizeUrl: string }).authorizeUrl);
    const renewed = await callBack(callback);
    expect(renewed.status).toBe(200);
    expect(await renewed.json()).toMatchObject({ connectionId, organizationId: orgId, accountId: sandbox.quickbooks.realmId });
  });

  it('shows a browser a plain page naming the problem when the callback fails', async () => {
    const callback = new URL(await startConnect('quickbooks'));
    callback.searchParams.set('state', `${callback.searchParams.get('state')!.slice(0, -6)}AAAAAA`);
    const page = await callBack(callback, { redirect: 'manual', headers: BROWSER });
    expect(page.status).toBe(400);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toMatch(/<p>state: not a state this server issued/);
  });
});

describe('connecting Xero and HubSpot from the console', () => {
  it('takes the Xero tenant from the consent and syncs it', { timeout: 120_000 }, async () => {
    const res = await callBack(await startConnect('xero'));
    expect(res.status).toBe(200);
    const connection = (await res.json()) as { connectionId: string; accountId: string; organizationId: string };
    expect(connection).toMatchObject({ accountId: sandbox.xero.tenantId, organizationId: orgId });
    await until(async () => (await count(connection.connectionId)) > 0);
  });

  it('takes the HubSpot portal from the token metadata', { timeout: 60_000 }, async () => {
    const res = await callBack(await startConnect('hubspot'));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accountId: String(sandbox.hubspot.portalId), organizationId: orgId });
  });
});
