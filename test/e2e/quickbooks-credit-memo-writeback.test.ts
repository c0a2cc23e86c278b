/**
 * Issue 13.3, QuickBooks credit memos: accepting the unapplied-money suggestion of a credit memo's
 * remaining credit writes back to QuickBooks the way QuickBooks applies a credit memo — a new $0
 * Payment with the invoice's line and the credit memo's line — and the next sync reads that payment
 * back as the credit note's allocation: the invoice paid, the credit used up, nothing counted twice.
 * Through the whole path: sync, the admin API's refresh and accept, the outbox push to the sandbox,
 * the sandbox's own records read back, the next sync.
 */
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorFor } from '../../connectors/index.ts';
import { createApiKey, createUser, grantMembership } from '../../core/access/index.ts';
import { LimiterRegistry } from '../../core/http/index.ts';
import { createLogger } from '../../core/logging.ts';
import { runSync } from '../../core/sync/index.ts';
import { pushOutbox } from '../../jobs/outbox.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { buildServer } from '../../server/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { ring } from '../sync/support.ts';
import { TEST_PROVIDER_APPS, TEST_SCRYPT } from '../api/world.ts';
import { connectSandbox } from './quickbooks-support.ts';

let sandbox: RunningSandbox;
let db: TestDatabase;
let app: FastifyInstance;
let connectionId = '';
let organizationId = '';
let apiKey = '';
const limiters = new LimiterRegistry();
const sync = () => runSync({ store: db, keys: ring, connectorFor, limiters }, connectionId);

beforeAll(async () => {
  // Seed 2: a credit memo with credit left whose customer owes one invoice (probed, stable per seed).
  sandbox = await startSandbox({ seed: 2, invoices: 300, asOf: '2026-03-01', port: 0, limits: false });
  db = await createTestDatabase();
  connectionId = await connectSandbox(db, ring, sandbox);
  organizationId = (await db.pool.query<{ organization_id: string }>('SELECT organization_id FROM connections WHERE id = $1', [connectionId])).rows[0]!.organization_id;
  const user = await createUser(db.db, { email: 'admin@sandbox.example', password: 'correct horse battery staple', scrypt: TEST_SCRYPT });
  await grantMembership(db.db, { userId: user.id, organizationId, role: 'admin' });
  apiKey = (await createApiKey(db.db, { userId: user.id, name: 'e2e' })).key;
  const silent = createLogger({ stream: new Writable({ write: (_c, _e, cb) => cb() }), format: 'json' });
  app = buildServer({ pool: db.pool, storeMode: 'postgres', worker: null, logger: silent, keys: ring, publicUrl: null, providerApps: TEST_PROVIDER_APPS });
  await app.ready();
}, 120_000);

afterAll(async () => {
  await app?.close();
  await limiters.stopAll();
  await sandbox?.close();
  await db?.drop();
});

async function api(method: 'GET' | 'POST', url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await app.inject({ method, url, headers: { authorization: `Bearer ${apiKey}` } });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> };
}

async function qbRead(entity: 'Payment' | 'Invoice' | 'CreditMemo', id: string): Promise<Record<string, unknown>> {
  const qb = sandbox.quickbooks;
  const res = await fetch(`${qb.baseUrl}/v3/company/${qb.realmId}/${entity.toLowerCase()}/${id}?minorversion=75`, { headers: { authorization: `Bearer ${qb.accessToken}`, accept: 'application/json' } });
  expect(res.status).toBe(200);
  return ((await res.json()) as Record<string, Record<string, unknown>>)[entity]!;
}

const cents = (n: unknown): number => Math.round(Number(n) * 100);

/** What Relance holds of the invoice and the credit note, and the allocations between them. */
async function ledger(invoice: string, credit: string) {
  const { rows } = await db.pool.query<{ status: string; balance: string; remaining: string; total: string; allocated: string; credited: string; applications: string }>(`
    SELECT i.status::text AS status, i.balance_minor::text AS balance, n.remaining_minor::text AS remaining, i.total_minor::text AS total,
           (SELECT coalesce(sum(a.amount_minor), 0) FROM allocations a WHERE a.invoice_id = i.id)::text AS allocated,
           (SELECT coalesce(sum(a.amount_minor), 0) FROM allocations a WHERE a.credit_note_id = n.id)::text AS credited,
           (SELECT count(*) FROM allocations a WHERE a.credit_note_id = n.id AND a.invoice_id = i.id)::text AS applications
      FROM invoices i, credit_notes n
     WHERE i.connection_id = $1 AND i.external_id = $2 AND n.connection_id = $1 AND n.external_id = $3`, [connectionId, invoice, credit]);
  return rows[0]!;
}

describe('accepting a QuickBooks credit memo\'s suggestion', () => {
  it('creates the $0 payment in QuickBooks; the sandbox shows the credit applied and the next sync reads it once', async () => {
    await sync();
    const { rows } = await db.pool.query<{ credit: string; invoice: string; customer: string; remaining: string; balance: string; credit_total: string }>(`
      SELECT n.external_id AS credit, i.external_id AS invoice, i.customer_external_id AS customer,
             n.remaining_minor::text AS remaining, i.balance_minor::text AS balance, n.total_minor::text AS credit_total
        FROM credit_notes n JOIN invoices i ON i.customer_id = n.customer_id AND i.currency = n.currency
       WHERE n.connection_id = $1 AND n.remaining_minor >= 100 AND i.status = 'open' AND i.balance_minor > n.remaining_minor
         AND (SELECT count(*) FROM invoices o WHERE o.customer_id = n.customer_id AND o.status = 'open' AND o.balance_minor > 0) = 1
       ORDER BY n.external_id LIMIT 1`, [connectionId]);
    const pick = rows[0];
    expect(pick, 'a credit memo with credit left and one open invoice of its customer').toBeDefined();
    const remaining = Number(pick!.remaining);
    // In QuickBooks the customer pays part of the invoice: what stays open is exactly the credit left.
    await sandbox.controls.quickbooks.recordPayment({ customerId: pick!.customer, amountMinor: Number(pick!.balance) - remaining, date: '2026-02-27', allocations: [{ invoiceId: pick!.invoice, amountMinor: Number(pick!.balance) - remaining }] });
    await sync();
    const before = await ledger(pick!.invoice, pick!.credit);
    expect(before).toMatchObject({ status: 'open', balance: String(remaining), remaining: String(remaining), applications: '0' });

    const refreshed = await api('POST', `/api/organizations/${organizationId}/unapplied-suggestions/refresh`);
    expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
    const list = await api('GET', `/api/organizations/${organizationId}/unapplied-suggestions?limit=200`);
    const suggestion = (list.body.items as { id: string; rank: number; unapplied: { providerReference: string; kind: string }; amount: string }[])
      .find((s) => s.unapplied.providerReference === pick!.credit && s.rank === 1);
    expect(suggestion, `a suggestion for credit memo ${pick!.credit}`).toMatchObject({ unapplied: { kind: 'credit_note' }, amount: (remaining / 100).toFixed(2) });
    const accepted = await api('POST', `/api/organizations/${organizationId}/unapplied-suggestions/${suggestion!.id}/accept`);
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body).toMatchObject({ writeBack: { status: 'queued' } });

    const report = await pushOutbox({ store: db, keys: ring, limiters }, { connectionId });
    expect(report).toMatchObject({ pushed: 1, retried: 0, parked: 0 });
    // QuickBooks' own records: one new $0 payment linking the invoice and the credit memo.
    const written = sandbox.controls.quickbooks.writtenBack().filter((w) => w.entity === 'Payment');
    expect(written).toEqual([expect.objectContaining({ what: 'create' })]);
    const payment = await qbRead('Payment', written[0]!.id);
    expect(payment).toMatchObject({ TotalAmt: 0, UnappliedAmt: 0, CustomerRef: { value: pick!.customer } });
    expect(payment.Line).toEqual([
      { Amount: remaining / 100, LinkedTxn: [{ TxnId: pick!.invoice, TxnType: 'Invoice' }] },
      { Amount: remaining / 100, LinkedTxn: [{ TxnId: pick!.credit, TxnType: 'CreditMemo' }] },
    ]);
    expect(cents((await qbRead('Invoice', pick!.invoice)).Balance)).toBe(0);
    expect(cents((await qbRead('CreditMemo', pick!.credit)).RemainingCredit)).toBe(0);

    // The next sync reads QuickBooks' application: once, carried by the payment, nothing doubled.
    await sync();
    const after = await ledger(pick!.invoice, pick!.credit);
    expect(after).toMatchObject({ status: 'paid', balance: '0', remaining: '0', applications: '1', allocated: after.total });
    expect(Number(after.credited)).toBe(Number(pick!.credit_total));
    const { rows: via } = await db.pool.query<{ external_id: string; amount: string; unapplied: string; own: string }>(`
      SELECT p.external_id, p.amount_minor::text AS amount, p.unapplied_minor::text AS unapplied,
             (SELECT count(*) FROM allocations a WHERE a.payment_id = p.id)::text AS own
        FROM allocations a JOIN payments p ON p.id = a.via_payment_id JOIN credit_notes n ON n.id = a.credit_note_id
       WHERE n.connection_id = $1 AND n.external_id = $2 AND a.invoice_external_id = $3`, [connectionId, pick!.credit, pick!.invoice]);
    expect(via).toEqual([{ external_id: written[0]!.id, amount: '0', unapplied: '0', own: '0' }]);
  }, 180_000);
});
