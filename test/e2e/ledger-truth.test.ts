/**
 * Issue #7's two proofs against the sandbox, through the product's own paths (sync, reconcile, plan,
 * send to a mail catcher, outbox push, the HubSpot webhook route). The world is the demo's: a group
 * of two companies sharing one HubSpot portal — Northwind (QuickBooks) and Thames (Xero), each with
 * its own HubSpot connection to that portal, since a company is linked to at most one customer per
 * CRM connection. HubSpot holds no payments: its part is the company properties Relance writes.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSandbox } from '../../cli/demo/connect-sandbox.ts';
import { CRM_STREAMS } from '../../connectors/hubspot/index.ts';
import { connectorFor } from '../../connectors/index.ts';
import { runCustomer, runOrganization } from '../../core/agenda/index.ts';
import { SmtpChannel } from '../../core/channels/index.ts';
import { runCrmSync } from '../../core/crm-control/index.ts';
import { LimiterRegistry } from '../../core/http/index.ts';
import { createLogger } from '../../core/logging.ts';
import { decideMatch } from '../../core/matching/index.ts';
import { renderMessage } from '../../core/messages/index.ts';
import { installDefaultScenarios } from '../../core/scenarios/index.ts';
import { sendDueActions } from '../../core/sending/index.ts';
import { runSync } from '../../core/sync/index.ts';
import { pushOutbox } from '../../jobs/outbox.ts';
import { reconcile } from '../../jobs/reconcile.ts';
import type { HubspotSimControl } from '../../sandbox/hubspot/control.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { startMailCatcher, type MailCatcher } from '../../sandbox/mail-catcher.ts';
import { completeConnection } from '../../server/oauth/index.ts';
import { hubspotWebhookRoutes } from '../../server/webhooks/hubspot.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { ring } from '../sync/support.ts';

const AS_OF = '2026-03-01';
const ALWAYS = JSON.stringify({ from: '00:00', to: '24:00', days: [1, 2, 3, 4, 5, 6, 7] });
let sandbox: RunningSandbox;
let db: TestDatabase;
let mail: MailCatcher;
let server: FastifyInstance;
const limiters = new LimiterRegistry();
const deps = () => ({ store: db, keys: ring, connectorFor, limiters });
const ids = {} as { qbo: string; xero: string; hubA: string; hubB: string; orgA: string; orgB: string };

async function q<T>(text: string, params: unknown[] = []): Promise<T[]> {
  return (await db.pool.query(text, params)).rows as T[];
}

interface Debtor { customerId: string; externalId: string; organizationId: string }

/** Customers of a ledger connection with a planned or awaiting reminder, and the company they are linked to (if any). */
const debtors = (connectionId: string) => q<Debtor & { company: string | null }>(`
  SELECT DISTINCT c.id AS "customerId", c.external_id AS "externalId", c.organization_id AS "organizationId",
         (SELECT r.external_id FROM customer_external_refs r WHERE r.customer_id = c.id AND r.kind = 'company') AS company
    FROM actions a JOIN customers c ON c.id = a.customer_id
   WHERE c.connection_id = $1 AND a.status IN ('planned', 'awaiting_approval') ORDER BY c.external_id`, [connectionId]);

const pendingActions = async (customerId: string) =>
  Number((await q<{ n: string }>("SELECT count(*) AS n FROM actions WHERE customer_id = $1 AND status IN ('planned', 'awaiting_approval')", [customerId]))[0]!.n);

const openInvoices = (customerId: string) =>
  q<{ external_id: string; balance_minor: string }>("SELECT external_id, balance_minor::text FROM invoices WHERE customer_id = $1 AND status = 'open' AND balance_minor > 0 ORDER BY external_id", [customerId]);

async function hubspotCompany(id: string): Promise<Record<string, string | null>> {
  const h = sandbox.hubspot;
  const props = 'relance_overdue_amount,relance_overdue_currency,relance_oldest_overdue_days,relance_disputed';
  const response = await fetch(`${h.baseUrl}/crm/v3/objects/companies/${id}?properties=${props}`, { headers: { authorization: `Bearer ${h.accessToken}` } });
  return ((await response.json()) as { properties: Record<string, string | null> }).properties;
}

async function quickbooksInvoice(id: string): Promise<{ Balance: number; CustomField?: { DefinitionId: string; StringValue?: string }[]; PrivateNote?: string }> {
  const qb = sandbox.quickbooks;
  const response = await fetch(`${qb.baseUrl}/v3/company/${qb.realmId}/invoice/${id}?minorversion=75`, { headers: { authorization: `Bearer ${qb.accessToken}`, accept: 'application/json' } });
  return ((await response.json()) as { Invoice: never }).Invoice;
}

async function xeroAmountDue(id: string): Promise<string> {
  const x = sandbox.xero;
  const response = await fetch(`${x.baseUrl}/api.xro/2.0/Invoices/${id}`, { headers: { authorization: `Bearer ${x.accessToken}`, 'xero-tenant-id': x.tenantId!, accept: 'application/json' } });
  return String(((await response.json()) as { Invoices: { AmountDue: number }[] }).Invoices[0]!.AmountDue);
}

const disputeField = (inv: Awaited<ReturnType<typeof quickbooksInvoice>>) => inv.CustomField?.find((f) => f.DefinitionId === '2')?.StringValue ?? '';
const xeroHistory = (invoiceId: string) => sandbox.controls.xero.writtenBack()
  .filter((w) => w.what === 'history' && w.id.toLowerCase() === invoiceId.toLowerCase())
  .map((w) => (w.body as { HistoryRecords: { Details: string }[] }).HistoryRecords[0]!.Details);

/** Pays every open invoice of a customer at its ledger, through the sandbox's control API. */
async function payAll(provider: 'quickbooks' | 'xero', debtor: Debtor): Promise<string[]> {
  const invoices = await openInvoices(debtor.customerId);
  const allocations = invoices.map((i) => ({ invoiceId: i.external_id, amountMinor: Number(i.balance_minor) }));
  const response = await fetch(`${sandbox.control.baseUrl}/${provider}/payments`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ customerId: debtor.externalId, amountMinor: allocations.reduce((s, a) => s + a.amountMinor, 0), date: AS_OF, allocations }),
  });
  expect(response.status).toBe(201);
  return invoices.map((i) => i.external_id);
}

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 23, invoices: 400, asOf: AS_OF, port: 0, limits: false });
  db = await createTestDatabase();
  mail = await startMailCatcher();
  const { connections } = await connectSandbox({ pool: db.pool, keys: ring }, sandbox);
  const h = sandbox.hubspot;
  // Thames's own connection to the group's HubSpot portal.
  const hubB = await completeConnection({ pool: db.pool, keys: ring }, {
    provider: 'hubspot', organization: sandbox.world.xero.organizationName,
    settings: { accountId: h.portalId!, clientId: h.clientId!, clientSecret: h.clientSecret!, baseUrl: h.baseUrl, tokenUrl: `${h.baseUrl}/oauth/v1/token`, webhookKey: h.clientSecret! },
    tokens: { accessToken: h.accessToken!, refreshToken: h.accessToken!, expiresAt: new Date(Date.now() + 25 * 60_000) },
  });
  Object.assign(ids, {
    qbo: connections.quickbooks!.id, xero: connections.xero!.id, hubA: connections.hubspot!.id, hubB: hubB.id,
    orgA: connections.quickbooks!.organizationId, orgB: connections.xero!.organizationId,
  });
  expect(hubB.organizationId).toBe(ids.orgB);
  for (const ledger of [ids.qbo, ids.xero]) await runSync(deps(), ledger, { full: true });
  for (const crm of [ids.hubA, ids.hubB]) await runCrmSync(deps(), crm, { streams: CRM_STREAMS, full: true });
  for (const organizationId of [ids.orgA, ids.orgB]) {
    await installDefaultScenarios(db.db, organizationId);
    await db.pool.query('UPDATE organizations SET sending_hours = $2::jsonb WHERE id = $1', [organizationId, ALWAYS]);
    await runOrganization(db.db, { organizationId, asOf: AS_OF });
  }
  server = Fastify();
  await server.register(hubspotWebhookRoutes, {
    pool: db.pool, keys: ring, logger: createLogger({ level: 'error' }),
    // The jobs the route queues, run as the worker would: the per-customer dunning run; the CRM pull is the next sync.
    enqueue: async (job, data) => {
      if (job === 'dunning.runCustomer') await runCustomer(db.db, { organizationId: String(data.organizationId), customerId: String(data.customerId), asOf: AS_OF });
    },
  });
  sandbox.controls.hubspot.setWebhookTarget(`${await server.listen({ host: '127.0.0.1', port: 0 })}/webhooks/hubspot`);
}, 180_000);

afterAll(async () => {
  await limiters.stopAll();
  await server?.close();
  await mail?.close();
  await sandbox?.close();
  await db?.drop();
});

describe('ledger truth end to end', () => {
  it('payments recorded at the three providers flow into balances, cancel pending reminders and update the HubSpot company properties', async () => {
    const [paidQbo] = (await debtors(ids.qbo)).filter((d) => d.company);
    const [paidXero] = await debtors(ids.xero);
    expect(paidQbo && paidXero).toBeTruthy();
    // Thames's admin links its customer to a prospect company of the shared portal.
    const takenByA = new Set((await q<{ external_id: string }>("SELECT external_id FROM customer_external_refs WHERE connection_id = $1", [ids.hubA])).map((r) => r.external_id));
    const prospect = sandbox.world.hubspot.companies.find((c) => c.matchesCustomerId === null && c.domain !== null && !takenByA.has(c.id))!;
    await decideMatch(db.db, { customerId: paidXero!.customerId, connectionId: ids.hubB, companyExternalId: prospect.id, decision: 'link', decidedBy: 'user:admin' });
    for (const ledger of [ids.qbo, ids.xero]) await reconcile(deps(), ledger, { asOf: AS_OF });
    await pushOutbox(deps());
    const before = await hubspotCompany(paidQbo!.company!);
    expect(Number(before.relance_overdue_amount)).toBeGreaterThan(0);
    expect(Number((await hubspotCompany(prospect.id)).relance_overdue_amount)).toBeGreaterThan(0);

    const paid = { quickbooks: await payAll('quickbooks', paidQbo!), xero: await payAll('xero', paidXero!) };
    for (const ledger of [ids.qbo, ids.xero]) {
      await runSync(deps(), ledger);
      await reconcile(deps(), ledger, { asOf: AS_OF });
    }

    // The store's balances are the providers' own.
    for (const id of paid.quickbooks) {
      const [stored] = await q<{ balance: string; status: string }>('SELECT balance_minor::text AS balance, status::text FROM invoices WHERE connection_id = $1 AND external_id = $2', [ids.qbo, id]);
      expect(stored).toEqual({ balance: '0', status: 'paid' });
      expect((await quickbooksInvoice(id)).Balance).toBe(0);
    }
    for (const id of paid.xero) {
      const [stored] = await q<{ balance: string; status: string }>('SELECT balance_minor::text AS balance, status::text FROM invoices WHERE connection_id = $1 AND external_id = $2', [ids.xero, id]);
      expect(stored).toEqual({ balance: '0', status: 'paid' });
      expect(await xeroAmountDue(id)).toBe('0');
    }
    // Their pending reminders are cancelled, and a send pass reaches everyone else but them.
    for (const d of [paidQbo!, paidXero!]) expect(await pendingActions(d.customerId)).toBe(0);
    const email = new SmtpChannel({ host: mail.host, port: mail.port, from: { address: 'relances@relance.example', name: 'Relance e2e' } });
    const sendDeps = { channels: { email }, render: (input: Parameters<typeof renderMessage>[0]) => renderMessage(input), workerId: 'ledger-truth' };
    while ((await sendDueActions(db.db, sendDeps, { limit: 200 })).claimed > 0);
    expect(mail.messages.length).toBeGreaterThan(0);
    const addresses = (await q<{ email: string }>(
      'SELECT lower(email) AS email FROM contacts WHERE customer_id = ANY($1) AND email IS NOT NULL UNION SELECT lower(email) FROM customers WHERE id = ANY($1) AND email IS NOT NULL',
      [[paidQbo!.customerId, paidXero!.customerId]],
    )).map((r) => r.email);
    expect(addresses.length).toBeGreaterThan(0);
    expect(mail.messages.flatMap((m) => m.to.map((t) => t.toLowerCase())).filter((to) => addresses.includes(to))).toEqual([]);
    const sent = await q<{ n: string }>("SELECT count(*) AS n FROM actions WHERE customer_id = ANY($1) AND status = 'sent'", [[paidQbo!.customerId, paidXero!.customerId]]);
    expect(sent[0]!.n).toBe('0');

    // HubSpot: the companies now show nothing overdue.
    await pushOutbox(deps());
    expect(await hubspotCompany(paidQbo!.company!)).toMatchObject({ relance_overdue_amount: '0.00', relance_oldest_overdue_days: null, relance_overdue_currency: before.relance_overdue_currency });
    expect(await hubspotCompany(prospect.id)).toMatchObject({ relance_overdue_amount: '0.00', relance_oldest_overdue_days: null });
  }, 240_000);

  it('a dispute opened in HubSpot stops reminders and appears in QuickBooks and Xero', async () => {
    const qboDebtor = (await debtors(ids.qbo)).find((d) => d.company)!;
    const xeroDebtor = (await debtors(ids.xero)).find((d) => d.company === null)!;
    const company = qboDebtor.company!;
    // The same company stands for a Thames customer too (the admin's link on Thames's connection).
    await decideMatch(db.db, { customerId: xeroDebtor.customerId, connectionId: ids.hubB, companyExternalId: company, decision: 'link', decidedBy: 'user:admin' });
    const qboInvoices = (await openInvoices(qboDebtor.customerId)).map((i) => i.external_id);
    const xeroInvoices = (await openInvoices(xeroDebtor.customerId)).map((i) => i.external_id);
    expect(await pendingActions(qboDebtor.customerId)).toBeGreaterThan(0);
    expect(await pendingActions(xeroDebtor.customerId)).toBeGreaterThan(0);

    // A salesperson ticks "Disputed": HubSpot's signed webhook reaches both organizations' connections.
    await sandbox.controls.hubspot.editRecord('companies', company, { relance_disputed: 'true' });
    expect((sandbox.controls.hubspot as HubspotSimControl).webhookDeliveries().at(-1)!.status).toBe(204);
    const disputes = () => q<{ customer_id: string; status: string; opened_via: string; invoices: string[] }>(`
      SELECT d.customer_id, d.status::text, d.opened_via, array_agg(i.external_id ORDER BY i.external_id) AS invoices
        FROM disputes d JOIN dispute_invoices x ON x.dispute_id = d.id JOIN invoices i ON i.id = x.invoice_id
       WHERE d.customer_id = ANY($1) GROUP BY d.id ORDER BY d.customer_id`, [[qboDebtor.customerId, xeroDebtor.customerId]]);
    const expected = (status: string) => [
      { customer_id: qboDebtor.customerId, status, opened_via: 'crm', invoices: [...qboInvoices].sort() },
      { customer_id: xeroDebtor.customerId, status, opened_via: 'crm', invoices: [...xeroInvoices].sort() },
    ].sort((a, b) => a.customer_id.localeCompare(b.customer_id));
    expect(await disputes()).toEqual(expected('open'));
    for (const d of [qboDebtor, xeroDebtor]) expect(await pendingActions(d.customerId)).toBe(0);
    for (const organizationId of [ids.orgA, ids.orgB]) await runOrganization(db.db, { organizationId, asOf: AS_OF });
    for (const d of [qboDebtor, xeroDebtor]) expect(await pendingActions(d.customerId)).toBe(0);

    await pushOutbox(deps());
    for (const id of qboInvoices) {
      const inv = await quickbooksInvoice(id);
      expect(disputeField(inv)).toBe('Disputed');
      expect(inv.PrivateNote).toContain('Dispute opened: Disputed in HubSpot');
    }
    for (const id of xeroInvoices) expect(xeroHistory(id)).toEqual([expect.stringContaining('Dispute opened: Disputed in HubSpot')]);
    expect((await hubspotCompany(company)).relance_disputed).toBe('true');
    // Relance's own write-back, read by the next CRM sync, opens nothing more.
    for (const crm of [ids.hubA, ids.hubB]) expect((await runCrmSync(deps(), crm, { streams: ['company'] })).streams.company!.flagChanges).toBe(0);
    expect(await disputes()).toEqual(expected('open'));

    // Cleared in HubSpot: resolved, and the ledgers say so.
    await sandbox.controls.hubspot.editRecord('companies', company, { relance_disputed: 'false' });
    expect(await disputes()).toEqual(expected('resolved'));
    await pushOutbox(deps());
    for (const id of qboInvoices) {
      const inv = await quickbooksInvoice(id);
      expect(disputeField(inv)).toBe('');
      expect(inv.PrivateNote).toContain('Dispute closed: resolved: Cleared in HubSpot');
    }
    for (const id of xeroInvoices) expect(xeroHistory(id).at(-1)).toContain('Dispute closed: resolved: Cleared in HubSpot');
    expect((await hubspotCompany(company)).relance_disputed).toBe('false');
    // Back in the scenarios: no hold, no disputed invoice left.
    const held = await q<{ n: string }>(`SELECT (SELECT count(*) FROM dunning_holds WHERE customer_id = ANY($1) AND released_at IS NULL)
      + (SELECT count(*) FROM invoices WHERE customer_id = ANY($1) AND disputed) AS n`, [[qboDebtor.customerId, xeroDebtor.customerId]]);
    expect(held[0]!.n).toBe('0');
  }, 240_000);
});
