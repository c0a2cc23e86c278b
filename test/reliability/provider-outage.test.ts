/**
 * Every change arrives (issue 14 item 1): payments recorded at QuickBooks during a provider outage
 * (every API call a 5xx, by the sandbox's fault injection), their webhooks delivered to the real
 * server while the outage lasts. Each webhook's `sync.pull` fails and is retried with back-off
 * (short here); once the provider answers, the store equals the source. During the outage the
 * freshness gate holds the organization's reminders and names it; after, it holds nothing. The long
 * version (an hour at a fast clock) is bench/reliability/provider-outage.ts.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorFor } from '../../connectors/index.ts';
import { createLogger } from '../../core/logging.ts';
import { runSync } from '../../core/sync/index.ts';
import { holdStaleOrganizations } from '../../jobs/sync.ts';
import { createWorker, type Worker } from '../../jobs/worker.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { buildServer } from '../../server/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { ring } from '../sync/support.ts';
import { connectSandbox } from '../e2e/quickbooks-support.ts';

let sandbox: RunningSandbox;
let db: TestDatabase;
let worker: Worker;
let server: FastifyInstance;
let connectionId: string;
const logger = createLogger({ level: 'error', format: 'json' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 61, invoices: 120, asOf: '2026-03-01', port: 0, limits: false });
  db = await createTestDatabase();
  connectionId = await connectSandbox(db, ring, sandbox);
  await runSync({ store: db, keys: ring, connectorFor }, connectionId);
  worker = createWorker({ databaseUrl: db.url, logger, concurrency: 2, processEvery: 200, sync: { store: db, keys: ring, retryBaseMs: 300, retryMaxMs: 1500 } });
  await worker.start();
  server = buildServer({ pool: db.pool, storeMode: 'postgres', worker, logger, keys: ring });
  const url = await server.listen({ host: '127.0.0.1', port: 0 });
  await fetch(`${sandbox.control.baseUrl}/quickbooks/webhook-target`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: `${url}/webhooks/quickbooks` }) });
}, 120_000);
afterAll(async () => {
  await server?.close();
  await worker?.stop(2000).catch(() => {});
  await sandbox?.close();
  await db?.drop();
});

const control = (path: string, method: string, body?: unknown) =>
  fetch(`${sandbox.control.baseUrl}/quickbooks/${path}`, { method, ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}) });

describe('a QuickBooks outage with payments during it', () => {
  it('ends with every payment in the store, retried until the provider answered', async () => {
    const { rows: open } = await db.pool.query<{ external_id: string; balance_minor: string; customer_external: string }>(
      `SELECT i.external_id, i.balance_minor::text, c.external_id AS customer_external FROM invoices i
         JOIN customers c ON c.id = i.customer_id
        WHERE i.connection_id = $1 AND i.status = 'open' AND i.balance_minor > 0 ORDER BY i.external_id LIMIT 6`, [connectionId]);
    expect(open.length).toBe(6);
    const organizationId = (await db.pool.query<{ organization_id: string }>('SELECT organization_id FROM connections WHERE id = $1', [connectionId])).rows[0]!.organization_id;

    expect((await control('faults', 'POST', { kind: 'server_error', pathPrefix: '/v3/' })).status).toBe(201);
    for (const inv of open) {
      const paid = await control('payments', 'POST', { customerId: inv.customer_external, amountMinor: Number(inv.balance_minor), date: '2026-03-02', allocations: [{ invoiceId: inv.external_id, amountMinor: Number(inv.balance_minor) }] });
      expect(paid.status).toBe(201);
    }
    // The webhooks' syncs fail and are retried: nothing paid is in the store yet.
    let failures = 0;
    for (let i = 0; i < 300 && failures < 2; i++) {
      await sleep(100);
      failures = (await db.pool.query<{ n: number }>('SELECT consecutive_failures AS n FROM sync_state WHERE connection_id = $1', [connectionId])).rows[0]?.n ?? 0;
    }
    const jobs = (await db.pool.query("SELECT name, data, fail_count, fail_reason, last_run_at, next_run_at, locked_at FROM agenda_jobs WHERE name = 'sync.pull'")).rows;
    expect(failures, JSON.stringify(jobs)).toBeGreaterThanOrEqual(2);
    const paidInStore = async () => (await db.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM invoices WHERE connection_id = $1 AND external_id = ANY($2::text[]) AND status = 'paid'", [connectionId, open.map((o) => o.external_id)])).rows[0]!.n;
    expect(await paidInStore()).toBe(0);
    // Not synced within a (tiny) bound: the organization's reminders wait.
    const held = await holdStaleOrganizations(worker.agenda, undefined, { intervalMinutes: 15, freshnessMinutes: 1 / 600 });
    expect([...held]).toEqual([organizationId]);

    // The provider answers again: the retried syncs bring every payment.
    expect((await control('faults', 'DELETE')).status).toBeLessThan(300);
    for (let i = 0; i < 200 && (await paidInStore()) < open.length; i++) await sleep(100);
    expect(await paidInStore()).toBe(open.length);
    // The retries still queued from the outage end in success too.
    const failing = async () => (await db.pool.query<{ n: number }>('SELECT consecutive_failures AS n FROM sync_state WHERE connection_id = $1', [connectionId])).rows[0]!.n;
    for (let i = 0; i < 100 && (await failing()) > 0; i++) await sleep(100);
    expect(await failing()).toBe(0);
    expect(await holdStaleOrganizations(worker.agenda, undefined, { intervalMinutes: 15, freshnessMinutes: 5 })).toEqual(new Set());
  }, 90_000);
});
