/**
 * Issue 13.2, against the sandbox: (1) deletions inside a CDC window that QuickBooks capped with
 * active objects only (so no deletion came) are still seen — the connector lists the entity again
 * and the engine voids what the listing lacks; (2) a customer merged away in QuickBooks becomes
 * inactive in Relance and its invoices follow the customer kept, from the webhook `Merge` event
 * (both payload formats) and the CDC it triggers.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorFor } from '../../connectors/index.ts';
import { quickbooksConnector } from '../../connectors/quickbooks/index.ts';
import { LimiterRegistry } from '../../core/http/index.ts';
import { runSync } from '../../core/sync/index.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import type { QuickBooksSimulator } from '../../sandbox/quickbooks/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { ring } from '../sync/support.ts';
import { connectSandbox } from './quickbooks-support.ts';

let sandbox: RunningSandbox;
let db: TestDatabase;
let connectionId: string;
let receiver: Server;
let received: string[] = [];
// The sandbox's clock starts at the real time, as the connector reads its CDC window on the real
// clock: a cursor days old would take the 30-day fallback, not the capped-answer path under test.
let clock = Date.now();
const limiters = new LimiterRegistry();

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 49, invoices: 1_300, asOf: '2026-03-01', port: 0, limits: false, now: () => clock });
  db = await createTestDatabase();
  connectionId = await connectSandbox(db, ring, sandbox);
  receiver = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      received.push(raw);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  await runSync({ store: db, keys: ring, connectorFor, limiters }, connectionId, { streams: ['customer', 'invoice'] });
}, 180_000);

afterAll(async () => {
  await limiters.stopAll();
  await new Promise<void>((r) => receiver?.close(() => r()));
  await sandbox?.close();
  await db?.drop();
});

const sim = () => (sandbox as unknown as { simulators: { quickbooks: QuickBooksSimulator } }).simulators.quickbooks;

async function invoiceIds(): Promise<string[]> {
  const { rows } = await db.pool.query<{ external_id: string }>("SELECT external_id FROM invoices WHERE connection_id = $1 AND status <> 'void' ORDER BY external_id::int", [connectionId]);
  return rows.map((r) => r.external_id);
}

describe('deletions inside a capped CDC window', () => {
  it('are voided although the capped answer brought none of them', async () => {
    const ids = await invoiceIds();
    expect(ids.length).toBeGreaterThan(1_100);
    const doomed = [ids[10]!, ids[500]!, ids.at(-1)!];
    const qb = sandbox.controls.quickbooks;
    clock += 60_000;
    for (const id of doomed) await qb.editRecord('Invoice', id, { status: 'Deleted' });
    // 1000+ active changes after the deletions: Intuit's CDC answers the active ones first, capped.
    const edited = ids.filter((id) => !doomed.includes(id)).slice(0, 1_050);
    for (const id of edited) {
      clock += 10;
      await qb.editRecord('Invoice', id, { PrivateNote: `edited ${id}` });
    }
    clock += 60_000;
    const asked: string[] = [];
    const report = await runSync({ store: db, keys: ring, connectorFor, limiters, onAttempt: (a) => asked.push(a.operation) }, connectionId, { streams: ['invoice'] });
    // One capped CDC answer (1000 active changes, no deletion), then the listing by key.
    expect(asked).toEqual(['cdc Invoice', 'query Invoice', 'query Invoice']);
    expect(report.streams.invoice!.mode).toBe('full');
    expect(report.streams.invoice!.voided).toBe(doomed.length);
    const { rows } = await db.pool.query<{ external_id: string; status: string; balance_minor: string; deleted: string | null }>(
      "SELECT external_id, status, balance_minor::text, raw->>'status' AS deleted FROM invoices WHERE connection_id = $1 AND external_id = ANY($2)",
      [connectionId, doomed],
    );
    expect(rows.map((r) => [r.status, r.balance_minor, r.deleted])).toEqual(doomed.map(() => ['void', '0', 'Deleted']));
    // Only those: every other invoice is still live, and a second sync (CDC again) voids nothing more.
    expect((await invoiceIds()).length).toBe(ids.length - doomed.length);
    clock += 60_000;
    const again = await runSync({ store: db, keys: ring, connectorFor, limiters }, connectionId, { streams: ['invoice'] });
    expect(again.streams.invoice).toMatchObject({ mode: 'incremental', pages: 1 });
    expect(again.streams.invoice!.voided).toBe(0);
  }, 180_000);
});

describe('a customer merged away in QuickBooks', () => {
  async function customerWithInvoices(skip: number): Promise<string> {
    const { rows } = await db.pool.query<{ customer_external_id: string }>(
      `SELECT customer_external_id FROM invoices WHERE connection_id = $1 AND status <> 'void'
       GROUP BY customer_external_id ORDER BY count(*) DESC, customer_external_id LIMIT 1 OFFSET $2`,
      [connectionId, skip],
    );
    return rows[0]!.customer_external_id;
  }

  for (const format of ['legacy', 'cloudevents'] as const) {
    it(`is deactivated and its invoices follow the kept customer (${format} webhook)`, async () => {
      const merged = await customerWithInvoices(format === 'legacy' ? 0 : 2);
      const kept = await customerWithInvoices(format === 'legacy' ? 1 : 3);
      const { rows: before } = await db.pool.query<{ external_id: string }>("SELECT external_id FROM invoices WHERE connection_id = $1 AND customer_external_id = $2", [connectionId, merged]);
      expect(before.length).toBeGreaterThan(0);
      received = [];
      sim().setWebhookFormat(format);
      sandbox.controls.quickbooks.setWebhookTarget(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/quickbooks`);
      clock += 60_000;
      await sandbox.controls.quickbooks.editRecord('Customer', merged, { mergeInto: kept });
      await sim().settled();
      sandbox.controls.quickbooks.setWebhookTarget(null);

      // The notification names the kept customer (Merge) and the merged-away one (deleted).
      const changes = received.flatMap((raw) => quickbooksConnector.parseWebhook(JSON.parse(raw)));
      expect(changes).toEqual(expect.arrayContaining([
        expect.objectContaining({ stream: 'customer', externalId: kept, operation: format === 'legacy' ? 'Merge' : 'merged' }),
        expect.objectContaining({ stream: 'customer', externalId: merged, operation: 'Delete' }),
      ]));
      const streams = [...new Set(changes.map((c) => c.stream))];
      expect(streams).toEqual(expect.arrayContaining(['customer', 'invoice']));

      clock += 60_000;
      await runSync({ store: db, keys: ring, connectorFor, limiters }, connectionId, { streams });
      const { rows: customers } = await db.pool.query<{ external_id: string; active: boolean }>(
        'SELECT external_id, active FROM customers WHERE connection_id = $1 AND external_id = ANY($2) ORDER BY external_id', [connectionId, [merged, kept]],
      );
      expect(Object.fromEntries(customers.map((c) => [c.external_id, c.active]))).toEqual({ [merged]: false, [kept]: true });
      const { rows: after } = await db.pool.query<{ customer_external_id: string }>(
        'SELECT DISTINCT customer_external_id FROM invoices WHERE connection_id = $1 AND external_id = ANY($2)', [connectionId, before.map((r) => r.external_id)],
      );
      expect(after.map((r) => r.customer_external_id)).toEqual([kept]);
    }, 120_000);
  }
});
