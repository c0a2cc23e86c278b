/**
 * The settings page's access panel in headless Chromium against the real server: an admin
 * disables a collector (whose API key stops working at once) and enables them again, and makes an
 * API key for this organization only, read-only, with an expiry the key list then shows.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, PASSWORD, type World } from '../api/world.ts';
import { CHROMIUM, hasChromium, logIn, openBrowser, type Browser } from './chromium.ts';

if (!hasChromium) console.warn(`console browser tests skipped: ${CHROMIUM} is absent`);

describe.skipIf(!hasChromium)('the access panel in Chromium', () => {
  let world: World;
  let base: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    world = await createWorld();
    base = await world.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await openBrowser();
    page = browser.page;
    await logIn(page, base, 'admin@a.example', PASSWORD);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  it('disables and enables a member; the disabled member’s key stops at once', async () => {
    await page.goto(`${base}/console/#/settings`);
    const row = `#access-members tr[data-user="${world.users.collectorA.id}"]`;
    await page.waitForSelector(`${row} [data-action=disable]`);
    expect(await page.locator(`#access-members tr[data-user="${world.users.adminA.id}"] button`).count()).toBe(0);
    await page.click(`${row} [data-action=disable]`);
    await page.waitForSelector(`${row} [data-action=enable]`);
    expect(await page.textContent(row)).toContain('Disabled');
    const me = await fetch(`${base}/api/auth/me`, { headers: world.as('collectorA') });
    expect(me.status).toBe(401);
    await page.click(`${row} [data-action=enable]`);
    await page.waitForSelector(`${row} [data-action=disable]`);
    expect(await page.textContent(row)).toContain('Active');
  });

  it('makes a read-only key for this organization with an expiry, shown once and then listed', async () => {
    await page.fill('#key-name', 'reporting script');
    await page.fill('#key-expires', '2030-06-30');
    await page.click('#key-create');
    await page.waitForSelector('#access-key-shown');
    const shown = (await page.textContent('#access-key-shown'))!;
    const key = /rlk_[\w-]+/.exec(shown)![0];
    const listed = (await page.textContent('#access-keys'))!;
    expect(listed).toContain('reporting script');
    expect(listed).toContain('Atelier A, read-only');
    expect(listed).toMatch(/2030/);
    const read = await fetch(`${base}/api/organizations/${world.orgA}/customers`, { headers: { authorization: `Bearer ${key}` } });
    expect(read.status).toBe(200);
    const write = await fetch(`${base}/api/organizations/${world.orgA}/members`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ email: 'x@a.example', role: 'viewer' }) });
    expect(write.status).toBe(403);
  });
});
