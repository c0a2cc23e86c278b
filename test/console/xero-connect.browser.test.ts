/**
 * Issue 13 done-when: a Xero GBP organization connected from the console shows GBP / GB. In headless
 * Chromium against the real server on a real PostgreSQL: an admin creates an organization (typed as
 * EUR / FR), opens its Connections page, clicks "Connect Xero", passes the sandbox's consent page,
 * and comes back to a Xero connection whose organization now says GBP / GB — what the sandbox's
 * GET /Organisation answers — on the page and in the store.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxProviderApps } from '../../cli/demo/connect-sandbox.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { createWorld, PASSWORD, type World } from '../api/world.ts';
import { type Browser, CHROMIUM, hasChromium, openConsole } from './chromium.ts';

if (!hasChromium) console.warn(`console browser tests skipped: ${CHROMIUM} is absent (.ci/run installs Debian's chromium)`);

describe.skipIf(!hasChromium)('connecting Xero from the console', () => {
  let sandbox: RunningSandbox;
  let world: World;
  let base: string;
  let browser: Browser;
  let page: Page;
  let orgId: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 83, invoices: 20, asOf: '2026-03-01', port: 0, limits: false });
    world = await createWorld({ providerApps: sandboxProviderApps(sandbox) });
    // A new organization, its currency and country typed wrong: the Xero tenant is GBP / GB.
    const created = await world.app.inject({
      method: 'POST', url: '/api/organizations', headers: world.as('adminA'),
      payload: { name: 'Thames (console)', baseCurrency: 'EUR', country: 'FR' },
    });
    expect(created.statusCode, created.body).toBe(201);
    orgId = created.json().id;
    ({ base, browser, page } = await openConsole(world.app, 'admin@a.example', PASSWORD));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await world?.close();
    await sandbox?.close();
  });

  it('connects through the consent page; the organization shows GBP / GB', async () => {
    expect(sandbox.world.xero).toMatchObject({ homeCurrency: 'GBP', country: 'GB' });
    await page.evaluate(`localStorage.setItem('relance.organization', '${orgId}')`);
    await page.goto(`${base}/console/#/connections`);
    await page.reload();
    await expect.poll(() => page.textContent('#organization-facts')).toBe('Organization: base currency EUR, country FR');
    await page.click('[data-connect=xero]');
    // The sandbox's consent page agrees at once; the callback sends the browser back to the console.
    await page.waitForURL(/#\/connections\?connected=/, { timeout: 30_000 });
    const id = new URL(page.url().replace('#/connections', '')).searchParams.get('connected')!;
    await page.waitForSelector('#connected-notice');
    const card = `[data-connection="${id}"]`;
    expect(await page.getAttribute(card, 'data-provider')).toBe('xero');
    expect(await page.textContent(`${card} h2`)).toContain(sandbox.world.xero.organizationName);
    await expect.poll(() => page.textContent('#organization-facts')).toBe('Organization: base currency GBP, country GB');
    const { rows } = await world.db.pool.query('SELECT o.base_currency::text AS currency, o.country::text AS country FROM organizations o JOIN connections c ON c.organization_id = o.id WHERE c.id = $1', [id]);
    expect(rows).toEqual([{ currency: 'GBP', country: 'GB' }]);
  }, 60_000);

  it('keeps the facts of an organization that already has a ledger: a second accounting connection changes nothing', async () => {
    // Organization A has its QuickBooks connection (EUR / FR): connecting Xero there leaves it alone.
    await page.evaluate(`localStorage.setItem('relance.organization', '${world.orgA}')`);
    await page.goto(`${base}/console/#/connections`);
    await page.reload();
    await page.click('[data-connect=xero]');
    await page.waitForURL(/#\/connections\?connected=/, { timeout: 30_000 });
    await expect.poll(() => page.textContent('#organization-facts')).toBe('Organization: base currency EUR, country FR');
    const { rows } = await world.db.pool.query('SELECT base_currency::text AS currency, country::text AS country FROM organizations WHERE id = $1', [world.orgA]);
    expect(rows).toEqual([{ currency: 'EUR', country: 'FR' }]);
  }, 60_000);
});
