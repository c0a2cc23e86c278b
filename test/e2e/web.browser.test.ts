/**
 * Issue #8's proof in headless Chromium, on the demo's wiring (cli/demo/serve.ts: the real server
 * and job worker on a real PostgreSQL, the provider simulators, the SMTP mail catcher): log in,
 * connect the sandbox QuickBooks from the Connections page through its consent page, watch the
 * first sync, edit a mapping and see the preview change, approve a reminder and see it arrive at
 * the mail catcher, open the portal link from that email, promise a date, and see the scenario
 * pause and the promise reach HubSpot's sandbox. With RELANCE_SCREENSHOTS=1 it also writes the
 * approval queue, the mapping editor, the dashboard's charts and the portal to docs/screenshots/.
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
import { addDays, toDayNumber, todayIn } from '../../core/calendar/index.ts';
import { generateKeySpec, parseKeyRing } from '../../core/crypto.ts';
import { createLogger } from '../../core/logging.ts';
import { saveScenario } from '../../core/scenarios/index.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { startMailCatcher, type MailCatcher } from '../../sandbox/mail-catcher.ts';
import { parseRawMail } from '../channels/raw-mail.ts';
import { CHROMIUM, hasChromium, logIn, openBrowser, scrollWidth, type Browser } from '../console/chromium.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

const SHOTS = process.env.RELANCE_SCREENSHOTS === '1' ? join(import.meta.dirname, '../../docs/screenshots') : null;
/**
 * An email that waits for a collector, so the queue holds a reminder that goes by email, then a
 * second one `secondOffset` days after the due date: past every step-one date of today's ledger,
 * so that it comes later, while the customer's promise is pending.
 */
const scenario = (secondOffset: number) => ({
  name: 'standard',
  steps: [
    { offsetDays: 1, action: 'email', template: 'reminder-1', requiresApproval: true },
    { offsetDays: secondOffset, action: 'email', template: 'reminder-2' },
  ],
});
const ALWAYS = JSON.stringify({ from: '00:00', to: '24:00', days: [1, 2, 3, 4, 5, 6, 7] });
const silent = createLogger({ stream: new Writable({ write: (_c, _e, cb) => cb() }), format: 'json' });

if (!hasChromium) console.warn(`web browser test skipped: ${CHROMIUM} is absent (.ci/run installs Debian's chromium)`);

describe.skipIf(!hasChromium)('issue #8 in a browser: console, reminder, portal, write-back', () => {
  const today = todayIn('UTC');
  const keys = parseKeyRing(generateKeySpec());
  let db: TestDatabase;
  let sandbox: RunningSandbox;
  let mail: MailCatcher;
  let served: ServedDemo;
  let browser: Browser;
  let page: Page;
  let organizationId: string;
  let quickbooksId: string;
  /** The reminder approved, its customer and the HubSpot company linked to it. */
  let chosen: { actionId: string; customerId: string; customerName: string; email: string; companyId: string; hubspotConnectionId: string };
  let portalUrl: string;
  let secondOffset: number;

  beforeAll(async () => {
    db = await createTestDatabase();
    sandbox = await startSandbox({ seed: 7, invoices: 30, asOf: today, port: 0, limits: false });
    mail = await startMailCatcher();
    // HubSpot is connected beforehand; QuickBooks is left to the console's Connect button.
    const { connections } = await connectSandbox({ pool: db.pool, keys }, sandbox, ['hubspot']);
    organizationId = connections.hubspot!.organizationId;
    await db.pool.query('UPDATE organizations SET sending_hours = $2::jsonb WHERE id = $1', [organizationId, ALWAYS]);
    const user = await ensureDemoUser(db.db, [organizationId]);
    const { port } = await choosePort('127.0.0.1', 0);
    served = await serveDemo({ store: { ...db, mode: 'postgres' }, keys, logger: silent, sandbox, mail, host: '127.0.0.1', port });
    browser = await openBrowser();
    page = browser.page;
    await logIn(page, served.url, user.email, user.password);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await mail?.close();
    await sandbox?.close();
    await db?.drop();
  });

  async function shot(name: string) {
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`) });
  }

  it('connects QuickBooks from the Connections page and shows its first sync done', async () => {
    await page.click('nav >> text=Connections');
    await page.click('[data-connect=quickbooks]');
    // The sandbox's consent page agrees at once; the callback queues the first sync on the worker.
    await page.waitForURL(/#\/connections\?connected=/);
    quickbooksId = new URL(page.url().replace('#/connections', '')).searchParams.get('connected')!;
    const card = `[data-connection="${quickbooksId}"]`;
    await page.waitForSelector(`${card}[data-status=active]`);
    await expect.poll(() => page.getAttribute(`${card} [data-sync]`, 'data-sync'), { timeout: 60_000, interval: 500 }).toBe('done');
    const { rows } = await db.pool.query<{ n: string }>('SELECT count(*)::text AS n FROM invoices WHERE connection_id = $1', [quickbooksId]);
    expect(Number(rows[0]!.n)).toBe(sandbox.world.quickbooks.invoices.length);
    await expect.poll(() => page.textContent(`${card} tr[data-entity=invoice] td.num`)).toBe(rows[0]!.n);
  }, 90_000);

  it('edits a mapping and sees the preview change', async () => {
    await page.click(`[data-connection="${quickbooksId}"] [data-action=mappings]`);
    await page.waitForSelector('#mapping-preview tr[data-field=name]');
    const nameRow = () => page.textContent('#mapping-preview tr[data-field=name]');
    const before = await nameRow();
    expect(await page.locator('#mapping-preview tr[data-field=name] td.changed').count()).toBe(0);
    // The customer's name from its email address instead of its display name: every sample changes.
    await page.fill('#mapping-json', JSON.stringify({ fields: { name: { path: 'PrimaryEmailAddr.Address' } } }, null, 2));
    await expect.poll(nameRow).toContain('@');
    expect(await nameRow()).not.toBe(before);
    expect(await page.locator('#mapping-preview tr[data-field=name] td.changed').count()).toBeGreaterThan(0);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(1280);
    await shot('mappings');
  });

  it('approves a reminder in the queue; the worker sends it to the SMTP catcher with the portal link', async () => {
    // The CRM after the accounting system, so its companies match the customers; then the daily run.
    await syncSandboxConnection({ store: db, keys }, 'hubspot', await hubspotConnectionId(), today);
    secondOffset = toDayNumber(today) - toDayNumber(await oldestOpenDueDate()) + 5;
    await saveScenario(db.db, organizationId, scenario(secondOffset));
    await runOrganization(db.db, { organizationId, asOf: today });
    chosen = await reminderToApprove();

    await page.click('nav >> text=Approvals');
    const row = `tr[data-action-id="${chosen.actionId}"]`;
    await page.waitForSelector(row);
    await shot('approvals');
    await page.click(`${row} [data-open]`);
    await page.waitForSelector(`#approval-detail [data-action-id="${chosen.actionId}"]`);
    await page.click('#approval-save-approve');
    await page.waitForSelector(row, { state: 'detached' });

    const caughtBefore = mail.messages.length;
    await served.worker.agenda.now('dunning.send', { organizationId });
    await expect.poll(() => mail.messages.slice(caughtBefore).filter((m) => m.to.includes(chosen.email)).length, { timeout: 30_000, interval: 250 }).toBe(1);
    const message = parseRawMail(mail.messages.slice(caughtBefore).find((m) => m.to.includes(chosen.email))!.raw);
    const link = /https?:\/\/\S+\/portal\/[\w.-]+/.exec(message.parts.get('text/plain') ?? '');
    expect(link, 'a portal link in the text part').not.toBeNull();
    portalUrl = link![0];
    expect(new URL(portalUrl).origin).toBe(served.url);
  }, 90_000);

  it("opens the email's portal link and promises a date; the scenario pauses and HubSpot gets the promise date", async () => {
    // The day the customer's second reminder comes; the promise runs past it.
    const secondReminder = addDays(await oldestOpenDueDate(chosen.customerId), secondOffset);
    const promised = addDays(secondReminder, 5);
    await page.goto(portalUrl);
    expect(await page.textContent('body')).toContain(chosen.customerName);
    await shot('portal');
    const form = page.locator('form[action$="/promise"]');
    await form.locator('input[name=date]').fill(promised);
    await form.locator('input[name=amount]').fill('100.00');
    await form.locator('button[type=submit]').click();
    await page.waitForURL(/\?done=1$/);

    // The scenario pauses: on the second reminder's day the engine plans nothing for the customer.
    await runOrganization(db.db, { organizationId, asOf: secondReminder });
    const { rows: waiting } = await db.pool.query(
      `SELECT id FROM actions WHERE customer_id = $1 AND status IN ('planned', 'awaiting_approval')`, [chosen.customerId]);
    expect(waiting).toEqual([]);
    // The collector sees the promise on the customer's page in the console.
    await page.goto(`${served.url}/console/#/customers/${chosen.customerId}`);
    await page.waitForSelector('#promises tr[data-status=pending]');

    // The write-back reaches HubSpot's sandbox: the company's Relance promise date.
    await served.worker.agenda.now('outbox.push', {});
    await expect.poll(() => hubspotPromiseDate(chosen.companyId), { timeout: 30_000, interval: 500 }).toBe(promised);
  }, 90_000);

  it('shows the dashboard with its charts', async () => {
    await page.goto(`${served.url}/console/#/dashboard`);
    await page.waitForSelector('[data-chart=forecast] svg');
    expect(await page.locator('[data-chart=dso] svg').count()).toBeGreaterThan(0);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(1280);
    // The trend and the forecast, below the aged balance.
    await page.locator('[data-chart=dso]').first().evaluate((e) => e.scrollIntoView());
    await shot('dashboard-charts');
  });

  /** The due date of the oldest open invoice of the organization, or of one customer. */
  async function oldestOpenDueDate(customerId?: string): Promise<string> {
    const { rows } = await db.pool.query<{ due: string }>(
      `SELECT min(due_date)::text AS due FROM invoices WHERE organization_id = $1 AND status = 'open' AND ($2::uuid IS NULL OR customer_id = $2)`,
      [organizationId, customerId ?? null],
    );
    return rows[0]!.due;
  }

  async function hubspotConnectionId(): Promise<string> {
    const { rows } = await db.pool.query<{ id: string }>(`SELECT id FROM connections WHERE organization_id = $1 AND provider = 'hubspot'`, [organizationId]);
    return rows[0]!.id;
  }

  /** A reminder awaiting approval, by email, to a customer linked to a HubSpot company. */
  async function reminderToApprove(): Promise<typeof chosen> {
    const { rows } = await db.pool.query<typeof chosen>(
      `SELECT a.id AS "actionId", c.id AS "customerId", c.name AS "customerName", c.email, r.external_id AS "companyId", r.connection_id AS "hubspotConnectionId"
         FROM actions a JOIN customers c ON c.id = a.customer_id
         JOIN customer_external_refs r ON r.customer_id = c.id AND r.kind = 'company'
        WHERE a.organization_id = $1 AND a.status = 'awaiting_approval' AND a.channel = 'email' AND c.email IS NOT NULL
        ORDER BY c.name LIMIT 1`,
      [organizationId],
    );
    expect(rows, 'an email reminder awaiting approval for a customer matched to a HubSpot company').toHaveLength(1);
    return rows[0]!;
  }

  /** What HubSpot's API says of the company's promise date, as a salesperson's CRM would show it. */
  async function hubspotPromiseDate(companyId: string): Promise<string | null> {
    const url = `${sandbox.hubspot.baseUrl}/crm/v3/objects/companies/${companyId}?properties=relance_promise_date`;
    const res = await fetch(url, { headers: { authorization: `Bearer ${sandbox.hubspot.accessToken}` } });
    const body = (await res.json()) as { properties?: Record<string, string | null> };
    return body.properties?.relance_promise_date ?? null;
  }
});
