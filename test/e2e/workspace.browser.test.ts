/**
 * Issue #17's proof in headless Chromium, on the demo's wiring (the real server and job worker on a
 * real PostgreSQL, the provider simulators, the SMTP mail catcher): a collector sorts the worklist
 * by overdue amount, pauses the top customer until a date and sees HubSpot's company show it, logs
 * a call with a promise (the promise appears and the next reminder is held), finds the ledger's
 * unapplied money listed and allocates a payment by hand (the QuickBooks application queued in the
 * outbox, then pushed by the outbox job: the sandbox's payment shows the LinkedTxn and its
 * UnappliedAmt lowered by the amount), and reads a timeline that says a reminder was cancelled because the customer disputed.
 * With RELANCE_SCREENSHOTS=1 it writes the worklist, the customer page and the unapplied page to
 * docs/screenshots/.
 */
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSandbox } from '../../cli/demo/connect-sandbox.ts';
import { ensureDemoUser } from '../../cli/demo/demo-access.ts';
import { syncSandboxConnection } from '../../cli/demo/run-demo.ts';
import { choosePort, serveDemo, type ServedDemo } from '../../cli/demo/serve.ts';
import { runOrganization } from '../../core/agenda/index.ts';
import { addDays, todayIn } from '../../core/calendar/index.ts';
import { generateKeySpec, parseKeyRing } from '../../core/crypto.ts';
import { openDispute } from '../../core/disputes/index.ts';
import { createLogger } from '../../core/logging.ts';
import { installDefaultScenarios } from '../../core/scenarios/index.ts';
import { sendStopReason } from '../../core/sending/stop-check.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { startMailCatcher, type MailCatcher } from '../../sandbox/mail-catcher.ts';
import { CHROMIUM, hasChromium, logIn, openBrowser, scrollWidth, type Browser } from '../console/chromium.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

const SHOTS = process.env.RELANCE_SCREENSHOTS === '1' ? join(import.meta.dirname, '../../docs/screenshots') : null;
const ALWAYS = JSON.stringify({ from: '00:00', to: '24:00', days: [1, 2, 3, 4, 5, 6, 7] });
const silent = createLogger({ stream: new Writable({ write: (_c, _e, cb) => cb() }), format: 'json' });
/** A decimal string ("1234.5", "120000") at four decimals, to compare amounts of any currency exactly. */
const scaled = (text: string) => {
  const [whole, fraction = ''] = text.split('.');
  return BigInt(whole!) * 10_000n + BigInt(fraction.padEnd(4, '0').slice(0, 4));
};

if (!hasChromium) console.warn(`workspace browser test skipped: ${CHROMIUM} is absent`);

describe.skipIf(!hasChromium)('issue #17 in a browser: the collector’s workspace', () => {
  const today = todayIn('UTC');
  const keys = parseKeyRing(generateKeySpec());
  let db: TestDatabase;
  let sandbox: RunningSandbox;
  let mail: MailCatcher;
  let served: ServedDemo;
  let browser: Browser;
  let page: Page;
  let organizationId: string;
  let top: { id: string; name: string; companyId: string };

  beforeAll(async () => {
    db = await createTestDatabase();
    sandbox = await startSandbox({ seed: 7, invoices: 300, asOf: today, port: 0, limits: false });
    mail = await startMailCatcher();
    const { connections } = await connectSandbox({ pool: db.pool, keys }, sandbox, ['quickbooks', 'hubspot']);
    organizationId = connections.quickbooks!.organizationId;
    await syncSandboxConnection({ store: db, keys }, 'quickbooks', connections.quickbooks!.id, today);
    await syncSandboxConnection({ store: db, keys }, 'hubspot', connections.hubspot!.id, today);
    await db.pool.query('UPDATE organizations SET sending_hours = $2::jsonb WHERE id = $1', [organizationId, ALWAYS]);
    await installDefaultScenarios(db.db, organizationId);
    await runOrganization(db.db, { organizationId, asOf: today });
    const user = await ensureDemoUser(db.db, [organizationId]);
    const { port } = await choosePort('127.0.0.1', 0);
    served = await serveDemo({ store: { ...db, mode: 'postgres' }, keys, logger: silent, sandbox, mail, host: '127.0.0.1', port });
    browser = await openBrowser();
    page = browser.page;
    await logIn(page, served.url, user.email, user.password);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await mail?.close();
    await sandbox?.close();
    await db?.drop();
  });

  async function shot(name: string) {
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  }

  it('sorts the worklist by overdue amount, largest first', async () => {
    await page.goto(`${served.url}/console/#/customers`);
    await page.waitForSelector('#customers tbody tr');
    await page.click('#sort-overdue');
    await expect.poll(() => page.getAttribute('#customers th[aria-sort]', 'aria-sort')).toBe('descending');
    await expect.poll(async () => {
      const amounts = (await page.locator('#customers tbody td[data-overdue]').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-overdue') ?? ''))).map(scaled);
      return amounts.length > 1 && amounts.every((a, k) => k === 0 || amounts[k - 1]! >= a);
    }).toBe(true);
    const first = page.locator('#customers tbody tr').first();
    const id = (await first.getAttribute('data-customer-id'))!;
    const { rows } = await db.pool.query<{ name: string; company: string | null; overdue: string }>(
      `SELECT c.name, r.external_id AS company FROM customers c LEFT JOIN customer_external_refs r ON r.customer_id = c.id AND r.kind = 'company' WHERE c.id = $1`, [id]);
    expect(rows[0]!.company, 'the top customer is linked to a HubSpot company').not.toBeNull();
    top = { id, name: rows[0]!.name, companyId: rows[0]!.company! };
    expect(await scrollWidth(page)).toBeLessThanOrEqual(1280);
    await shot('worklist');
  }, 60_000);

  it('pauses the top customer until a date; the worklist shows it and HubSpot’s company is paused', async () => {
    const until = addDays(today, 14);
    await page.click(`#customers tr[data-customer-id="${top.id}"] a`);
    await page.waitForSelector('#pause-form');
    await page.fill('#pause-reason', 'waiting for their purchase order');
    await page.fill('#pause-until', until);
    await page.click('#pause-form button[type=submit]');
    await page.waitForSelector('#holds li[data-hold-id]');
    expect(await page.textContent('#holds')).toContain('waiting for their purchase order');
    await page.waitForSelector('#customer-flags [data-flag=paused]');
    await expect.poll(() => page.textContent('#timeline li:first-child .sentence')).toMatch(/paused reminders until .*: waiting for their purchase order/);

    await served.worker.agenda.now('outbox.push', {});
    await expect.poll(() => hubspotProperty(top.companyId, 'relance_paused'), { timeout: 30_000, interval: 500 }).toBe('true');

    await page.goto(`${served.url}/console/#/customers`);
    await page.check('#paused-only');
    await expect.poll(() => page.locator(`#customers tr[data-customer-id="${top.id}"] [data-flag=paused]`).count()).toBe(1);
  }, 60_000);

  it('logs a call with a promise: the promise appears and the next reminder is held', async () => {
    const { rows } = await db.pool.query<{ customer_id: string; action_id: string }>(
      `SELECT a.customer_id, a.id AS action_id FROM actions a JOIN customers c ON c.id = a.customer_id
        WHERE a.organization_id = $1 AND a.status IN ('planned', 'awaiting_approval') AND a.customer_id <> $2
        ORDER BY c.name LIMIT 1`, [organizationId, top.id]);
    const { customer_id: customerId, action_id: actionId } = rows[0]!;
    expect(await db.db.transaction((tx) => sendStopReason(tx, actionId, new Date()))).toBeNull();
    await page.goto(`${served.url}/console/#/customers/${customerId}`);
    await page.waitForSelector('#call-form');
    await page.selectOption('#call-outcome', 'promise');
    await page.fill('#call-note', 'the accountant pays on Friday');
    await page.fill('#call-amount', '150.00');
    await page.fill('#call-date', addDays(today, 6));
    await page.click('#call-form button[type=submit]');
    await page.waitForSelector('#customer-promise');
    expect(await page.textContent('#customer-promise')).toContain('150.00');
    await page.waitForSelector('#promises tr[data-status=pending]');
    expect(await page.textContent('#card-next')).toContain('held: promise');
    expect(await page.textContent('#timeline')).toContain('called and got a promise to pay: the accountant pays on Friday');
    // The sender's last check before a send agrees: the reminder is held by the promise.
    expect(await db.db.transaction((tx) => sendStopReason(tx, actionId, new Date()))).toBe('promise');
    await shot('customer-workspace');
  }, 60_000);

  it('lists the unapplied money and allocates a payment by hand; the application is written back to QuickBooks', async () => {
    const { rows: expected } = await db.pool.query<{ n: number }>(
      `SELECT ((SELECT count(*) FROM payments WHERE organization_id = $1 AND unapplied_minor > 0 AND customer_id IS NOT NULL)
             + (SELECT count(*) FROM credit_notes WHERE organization_id = $1 AND remaining_minor > 0 AND customer_id IS NOT NULL))::int AS n`, [organizationId]);
    expect(expected[0]!.n).toBeGreaterThan(0);
    await page.goto(`${served.url}/console/#/unapplied`);
    await page.waitForSelector('#unapplied-money [data-money-id]');
    expect(await page.locator('#unapplied-money [data-money-id]').count()).toBe(expected[0]!.n);
    await shot('unapplied-money');

    // A QuickBooks payment with an open invoice to apply it to.
    const { rows } = await db.pool.query<{ id: string; external_id: string; unapplied: string; invoice_id: string; invoice_external: string; balance: string }>(
      `SELECT p.id, p.external_id, p.unapplied_minor::text AS unapplied, i.id AS invoice_id, i.external_id AS invoice_external, i.balance_minor::text AS balance
         FROM payments p JOIN invoices i ON i.customer_id = p.customer_id AND i.currency = p.currency AND i.status = 'open' AND i.balance_minor > 0 AND NOT i.disputed
        WHERE p.organization_id = $1 AND p.unapplied_minor > 0 ORDER BY p.date, p.id, i.due_date LIMIT 1`, [organizationId]);
    expect(rows, 'a QuickBooks payment with unapplied money and an open invoice of its customer').toHaveLength(1);
    const m = rows[0]!;
    const amount = (BigInt(m.unapplied) < BigInt(m.balance) ? BigInt(m.unapplied) : BigInt(m.balance)) / 2n || 1n;
    const decimal = `${amount / 100n}.${String(amount % 100n).padStart(2, '0')}`;
    const card = `#unapplied-money [data-money-id="${m.id}"]`;
    const sandboxBefore = await quickbooksPayment(m.external_id);
    // Too much first: refused under the invoice's line, nothing written.
    const allocated = async () => (await db.pool.query(`SELECT 1 FROM allocations WHERE payment_id = $1`, [m.id])).rows.length;
    const before = await allocated();
    await page.fill(`${card} input[data-invoice="${m.invoice_id}"]`, '99999999.00');
    await expect.poll(() => page.getAttribute(`${card} [data-remainder]`, 'class')).toBe('error');
    await page.click(`${card} form button[type=submit]`);
    await page.waitForSelector(`${card} [aria-invalid=true]`);
    expect(await allocated()).toBe(before);

    await page.fill(`${card} input[data-invoice="${m.invoice_id}"]`, decimal);
    await expect.poll(() => page.textContent(`${card} [data-remainder]`)).toContain('Left unapplied');
    await page.click(`${card} form button[type=submit]`);
    await expect.poll(() => page.textContent('#unapplied-money-notice')).toContain('Written back to the accounting system');
    const { rows: outbox } = await db.pool.query<{ payload: { sourceExternalId: string; applications: { invoiceExternalId: string; amount: string }[] } }>(
      `SELECT payload FROM outbox WHERE organization_id = $1 AND kind = 'apply_payment'`, [organizationId]);
    expect(outbox).toHaveLength(1);
    expect(outbox[0]!.payload).toMatchObject({ sourceExternalId: m.external_id, applications: [{ invoiceExternalId: m.invoice_external, amount: decimal }] });

    // The outbox job pushes it: QuickBooks' own payment now links the invoice, its unapplied amount lowered by exactly that much.
    await served.worker.agenda.now('outbox.push', {});
    await expect.poll(async () => (await db.pool.query(`SELECT status::text FROM outbox WHERE organization_id = $1 AND kind = 'apply_payment'`, [organizationId])).rows[0].status, { timeout: 30_000, interval: 500 }).toBe('done');
    const sandboxAfter = await quickbooksPayment(m.external_id);
    expect(sandboxAfter.Line).toEqual(expect.arrayContaining([expect.objectContaining({ LinkedTxn: [{ TxnId: m.invoice_external, TxnType: 'Invoice' }] })]));
    expect(scaled(String(sandboxAfter.UnappliedAmt))).toBe(scaled(String(sandboxBefore.UnappliedAmt)) - amount * 100n);
    expect(Number(sandboxAfter.SyncToken)).toBe(Number(sandboxBefore.SyncToken) + 1);
  }, 90_000);

  it('says in words that a reminder was cancelled because the customer disputed', async () => {
    const { rows } = await db.pool.query<{ action_id: string; customer_id: string; invoice_id: string; number: string }>(
      `SELECT a.id AS action_id, a.customer_id, i.id AS invoice_id, coalesce(i.number, i.external_id) AS number
         FROM actions a JOIN action_invoices ai ON ai.action_id = a.id JOIN invoices i ON i.id = ai.invoice_id JOIN customers c ON c.id = a.customer_id
        WHERE a.organization_id = $1 AND a.status IN ('awaiting_approval', 'planned') AND i.status = 'open' AND NOT i.disputed
          AND NOT c.paused AND NOT EXISTS (SELECT 1 FROM promises_to_pay p WHERE p.customer_id = a.customer_id)
          AND NOT EXISTS (SELECT 1 FROM dunning_holds h WHERE h.customer_id = a.customer_id)
        ORDER BY c.name LIMIT 1`, [organizationId]);
    const r = rows[0]!;
    // A collector approved it (the queue's own function is tested elsewhere); then the customer disputes before it leaves.
    await db.pool.query(`UPDATE actions SET status = 'planned', scheduled_for = $2 WHERE id = $1`, [r.action_id, today]);
    await db.db.transaction((tx) => openDispute(tx, { organizationId, invoiceIds: [r.invoice_id], reason: 'goods returned', openedVia: 'portal' }));
    await served.worker.agenda.now('dunning.send', { organizationId });
    await expect.poll(async () => (await db.pool.query(`SELECT status::text FROM actions WHERE id = $1`, [r.action_id])).rows[0].status, { timeout: 30_000, interval: 300 }).toBe('cancelled');
    await page.goto(`${served.url}/console/#/customers/${r.customer_id}`);
    await page.waitForSelector('#timeline li[data-kind="reminder.cancelled"]');
    const sentence = await page.textContent('#timeline li[data-kind="reminder.cancelled"] .sentence');
    expect(sentence).toMatch(new RegExp(`^Reminder \\d+ cancelled: the customer disputed invoice ${r.number.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    expect(await page.textContent('#timeline li[data-kind="dispute.opened"] .sentence')).toBe(`The customer disputed invoice ${r.number} from the portal: goods returned`);
    await page.locator('#timeline').evaluate((e) => e.scrollIntoView());
    await shot('timeline-in-words');
  }, 60_000);

  /** The payment as QuickBooks' own API shows it. */
  async function quickbooksPayment(id: string): Promise<{ Line?: unknown[]; UnappliedAmt?: number; SyncToken?: string }> {
    const qb = sandbox.quickbooks;
    const res = await fetch(`${qb.baseUrl}/v3/company/${qb.realmId}/payment/${id}?minorversion=75`, { headers: { authorization: `Bearer ${qb.accessToken}`, accept: 'application/json' } });
    return ((await res.json()) as { Payment: { Line?: unknown[]; UnappliedAmt?: number; SyncToken?: string } }).Payment;
  }

  /** A property of the HubSpot company, as the salesperson's CRM shows it. */
  async function hubspotProperty(companyId: string, name: string): Promise<string | null> {
    const res = await fetch(`${sandbox.hubspot.baseUrl}/crm/v3/objects/companies/${companyId}?properties=${name}`, { headers: { authorization: `Bearer ${sandbox.hubspot.accessToken}` } });
    const body = (await res.json()) as { properties?: Record<string, string | null> };
    return body.properties?.[name] ?? null;
  }
});
