/**
 * A change made in Relance reaches the QuickBooks sandbox through the `outbox.push` job, on a real
 * Agenda worker and a real PostgreSQL: a dispute opened on a synced invoice becomes the dispute
 * custom field and a memo line in the sandbox, and a change QuickBooks cannot take parks, visibly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorFor } from '../../connectors/index.ts';
import { openDispute } from '../../core/disputes/index.ts';
import { LimiterRegistry } from '../../core/http/index.ts';
import { createLogger } from '../../core/logging.ts';
import { enqueuePushChange, listParked } from '../../core/outbox/index.ts';
import { runSync } from '../../core/sync/index.ts';
import { createWorker, type Worker } from '../../jobs/worker.ts';
import { OUTBOX_PUSH } from '../../jobs/outbox.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { ring } from '../sync/support.ts';
import { connectSandbox } from '../e2e/quickbooks-support.ts';

const logger = createLogger({ level: 'error', format: 'json' });
let sandbox: RunningSandbox;
let db: TestDatabase;
let worker: Worker | null = null;
let connectionId: string;
const limiters = new LimiterRegistry();

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 11, invoices: 60, asOf: '2026-03-01', port: 0, limits: false });
  db = await createTestDatabase();
  connectionId = await connectSandbox(db, ring, sandbox);
  await runSync({ store: db, keys: ring, connectorFor, limiters }, connectionId, { streams: ['customer', 'invoice'] });
}, 60_000);

afterAll(async () => {
  await worker?.stop(5_000).catch(() => {});
  await limiters.stopAll();
  await sandbox?.close();
  await db?.drop();
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error('condition not met in time');
}

async function sandboxInvoice(id: string): Promise<{ CustomField?: { DefinitionId: string; StringValue?: string }[]; PrivateNote?: string }> {
  const qb = sandbox.quickbooks;
  const response = await fetch(`${qb.baseUrl}/v3/company/${qb.realmId}/invoice/${id}?minorversion=75`, {
    headers: { authorization: `Bearer ${qb.accessToken}`, accept: 'application/json' },
  });
  return ((await response.json()) as { Invoice: never }).Invoice;
}

describe('outbox.push to the QuickBooks sandbox', () => {
  it('pushes a dispute opened in Relance into the invoice, and parks what QuickBooks cannot take', async () => {
    const { rows: [inv] } = await db.pool.query<{ id: string; organization_id: string; external_id: string }>(
      "SELECT id, organization_id, external_id FROM invoices WHERE connection_id = $1 AND status = 'open' AND balance_minor > 0 ORDER BY external_id LIMIT 1", [connectionId]);
    await db.db.transaction(async (tx) => {
      await openDispute(tx, { organizationId: inv!.organization_id, invoiceIds: [inv!.id], reason: 'wrong quantity', openedVia: 'admin' });
      // A CRM-only change queued on the accounting connection: QuickBooks has no company to write.
      await enqueuePushChange(tx, { organizationId: inv!.organization_id, connectionId, idempotencyKey: 'test:company',
        change: { kind: 'set_company_properties', companyExternalId: 'C-1', properties: { stage: 'x' } } });
    });
    expect(sandbox.controls.quickbooks.writtenBack().some((w) => w.id === inv!.external_id)).toBe(false);

    worker = createWorker({ databaseUrl: db.url, logger, concurrency: 2, processEvery: 200, notifications: false, sync: { store: db, keys: ring } });
    await worker.start();
    await worker.agenda.now(OUTBOX_PUSH, {});
    await waitFor(async () => (await db.pool.query("SELECT 1 FROM outbox WHERE status IN ('pending', 'in_flight')")).rowCount === 0);

    const written = sandbox.controls.quickbooks.writtenBack().filter((w) => w.id === inv!.external_id && w.entity === 'Invoice');
    expect(written).toHaveLength(1);
    const after = await sandboxInvoice(inv!.external_id);
    expect(after.CustomField?.find((f) => f.DefinitionId === '2')?.StringValue).toBe('Disputed');
    expect(after.PrivateNote).toMatch(/Dispute opened: wrong quantity$/);
    const { rows: done } = await db.pool.query<{ kind: string; status: string }>('SELECT kind, status::text FROM outbox ORDER BY seq');
    expect(done).toEqual([{ kind: 'set_disputed', status: 'done' }, { kind: 'set_company_properties', status: 'parked' }]);
    const parked = await listParked(db.db, inv!.organization_id);
    expect(parked[0]!.lastError).toMatchObject({ code: 'invalid' });
    expect(String(parked[0]!.lastError!.message)).toMatch(/set_company_properties is not possible/);
  }, 60_000);
});
