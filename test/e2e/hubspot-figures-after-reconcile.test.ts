/**
 * Issue 13.9: HubSpot's overdue figures are pushed after the reconcile that computes them, not only
 * on the next sync or the next outbox tick. A worker (Agenda on the real PostgreSQL, no recurring
 * outbox push scheduled) runs `reconcile.run`; the figures it queues for the linked
 * company reach the HubSpot simulator at once, because the reconcile asks for the push.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRM_STREAMS } from '../../connectors/hubspot/index.ts';
import { connectorFor } from '../../connectors/index.ts';
import { runCrmSync } from '../../core/crm-control/index.ts';
import { LimiterRegistry } from '../../core/http/index.ts';
import { createLogger } from '../../core/logging.ts';
import { RECONCILE_RUN } from '../../jobs/reconcile.ts';
import { createWorker, type Worker } from '../../jobs/worker.ts';
import { generateWorld } from '../../sandbox/generator/index.ts';
import { listenHubspotSimulator, type RunningHubspotSimulator } from '../../sandbox/hubspot/listen.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { ring } from '../sync/support.ts';
import { hubspotSession, seedHubSpot, type Seeded } from './hubspot-support.ts';

let sim: RunningHubspotSimulator;
let db: TestDatabase;
let seeded: Seeded;
let worker: Worker | null = null;
const limiters = new LimiterRegistry();

beforeAll(async () => {
  const world = generateWorld({ seed: 17, invoices: 100, asOf: '2026-03-01' });
  sim = await listenHubspotSimulator({ world, limits: false });
  db = await createTestDatabase();
  seeded = await seedHubSpot(db, world, sim);
  await (await hubspotSession(db, seeded.hubspotConnectionId, limiters)).ensureProperties();
  await runCrmSync({ store: db, keys: ring, connectorFor, limiters }, seeded.hubspotConnectionId, { streams: CRM_STREAMS, full: true });
}, 120_000);

afterAll(async () => {
  await worker?.stop(10_000);
  await limiters.stopAll();
  await sim?.close();
  await db?.drop();
});

describe('overdue figures after a reconcile', () => {
  it('reach the HubSpot company as soon as the reconcile queued them', async () => {
    const { rows: [link] } = await db.pool.query<{ customer_id: string; external_id: string; currency: string }>(`
      SELECT r.customer_id, r.external_id, c.currency FROM customer_external_refs r JOIN customers c ON c.id = r.customer_id
       WHERE r.connection_id = $1 AND r.kind = 'company' AND c.currency = 'USD' ORDER BY r.external_id LIMIT 1`, [seeded.hubspotConnectionId]);
    expect(link).toBeDefined();
    // Linking queued (and here nobody pushed) the zero figures; a payment now falls overdue in the ledger.
    await db.pool.query("UPDATE outbox SET status = 'done' WHERE connection_id = $1", [seeded.hubspotConnectionId]);
    const { rows: [customer] } = await db.pool.query<{ external_id: string }>('SELECT external_id FROM customers WHERE id = $1', [link!.customer_id]);
    await db.db.execute(sql`INSERT INTO invoices (organization_id, connection_id, external_id, customer_external_id, customer_id, currency, number, issue_date, due_date, total_minor, balance_minor, status)
      VALUES (${seeded.organizationId}::uuid, ${seeded.ledgerConnectionId}::uuid, 'INV-LATE', ${customer!.external_id}, ${link!.customer_id}::uuid, 'USD', 'L-1', '2026-01-01', '2026-02-01', 15000, 12550, 'open')`);

    worker = createWorker({ databaseUrl: db.url, logger: createLogger({ level: 'error', format: 'json' }), concurrency: 1, processEvery: 200, sync: { store: db, keys: ring } });
    await worker.start();
    // The ledger here is a stored connection to an address that does not answer: its own reconcile
    // fails at its re-pull. The worker's periodic sync then syncs HubSpot, whose reconcile (today)
    // computes the figures; either way it is a reconcile that queues them and asks for the push.
    await worker.agenda.now(RECONCILE_RUN, { connectionId: seeded.hubspotConnectionId });
    const figures = async () => (await db.pool.query<{ status: string }>(
      `SELECT status::text AS status FROM outbox WHERE connection_id = $1 AND external_id = $2 AND payload->'properties'->>'overdueAmount' = '125.50'`,
      [seeded.hubspotConnectionId, link!.external_id])).rows.map((r) => r.status);
    // No recurring push runs in this worker: only the reconcile's own request can push the row.
    await expect.poll(figures, { timeout: 40_000, interval: 500 }).toEqual(['done']);
    // The push was a one-off job a reconcile asked for (the worker schedules no recurring push).
    const { rows: pushes } = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM agenda_jobs WHERE name = 'outbox.push' AND last_finished_at IS NOT NULL");
    expect(pushes[0]!.n).toBeGreaterThan(0);
    const [row] = (await db.pool.query<{ payload: { properties: { oldestOverdueDays: number } } }>(
      `SELECT payload FROM outbox WHERE connection_id = $1 AND external_id = $2 AND payload->'properties'->>'overdueAmount' = '125.50'`, [seeded.hubspotConnectionId, link!.external_id])).rows;
    const res = await fetch(`${sim.baseUrl}/crm/v3/objects/companies/${link!.external_id}?properties=relance_overdue_amount,relance_overdue_currency,relance_oldest_overdue_days`, { headers: { authorization: `Bearer ${sim.credentials.accessToken}` } });
    expect(((await res.json()) as { properties: Record<string, string> }).properties).toMatchObject({
      relance_overdue_amount: '125.50', relance_overdue_currency: 'USD', relance_oldest_overdue_days: String(row!.payload.properties.oldestOverdueDays),
    });
  }, 90_000);
});
