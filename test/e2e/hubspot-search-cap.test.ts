/**
 * HubSpot's search answers at most 10,000 results per query. A portal of 12,000 companies whose
 * changes all fall in one day must still sync completely: the connector narrows the time window.
 * Against the simulator with its real limits (search: 5 a second), so it also shows the sync stays
 * within them: no 429, and close to the least number of calls (60 pages of 200).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRM_STREAMS } from '../../connectors/hubspot/index.ts';
import { connectorFor } from '../../connectors/index.ts';
import { runCrmSync } from '../../core/crm-control/index.ts';
import { LimiterRegistry, type AttemptRecord } from '../../core/http/index.ts';
import { generateWorld } from '../../sandbox/generator/index.ts';
import { listenHubspotSimulator, type RunningHubspotSimulator } from '../../sandbox/hubspot/listen.ts';
import type { World, WorldCompany } from '../../sandbox/shared/contract.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { ring } from '../sync/support.ts';
import { seedHubSpot, type Seeded } from './hubspot-support.ts';

const COMPANIES = 12_000;
const DAY = Date.parse('2026-02-27T00:00:00.000Z');

let sim: RunningHubspotSimulator;
let db: TestDatabase;
let seeded: Seeded;
const limiters = new LimiterRegistry();

beforeAll(async () => {
  const base = generateWorld({ seed: 3, invoices: 100, asOf: '2026-03-01' });
  // Every company changed within the same day, 7 seconds apart (a bulk import, say).
  const companies: WorldCompany[] = Array.from({ length: COMPANIES }, (_, i) => ({
    id: String(50_000 + i), name: `Bulk Company ${i}`, domain: `bulk-${i}.example`, ownerId: null, matchesCustomerId: null,
    createdAt: '2025-01-01T00:00:00.000Z', updatedAt: new Date(DAY + i * 7000).toISOString(),
  }));
  const world: World = { ...base, hubspot: { ...base.hubspot, companies, contacts: [] } };
  sim = await listenHubspotSimulator({ world, limits: {} });
  db = await createTestDatabase();
  seeded = await seedHubSpot(db, world, sim);
}, 120_000);

afterAll(async () => {
  await limiters.stopAll();
  await sim?.close();
  await db?.drop();
});

describe('HubSpot search past its 10,000-result cap', () => {
  it('syncs a 12,000-company portal whose changes all fall in one day, completely and once each', async () => {
    const attempts: AttemptRecord[] = [];
    const report = await runCrmSync({ store: db, keys: ring, connectorFor, limiters, onAttempt: (a) => attempts.push(a) }, seeded.hubspotConnectionId, { streams: [CRM_STREAMS[0]] });
    expect(report.streams.company!.pulled).toBe(COMPANIES);
    const { rows } = await db.pool.query<{ n: string; d: string }>("SELECT count(*) AS n, count(DISTINCT external_id) AS d FROM crm_records WHERE connection_id = $1 AND object_type = 'company'", [seeded.hubspotConnectionId]);
    expect(Number(rows[0]!.n)).toBe(COMPANIES);
    expect(rows[0]!.d).toBe(rows[0]!.n);
    const searches = attempts.filter((a) => a.operation === 'search companies');
    expect(attempts.filter((a) => a.outcome !== 'ok')).toEqual([]);
    // 60 pages of 200, plus a few probes to narrow the window: never a page past the cap.
    expect(searches.length).toBeGreaterThanOrEqual(60);
    expect(searches.length).toBeLessThanOrEqual(70);
  }, 180_000);
});
