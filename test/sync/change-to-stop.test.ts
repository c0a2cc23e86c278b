/**
 * Change to stop (issue 16.2): a payment recorded at QuickBooks and at Xero reaches the server as the
 * sandbox's signed webhook; the in-process sync it triggers re-plans the paid customer at once, so
 * the pending reminder is cancelled with no send pass and no daily run in between. Not timed (the
 * bench `relance bench change-to-stop` times it).
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSandbox } from '../../cli/demo/connect-sandbox.ts';
import { connectorFor } from '../../connectors/index.ts';
import { runOrganization } from '../../core/agenda/index.ts';
import { LimiterRegistry } from '../../core/http/index.ts';
import { createLogger } from '../../core/logging.ts';
import { installDefaultScenarios } from '../../core/scenarios/index.ts';
import { rescoreCustomers } from '../../core/scoring/index.ts';
import { runSync } from '../../core/sync/index.ts';
import { SYNC_TRACE_CHANNEL, type SyncStageEvent } from '../../core/sync/trace.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { buildServer } from '../../server/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { ring } from './support.ts';

// The world and the plan share today's date: re-planning on change uses the organization's today.
const TODAY = new Date().toISOString().slice(0, 10);
let sandbox: RunningSandbox;
let db: TestDatabase;
let server: FastifyInstance;
const limiters = new LimiterRegistry();
const ids = {} as { qbo: string; xero: string; orgA: string; orgB: string };

async function q<T>(text: string, params: unknown[] = []): Promise<T[]> {
  return (await db.pool.query(text, params)).rows as T[];
}

interface Pending { actionId: string; customerId: string; externalId: string }

/** One customer of the connection with a planned or awaiting reminder, and that action. */
async function pendingDebtor(connectionId: string): Promise<Pending> {
  const [row] = await q<Pending>(`
    SELECT a.id AS "actionId", c.id AS "customerId", c.external_id AS "externalId"
      FROM actions a JOIN customers c ON c.id = a.customer_id
     WHERE c.connection_id = $1 AND a.status IN ('planned', 'awaiting_approval')
     ORDER BY a.status DESC, c.external_id LIMIT 1`, [connectionId]);
  expect(row).toBeDefined();
  return row!;
}

async function payAll(provider: 'quickbooks' | 'xero', debtor: Pending): Promise<void> {
  const invoices = await q<{ external_id: string; balance_minor: string }>(
    "SELECT external_id, balance_minor::text FROM invoices WHERE customer_id = $1 AND status = 'open' AND balance_minor > 0", [debtor.customerId]);
  const allocations = invoices.map((i) => ({ invoiceId: i.external_id, amountMinor: Number(i.balance_minor) }));
  const response = await fetch(`${sandbox.control.baseUrl}/${provider}/payments`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ customerId: debtor.externalId, amountMinor: allocations.reduce((s, a) => s + a.amountMinor, 0), date: TODAY, allocations }),
  });
  expect(response.status).toBe(201);
}

async function until(check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const statusOf = async (actionId: string) =>
  (await q<{ status: string; reason: string | null }>("SELECT status::text, details->>'cancelledReason' AS reason FROM actions WHERE id = $1", [actionId]))[0]!;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 16, invoices: 300, asOf: TODAY, port: 0, limits: false });
  db = await createTestDatabase();
  const { connections } = await connectSandbox({ pool: db.pool, keys: ring }, sandbox, ['quickbooks', 'xero']);
  Object.assign(ids, {
    qbo: connections.quickbooks!.id, xero: connections.xero!.id,
    orgA: connections.quickbooks!.organizationId, orgB: connections.xero!.organizationId,
  });
  for (const ledger of [ids.qbo, ids.xero]) await runSync({ store: db, keys: ring, connectorFor, limiters }, ledger, { full: true });
  for (const organizationId of [ids.orgA, ids.orgB]) {
    await installDefaultScenarios(db.db, organizationId);
    // Scored as a change would score them: a customer the webhook's page merely overlaps (Xero's
    // If-Modified-Since has whole seconds) is then re-planned to the same plan.
    const customers = await q<{ id: string }>('SELECT id FROM customers WHERE organization_id = $1', [organizationId]);
    await rescoreCustomers(db.db, organizationId, customers.map((c) => c.id), TODAY);
    await runOrganization(db.db, { organizationId, asOf: TODAY });
  }
  // No worker: the server runs each webhook's sync in-process, as `relance start --no-worker` would.
  server = buildServer({ pool: db.pool, storeMode: 'postgres', worker: null, logger: createLogger({ level: 'error', format: 'json' }), keys: ring });
  const url = await server.listen({ host: '127.0.0.1', port: 0 });
  sandbox.controls.quickbooks.setWebhookTarget(`${url}/webhooks/quickbooks`);
  sandbox.controls.xero.setWebhookTarget(`${url}/webhooks/xero`);
}, 180_000);

afterAll(async () => {
  await server?.close();
  await limiters.stopAll();
  await sandbox?.close();
  await db?.drop();
});

describe('a payment delivered by webhook cancels the pending reminder (16.2)', () => {
  it.each([['quickbooks' as const], ['xero' as const]])('%s: no send pass, no daily run in between', async (provider) => {
    const connectionId = provider === 'quickbooks' ? ids.qbo : ids.xero;
    const debtor = await pendingDebtor(connectionId);
    const runsBefore = await q<{ n: string }>('SELECT count(*)::text AS n FROM dunning_runs');
    const other = await q<{ id: string }>(
      "SELECT a.id FROM actions a JOIN customers c ON c.id = a.customer_id WHERE c.connection_id = $1 AND a.customer_id <> $2 AND a.status IN ('planned', 'awaiting_approval')",
      [connectionId, debtor.customerId]);
    expect(other.length).toBeGreaterThan(0);

    const stages: SyncStageEvent[] = [];
    const listen = (message: unknown) => {
      if ((message as SyncStageEvent).connectionId === connectionId) stages.push(message as SyncStageEvent);
    };
    subscribe(SYNC_TRACE_CHANNEL, listen);
    try {
      await payAll(provider, debtor);
      await until(async () => (await statusOf(debtor.actionId)).status === 'cancelled');
    } finally {
      unsubscribe(SYNC_TRACE_CHANNEL, listen);
    }
    // The stages the bench times, in order, up to the re-plan of the paid customer (a second
    // delivery of the same change may fold into the running sync: not a stage of this one).
    const kept = stages.filter((e) => e.stage !== 'folded');
    const names = kept.map((e) => e.stage);
    const replanned = kept.findIndex((e) => e.stage === 'replanned' && e.customers === 1);
    expect(replanned).toBeGreaterThan(0);
    expect([...new Set(names.slice(0, replanned + 1))]).toEqual(['webhook', 'queued', 'started', 'call', 'committed', 'replanned']);

    expect(await statusOf(debtor.actionId)).toEqual({ status: 'cancelled', reason: 'superseded' });
    // Nothing is pending for the paid customer, and nothing was sent or planned in its place.
    const left = await q<{ status: string }>("SELECT status::text FROM actions WHERE customer_id = $1 AND status NOT IN ('cancelled')", [debtor.customerId]);
    expect(left.filter((a) => ['planned', 'awaiting_approval', 'sending', 'sent'].includes(a.status))).toEqual([]);
    // Re-planning touched only the paid customer: the others' reminders still stand.
    const stillPending = await q<{ n: string }>("SELECT count(*)::text AS n FROM actions WHERE id = ANY($1::uuid[]) AND status IN ('planned', 'awaiting_approval')", [other.map((o) => o.id)]);
    expect(Number(stillPending[0]!.n)).toBe(other.length);
    // No daily run was opened to do it.
    expect(await q<{ n: string }>('SELECT count(*)::text AS n FROM dunning_runs')).toEqual(runsBefore);
  }, 60_000);
});
