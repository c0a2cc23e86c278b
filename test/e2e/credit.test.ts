/**
 * Issue 19, end to end on the sandbox (QuickBooks and HubSpot simulators, the mail catcher, a real
 * PostgreSQL): a customer goes over its limit → held → the HubSpot company shows the hold → a
 * payment in QuickBooks clears it (sync + reconcile) → the hold lifts on HubSpot too; a fee is
 * approved and read back as a new invoice from the QuickBooks simulator, once only; an insured
 * debt near its declaration deadline raises an alert; a handed-over customer's case file opens,
 * its PDF says what the reminders were, and it lists every reminder sent.
 */
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archivingLetters } from '../../core/letters/index.ts';
import { runOrganization } from '../../core/agenda/index.ts';
import { daysBetween, todayIn } from '../../core/calendar/index.ts';
import {
  buildCaseFile, caseDocuments, caseFileZip, decideCredit, decideFeePosting, handOver, listAlerts, listFeePostings, putInsurancePolicy,
  requestCredit, requestFeePosting, reviewCredit, reviewCreditHolds, setInsuredLimit,
} from '../../core/credit/index.ts';
import { renderWithOverrides } from '../../core/messages/index.ts';
import { installDefaultScenarios } from '../../core/scenarios/index.ts';
import { sendDueActions } from '../../core/sending/index.ts';
import { runSync } from '../../core/sync/index.ts';
import { connectorFor } from '../../connectors/index.ts';
import { connectSandbox } from '../../cli/demo/connect-sandbox.ts';
import { demoSendDeps, syncSandboxConnection } from '../../cli/demo/run-demo.ts';
import { connectSession, pushOutbox, requestKeyOf } from '../../jobs/outbox.ts';
import { toPushChange } from '../../core/outbox/index.ts';
import { reconcile } from '../../jobs/reconcile.ts';
import { startMailCatcher, type MailCatcher } from '../../sandbox/mail-catcher.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { unzipEntries } from '../support/unzip.ts';
import { ring } from '../sync/support.ts';

const today = todayIn('UTC', new Date());
const ALWAYS = JSON.stringify({ from: '00:00', to: '24:00', days: [1, 2, 3, 4, 5, 6, 7] });
const ADMIN = 'user:e2e-credit-manager';

let sandbox: RunningSandbox;
let db: TestDatabase;
let mail: MailCatcher;
let org: string;
let qbConnection: string;
const deps = () => ({ store: db, keys: ring });

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 19, invoices: 200, asOf: today, port: 0, limits: false });
  db = await createTestDatabase();
  mail = await startMailCatcher(0, { web: false });
  const { connections } = await connectSandbox({ pool: db.pool, keys: ring }, sandbox, ['quickbooks', 'hubspot']);
  qbConnection = connections.quickbooks!.id;
  org = connections.quickbooks!.organizationId;
  await syncSandboxConnection(deps(), 'quickbooks', qbConnection, today);
  await syncSandboxConnection(deps(), 'hubspot', connections.hubspot!.id, today);
  // French law for the fees (interest on any currency), on UTC so "today" is the test's.
  await db.pool.query(`UPDATE organizations SET timezone = 'UTC', sending_hours = $2::jsonb,
    late_payment_policy = '{"policy":"FR_B2B","chosen":true,"referenceRates":[{"from":"2020-01-01","rate":"2.15"}]}' WHERE id = $1`, [org, ALWAYS]);
}, 180_000);

afterAll(async () => {
  await mail?.close();
  await sandbox?.close();
  await db?.drop();
});

async function hubspotCompany(id: string): Promise<Record<string, string | null>> {
  const hs = sandbox.hubspot;
  const res = await fetch(`${hs.baseUrl}/crm/v3/objects/companies/${id}?properties=relance_credit_hold,relance_credit_hold_reason`, { headers: { authorization: `Bearer ${hs.accessToken}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { properties: Record<string, string | null> }).properties;
}

async function qbRead(entity: string, id: string): Promise<Record<string, unknown>> {
  const qb = sandbox.quickbooks;
  const res = await fetch(`${qb.baseUrl}/v3/company/${qb.realmId}/${entity}/${id}?minorversion=75`, { headers: { authorization: `Bearer ${qb.accessToken}`, accept: 'application/json' } });
  expect(res.status).toBe(200);
  return ((await res.json()) as Record<string, Record<string, unknown>>)[entity === 'invoice' ? 'Invoice' : 'Customer']!;
}

describe('credit end to end on the sandbox', () => {
  it('holds a customer over its limit, shows it on HubSpot, and lifts it when a QuickBooks payment clears it', async () => {
    const { rows: [c] } = await db.pool.query<{ id: string; external_id: string; currency: string; balance: string; company: string; small_invoice: string; small_balance: string }>(`
      SELECT c.id, c.external_id, c.currency::text, sum(i.balance_minor)::text AS balance, min(r.external_id) AS company,
             (array_agg(i.external_id ORDER BY i.balance_minor, i.external_id))[1] AS small_invoice, min(i.balance_minor)::text AS small_balance
        FROM customers c JOIN customer_external_refs r ON r.customer_id = c.id AND r.kind = 'company'
        JOIN invoices i ON i.customer_id = c.id AND i.status = 'open' AND i.balance_minor > 0 AND i.currency = c.currency AND NOT i.disputed
       WHERE c.connection_id = $1 GROUP BY c.id HAVING count(*) >= 2 ORDER BY sum(i.balance_minor) DESC LIMIT 1`, [qbConnection]);
    expect(c, 'a QuickBooks customer matched to a HubSpot company, with two open invoices').toBeDefined();
    // The limit: half the smallest invoice under the balance, so paying that invoice clears it.
    const limitMinor = BigInt(c!.balance) - BigInt(c!.small_balance) / 2n;
    const limit = (Number(limitMinor) / 100).toFixed(2);
    await db.db.transaction(async (tx) => {
      const asked = await requestCredit(tx, org, c!.id, { kind: 'limit', amount: limit, currency: c!.currency, reason: 'e2e' }, 'user:e2e-sales');
      await decideCredit(tx, org, asked.id, 'approve', ADMIN, {});
    });
    const placed = await reviewCreditHolds(db.db, org, today);
    expect(placed.placed).toContain(c!.id);
    await pushOutbox(deps());
    const held = await hubspotCompany(c!.company);
    expect(held.relance_credit_hold).toBe('true');
    expect(held.relance_credit_hold_reason).toMatch(/over the credit limit/);

    // The customer pays the smallest invoice in QuickBooks; Relance syncs and reconciles.
    await sandbox.controls.quickbooks.recordPayment({ customerId: c!.external_id, amountMinor: Number(c!.small_balance), date: today, allocations: [{ invoiceId: c!.small_invoice, amountMinor: Number(c!.small_balance) }] });
    await runSync({ store: db, keys: ring, connectorFor }, qbConnection);
    const run = await reconcile(deps(), qbConnection, { asOf: today });
    expect(run.creditHolds.lifted).toContain(c!.id);
    await pushOutbox(deps());
    expect((await hubspotCompany(c!.company)).relance_credit_hold).toBe('false');
  });

  it('posts approved late fees as a new QuickBooks invoice, once, and refuses them on a disputed invoice', async () => {
    const { rows: [i] } = await db.pool.query<{ id: string; customer_external: string; number: string }>(`
      SELECT i.id, c.external_id AS customer_external, i.number FROM invoices i JOIN customers c ON c.id = i.customer_id
       WHERE i.connection_id = $1 AND i.status = 'open' AND i.balance_minor > 10000 AND i.due_date < $2::date - 60 AND NOT i.disputed
       ORDER BY i.due_date, i.external_id LIMIT 1`, [qbConnection, today]);
    expect(i).toBeDefined();
    const posting = await requestFeePosting(db.db, org, { invoiceId: i!.id }, 'user:e2e-collector', today);
    expect(Number(posting.interest)).toBeGreaterThan(0);
    const approved = await decideFeePosting(db.db, org, posting.id, 'approve', ADMIN, { note: 'per our terms' });
    expect(approved).toMatchObject({ status: 'approved', decidedBy: ADMIN, posting: 'queued' });
    await pushOutbox(deps());
    const [after] = await listFeePostings(db.db, org, { invoiceId: i!.id });
    expect(after!.posting).toBe('posted');
    const created = sandbox.controls.quickbooks.writtenBack().filter((w) => w.entity === 'Invoice' && w.what === 'create');
    expect(created).toHaveLength(1);
    const invoice = await qbRead('invoice', created[0]!.id);
    expect((invoice.CustomerRef as { value: string }).value).toBe(i!.customer_external);
    expect(Math.round(Number(invoice.TotalAmt) * 100)).toBe(Math.round(Number(posting.total) * 100));
    expect(JSON.stringify(invoice.Line)).toContain(`Late-payment interest on invoice ${i!.number}`);
    // The push again, as after a lost answer (same requestid): QuickBooks answers with the same invoice.
    const { rows: [row] } = await db.pool.query<{ id: string; kind: string; payload: Record<string, unknown>; idempotency_key: string }>(
      `SELECT id, kind, payload, idempotency_key FROM outbox WHERE kind = 'post_fee_invoice'`);
    const session = await connectSession(deps(), qbConnection);
    const replay = await session.push(toPushChange({ id: row!.id, kind: row!.kind, payload: row!.payload }), { requestKey: requestKeyOf({ idempotencyKey: row!.idempotency_key, kind: row!.kind, payload: row!.payload }) });
    expect(replay.externalId).toBe(created[0]!.id);
    expect(sandbox.controls.quickbooks.writtenBack().filter((w) => w.entity === 'Invoice' && w.what === 'create')).toHaveLength(1);
    // Nothing more to post on that invoice today: asked again, it is refused naming the invoice.
    await expect(requestFeePosting(db.db, org, { invoiceId: i!.id }, 'user:e2e-collector', today)).rejects.toMatchObject({ details: { field: 'invoiceId' } });
    await pushOutbox(deps());
    expect(sandbox.controls.quickbooks.writtenBack().filter((w) => w.entity === 'Invoice' && w.what === 'create')).toHaveLength(1);

    const { rows: [d] } = await db.pool.query<{ id: string }>(`
      UPDATE invoices SET disputed = true WHERE id = (SELECT id FROM invoices WHERE connection_id = $1 AND status = 'open' AND due_date < $2::date - 30 AND id <> $3 ORDER BY external_id LIMIT 1) RETURNING id`, [qbConnection, today, i!.id]);
    await expect(requestFeePosting(db.db, org, { invoiceId: d!.id }, 'user:e2e-collector', today)).rejects.toMatchObject({ details: { field: 'disputed' } });
  });

  it('alerts the credit manager when an insured debt nears its declaration deadline', async () => {
    const { rows: [o] } = await db.pool.query<{ customer_id: string; id: string; due_date: string; currency: string }>(`
      SELECT i.customer_id, i.id, i.due_date::text, i.currency::text FROM invoices i
       WHERE i.connection_id = $1 AND i.status = 'open' AND i.balance_minor > 0 AND i.due_date < $2::date - 20 AND NOT i.disputed
       ORDER BY i.due_date DESC, i.id LIMIT 1`, [qbConnection, today]);
    const late = daysBetween(o!.due_date, today);
    await putInsurancePolicy(db.db, org, { insurer: 'Allianz Trade', insuredSharePercent: '90', maxExtensionDays: 60, declarationDeadlineDays: late + 5, alertDaysBefore: 15 });
    await setInsuredLimit(db.db, org, o!.customer_id, { amount: '100000.00', currency: o!.currency });
    await reviewCredit(db.db, org, today);
    const alerts = (await listAlerts(db.db, org)).filter((a) => a.kind === 'declaration_due' && a.customer.id === o!.customer_id);
    expect(alerts.length).toBeGreaterThan(0);
    expect(alerts[0]!.details).toMatchObject({ insurer: 'Allianz Trade' });
    expect(alerts.some((a) => a.invoice?.id === o!.id && a.details.daysLeft === 5)).toBe(true);
  });

  it("hands a customer over; its case file opens and lists every reminder it was sent", async () => {
    await installDefaultScenarios(db.db, org);
    await runOrganization(db.db, { organizationId: org, asOf: today });
    const base = demoSendDeps(mail, { keys: ring, publicUrl: 'http://127.0.0.1:1/' }, 'e2e-credit');
    const send = { ...base, channels: archivingLetters(db.db, base.channels), render: renderWithOverrides(db.db, base.render) };
    try {
      for (;;) if ((await sendDueActions(db.db, send, { limit: 200 })).claimed === 0) break;
    } finally {
      await send.channels.email.close();
    }
    const { rows: [who] } = await db.pool.query<{ customer_id: string; sent: number }>(`
      SELECT a.customer_id, count(*)::int AS sent FROM actions a
       WHERE a.organization_id = $1 AND a.status = 'sent'
         AND NOT EXISTS (SELECT 1 FROM legal_handovers h WHERE h.customer_id = a.customer_id)
       GROUP BY a.customer_id ORDER BY count(*) DESC, a.customer_id LIMIT 1`, [org]);
    expect(who, 'a customer that was sent reminders').toBeDefined();
    const { rows: sentRows } = await db.pool.query<{ day: string; step: number; channel: string }>(`
      SELECT to_char(sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, step, channel::text FROM actions
       WHERE customer_id = $1 AND status = 'sent' ORDER BY sent_at`, [who!.customer_id]);
    expect(sentRows.length).toBe(who!.sent);
    expect(sentRows.length).toBeGreaterThan(0);
    const handover = await handOver(db.db, org, who!.customer_id, { kind: 'litigation', party: 'Maître Dupont' }, ADMIN, today);
    const file = await buildCaseFile(db.db, org, handover.id);
    expect(file.reminders).toHaveLength(sentRows.length);
    const zip = unzipEntries(await caseFileZip(file, await caseDocuments(db.db, org, who!.customer_id)));
    const csv = zip.get('reminders.csv')!.toString('utf8').trim().split(/\r?\n/);
    expect(csv).toHaveLength(sentRows.length + 1);
    for (const r of sentRows) expect(csv.some((line) => line.startsWith(r.day) && line.includes(r.channel))).toBe(true);
    const parser = new PDFParse({ data: new Uint8Array(zip.get('case-file.pdf')!) });
    const text = (await parser.getText()).text;
    await parser.destroy();
    expect(text).toContain(`Reminders and letters (${sentRows.length})`);
    expect(text).toContain('Maître Dupont');
    // Letters sent by post are attached as printed.
    const letters = sentRows.filter((r) => r.channel === 'letter').length;
    expect([...zip.keys()].filter((k) => k.startsWith('documents/letter-'))).toHaveLength(letters);
  });
});
