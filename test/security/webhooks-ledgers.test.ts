/**
 * Issue 12.6, QuickBooks and Xero: signature headers parsed strictly (no trailing junk, no inner
 * spaces — Node's base64 decoder would skip them), and a delivery that is unsigned or names no
 * connected account opens no connection's credentials; a genuine one still syncs its own realm only.
 */
import { createHmac } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createConnection, ensureOrganization } from '../../core/connections/index.ts';
import { quickbooksWebhookRoutes } from '../../server/webhooks/quickbooks.ts';
import { xeroWebhookRoutes } from '../../server/webhooks/xero.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { qboSettings, ring } from '../sync/support.ts';
import { countingRing } from './webhooks-support.ts';

const { counting, ring: countingKeyRing } = countingRing(ring);

let db: TestDatabase;
let app: FastifyInstance;
let base: string;
const synced: { connectionId: string; streams: string[] }[] = [];
const ids: Record<string, string> = {};
const QB_KEY = 'qb-verifier-token';
const XERO_KEY = 'xero-webhook-key';

beforeAll(async () => {
  db = await createTestDatabase();
  for (const [name, realm] of [['a', 'realm-a'], ['b', 'realm-b']] as const) {
    const organizationId = await ensureOrganization(db.pool, { name: `QB ${name}`, baseCurrency: 'USD', country: 'US' });
    ids[name] = (await createConnection(db.pool, ring, { organizationId, provider: 'quickbooks', settings: qboSettings({ accountId: realm, webhookKey: QB_KEY }), tokens: { accessToken: 'a', refreshToken: 'r', expiresAt: new Date(Date.now() + 3_600_000) } })).id;
  }
  const organizationId = await ensureOrganization(db.pool, { name: 'Xero org', baseCurrency: 'GBP', country: 'GB' });
  ids.xero = (await createConnection(db.pool, ring, {
    organizationId, provider: 'xero',
    settings: { ...qboSettings({ accountId: 'tenant-1', webhookKey: XERO_KEY }), baseUrl: 'https://api.xero.example.test', tokenUrl: 'https://identity.xero.example.test/connect/token' },
    tokens: { accessToken: 'a', refreshToken: 'r', expiresAt: new Date(Date.now() + 3_600_000) },
  })).id;
  app = Fastify();
  const triggerSync = async (connectionId: string, streams: string[]) => void synced.push({ connectionId, streams });
  await app.register(quickbooksWebhookRoutes, { pool: db.pool, keys: countingKeyRing, triggerSync });
  await app.register(xeroWebhookRoutes, { pool: db.pool, keys: countingKeyRing, triggerSync });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

beforeEach(() => {
  synced.length = 0;
});

const sign = (key: string, raw: string) => createHmac('sha256', key).update(raw, 'utf8').digest('base64');

async function post(path: string, header: string, raw: string, signature: string | null) {
  const response = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(signature === null ? {} : { [header]: signature }) }, body: raw });
  return response.status;
}

const qbBody = JSON.stringify({ eventNotifications: [{ realmId: 'realm-a', dataChangeEvent: { entities: [{ name: 'Invoice', id: '130', operation: 'Update', lastUpdated: '2026-03-01T10:00:00.000Z' }] } }] });
const xeroBody = JSON.stringify({ events: [{ resourceUrl: 'https://api.xero.com/api.xro/2.0/Invoices/x', resourceId: 'x', eventDateUtc: '2026-03-01T10:00:00.000', eventType: 'UPDATE', eventCategory: 'CREDITNOTE', tenantId: 'tenant-1', tenantType: 'ORGANISATION' }], firstEventSequence: 1, lastEventSequence: 1, entropy: 'ABC' });

describe('QuickBooks webhooks', () => {
  it('a genuine notification syncs the realm it names, and only that one', async () => {
    expect(await post('/webhooks/quickbooks', 'intuit-signature', qbBody, sign(QB_KEY, qbBody))).toBe(200);
    expect(synced).toEqual([{ connectionId: ids.a, streams: ['invoice'] }]);
  });

  it.each([
    ['unsigned', () => null],
    ['trailing junk', () => `${sign(QB_KEY, qbBody)} x`],
    ['an inner space', () => { const s = sign(QB_KEY, qbBody); return `${s.slice(0, 8)} ${s.slice(8)}`; }],
    ['another key', () => sign('forged', qbBody)],
  ])('%s: 401, no sync, no credentials opened', async (_name, signature) => {
    const before = counting.lookups;
    expect(await post('/webhooks/quickbooks', 'intuit-signature', qbBody, signature())).toBe(401);
    expect(synced).toEqual([]);
    expect(counting.lookups).toBe(before);
  });

  it('a signed notification naming an unknown realm opens nothing and syncs nothing', async () => {
    const raw = qbBody.replace('realm-a', 'realm-zzz');
    const before = counting.lookups;
    expect(await post('/webhooks/quickbooks', 'intuit-signature', raw, sign(QB_KEY, raw))).toBe(401);
    expect(counting.lookups).toBe(before);
  });
});

describe('Xero webhooks', () => {
  it('a genuine CREDITNOTE event syncs credit notes (issue 13.5)', async () => {
    expect(await post('/webhooks/xero', 'x-xero-signature', xeroBody, sign(XERO_KEY, xeroBody))).toBe(200);
    expect(synced).toEqual([{ connectionId: ids.xero, streams: ['creditNote'] }]);
  });

  it.each([
    ['unsigned', () => null],
    ['trailing junk', () => `${sign(XERO_KEY, xeroBody)}junk`],
    ['an inner space', () => { const s = sign(XERO_KEY, xeroBody); return `${s.slice(0, 8)} ${s.slice(8)}`; }],
    ['no padding', () => sign(XERO_KEY, xeroBody).replace(/=$/, '')],
  ])('%s: 401, no sync', async (_name, signature) => {
    const before = counting.lookups;
    expect(await post('/webhooks/xero', 'x-xero-signature', xeroBody, signature())).toBe(401);
    expect(synced).toEqual([]);
    expect(counting.lookups).toBe(before);
  });
});
