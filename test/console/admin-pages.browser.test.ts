/**
 * The admin and credit-manager pages in headless Chromium against the real server on a real
 * PostgreSQL: a mapping edited with its live preview (saved, reloaded, and refused with the field
 * named), the dashboard's DSO trend and forecast charts, the weekly report schedule, a parked
 * write-back retried, and QuickBooks connected from the Connections page through the sandbox's
 * consent page, its first sync watched as a worker runs it, then disconnected and reconnected.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxProviderApps } from '../../cli/demo/connect-sandbox.ts';
import { createLogger } from '../../core/logging.ts';
import { enqueueSyncPull } from '../../jobs/sync.ts';
import { createWorker, type Worker } from '../../jobs/worker.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { createWorld, PASSWORD, seedRawCustomers, type World } from '../api/world.ts';
import { CHROMIUM, hasChromium, logIn, openBrowser, scrollWidth, type Browser } from './chromium.ts';

const PARKED = '00000000-0000-4000-8000-0000000000a1';

if (!hasChromium) console.warn(`console browser tests skipped: ${CHROMIUM} is absent (.ci/run installs Debian's chromium)`);

describe.skipIf(!hasChromium)('admin pages in Chromium', () => {
  let sandbox: RunningSandbox;
  let world: World;
  let worker: Worker | null = null;
  let base: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 81, invoices: 30, asOf: '2026-03-01', port: 0, limits: false });
    world = await createWorld({ providerApps: sandboxProviderApps(sandbox) });
    await seedRawCustomers(world);
    await world.db.pool.query(
      `INSERT INTO outbox (id, organization_id, connection_id, kind, entity, external_id, payload, idempotency_key, status, attempts, last_error)
       VALUES ($1, $2, $3, 'add_note', 'invoice', 'INV-C-ALPHA', '{}', 'k-a1', 'parked', 5, '{"message":"QuickBooks said: Stale object (SyncToken 3)"}')`,
      [PARKED, world.orgA, world.connA],
    );
    base = await world.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await openBrowser();
    page = browser.page;
    await logIn(page, base, 'admin@a.example', PASSWORD);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await worker?.stop(10_000);
    await world?.close();
    await sandbox?.close();
  });

  async function noHorizontalScroll() {
    expect(await scrollWidth(page)).toBeLessThanOrEqual(1280);
  }
  const nameRow = () => page.textContent('#mapping-preview tr[data-field=name]');
  const json = (override: unknown) => JSON.stringify(override, null, 2);

  it('comes back from a consent page to a highlighted connection with its record counts', async () => {
    await page.goto(`${base}/console/#/connections?connected=${world.connA}`);
    await page.waitForSelector('#connected-notice');
    expect(await page.getAttribute(`[data-connection="${world.connA}"]`, 'class')).toContain('highlight');
    expect(await page.textContent(`[data-connection="${world.connA}"] tr[data-entity=customer]`)).toContain('2');
    expect(await page.textContent(`[data-connection="${world.connA}"] [data-sync]`)).toBe('No sync has run from this server yet.');
    await noHorizontalScroll();
  });

  it('edits a mapping: the preview changes, Save keeps it, a reload shows it', async () => {
    await page.click(`[data-connection="${world.connA}"] [data-action=mappings]`);
    await page.waitForSelector('#mapping-preview');
    expect(await nameRow()).toContain('Alpha SARL');
    expect(await page.locator('#mapping-preview td.changed').count()).toBe(0);
    await page.fill('#mapping-json', json({ fields: { name: { path: 'CompanyName' } } }));
    await expect.poll(nameRow).toContain('Alpha Holding');
    expect(await page.locator('#mapping-preview tr[data-field=name] td.changed').count()).toBe(2);
    expect(await page.textContent('#mapping-preview tr[data-field=name] .source')).toBe('CompanyName');
    await page.click('#mapping-save');
    await expect.poll(() => page.textContent('#mapping-status')).toBe('Saved: the next sync uses it.');
    const { rows } = await world.db.pool.query('SELECT mapping_overrides FROM connections WHERE id = $1', [world.connA]);
    expect(rows[0].mapping_overrides.customer).toEqual({ fields: { name: { path: 'CompanyName' } } });
    await page.reload();
    await page.waitForSelector('#mapping-preview');
    expect(await nameRow()).toContain('Alpha Holding');
    expect(JSON.parse(await page.inputValue('#mapping-json'))).toEqual({ fields: { name: { path: 'CompanyName' } } });
    // The quick form writes the same override: back to the display name.
    await page.selectOption('#mapping-field', 'name');
    await page.fill('#mapping-path', 'DisplayName');
    await page.click('#mapping-use');
    await expect.poll(nameRow).toContain('Alpha SARL');
    await noHorizontalScroll();
  });

  it('names the field of a bad mapping and marks its row', async () => {
    await page.fill('#mapping-json', json({ fields: { name: { path: 'CompanyName', firstOf: ['DisplayName'] } } }));
    await expect.poll(() => page.textContent('#mapping-status')).toContain('fields.name: give one source, not path and firstOf');
    expect(await page.getAttribute('#mapping-preview tr[data-field=name]', 'class')).toBe('invalid');
    await page.fill('#mapping-json', '{ "fields": ');
    await expect.poll(() => page.textContent('#mapping-status')).toMatch(/^Not JSON/);
  });

  it('draws the DSO trend and the cash-in forecast', async () => {
    const headers = world.as('adminA');
    const trend = (await world.app.inject({ url: `/api/organizations/${world.orgA}/reports/dso-trend?months=12`, headers })).json();
    const drawn = trend.points.filter((p: { standard: string | null }) => p.standard !== null).length;
    await page.goto(`${base}/console/#/dashboard`);
    await page.waitForSelector('[data-chart=forecast] svg');
    // Twelve month ends labelled; a dot for each month with a figure, none for the months without.
    expect(await page.locator('[data-chart=dso][data-currency=EUR] text.label').count()).toBe(12);
    expect(await page.locator('[data-chart=dso][data-currency=EUR] circle.point').count()).toBe(drawn);
    expect(drawn).toBeGreaterThan(0);
    expect(await page.locator('[data-chart=forecast][data-currency=EUR] rect.bar').count()).toBe(8);
    expect(await page.getAttribute('[data-chart=forecast] svg', 'aria-label')).toMatch(/^Expected cash-in by week \(EUR\)/);
    await noHorizontalScroll();
  });

  it('saves the weekly report schedule and refuses a bad email next to the field', async () => {
    await page.click('nav >> text=Settings');
    await page.waitForSelector('#report-schedule');
    await page.fill('#schedule-recipients', 'finance@a.example\nnot-an-email');
    await page.click('#schedule-save');
    await expect.poll(() => page.textContent('[data-error-for=recipients]')).toContain('recipients');
    expect(await page.getAttribute('#schedule-recipients', 'aria-invalid')).toBe('true');
    expect((await world.db.pool.query('SELECT 1 FROM report_schedules')).rowCount).toBe(0);
    await page.fill('#schedule-recipients', 'finance@a.example, ceo@a.example');
    await page.selectOption('#schedule-weekday', '5');
    await page.selectOption('#schedule-hour', '7');
    await page.click('#schedule-save');
    await expect.poll(() => page.textContent('#schedule-status')).toBe('Saved.');
    const { rows } = await world.db.pool.query('SELECT recipients, weekday, hour FROM report_schedules WHERE organization_id = $1', [world.orgA]);
    expect(rows).toEqual([{ recipients: ['finance@a.example', 'ceo@a.example'], weekday: 5, hour: 7 }]);
    await page.reload();
    await page.waitForSelector('#report-schedule');
    expect(await page.inputValue('#schedule-recipients')).toBe('finance@a.example\nceo@a.example');
    expect(await page.inputValue('#schedule-weekday')).toBe('5');
    await noHorizontalScroll();
  });

  it("retries a parked write-back, showing the provider's error first", async () => {
    const row = page.locator(`#outbox-parked tr[data-row="${PARKED}"]`);
    expect(await row.textContent()).toContain('QuickBooks said: Stale object (SyncToken 3)');
    await row.locator('[data-action=retry]').click();
    await page.waitForSelector('#outbox-empty');
    const { rows } = await world.db.pool.query('SELECT status, attempts FROM outbox WHERE id = $1', [PARKED]);
    expect(rows).toEqual([{ status: 'pending', attempts: 0 }]);
  });

  it('connects QuickBooks through its consent page, then shows the first sync run and its records', async () => {
    await page.goto(`${base}/console/#/connections`);
    await page.click('[data-connect=quickbooks]');
    // The sandbox's consent page agrees at once; the callback sends the browser back to the console.
    await page.waitForURL(/#\/connections\?connected=/);
    const id = new URL(page.url().replace('#/connections', '')).searchParams.get('connected')!;
    await page.waitForSelector('#connected-notice');
    const card = `[data-connection="${id}"]`;
    expect(await page.getAttribute(card, 'class')).toContain('highlight');
    expect(await page.getAttribute(card, 'data-status')).toBe('active');
    // The world's server runs no scheduler: a worker process takes the sync, as beside `relance start`.
    worker = createWorker({ databaseUrl: world.db.url, logger: createLogger({ level: 'error', format: 'json' }), concurrency: 1, processEvery: 200, sync: { store: world.db, keys: world.keys } });
    await worker.start();
    await enqueueSyncPull(worker.agenda, { connectionId: id });
    await expect.poll(() => page.getAttribute(`${card} [data-sync]`, 'data-sync'), { timeout: 40_000, interval: 500 }).toBe('done');
    const { rows } = await world.db.pool.query<{ n: string }>('SELECT count(*)::text AS n FROM invoices WHERE connection_id = $1', [id]);
    expect(Number(rows[0]!.n)).toBeGreaterThan(0);
    await expect.poll(() => page.textContent(`${card} tr[data-entity=invoice] td.num`)).toBe(rows[0]!.n);
    // Its mapping editor now previews the records QuickBooks sent.
    await page.click(`${card} [data-action=mappings]`);
    await page.waitForSelector('#mapping-preview');
    expect(await page.locator('#mapping-preview thead th').count()).toBe(5);
    await noHorizontalScroll();
  }, 60_000);

  it('disconnects that connection, and Reconnect renews it through the consent page', async () => {
    await page.goto(`${base}/console/#/connections`);
    const card = `.connection[data-provider=quickbooks]:not([data-connection="${world.connA}"])`;
    await page.waitForSelector(card);
    const id = (await page.getAttribute(card, 'data-connection'))!;
    expect(await page.locator(`${card} [data-action=reconnect]`).count()).toBe(0);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.click(`${card} [data-action=disconnect]`);
    await expect.poll(() => page.getAttribute(card, 'data-status')).toBe('disconnected');
    await page.click(`${card} [data-action=reconnect]`);
    await page.waitForURL(new RegExp(`#/connections\\?connected=${id}$`));
    await page.waitForSelector('#connected-notice');
    expect(await page.getAttribute(`[data-connection="${id}"]`, 'data-status')).toBe('active');
    expect(await page.locator('.connection[data-provider=quickbooks]').count()).toBe(2);
  });
});
