/**
 * Issue 13.7 in headless Chromium against the real server on a real PostgreSQL: an admin overrides
 * a customer's language on its page (stored, shown, cleared again), and the Connections page lists
 * the country a mapping kept as written rather than refused.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, PASSWORD, type World } from '../api/world.ts';
import { type Browser, CHROMIUM, hasChromium, openConsole } from './chromium.ts';

if (!hasChromium) console.warn(`console browser tests skipped: ${CHROMIUM} is absent (.ci/run installs Debian's chromium)`);

describe.skipIf(!hasChromium)('customer language and mapping warnings', () => {
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

  const stored = async () => (await world.db.pool.query('SELECT language, language_override FROM customers WHERE id = $1', [world.customers.alpha])).rows[0];

  it('overrides the language on the customer page, and clears it', async () => {
    await page.goto(`${base}/console/#/customers/${world.customers.alpha}`);
    await page.waitForSelector('#language-override');
    expect(await page.textContent('#customer-language [role=status]')).toBe('Synced language: fr');
    await page.selectOption('#language-override', 'de');
    await page.click('[data-action=save-language]');
    await expect.poll(() => page.textContent('#customer-language [role=status]')).toBe('Override: de (wins over the synced language)');
    expect(await stored()).toEqual({ language: 'fr', language_override: 'de' });
    await page.reload();
    await page.waitForSelector('#language-override');
    expect(await page.inputValue('#language-override')).toBe('de');
    await page.selectOption('#language-override', '');
    await page.click('[data-action=save-language]');
    await expect.poll(() => page.textContent('#customer-language [role=status]')).toBe('Synced language: fr');
    expect(await stored()).toEqual({ language: 'fr', language_override: null });
  });

  it('lists a country kept as written on the connection', async () => {
    await world.db.pool.query("UPDATE customers SET country = NULL, country_raw = 'Narnia' WHERE id = $1", [world.customers.beta]);
    await page.goto(`${base}/console/#/connections`);
    await page.waitForSelector(`[data-connection="${world.connA}"] details.mapping-warnings`);
    expect(await page.getAttribute(`[data-connection="${world.connA}"] details.mapping-warnings`, 'data-warnings')).toBe('1');
    expect(await page.textContent(`[data-connection="${world.connA}"] details.mapping-warnings li`)).toBe('C-BETA: country: "Narnia" is no ISO 3166 country; kept as written');
  });
});
