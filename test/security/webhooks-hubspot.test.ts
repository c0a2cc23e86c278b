/**
 * Issue 12.6, HubSpot: a signed batch that mixes portals is split by `portalId`, each event applied
 * to its own portal's connection only; signature and timestamp headers are parsed strictly; an
 * unsigned or mis-signed delivery is refused without opening any connection's credentials.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CRM_STREAMS, signWebhookV3 } from '../../connectors/hubspot/index.ts';
import { connectorFor } from '../../connectors/index.ts';
import { createConnection } from '../../core/connections/index.ts';
import { runCrmSync } from '../../core/crm-control/index.ts';
import { LimiterRegistry } from '../../core/http/index.ts';
import { createLogger } from '../../core/logging.ts';
import { generateWorld } from '../../sandbox/generator/index.ts';
import { listenHubspotSimulator, type RunningHubspotSimulator } from '../../sandbox/hubspot/listen.ts';
import { hubspotWebhookRoutes } from '../../server/webhooks/hubspot.ts';
import { seedHubSpot, type Seeded } from '../e2e/hubspot-support.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { ring } from '../sync/support.ts';
import { countingRing } from './webhooks-support.ts';

const { counting, ring: countingKeyRing } = countingRing(ring);

let sim: RunningHubspotSimulator;
let db: TestDatabase;
let seeded: Seeded;
let server: FastifyInstance;
let url: string;
let otherConnectionId: string;
let companyId: string;
let customerId: string;
const OTHER_PORTAL = 99_000_111;
const queued: { job: string; data: Record<string, unknown> }[] = [];
const limiters = new LimiterRegistry();

beforeAll(async () => {
  const world = generateWorld({ seed: 6, invoices: 200, asOf: '2026-03-01' });
  sim = await listenHubspotSimulator({ world, limits: false });
  db = await createTestDatabase();
  seeded = await seedHubSpot(db, world, sim);
  await runCrmSync({ store: db, keys: ring, connectorFor, limiters }, seeded.hubspotConnectionId, { streams: CRM_STREAMS });
  const { rows } = await db.pool.query<{ customer_id: string; external_id: string }>(
    "SELECT customer_id, external_id FROM customer_external_refs WHERE connection_id = $1 AND matched_by = 'domain' ORDER BY external_id LIMIT 1",
    [seeded.hubspotConnectionId],
  );
  ({ customer_id: customerId, external_id: companyId } = rows[0]!);
  // Another tenant on the same HubSpot app (same client secret), in its own organization.
  const { rows: org } = await db.pool.query<{ id: string }>("INSERT INTO organizations (name, base_currency, country) VALUES ('Other tenant', 'EUR', 'FR') RETURNING id");
  const c = sim.credentials;
  otherConnectionId = (await createConnection(db.pool, ring, {
    organizationId: org[0]!.id,
    provider: 'hubspot',
    settings: { accountId: String(OTHER_PORTAL), clientId: c.clientId!, clientSecret: c.clientSecret!, baseUrl: sim.baseUrl, tokenUrl: `${sim.baseUrl}/oauth/v1/token`, webhookKey: c.clientSecret! },
    tokens: { accessToken: 'other-token', refreshToken: 'private-app', expiresAt: new Date(Date.now() + 86_400_000) },
  })).id;
  server = Fastify();
  await server.register(hubspotWebhookRoutes, { pool: db.pool, keys: countingKeyRing, logger: createLogger({ level: 'error' }), enqueue: async (job, data) => void queued.push({ job, data }) });
  url = `${await server.listen({ host: '127.0.0.1', port: 0 })}/webhooks/hubspot`;
}, 120_000);

afterAll(async () => {
  await limiters.stopAll();
  await server?.close();
  await sim?.close();
  await db?.drop();
});

beforeEach(() => {
  queued.length = 0;
});

const event = (portalId: number, objectId: number | string, propertyName: string, propertyValue: string, eventId: number) => ({
  eventId, subscriptionId: 1, portalId, appId: 1, occurredAt: Date.now() - 1000, subscriptionType: 'company.propertyChange', attemptNumber: 0,
  objectId: Number(objectId), propertyName, propertyValue, changeSource: 'CRM_UI',
});

async function post(body: unknown, headers: (raw: string, signature: string, timestamp: string) => Record<string, string> = (_r, s, t) => ({ 'x-hubspot-signature-v3': s, 'x-hubspot-request-timestamp': t })) {
  const raw = JSON.stringify(body);
  const timestamp = String(Date.now());
  const signature = signWebhookV3(sim.credentials.clientSecret!, 'POST', url, raw, timestamp);
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers(raw, signature, timestamp) }, body: raw });
  return { status: response.status, body: await response.text() };
}

async function paused(): Promise<boolean> {
  const { rows } = await db.pool.query<{ paused: boolean }>('SELECT paused FROM customers WHERE id = $1', [customerId]);
  return rows[0]!.paused;
}

describe('a HubSpot batch that mixes portals', () => {
  it('applies each event to its own portal only: another tenant cannot pause this one\'s customer', async () => {
    const portal = Number(sim.credentials.portalId);
    // The first event is this portal's (harmless); the second claims this portal's company id for the other tenant.
    const answer = await post([event(portal, companyId, 'name', 'Renamed', 1), event(OTHER_PORTAL, companyId, 'relance_paused', 'true', 2)]);
    expect(answer.status).toBe(204);
    expect(await paused()).toBe(false);
    expect(queued).toEqual(expect.arrayContaining([
      { job: 'crm.pull', data: { connectionId: seeded.hubspotConnectionId } },
      { job: 'crm.pull', data: { connectionId: otherConnectionId } },
    ]));
    expect(queued.filter((q) => q.job === 'dunning.runCustomer')).toEqual([]);
  });

  it('applies this portal\'s own flag event, whatever comes before it in the batch', async () => {
    const portal = Number(sim.credentials.portalId);
    const association = { eventId: 3, portalId: portal, occurredAt: Date.now(), subscriptionType: 'company.associationChange', fromObjectId: Number(companyId), toObjectId: 1, associationRemoved: false };
    const answer = await post([event(OTHER_PORTAL, 1, 'relance_paused', 'true', 4), association, event(portal, companyId, 'relance_paused', 'true', 5)]);
    expect(answer.status).toBe(204);
    expect(await paused()).toBe(true);
    expect(queued).toContainEqual({ job: 'dunning.runCustomer', data: { organizationId: seeded.organizationId, customerId } });
    await post([event(portal, companyId, 'relance_paused', 'false', 6)]);
    expect(await paused()).toBe(false);
  });
});

describe('strict signature headers, and no decryption for a forged delivery', () => {
  const portal = () => Number(sim.credentials.portalId);
  it.each([
    ['unsigned', () => ({})],
    ['trailing junk after the signature', (_r: string, s: string, t: string) => ({ 'x-hubspot-signature-v3': `${s} junk`, 'x-hubspot-request-timestamp': t })],
    ['a space inside the signature', (_r: string, s: string, t: string) => ({ 'x-hubspot-signature-v3': `${s.slice(0, 10)} ${s.slice(10)}`, 'x-hubspot-request-timestamp': t })],
    ['trailing junk after the timestamp', (_r: string, s: string, t: string) => ({ 'x-hubspot-signature-v3': s, 'x-hubspot-request-timestamp': `${t}x` })],
    ['a well-formed signature of another secret', (r: string, _s: string, t: string) => ({ 'x-hubspot-signature-v3': signWebhookV3('not-the-secret', 'POST', url, r, t), 'x-hubspot-request-timestamp': t })],
  ])('%s: 401, nothing applied', async (_name, headers) => {
    // Opened once (warm): a forged delivery afterwards costs no decryption at all.
    await post([event(portal(), companyId, 'name', 'Warm', 7)]);
    queued.length = 0;
    const before = counting.lookups;
    const answer = await post([event(portal(), companyId, 'relance_paused', 'true', 8)], headers);
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'invalid_signature' } });
    expect(counting.lookups).toBe(before);
    expect(queued).toEqual([]);
    expect(await paused()).toBe(false);
  });
});
