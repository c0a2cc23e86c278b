/**
 * The portal shows each open invoice's provider payment link, asked of the connection when the page
 * opens and kept: against the sandbox's QuickBooks (include=invoiceLink) and Xero (online invoice),
 * synced into a real database, through the real portal plugin and connectors.
 */
import { Writable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorFor } from '../../connectors/index.ts';
import { connectSandbox } from '../../cli/demo/connect-sandbox.ts';
import { LimiterRegistry } from '../../core/http/index.ts';
import { createLogger } from '../../core/logging.ts';
import { issuePortalLink, type PaymentLinkSource } from '../../core/portal/index.ts';
import { runSync } from '../../core/sync/index.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { connectionPaymentLinks } from '../../server/portal/payment-link-source.ts';
import { portalPlugin } from '../../server/portal/plugin.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { ring } from '../sync/support.ts';

let sandbox: RunningSandbox;
let db: TestDatabase;
let app: FastifyInstance;
const limiters = new LimiterRegistry();
const connectionOf = {} as Record<'quickbooks' | 'xero', string>;
/** Every question the portal put to a connection, by invoice external id, and its answer to come. */
const asked: string[] = [];
const answers: Promise<unknown>[] = [];
let logged = '';

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 31, invoices: 30, asOf: '2026-03-01', port: 0, limits: false });
  db = await createTestDatabase();
  const { connections } = await connectSandbox({ pool: db.pool, keys: ring }, sandbox, ['quickbooks', 'xero']);
  for (const provider of ['quickbooks', 'xero'] as const) {
    connectionOf[provider] = connections[provider]!.id;
    await runSync({ store: db, keys: ring, connectorFor, limiters }, connectionOf[provider], { streams: ['customer', 'invoice'] });
  }
  const real = connectionPaymentLinks({ store: db, keys: ring });
  const counted: PaymentLinkSource = (connectionId, externalId) => {
    asked.push(externalId);
    const answer = real(connectionId, externalId);
    answers.push(answer.catch(() => null));
    return answer;
  };
  const stream = new Writable({ write: (chunk, _e, cb) => ((logged += String(chunk)), cb()) });
  app = Fastify();
  await app.register(async (scope) => portalPlugin(scope, { db: db.db, keys: ring, logger: createLogger({ stream, format: 'json' }), actions: {}, paymentLinks: counted }));
}, 120_000);

afterAll(async () => {
  await app?.close();
  await limiters.stopAll();
  await sandbox?.close();
  await db?.drop();
});

/** The customer of `provider` with the most open invoices, and those invoices' external ids. */
async function customerWithOpenInvoices(provider: 'quickbooks' | 'xero') {
  const { rows } = await db.pool.query<{ organization_id: string; customer_id: string; ids: string[] }>(
    `SELECT organization_id, customer_id, array_agg(external_id ORDER BY external_id) AS ids FROM invoices
      WHERE connection_id = $1 AND status = 'open' AND customer_id IS NOT NULL
      GROUP BY organization_id, customer_id ORDER BY count(*) DESC, customer_id LIMIT 1`, [connectionOf[provider]]);
  const row = rows[0]!;
  const link = await issuePortalLink(db.db, ring, { organizationId: row.organization_id, customerId: row.customer_id, createdBy: 'test' });
  return { path: new URL(link.url, 'http://portal.test').pathname, ids: row.ids };
}

async function stored(ids: string[]) {
  const { rows } = await db.pool.query<{ external_id: string; payment_url: string | null; checked: boolean }>(
    'SELECT external_id, payment_url, payment_url_checked_at IS NOT NULL AS checked FROM invoices WHERE external_id = ANY($1) ORDER BY external_id', [ids]);
  return rows;
}

const open = async (path: string) => {
  const res = await app.inject({ method: 'GET', url: path });
  expect(res.statusCode).toBe(200);
  return res.body;
};

/** Every question asked so far answered and kept (the page waits a few seconds at most, the calls may not). */
async function settled(): Promise<void> {
  await Promise.all(answers);
  // The answer is kept right after it comes: one more turn of the store.
  await db.pool.query('SELECT 1');
}

/** Views the page until a view asks nothing new (the provider's limiter may spread the questions over views). */
async function openUntilQuiet(path: string): Promise<string> {
  for (;;) {
    const before = asked.length;
    const html = await open(path);
    await settled();
    if (asked.length === before) return html;
  }
}

describe('QuickBooks invoice links', () => {
  it('asks once per open invoice, shows the links, and a second view or a new sync asks nothing again', async () => {
    const { path, ids } = await customerWithOpenInvoices('quickbooks');
    const realm = sandbox.quickbooks.realmId!;
    const before = asked.length;
    const html = await openUntilQuiet(path);
    expect(asked.slice(before).sort()).toEqual(ids);
    for (const id of ids) expect(html).toContain(`href="${sandbox.quickbooks.baseUrl}/comm/invoice/${realm}/${id}?locale=en_US"`);
    // The sandbox serves the invoice link's page: "Pay online" opens in the demo.
    const pay = await fetch(`${sandbox.quickbooks.baseUrl}/comm/invoice/${realm}/${ids[0]}?locale=en_US`);
    expect(pay.status).toBe(200);
    expect(await pay.text()).toMatch(/QuickBooks payment page[\s\S]*id="amount-due">\d+(\.\d+)? [A-Z]{3}</);
    expect((await stored(ids)).every((r) => r.checked && r.payment_url?.includes('/comm/invoice/'))).toBe(true);

    const again = await open(path);
    expect(asked.length).toBe(before + ids.length);
    expect(again).toContain(`/comm/invoice/${realm}/${ids[0]}?locale=en_US"`);

    await runSync({ store: db, keys: ring, connectorFor, limiters }, connectionOf.quickbooks, { streams: ['invoice'], full: true });
    expect((await stored(ids)).map((r) => r.payment_url)).toEqual((await stored(ids)).map(() => expect.stringContaining('/comm/invoice/')));
    await open(path);
    expect(asked.length).toBe(before + ids.length);
  });

  it('forgets the link once the sync sees the invoice voided, so a reopened invoice is asked again', async () => {
    const { ids } = await customerWithOpenInvoices('quickbooks');
    const [voided, kept] = [ids[0]!, ids[1]];
    expect((await stored([voided]))[0]!.checked).toBe(true);
    // QuickBooks voids by zeroing the amounts and prefixing the private note (mappings/quickbooks/invoice.json).
    await sandbox.controls.quickbooks.editRecord('Invoice', voided, { PrivateNote: 'Voided' });
    await runSync({ store: db, keys: ring, connectorFor, limiters }, connectionOf.quickbooks, { streams: ['invoice'] });
    const { rows } = await db.pool.query('SELECT status FROM invoices WHERE connection_id = $1 AND external_id = $2', [connectionOf.quickbooks, voided]);
    expect(rows).toEqual([{ status: 'void' }]);
    expect(await stored([voided])).toEqual([{ external_id: voided, payment_url: null, checked: false }]);
    if (kept) expect((await stored([kept]))[0]!.checked).toBe(true);
  });
});

describe('Xero online invoices', () => {
  it('a failing provider still renders the page, without links and without keeping the failure; the next view gets them', async () => {
    const { path, ids } = await customerWithOpenInvoices('xero');
    sandbox.controls.xero.injectFault({ kind: 'server_error', pathPrefix: '/api.xro/2.0/Invoices/' });
    let html: string;
    try {
      html = await open(path);
      await settled();
    } finally {
      sandbox.controls.xero.clearFaults();
    }
    expect(ids.length).toBeGreaterThan(0);
    expect(html).toContain('<table>');
    expect(html).not.toContain('/in.xero.com/');
    expect((await stored(ids)).every((r) => !r.checked)).toBe(true);
    expect(logged).toContain('payment link not fetched');
    expect(logged).not.toContain(sandbox.xero.accessToken!);

    const later = await openUntilQuiet(path);
    for (const id of ids) expect(later).toContain(`href="${sandbox.xero.baseUrl}/in.xero.com/${id.replace(/-/g, '')}"`);
    // The sandbox serves the online invoice's page: "Pay online" opens in the demo.
    const pay = await fetch(`${sandbox.xero.baseUrl}/in.xero.com/${ids[0]!.replace(/-/g, '')}`);
    expect(pay.status).toBe(200);
    expect(await pay.text()).toContain('Xero payment page');
  });
});
