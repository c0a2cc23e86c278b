/**
 * `POST /webhooks/hubspot` against the simulator's real, signed deliveries: a salesperson checks
 * "Reminders paused" in HubSpot and the customer is paused at once (timeline, dunning run queued);
 * unchecking resumes. A forged delivery, a replay older than five minutes, and a delivery for an
 * unknown portal are refused with 401 and change nothing.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRM_STREAMS, signWebhookV3 } from '../../connectors/hubspot/index.ts';
import { connectorFor } from '../../connectors/index.ts';
import { runCrmSync } from '../../core/crm-control/index.ts';
import { LimiterRegistry } from '../../core/http/index.ts';
import { createLogger } from '../../core/logging.ts';
import { generateWorld } from '../../sandbox/generator/index.ts';
import { listenHubspotSimulator, type RunningHubspotSimulator } from '../../sandbox/hubspot/listen.ts';
import { hubspotWebhookRoutes } from '../../server/webhooks/hubspot.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { ring } from '../sync/support.ts';
import { seedHubSpot, type Seeded } from './hubspot-support.ts';

let sim: RunningHubspotSimulator;
let db: TestDatabase;
let seeded: Seeded;
let server: FastifyInstance;
let url: string;
let companyId: string;
let customerId: string;
const queued: { job: string; data: Record<string, unknown> }[] = [];
const limiters = new LimiterRegistry();

async function customerState() {
  const { rows } = await db.pool.query<{ paused: boolean; activities: string }>(
    "SELECT c.paused, (SELECT count(*) FROM activities a WHERE a.customer_id = c.id AND a.actor = 'connector:hubspot') AS activities FROM customers c WHERE c.id = $1",
    [customerId],
  );
  return rows[0]!;
}

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100 && !(await check()); i++) await new Promise((r) => setTimeout(r, 50));
}

beforeAll(async () => {
  const world = generateWorld({ seed: 5, invoices: 800, asOf: '2026-03-01' });
  sim = await listenHubspotSimulator({ world, limits: false });
  db = await createTestDatabase();
  seeded = await seedHubSpot(db, world, sim);
  await runCrmSync({ store: db, keys: ring, connectorFor, limiters }, seeded.hubspotConnectionId, { streams: CRM_STREAMS });
  const { rows } = await db.pool.query<{ customer_id: string; external_id: string }>(
    "SELECT customer_id, external_id FROM customer_external_refs WHERE connection_id = $1 AND matched_by = 'domain' ORDER BY external_id LIMIT 1",
    [seeded.hubspotConnectionId],
  );
  ({ customer_id: customerId, external_id: companyId } = rows[0]!);
  server = Fastify();
  await server.register(hubspotWebhookRoutes, {
    pool: db.pool, keys: ring, logger: createLogger({ level: 'error' }),
    enqueue: async (job, data) => void queued.push({ job, data }),
  });
  url = await server.listen({ host: '127.0.0.1', port: 0 });
  sim.control.setWebhookTarget(`${url}/webhooks/hubspot`);
}, 120_000);

afterAll(async () => {
  await limiters.stopAll();
  await server?.close();
  await sim?.close();
  await db?.drop();
});

describe('HubSpot webhooks', () => {
  it('a checked "Reminders paused" pauses the customer at once; unchecking resumes', async () => {
    await sim.control.editRecord('companies', companyId, { relance_paused: 'true' });
    await waitFor(async () => (await customerState()).paused);
    expect(sim.control.webhookDeliveries().at(-1)!.status).toBe(204);
    expect(await customerState()).toEqual({ paused: true, activities: '1' });
    expect(queued).toEqual(expect.arrayContaining([{ job: 'dunning.runCustomer', data: { organizationId: seeded.organizationId, customerId } }, { job: 'crm.pull', data: { connectionId: seeded.hubspotConnectionId } }]));
    await sim.control.editRecord('companies', companyId, { relance_paused: 'false' });
    await waitFor(async () => !(await customerState()).paused);
    expect(await customerState()).toEqual({ paused: false, activities: '2' });
  });

  it('a delivery about another property changes nothing', async () => {
    const deliveries = sim.control.webhookDeliveries().length;
    await sim.control.editRecord('companies', companyId, { name: 'Only the name changed' });
    expect(sim.control.webhookDeliveries().length).toBe(deliveries + 1);
    expect(await customerState()).toEqual({ paused: false, activities: '2' });
  });

  const body = () => JSON.stringify([{ eventId: 1, subscriptionId: 25, portalId: Number(sim.credentials.portalId), appId: 1, occurredAt: Date.now(), subscriptionType: 'company.propertyChange', attemptNumber: 0, objectId: Number(companyId), propertyName: 'relance_paused', propertyValue: 'true', changeSource: 'CRM' }]);

  it.each([
    ['forged (signed with another secret)', (raw: string, ts: number) => signWebhookV3('not-the-secret', 'POST', `${url}/webhooks/hubspot`, raw, String(ts)), 0, 'bad_signature'],
    ['replayed after five minutes', (raw: string, ts: number) => signWebhookV3(sim.credentials.clientSecret!, 'POST', `${url}/webhooks/hubspot`, raw, String(ts)), 6 * 60_000, 'expired'],
  ])('a %s delivery is refused with 401 and changes nothing', async (_what, sign, age, reason) => {
    const raw = body();
    const ts = Date.now() - age;
    const response = await fetch(`${url}/webhooks/hubspot`, {
      method: 'POST', body: raw,
      headers: { 'content-type': 'application/json', 'x-hubspot-signature-v3': sign(raw, ts), 'x-hubspot-request-timestamp': String(ts) },
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain(reason);
    expect(await customerState()).toEqual({ paused: false, activities: '2' });
  });

  it('a delivery for a portal Relance does not know is refused', async () => {
    const response = await server.inject({ method: 'POST', url: '/webhooks/hubspot', headers: { 'content-type': 'application/json' }, payload: JSON.stringify([{ portalId: 1 }]) });
    expect(response.statusCode).toBe(401);
  });
});
