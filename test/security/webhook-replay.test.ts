/**
 * Replays of a signed QuickBooks delivery (issue 12 item 6) coalesce into one pending sync per
 * connection and stream: 30 replays, sent at once, queue ONE `sync.pull`, not thirty. Once that sync
 * has started, a new delivery queues a sync of its own (it may announce a change the running listing
 * has passed). The same coalescing holds for any connection's requests (a Xero tenant's here).
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../../connectors/quickbooks/index.ts';
import { createConnection, ensureOrganization } from '../../core/connections/index.ts';
import { createLogger } from '../../core/logging.ts';
import { startStreams } from '../../core/sync/index.ts';
import { queueSyncPull } from '../../jobs/sync.ts';
import { createWorker, type Worker } from '../../jobs/worker.ts';
import { buildServer } from '../../server/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { ring } from '../sync/support.ts';

let db: TestDatabase;
let worker: Worker;
let server: FastifyInstance;
let url: string;
let qbConnection: string;
let xeroConnection: string;
const verifier = 'replay-verifier-token';

beforeAll(async () => {
  db = await createTestDatabase();
  const organizationId = await ensureOrganization(db.pool, { name: 'Replays', baseCurrency: 'USD', country: 'US' });
  const settings = { clientId: 'c', clientSecret: 's', baseUrl: 'http://127.0.0.1:9', tokenUrl: 'http://127.0.0.1:9/token', webhookKey: verifier, homeCurrency: 'USD', extra: {} };
  const tokens = { accessToken: 'a', refreshToken: 'r', expiresAt: new Date(Date.now() + 3_600_000) };
  qbConnection = (await createConnection(db.pool, ring, { organizationId, provider: 'quickbooks', displayName: 'QB', settings: { ...settings, accountId: '4620816365' }, tokens })).id;
  xeroConnection = (await createConnection(db.pool, ring, { organizationId, provider: 'xero', displayName: 'Xero', settings: { ...settings, accountId: 'tenant-1' }, tokens })).id;
  // A worker that is never started: queued jobs stay queued, so the test counts them.
  worker = createWorker({ databaseUrl: db.url, logger: createLogger({ level: 'error', format: 'json' }), concurrency: 1, sync: { store: db, keys: ring } });
  await worker.agenda.ready;
  server = buildServer({ pool: db.pool, storeMode: 'postgres', worker, logger: createLogger({ level: 'error', format: 'json' }), keys: ring });
  url = await server.listen({ host: '127.0.0.1', port: 0 });
}, 60_000);
afterAll(async () => {
  await server?.close();
  await worker?.stop(1000).catch(() => {});
  await db?.drop();
});

async function queued(connectionId: string): Promise<{ streams: string[] | null }[]> {
  const { rows } = await db.pool.query<{ data: { streams?: string[] } }>(
    "SELECT data FROM agenda_jobs WHERE name = 'sync.pull' AND data->>'connectionId' = $1 AND last_run_at IS NULL", [connectionId]);
  return rows.map((r) => ({ streams: r.data.streams ?? null }));
}

describe('replayed webhook deliveries', () => {
  it('30 replays of one signed QuickBooks delivery queue one sync', async () => {
    const body = JSON.stringify({ eventNotifications: [{ realmId: '4620816365', dataChangeEvent: { entities: [{ name: 'Invoice', id: '7', operation: 'Update', lastUpdated: '2026-03-01T10:00:00Z' }] } }] });
    const headers = { 'content-type': 'application/json', 'intuit-signature': signWebhook(verifier, body) };
    const answers = await Promise.all(Array.from({ length: 30 }, () => fetch(`${url}/webhooks/quickbooks`, { method: 'POST', headers, body }).then((r) => r.status)));
    expect(answers.every((s) => s >= 200 && s < 300)).toBe(true);
    const jobs = await queued(qbConnection);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.streams).toContain('invoice');

    // The sync starts: the next delivery gets a sync of its own, and its replays coalesce into it.
    await startStreams(db.pool, qbConnection, jobs[0]!.streams ?? undefined);
    for (let i = 0; i < 5; i++) expect((await fetch(`${url}/webhooks/quickbooks`, { method: 'POST', headers, body })).status).toBeLessThan(300);
    expect(await queued(qbConnection)).toHaveLength(2);
  }, 30_000);

  it('coalesces per stream: a request naming another stream still queues', async () => {
    const results = await Promise.all(Array.from({ length: 30 }, () => queueSyncPull(worker.agenda, { connectionId: xeroConnection, streams: ['payment'] })));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await queueSyncPull(worker.agenda, { connectionId: xeroConnection, streams: ['payment', 'invoice'] })).toBe(true);
    const jobs = await queued(xeroConnection);
    expect(jobs.map((j) => j.streams)).toEqual([['payment'], ['invoice']]);
  }, 30_000);
});
