/**
 * End to end against the sandbox's QuickBooks simulator (limits off: these tests are not about
 * limits): a 10,000-invoice company syncs fully; 100 edits come back by an incremental sync, exactly;
 * a payment shows as an allocation and a lower balance; a written-back stage is visible in the sandbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorFor } from '../../connectors/index.ts';
import { quickbooksConnector } from '../../connectors/quickbooks/index.ts';
import { LimiterRegistry, TokenRefresher, accountKey, defaultRetryPolicy } from '../../core/http/index.ts';
import { ConnectionTokenStore, loadCredentials } from '../../core/connections/index.ts';
import { runSync } from '../../core/sync/index.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { ring } from '../sync/support.ts';
import { connectSandbox, sandboxCount } from './quickbooks-support.ts';

let sandbox: RunningSandbox;
let db: TestDatabase;
let connectionId: string;
const limiters = new LimiterRegistry();

async function sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  return (await db.pool.query(text, params)).rows as T[];
}

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 42, invoices: 10_000, asOf: '2026-03-01', port: 0, limits: false });
  db = await createTestDatabase();
  connectionId = await connectSandbox(db, ring, sandbox);
}, 120_000);

afterAll(async () => {
  await limiters.stopAll();
  await sandbox?.close();
  await db?.drop();
});

const deps = () => ({ store: db, keys: ring, connectorFor, limiters });

describe('QuickBooks end to end', () => {
  it('syncs a 10,000-invoice company fully, with the same counts as the sandbox', async () => {
    const report = await runSync(deps(), connectionId);
    const invoices = await sandboxCount(sandbox, 'Invoice');
    expect(invoices).toBeGreaterThanOrEqual(9_000);
    expect(report.streams.invoice).toMatchObject({ mode: 'full', pulled: invoices, rejected: 0, pages: Math.ceil((invoices + 1) / 1000) });
    const [stored] = await sql<{ n: string; ids: string }>('SELECT count(*) AS n, count(DISTINCT external_id) AS ids FROM invoices WHERE connection_id = $1', [connectionId]);
    expect(Number(stored!.n)).toBe(invoices);
    expect(Number(stored!.ids)).toBe(invoices);
    const customers = await sandboxCount(sandbox, 'Customer', ' where Active IN (true, false)');
    expect(report.streams.customer!.written.customer).toBe(customers);
    expect(report.streams.payment!.pulled).toBe(await sandboxCount(sandbox, 'Payment'));
    expect(report.streams.creditNote!.pulled).toBe(await sandboxCount(sandbox, 'CreditMemo'));
    // Every document found its customer.
    const [unlinked] = await sql<{ n: string }>('SELECT count(*) AS n FROM invoices WHERE connection_id = $1 AND customer_id IS NULL', [connectionId]);
    expect(Number(unlinked!.n)).toBe(0);
  }, 120_000);

  it('brings exactly the 100 invoices edited through the control API, incrementally', async () => {
    const ids = (await sql<{ external_id: string }>("SELECT external_id FROM invoices WHERE connection_id = $1 AND status = 'open' ORDER BY external_id::int LIMIT 100", [connectionId])).map((r) => r.external_id);
    expect(ids).toHaveLength(100);
    for (const id of ids) {
      const response = await fetch(`${sandbox.control.baseUrl}/quickbooks/records/Invoice/${id}`, {
        method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ DueDate: '2026-04-30' }),
      });
      expect(response.status).toBe(200);
    }
    const report = await runSync(deps(), connectionId);
    expect(report.streams.invoice).toMatchObject({ mode: 'incremental', pulled: 100, written: { invoice: 100 } });
    expect(report.streams.customer!.pulled).toBe(0);
    const [moved] = await sql<{ n: string }>("SELECT count(*) AS n FROM invoices WHERE connection_id = $1 AND due_date = '2026-04-30' AND external_id = ANY($2)", [connectionId, ids]);
    expect(Number(moved!.n)).toBe(100);
  }, 60_000);

  it('shows a payment recorded in the sandbox as an allocation and a lower balance', async () => {
    const world = sandbox.world.quickbooks;
    const target = world.invoices.find((i) => i.status === 'open' && i.balanceMinor > 1000)!;
    const [before] = await sql<{ id: string; external_id: string; balance_minor: string }>(
      "SELECT id, external_id, balance_minor FROM invoices WHERE connection_id = $1 AND raw->>'DocNumber' = $2", [connectionId, target.number]);
    const response = await fetch(`${sandbox.control.baseUrl}/quickbooks/payments`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customerId: target.customerId, amountMinor: 1000, date: '2026-03-01', allocations: [{ invoiceId: target.id, amountMinor: 1000 }] }),
    });
    expect(response.status).toBe(201);
    const report = await runSync(deps(), connectionId);
    expect(report.streams.payment!.pulled).toBe(1);
    const [after] = await sql<{ balance_minor: string }>('SELECT balance_minor FROM invoices WHERE id = $1', [before!.id]);
    expect(BigInt(after!.balance_minor)).toBe(BigInt(before!.balance_minor) - 1000n);
    const allocations = await sql<{ amount_minor: string; source: string }>('SELECT amount_minor, source FROM allocations WHERE invoice_id = $1', [before!.id]);
    expect(allocations).toContainEqual({ amount_minor: '1000', source: 'payment' });
  }, 60_000);

  it('writes the dunning stage back into the invoice custom field, visible in the sandbox and at the next sync', async () => {
    const [row] = await sql<{ external_id: string }>("SELECT external_id FROM invoices WHERE connection_id = $1 AND status = 'open' ORDER BY external_id::int DESC LIMIT 1", [connectionId]);
    const { settings } = await loadCredentials(db.pool, ring, connectionId);
    const refresher = new TokenRefresher(new ConnectionTokenStore(db.pool, ring));
    const session = quickbooksConnector.connect({
      connectionId, settings,
      tokens: refresher.forConnection(connectionId, quickbooksConnector.auth.refreshGrant(settings)),
      limiter: limiters.forAccount(accountKey('quickbooks', settings.accountId), quickbooksConnector.describe().profile),
      policy: defaultRetryPolicy(),
    });
    const result = await session.push({ kind: 'set_dunning_stage', invoiceExternalId: row!.external_id, stage: 'reminder-2' });
    expect(result.attempts).toBe(1);
    const written = (await (await fetch(`${sandbox.control.baseUrl}/quickbooks/written-back`)).json()) as { id: string; entity: string }[];
    expect(written.some((w) => w.id === row!.external_id && w.entity === 'Invoice')).toBe(true);
    await runSync(deps(), connectionId, { streams: ['invoice'] });
    const [raw] = await sql<{ stage: string | null; note: string | null }>(
      "SELECT (SELECT f->>'StringValue' FROM jsonb_array_elements(raw->'CustomField') f WHERE f->>'DefinitionId' = '1') AS stage, raw->>'PrivateNote' AS note FROM invoices WHERE connection_id = $1 AND external_id = $2",
      [connectionId, row!.external_id]);
    expect(raw!.stage).toBe('reminder-2');
    expect(raw!.note).toMatch(/Dunning stage: reminder-2/);
  }, 60_000);
});
