/**
 * Issue 13.3, done when: accepting an unapplied-money suggestion writes back to both QuickBooks and
 * Xero in the sandbox, and the provider's state shows the application. Through the whole path: the
 * sandboxes' users receive money nobody applied (a QuickBooks payment on account, a Xero
 * prepayment), a sync brings it in, the admin API refreshes and accepts the suggestion, the outbox
 * pushes it (QuickBooks POST /payment, Xero PUT /Prepayments/{id}/Allocations), and the providers'
 * own records, read back from the sandbox, show it applied; the next sync agrees.
 */
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorFor } from '../../connectors/index.ts';
import { createApiKey, createUser, grantMembership } from '../../core/access/index.ts';
import { createConnection, ensureOrganization } from '../../core/connections/index.ts';
import { LimiterRegistry } from '../../core/http/index.ts';
import { createLogger } from '../../core/logging.ts';
import { toMinor } from '../../core/money.ts';
import { runSync } from '../../core/sync/index.ts';
import { pushOutbox } from '../../jobs/outbox.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import type { XeroSimulator } from '../../sandbox/xero/index.ts';
import { buildServer } from '../../server/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { ring } from '../sync/support.ts';
import { TEST_PROVIDER_APPS, TEST_SCRYPT } from '../api/world.ts';
import { connectSandbox } from './quickbooks-support.ts';

let sandbox: RunningSandbox;
let db: TestDatabase;
let app: FastifyInstance;
const limiters = new LimiterRegistry();
const conn = { quickbooks: '', xero: '' };
const org = { quickbooks: '', xero: '' };
let apiKey = '';

const silent = createLogger({ stream: new Writable({ write: (_c, _e, cb) => cb() }), format: 'json' });

async function connectXero(): Promise<{ organizationId: string; connectionId: string }> {
  const x = sandbox.xero;
  const organizationId = await ensureOrganization(db.pool, { name: 'Sandbox Xero', baseCurrency: sandbox.world.xero.homeCurrency, country: 'GB' });
  const connection = await createConnection(db.pool, ring, {
    organizationId,
    provider: 'xero',
    displayName: sandbox.world.xero.organizationName,
    settings: {
      accountId: x.tenantId!, clientId: x.clientId!, clientSecret: x.clientSecret!,
      baseUrl: `${x.baseUrl}/api.xro/2.0`, tokenUrl: `${x.baseUrl}/connect/token`, webhookKey: x.webhookKey!,
      homeCurrency: sandbox.world.xero.homeCurrency,
    },
    tokens: { accessToken: x.accessToken!, refreshToken: x.refreshToken!, expiresAt: new Date(Date.now() + 25 * 60_000) },
  });
  return { organizationId, connectionId: connection.id };
}

const syncDeps = () => ({ store: db, keys: ring, connectorFor, limiters });

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 41, invoices: 300, asOf: '2026-03-01', port: 0, limits: false });
  db = await createTestDatabase();
  conn.quickbooks = await connectSandbox(db, ring, sandbox);
  org.quickbooks = (await db.pool.query<{ organization_id: string }>('SELECT organization_id FROM connections WHERE id = $1', [conn.quickbooks])).rows[0]!.organization_id;
  const xero = await connectXero();
  conn.xero = xero.connectionId;
  org.xero = xero.organizationId;
  const user = await createUser(db.db, { email: 'admin@sandbox.example', password: 'correct horse battery staple', scrypt: TEST_SCRYPT });
  await grantMembership(db.db, { userId: user.id, organizationId: org.quickbooks, role: 'admin' });
  await grantMembership(db.db, { userId: user.id, organizationId: org.xero, role: 'admin' });
  apiKey = (await createApiKey(db.db, { userId: user.id, name: 'e2e' })).key;
  app = buildServer({ pool: db.pool, storeMode: 'postgres', worker: null, logger: silent, keys: ring, publicUrl: null, providerApps: TEST_PROVIDER_APPS });
  await app.ready();
}, 120_000);

afterAll(async () => {
  await app?.close();
  await limiters.stopAll();
  await sandbox?.close();
  await db?.drop();
});

/** An open invoice of the connection whose customer owes nothing else (so one suggestion is the obvious one). */
async function loneOpenInvoice(connectionId: string): Promise<{ externalId: string; customer: string; balance: number; currency: string }> {
  const { rows } = await db.pool.query<{ external_id: string; customer: string; balance: string; currency: string }>(`
    SELECT i.external_id, i.customer_external_id AS customer, i.balance_minor::text AS balance, i.currency::text AS currency
      FROM invoices i
     WHERE i.connection_id = $1 AND i.status = 'open' AND i.balance_minor BETWEEN 1000 AND 500000
       AND (SELECT count(*) FROM invoices o WHERE o.customer_id = i.customer_id AND o.status = 'open' AND o.balance_minor > 0) = 1
       AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.customer_id = i.customer_id AND p.unapplied_minor > 0)
       AND NOT EXISTS (SELECT 1 FROM credit_notes n WHERE n.customer_id = i.customer_id AND n.remaining_minor > 0)
     ORDER BY i.external_id LIMIT 1`, [connectionId]);
  const row = rows[0];
  if (!row) throw new Error(`no lone open invoice on connection ${connectionId}`);
  return { externalId: row.external_id, customer: row.customer, balance: Number(row.balance), currency: row.currency };
}

async function api(method: 'GET' | 'POST', url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await app.inject({ method, url, headers: { authorization: `Bearer ${apiKey}` } });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> };
}

interface Listed { id: string; unapplied: { providerReference: string; kind: string }; invoices: { id: string; amount: string }[]; amount: string; rank: number }

/** Refresh, then the best suggestion for the money with this provider reference; accept it. */
async function acceptBest(organizationId: string, reference: string): Promise<{ suggestion: Listed; accepted: Record<string, unknown> }> {
  const refreshed = await api('POST', `/api/organizations/${organizationId}/unapplied-suggestions/refresh`);
  expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
  const list = await api('GET', `/api/organizations/${organizationId}/unapplied-suggestions?limit=200`);
  const suggestion = (list.body.items as Listed[]).find((s) => s.unapplied.providerReference === reference && s.rank === 1);
  expect(suggestion, `a suggestion for ${reference}`).toBeDefined();
  const accepted = await api('POST', `/api/organizations/${organizationId}/unapplied-suggestions/${suggestion!.id}/accept`);
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  return { suggestion: suggestion!, accepted: accepted.body };
}

async function qbRead(entity: 'payment' | 'invoice', id: string): Promise<Record<string, unknown>> {
  const qb = sandbox.quickbooks;
  const res = await fetch(`${qb.baseUrl}/v3/company/${qb.realmId}/${entity}/${id}?minorversion=75`, { headers: { authorization: `Bearer ${qb.accessToken}`, accept: 'application/json' } });
  return ((await res.json()) as Record<string, Record<string, unknown>>)[entity === 'payment' ? 'Payment' : 'Invoice']!;
}

async function xeroRead(collection: 'Invoices' | 'Prepayments', id: string): Promise<Record<string, unknown>> {
  const x = sandbox.xero;
  const res = await fetch(`${x.baseUrl}/api.xro/2.0/${collection}/${id}`, { headers: { authorization: `Bearer ${x.accessToken}`, 'xero-tenant-id': x.tenantId!, accept: 'application/json' } });
  expect(res.status).toBe(200);
  return ((await res.json()) as Record<string, Record<string, unknown>[]>)[collection]![0]!;
}

const minor = (n: unknown, cur: string): number => Number(toMinor(n as number, cur));

describe('accepting an unapplied-money suggestion writes back to the provider', () => {
  it('QuickBooks: a payment on account applied to the invoice by POST /payment; the payment and invoice show it', async () => {
    await runSync(syncDeps(), conn.quickbooks);
    const open = await loneOpenInvoice(conn.quickbooks);
    const received = (await sandbox.controls.quickbooks.recordPayment({ customerId: open.customer, amountMinor: open.balance, date: '2026-02-27', allocations: [] })) as { Id: string };
    await runSync(syncDeps(), conn.quickbooks);

    const { suggestion, accepted } = await acceptBest(org.quickbooks, received.Id);
    expect(suggestion.amount).toBe((open.balance / 100).toFixed(2));
    expect(accepted).toMatchObject({ writeBack: { status: 'queued' } });
    const report = await pushOutbox({ store: db, keys: ring, limiters }, { connectionId: conn.quickbooks });
    expect(report).toMatchObject({ pushed: 1, retried: 0, parked: 0 });

    const payment = await qbRead('payment', received.Id);
    expect(Number(payment.UnappliedAmt)).toBe(0);
    expect(payment.Line).toEqual([expect.objectContaining({ LinkedTxn: [{ TxnId: open.externalId, TxnType: 'Invoice' }] })]);
    const invoice = await qbRead('invoice', open.externalId);
    expect(Math.round(Number(invoice.Balance) * 100)).toBe(0);

    // The next sync reads QuickBooks' own application: the invoice paid, the payment applied.
    await runSync(syncDeps(), conn.quickbooks);
    const { rows } = await db.pool.query<{ status: string; balance: string; unapplied: string }>(`
      SELECT i.status::text AS status, i.balance_minor::text AS balance, p.unapplied_minor::text AS unapplied
        FROM invoices i, payments p WHERE i.connection_id = $1 AND i.external_id = $2 AND p.connection_id = $1 AND p.external_id = $3`, [conn.quickbooks, open.externalId, received.Id]);
    expect(rows).toEqual([{ status: 'paid', balance: '0', unapplied: '0' }]);
  }, 120_000);

  it('Xero: a prepayment allocated to the invoice by PUT /Prepayments/{id}/Allocations; the invoice and prepayment show it', async () => {
    await runSync(syncDeps(), conn.xero);
    const open = await loneOpenInvoice(conn.xero);
    const sim = sandbox.simulators.xero as XeroSimulator;
    const prepayment = sim.recordPrepayment({ customerId: open.customer, amountMinor: open.balance, date: '2026-02-27', reference: 'advance' });
    const report1 = await runSync(syncDeps(), conn.xero);
    expect(report1.streams.prepayment).toMatchObject({ pulled: 1, rejected: 0 });

    const { suggestion, accepted } = await acceptBest(org.xero, prepayment.PrepaymentID);
    expect(suggestion.unapplied.kind).toBe('prepayment');
    expect(accepted).toMatchObject({ writeBack: { status: 'queued' } });
    const report = await pushOutbox({ store: db, keys: ring, limiters }, { connectionId: conn.xero });
    expect(report).toMatchObject({ pushed: 1, retried: 0, parked: 0 });

    const invoice = await xeroRead('Invoices', open.externalId);
    expect(minor(invoice.AmountDue, open.currency)).toBe(0);
    expect(invoice.Status).toBe('PAID');
    expect(invoice.Prepayments).toEqual([expect.objectContaining({ PrepaymentID: prepayment.PrepaymentID })]);
    const source = await xeroRead('Prepayments', prepayment.PrepaymentID);
    expect(source).toMatchObject({ RemainingCredit: 0, Status: 'PAID', Allocations: [expect.objectContaining({ Invoice: expect.objectContaining({ InvoiceID: open.externalId }) })] });
    expect(sandbox.controls.xero.writtenBack().filter((w) => w.what === 'allocations')).toHaveLength(1);

    await runSync(syncDeps(), conn.xero);
    const { rows } = await db.pool.query<{ status: string; balance: string; unapplied: string }>(`
      SELECT i.status::text AS status, i.balance_minor::text AS balance, p.unapplied_minor::text AS unapplied
        FROM invoices i, payments p WHERE i.connection_id = $1 AND i.external_id = $2 AND p.connection_id = $1 AND p.external_id = $3`, [conn.xero, open.externalId, prepayment.PrepaymentID]);
    expect(rows).toEqual([{ status: 'paid', balance: '0', unapplied: '0' }]);
  }, 120_000);
});
