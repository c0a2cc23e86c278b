/**
 * A CRM pull repairs flag drift (issue 14 item 6), against the HubSpot simulator: a customer linked
 * to a company after its "Reminders paused" box was ticked (the page that carried the box had no
 * customer to pause) is paused by the same pull once matching links it; a customer whose pause the
 * CRM set and whose resume was missed is resumed; a customer a collector paused in Relance is not
 * unpaused by a company whose box is unticked; a missed "Disputed" places the CRM hold.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorFor } from '../../connectors/index.ts';
import { runCrmSync } from '../../core/crm-control/index.ts';
import { LimiterRegistry } from '../../core/http/index.ts';
import { generateWorld } from '../../sandbox/generator/index.ts';
import { listenHubspotSimulator, type RunningHubspotSimulator } from '../../sandbox/hubspot/listen.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { ring } from '../sync/support.ts';
import { seedHubSpot, type Seeded } from '../e2e/hubspot-support.ts';

let sim: RunningHubspotSimulator;
let db: TestDatabase;
let seeded: Seeded;
const limiters = new LimiterRegistry();
let links: { customer_id: string; external_id: string }[] = [];

const sync = () => runCrmSync({ store: db, keys: ring, connectorFor, limiters }, seeded.hubspotConnectionId, { streams: ['company'] });
const state = async (customerId: string) => (await db.pool.query<{ paused: boolean; holds: number }>(
  "SELECT c.paused, (SELECT count(*)::int FROM dunning_holds h WHERE h.customer_id = c.id AND h.released_at IS NULL AND h.reason = 'crm:disputed') AS holds FROM customers c WHERE c.id = $1",
  [customerId],
)).rows[0]!;

beforeAll(async () => {
  const world = generateWorld({ seed: 9, invoices: 600, asOf: '2026-03-01' });
  sim = await listenHubspotSimulator({ world, limits: false });
  db = await createTestDatabase();
  seeded = await seedHubSpot(db, world, sim);
  await sync();
  links = (await db.pool.query<{ customer_id: string; external_id: string }>(
    "SELECT customer_id, external_id FROM customer_external_refs WHERE connection_id = $1 AND matched_by = 'domain' ORDER BY external_id LIMIT 4",
    [seeded.hubspotConnectionId],
  )).rows;
  expect(links).toHaveLength(4);
}, 90_000);
afterAll(async () => {
  await limiters.stopAll();
  await sim?.close();
  await db?.drop();
});

describe('a CRM pull repairs flag drift', () => {
  it('pauses a customer linked only after its company was paused', async () => {
    const link = links[0]!;
    await db.pool.query('DELETE FROM customer_external_refs WHERE connection_id = $1 AND customer_id = $2', [seeded.hubspotConnectionId, link.customer_id]);
    await sim.control.editRecord('companies', link.external_id, { relance_paused: 'true' });
    const report = await sync();
    // The page stored the ticked box while nobody was linked; matching linked the customer again.
    const relinked = await db.pool.query('SELECT 1 FROM customer_external_refs WHERE connection_id = $1 AND customer_id = $2', [seeded.hubspotConnectionId, link.customer_id]);
    expect(relinked.rowCount).toBe(1);
    expect(report.streams.company!.flagChanges).toBe(1);
    expect(report.streams.company!.driftRepaired).toBe(1);
    expect(await state(link.customer_id)).toEqual({ paused: true, holds: 0 });
    const kinds = (await db.pool.query<{ kind: string; via: string }>("SELECT kind, payload->>'via' AS via FROM activities WHERE customer_id = $1 AND actor = 'connector:hubspot'", [link.customer_id])).rows;
    expect(kinds).toEqual([{ kind: 'crm.paused', via: 'sync' }]);
    // Nothing drifts any more: the next pull repairs nothing.
    expect((await sync()).streams.company!.driftRepaired ?? 0).toBe(0);
  }, 60_000);

  it('resumes a customer the CRM paused once its resume was missed, but never one a collector paused', async () => {
    const [crmPaused, collectorPaused] = [links[1]!, links[2]!];
    await sim.control.editRecord('companies', crmPaused.external_id, { relance_paused: 'true' });
    await sync();
    expect((await state(crmPaused.customer_id)).paused).toBe(true);
    // The box is unticked and the pull stored it, but its application was lost (a failed transaction
    // of an earlier version, a restore): the record says false, the customer is still paused.
    await sim.control.editRecord('companies', crmPaused.external_id, { relance_paused: 'false' });
    await db.pool.query('UPDATE crm_records SET paused = false WHERE connection_id = $1 AND external_id = $2', [seeded.hubspotConnectionId, crmPaused.external_id]);
    // A collector paused the other one in Relance (an answer's "pause" outcome): the CRM's box is unticked.
    await db.pool.query('UPDATE customers SET paused = true WHERE id = $1', [collectorPaused.customer_id]);
    const report = await sync();
    expect(report.streams.company!.driftRepaired).toBe(1);
    expect((await state(crmPaused.customer_id)).paused).toBe(false);
    expect((await state(collectorPaused.customer_id)).paused).toBe(true);
  }, 60_000);

  it('places the CRM hold for a dispute whose application was missed', async () => {
    const link = links[3]!;
    await sim.control.editRecord('companies', link.external_id, { relance_disputed: 'true' });
    await sync();
    expect(await state(link.customer_id)).toEqual({ paused: false, holds: 1 });
    // The hold is lost (released by hand, a restore): the record still says disputed.
    await db.pool.query("UPDATE dunning_holds SET released_at = now() WHERE customer_id = $1 AND reason = 'crm:disputed'", [link.customer_id]);
    expect((await state(link.customer_id)).holds).toBe(0);
    const report = await sync();
    expect(report.streams.company!.driftRepaired).toBe(1);
    expect(await state(link.customer_id)).toEqual({ paused: false, holds: 1 });
  }, 60_000);
});
