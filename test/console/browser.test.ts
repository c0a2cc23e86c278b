/**
 * The console in headless Chromium (Debian's `chromium`, driven by playwright-core) against the
 * real server and API on a real PostgreSQL: log in, dashboard figures and chart, language switch,
 * customers and a timeline, an Excel export, a scenario edit with its validation error, and no
 * horizontal scroll at a laptop's width. With RELANCE_SCREENSHOTS=1 it also writes the PNGs of
 * docs/screenshots/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installDefaultScenarios } from '../../core/scenarios/index.ts';
import { createWorld, PASSWORD, type World } from '../api/world.ts';
import { CHROMIUM, hasChromium, openBrowser, type Browser } from './chromium.ts';

const SHOTS = process.env.RELANCE_SCREENSHOTS === '1' ? join(import.meta.dirname, '../../docs/screenshots') : null;

if (!hasChromium) console.warn(`console browser tests skipped: ${CHROMIUM} is absent (.ci/run installs Debian's chromium)`);

describe.skipIf(!hasChromium)('console in Chromium', () => {
  let world: World;
  let base: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    world = await createWorld();
    await installDefaultScenarios(world.db.db, world.orgA);
    base = await world.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await openBrowser({ acceptDownloads: true });
    page = browser.page;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  async function noHorizontalScroll() {
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1280);
  }
  async function shot(name: string) {
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`) });
  }

  it('refuses a wrong password, then logs in to the dashboard', async () => {
    await page.goto(`${base}/console/`);
    await page.fill('#email', 'admin@a.example');
    await page.fill('#password', 'wrong password');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('.login .error')).toBe('Wrong email or password.');
    await shot('login');
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-currency=EUR]');
    // Two customers with 1,000.00 EUR open each, both past due (2026-02-04).
    expect(await page.textContent('[data-figure=total] .card-value')).toBe('€2,000.00');
    expect(await page.textContent('[data-figure=overdue] .card-value')).toBe('€2,000.00');
    expect(await page.locator('section[data-currency=EUR] svg.chart rect.bar').count()).toBe(5);
    expect(await page.textContent('.table-box tbody')).toContain('Alpha SARL');
    // Organization B's customer is not shown to A's admin.
    expect(await page.textContent('main')).not.toContain('Gamma');
    await noHorizontalScroll();
    await shot('dashboard');
  });

  it('exports the aged balance as a real .xlsx', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-export=xlsx]')]);
    expect(download.suggestedFilename()).toMatch(/^aging-eur-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const bytes = readFileSync((await download.path())!);
    expect(bytes.subarray(0, 4).toString('hex')).toBe('504b0304');
  });

  it('switches to French and back', async () => {
    await page.selectOption('#language', 'fr');
    await page.waitForSelector('text=Tableau de bord');
    expect(await page.textContent('nav')).toContain('Clients');
    expect((await page.textContent('[data-figure=total] .card-value'))?.replace(/\s/g, ' ')).toBe('2 000,00 €');
    expect(await page.evaluate('document.documentElement.lang')).toBe('fr');
    await page.selectOption('#language', 'en');
    await page.waitForSelector('text=Dashboard');
  });

  it('searches customers and opens one with its invoices and timeline', async () => {
    await page.click('nav >> text=Customers');
    await page.waitForSelector('#customers tbody tr');
    expect(await page.locator('#customers tbody tr').count()).toBe(2);
    await page.fill('#customer-search', 'alpha');
    await expect.poll(() => page.locator('#customers tbody tr').count()).toBe(1);
    await noHorizontalScroll();
    await shot('customers');
    await page.click('#customers >> text=Alpha SARL');
    await page.waitForSelector('#invoices');
    expect(await page.textContent('h1')).toContain('Alpha SARL');
    expect(await page.textContent('#invoices')).toContain('F-C-ALPHA');
    expect(await page.textContent('#invoices')).toContain('€1,000.00');
    await page.waitForSelector('#timeline li');
    await noHorizontalScroll();
    await shot('customer');
  });

  it('lists the connection; a sync with no scheduler in this process fails visibly', async () => {
    await page.click('nav >> text=Connections');
    await page.waitForSelector('[data-provider=quickbooks]');
    expect(await page.getAttribute('[data-provider=quickbooks]', 'data-status')).toBe('active');
    await page.click('[data-provider=quickbooks] [data-action=sync]');
    await expect.poll(() => page.textContent('main .error')).toContain('no job scheduler runs in this process');
    await noHorizontalScroll();
    await shot('connections');
  });

  it('edits a scenario: a bad step is named, a good edit saves', async () => {
    await page.click('nav >> text=Scenarios');
    await page.click('#scenarios tbody tr:first-child button');
    // The JSON is the form's advanced view.
    await page.click('#scenario-advanced summary');
    const editor = page.locator('#scenario-json');
    const original = JSON.parse(await editor.inputValue()) as { steps: { offsetDays: unknown }[] };
    await editor.fill(JSON.stringify({ ...original, steps: [{ ...original.steps[0], offsetDays: 'soon' }, ...original.steps.slice(1)] }, null, 2));
    await expect.poll(() => page.textContent('#scenario-status'), { timeout: 10_000 }).toBe("Invalid: scenario steps[0].offsetDays: must be a number of days");
    await editor.fill('{ "name": ');
    await expect.poll(() => page.textContent('#scenario-status')).toMatch(/^Not JSON/);
    await editor.fill(JSON.stringify(original, null, 2));
    await expect.poll(() => page.textContent('#scenario-status')).toBe('Valid scenario.');
    await page.click('#scenario-save');
    await expect.poll(() => page.textContent('#scenario-status')).toBe('Saved.');
    await noHorizontalScroll();
    await shot('scenarios');
  });

  it('logs out', async () => {
    await page.click('#logout');
    await page.waitForSelector('#email');
    const me = await page.evaluate("fetch('/api/auth/me').then((r) => r.status)");
    expect(me).toBe(401);
  });
});
