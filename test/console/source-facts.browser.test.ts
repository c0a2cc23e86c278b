/**
 * Issue 13.6: the settings page's base currency and country, in headless Chromium against the real
 * server — a code that is no country is refused next to its field, a good one is saved and stays.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, PASSWORD, type World } from '../api/world.ts';
import { type Browser, CHROMIUM, hasChromium, openConsole } from './chromium.ts';

if (!hasChromium) console.warn(`console browser tests skipped: ${CHROMIUM} is absent`);

describe.skipIf(!hasChromium)('base currency and country in the settings', () => {
  let world: World;
  let base: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    world = await createWorld();
    ({ base, browser, page } = await openConsole(world.app, 'admin@a.example', PASSWORD));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  it('refuses a country that does not exist at its field, then saves GBP / GB', async () => {
    await page.goto(`${base}/console/#/settings`);
    await page.waitForSelector('#facts-country');
    expect(await page.inputValue('#facts-currency')).toBe('EUR');
    expect(await page.inputValue('#facts-country')).toBe('FR');
    await page.fill('#facts-country', 'ZZ');
    await page.click('#facts-save');
    await page.locator('#source-facts', { hasText: 'not an ISO 3166-1 country' }).waitFor();
    const { rows: unchanged } = await world.db.pool.query('SELECT country FROM organizations WHERE id = $1', [world.orgA]);
    expect(unchanged[0].country).toBe('FR');
    await page.fill('#facts-currency', 'GBP');
    await page.fill('#facts-country', 'GB');
    await page.click('#facts-save');
    await page.locator('#facts-status', { hasText: 'Saved.' }).waitFor();
    const { rows } = await world.db.pool.query('SELECT base_currency, country FROM organizations WHERE id = $1', [world.orgA]);
    expect(rows[0]).toEqual({ base_currency: 'GBP', country: 'GB' });
  }, 60_000);
});
