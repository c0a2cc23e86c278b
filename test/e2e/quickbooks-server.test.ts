/**
 * The server's QuickBooks routes against the sandbox: a signed webhook from the simulator triggers an
 * incremental sync of what it names; a forged one changes nothing and gets 401; the OAuth callback
 * exchanges the code and stores the connection for the realm the redirect names.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorFor } from '../../connectors/index.ts';
import { quickbooksConnector, signWebhook } from '../../connectors/quickbooks/index.ts';
import { loadCredentials } from '../../core/connections/index.ts';
import { createLogger } from '../../core/logging.ts';
import { readCursor } from '../../core/store/index.ts';
import { runSync } from '../../core/sync/index.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { buildServer } from '../../server/app.ts';
import { sealState } from '../../server/oauth/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { ring } from '../sync/support.ts';
import { connectSandbox } from './quickbooks-support.ts';

let sandbox: RunningSandbox;
let db: TestDatabase;
let server: FastifyInstance;
let serverUrl: string;
let connectionId: string;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 45, invoices: 300, asOf: '2026-03-01', port: 0, limits: false });
  db = await createTestDatabase();
  connectionId = await connectSandbox(db, ring, sandbox);
  await runSync({ store: db, keys: ring, connectorFor }, connectionId);
  server = buildServer({ pool: db.pool, storeMode: 'postgres', worker: null, logger: createLogger({ level: 'error', format: 'json' }), keys: ring });
  serverUrl = await server.listen({ host: '127.0.0.1', port: 0 });
}, 120_000);

afterAll(async () => {
  await server?.close();
  await sandbox?.close();
  await db?.drop();
});

async function invoiceDueDate(externalId: string): Promise<string | null> {
  const { rows } = await db.pool.query<{ due_date: string }>('SELECT due_date FROM invoices WHERE connection_id = $1 AND external_id = $2', [connectionId, externalId]);
  return rows[0]?.due_date ?? null;
}

async function until(check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('POST /webhooks/quickbooks', () => {
  it('refuses a forged notification with 401 and changes nothing', async () => {
    const cursor = await readCursor(db.db, connectionId, 'invoice');
    const body = JSON.stringify({ eventNotifications: [{ realmId: sandbox.quickbooks.realmId, dataChangeEvent: { entities: [{ name: 'Invoice', id: '1', operation: 'Update' }] } }] });
    for (const signature of [signWebhook('not-the-verifier', body), '', 'garbage']) {
      const response = await fetch(`${serverUrl}/webhooks/quickbooks`, { method: 'POST', headers: { 'content-type': 'application/json', 'intuit-signature': signature }, body });
      expect(response.status).toBe(401);
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(await readCursor(db.db, connectionId, 'invoice')).toEqual(cursor);
  });

  it('refuses a notification that names no realm: no connection key is tried for it (issue 12.6)', async () => {
    const body = JSON.stringify({ eventNotifications: [{ dataChangeEvent: { entities: [] } }] });
    const response = await fetch(`${serverUrl}/webhooks/quickbooks`, { method: 'POST', headers: { 'content-type': 'application/json', 'intuit-signature': signWebhook(sandbox.quickbooks.webhookVerifierToken!, body) }, body });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: expect.any(Object) });
  });

  it('syncs the invoice a signed notification from the sandbox names', async () => {
    const { rows } = await db.pool.query<{ external_id: string }>("SELECT external_id FROM invoices WHERE connection_id = $1 AND status = 'open' LIMIT 1", [connectionId]);
    const id = rows[0]!.external_id;
    await fetch(`${sandbox.control.baseUrl}/quickbooks/webhook-target`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: `${serverUrl}/webhooks/quickbooks` }) });
    await fetch(`${sandbox.control.baseUrl}/quickbooks/records/Invoice/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ DueDate: '2026-05-15' }) });
    await until(async () => (await invoiceDueDate(id)) === '2026-05-15');
    expect(await invoiceDueDate(id)).toBe('2026-05-15');
  }, 30_000);
});

describe('GET /oauth/quickbooks/callback', () => {
  it('exchanges the code from the sandbox consent and stores the connection for the realm', async () => {
    const qb = sandbox.quickbooks;
    const redirectUri = `${serverUrl}/oauth/quickbooks/callback`;
    const state = sealState(ring, {
      provider: 'quickbooks', clientId: qb.clientId!, clientSecret: qb.clientSecret!, baseUrl: qb.baseUrl, tokenUrl: `${qb.baseUrl}/oauth2/v1/tokens/bearer`,
      redirectUri, webhookKey: qb.webhookVerifierToken!, organization: 'Connected by OAuth', extra: {},
    });
    const authorize = quickbooksConnector.auth.authorizationUrl({ clientId: qb.clientId!, redirectUri, state, authorizeUrl: `${qb.baseUrl}/connect/oauth2` });
    const consent = await fetch(authorize, { redirect: 'manual' });
    expect(consent.status).toBe(302);
    const callback = await fetch(consent.headers.get('location')!);
    expect(callback.status).toBe(200);
    const connection = (await callback.json()) as { connectionId: string; accountId: string };
    expect(connection.accountId).toBe(qb.realmId);
    const { settings, tokens } = await loadCredentials(db.pool, ring, connection.connectionId);
    expect(settings.homeCurrency).toBe(sandbox.world.quickbooks.homeCurrency);
    expect(tokens?.accessToken).toBeTruthy();
    // A state that was tampered with is refused.
    const forged = await fetch(`${serverUrl}/oauth/quickbooks/callback?code=x&realmId=1&state=${encodeURIComponent(state.slice(0, -4) + 'AAAA')}`);
    expect(forged.status).toBe(400);
  }, 30_000);
});
