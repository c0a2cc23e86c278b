/**
 * Issue 13.9 against the HubSpot simulator, on a real PostgreSQL: `relance_next_action`,
 * `relance_next_action_date` and `relance_portal_link` are set on the linked company when the plan
 * or the portal link changes — through the outbox, once per change (a repeated run queues nothing),
 * coalesced (a newer plan supersedes the pending older one: one push, the latest values) — and
 * HubSpot's company then shows them. Linking companies (CRM matching) queues their overdue figures
 * at once, not at the ledger's next sync; and (13.7) gives a linked customer the company's address.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRM_STREAMS } from '../../connectors/hubspot/index.ts';
import { connectorFor } from '../../connectors/index.ts';
import { enqueueCompanyPlans, runCrmSync } from '../../core/crm-control/index.ts';
import { LimiterRegistry } from '../../core/http/index.ts';
import { issuePortalLink } from '../../core/portal/index.ts';
import { pushOutbox } from '../../jobs/outbox.ts';
import { generateWorld } from '../../sandbox/generator/index.ts';
import type { World } from '../../sandbox/shared/contract.ts';
import { listenHubspotSimulator, type RunningHubspotSimulator } from '../../sandbox/hubspot/listen.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { ring } from '../sync/support.ts';
import { hubspotSession, seedHubSpot, type Seeded } from './hubspot-support.ts';

const PUBLIC_URL = 'https://relance.example';
let world: World;
let sim: RunningHubspotSimulator;
let db: TestDatabase;
let seeded: Seeded;
let link: { customer_id: string; external_id: string };
const limiters = new LimiterRegistry();

async function q<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  return (await db.pool.query(text, params)).rows as T[];
}

async function company(id: string): Promise<Record<string, string | null>> {
  const url = `${sim.baseUrl}/crm/v3/objects/companies/${id}?properties=relance_next_action,relance_next_action_date,relance_portal_link,relance_overdue_amount`;
  const res = await fetch(url, { headers: { authorization: `Bearer ${sim.credentials.accessToken}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { properties: Record<string, string | null> }).properties;
}

const planRows = () => q<{ status: string; properties: Record<string, unknown> }>(
  `SELECT status::text AS status, payload->'properties' AS properties FROM outbox
    WHERE connection_id = $1 AND kind = 'set_company_properties' AND payload->'properties' ? 'nextAction' AND external_id = $2 ORDER BY seq`,
  [seeded.hubspotConnectionId, link.external_id]);

async function plan(step: number, day: string, status = 'planned'): Promise<void> {
  await db.db.execute(sql`INSERT INTO actions (organization_id, customer_id, step, channel, status, idempotency_key, scheduled_for)
    VALUES (${seeded.organizationId}::uuid, ${link.customer_id}::uuid, ${step}, 'email', ${status}::action_status, ${`plan-test:${step}:${day}`}, ${day}::date)`);
}

beforeAll(async () => {
  world = generateWorld({ seed: 13, invoices: 300, asOf: '2026-03-01' });
  sim = await listenHubspotSimulator({ world, limits: false });
  db = await createTestDatabase();
  seeded = await seedHubSpot(db, world, sim);
  await (await hubspotSession(db, seeded.hubspotConnectionId, limiters)).ensureProperties();
}, 120_000);

afterAll(async () => {
  await limiters.stopAll();
  await sim?.close();
  await db?.drop();
});

describe('the plan and the portal link on HubSpot companies', () => {
  it('linking companies queues their overdue figures at once; nothing planned queues no plan', async () => {
    await runCrmSync({ store: db, keys: ring, connectorFor, limiters }, seeded.hubspotConnectionId, { streams: CRM_STREAMS, full: true });
    link = (await q<{ customer_id: string; external_id: string }>("SELECT customer_id, external_id FROM customer_external_refs WHERE connection_id = $1 AND kind = 'company' ORDER BY external_id LIMIT 1", [seeded.hubspotConnectionId]))[0]!;
    expect(link).toBeDefined();
    const refs = await q<{ n: number }>("SELECT count(*)::int AS n FROM customer_external_refs WHERE connection_id = $1 AND kind = 'company'", [seeded.hubspotConnectionId]);
    const figures = await q<{ n: number }>("SELECT count(*)::int AS n FROM outbox WHERE connection_id = $1 AND payload->'properties' ? 'overdueAmount'", [seeded.hubspotConnectionId]);
    expect(figures[0]!.n).toBe(refs[0]!.n);
    expect(await planRows()).toEqual([]);
    // Issue 13.7: the company's address (HubSpot address, city, zip, country) became the linked
    // customer's postal address, which the ledger had not given; the country resolved, kept as typed.
    const customer = world.quickbooks.customers.find((c) => c.id === world.hubspot.companies.find((k) => k.id === link.external_id)?.matchesCustomerId)!;
    const [stored] = await q<{ postal_address: Record<string, unknown>; country: string | null }>('SELECT postal_address, country FROM customers WHERE id = $1', [link.customer_id]);
    expect(stored!.postal_address).toMatchObject({ lines: [expect.stringMatching(/Market Street$/)], city: expect.any(String), postalCode: expect.any(String), country: customer.country, countryRaw: expect.any(String) });
    expect(stored!.country).toBe(customer.country);
    const withAddress = await q<{ n: number }>("SELECT count(*)::int AS n FROM customers c JOIN customer_external_refs r ON r.customer_id = c.id WHERE r.connection_id = $1 AND r.kind = 'company' AND c.postal_address IS NOT NULL", [seeded.hubspotConnectionId]);
    expect(withAddress[0]!.n).toBe(refs[0]!.n);
  }, 120_000);

  it('queues the next action, its date and the live portal link once; again changes nothing', async () => {
    await plan(1, '2026-03-05');
    await plan(2, '2026-03-20');
    const issued = await issuePortalLink(db.db, ring, { organizationId: seeded.organizationId, customerId: link.customer_id, createdBy: 'test', publicUrl: PUBLIC_URL });
    const options = { keys: ring, publicUrl: PUBLIC_URL };
    expect(await enqueueCompanyPlans(db.db, seeded.organizationId, options)).toBe(1);
    expect(await planRows()).toEqual([{ status: 'pending', properties: { nextAction: 'email, step 1', nextActionDate: '2026-03-05', portalLink: issued.url } }]);
    expect(await enqueueCompanyPlans(db.db, seeded.organizationId, options)).toBe(0);
    expect(await planRows()).toHaveLength(1);
  });

  it('a newer plan supersedes the pending one; one push; HubSpot shows the latest', async () => {
    await db.pool.query("UPDATE actions SET status = 'sent' WHERE customer_id = $1 AND step = 1", [link.customer_id]);
    expect(await enqueueCompanyPlans(db.db, seeded.organizationId, { keys: ring, publicUrl: PUBLIC_URL, customerIds: [link.customer_id] })).toBe(1);
    const rows = await planRows();
    expect(rows.map((r) => r.status)).toEqual(['superseded', 'pending']);
    expect(rows[1]!.properties).toMatchObject({ nextAction: 'email, step 2', nextActionDate: '2026-03-20' });
    const report = await pushOutbox({ store: db, keys: ring, limiters }, { connectionId: seeded.hubspotConnectionId });
    expect(report.parked).toBe(0);
    const props = await company(link.external_id);
    expect(props).toMatchObject({ relance_next_action: 'email, step 2', relance_next_action_date: '2026-03-20', relance_portal_link: expect.stringMatching(/^https:\/\/relance\.example\/portal\//) });
    expect(props.relance_overdue_amount).toBe('0.00');
    // The superseded plan was never sent: HubSpot got the company's plan once, with the latest values.
    expect(sim.control.writtenBack().filter((w) => w.id === link.external_id && JSON.stringify(w.body).includes('relance_next_action'))).toHaveLength(1);
    expect((await planRows()).map((r) => r.status)).toEqual(['superseded', 'done']);
  }, 60_000);

  it('nothing left planned clears the next action in HubSpot', async () => {
    await db.pool.query("UPDATE actions SET status = 'cancelled' WHERE customer_id = $1", [link.customer_id]);
    expect(await enqueueCompanyPlans(db.db, seeded.organizationId, { keys: ring, publicUrl: PUBLIC_URL })).toBe(1);
    await pushOutbox({ store: db, keys: ring, limiters }, { connectionId: seeded.hubspotConnectionId });
    const props = await company(link.external_id);
    expect(props.relance_next_action ?? '').toBe('');
    expect(props.relance_next_action_date ?? '').toBe('');
  }, 60_000);
});
