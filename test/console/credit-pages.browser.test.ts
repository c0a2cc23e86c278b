/**
 * Credit in the console, headless Chromium against the real server on a real PostgreSQL: the
 * dashboard shows insured and uninsured outstanding itself, the customer page charts the payer
 * score month by month, and a late-fee posting is approved from the Credit page (who and when
 * kept, the fee invoice queued for the ledger).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, PASSWORD, type World } from '../api/world.ts';
import { type Browser, CHROMIUM, hasChromium, openConsole } from './chromium.ts';

if (!hasChromium) console.warn(`console browser tests skipped: ${CHROMIUM} is absent`);

describe.skipIf(!hasChromium)('credit in the console', () => {
  let world: World;
  let base: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    world = await createWorld();
    const headers = world.as('adminA');
    const A = `/api/organizations/${world.orgA}`;
    await world.app.inject({ method: 'PUT', url: `${A}/credit/insurance`, headers, payload: { insurer: 'Coface', insuredSharePercent: '90', maxExtensionDays: 60, declarationDeadlineDays: 150 } });
    // Alpha owes 1000.00 EUR, insured up to 600.00: 540.00 insured (90 %), 460.00 not; beta's 1000.00 is not insured.
    await world.app.inject({ method: 'PUT', url: `${A}/customers/${world.customers.alpha}/credit/insured-limit`, headers, payload: { amount: '600.00', currency: 'EUR' } });
    await world.db.pool.query(`INSERT INTO customer_score_history (customer_id, organization_id, month, score, risk_class, factors)
      VALUES ($1, $2, '2026-09-01', 72, 'medium', '{}'), ($1, $2, '2026-10-01', 64, 'medium', '{}'), ($1, $2, '2026-11-01', 41, 'high', '{}')`, [world.customers.alpha, world.orgA]);
    await world.db.pool.query(
      `INSERT INTO fee_postings (id, organization_id, customer_id, invoice_id, connection_id, currency, interest_minor, fixed_minor, as_of, requested_by)
       VALUES ('00000000-0000-4000-8000-0000000003f1', $1, $2, $3, $4, 'EUR', 9876, 4000, '2026-11-30', 'user:collector')`,
      [world.orgA, world.customers.beta, world.invoices.beta1, world.connA]);
    ({ base, browser, page } = await openConsole(world.app, 'admin@a.example', PASSWORD));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  it('shows insured and uninsured outstanding on the dashboard', async () => {
    const exposure = (await world.app.inject({ url: `/api/organizations/${world.orgA}/credit/insurance/exposure`, headers: world.as('adminA') })).json();
    const eur = exposure.currencies.find((c: { currency: string }) => c.currency === 'EUR');
    expect(eur).toMatchObject({ insured: '540.00', uninsured: '1460.00' });
    await page.goto(`${base}/console/#/dashboard`);
    await page.waitForSelector('#insurance-exposure [data-figure=insured][data-currency=EUR]');
    expect(await page.textContent('#insurance-exposure [data-figure=insured][data-currency=EUR] .card-value')).toMatch(/540\.00/);
    expect(await page.textContent('#insurance-exposure [data-figure=uninsured][data-currency=EUR] .card-value')).toMatch(/1,460\.00/);
    expect(await page.textContent('#insurance-exposure h2')).toContain('Coface');
  });

  it('charts the payer score by month on the customer page, and on its credit page', async () => {
    await page.goto(`${base}/console/#/customers/${world.customers.alpha}`);
    await page.waitForSelector('#customer-credit svg', { timeout: 20_000 });
    expect(await page.locator('#customer-credit circle.point').count()).toBe(3);
    expect(await page.locator('#customer-credit circle.point title').last().textContent()).toMatch(/^2026-11(-01)?: 41$/);
    await page.click('#customer-credit a[href^="#/credit/"]');
    await page.waitForSelector('#score-history svg', { timeout: 20_000 });
    expect(await page.locator('#score-history circle.point').count()).toBe(3);
  });

  it('approves a late-fee posting from the Credit page', async () => {
    await page.goto(`${base}/console/#/credit`);
    await page.waitForSelector('[data-approve-fee="00000000-0000-4000-8000-0000000003f1"]');
    expect(await page.textContent('tr[data-fee-posting-id="00000000-0000-4000-8000-0000000003f1"]')).toMatch(/98\.76/);
    await page.click('[data-approve-fee="00000000-0000-4000-8000-0000000003f1"]');
    await expect.poll(async () => (await world.db.pool.query(`SELECT status, decided_by FROM fee_postings WHERE id = '00000000-0000-4000-8000-0000000003f1'`)).rows[0]).toEqual({ status: 'approved', decided_by: `user:${world.users.adminA.id}` });
    expect((await world.db.pool.query(`SELECT count(*)::int AS n FROM outbox WHERE kind = 'post_fee_invoice'`)).rows[0].n).toBe(1);
    await page.waitForSelector('#credit-fees >> text=No fee posting waits for a decision.');
    // Approved, it is listed as queued for the ledger; once pushed, with the invoice the ledger created.
    expect(await page.textContent('tr[data-posted-fee-id="00000000-0000-4000-8000-0000000003f1"]')).toMatch(/queued/);
    await world.db.pool.query(`UPDATE outbox SET status = 'done', done_at = now(), result = '{"externalId":"4211","version":"0"}' WHERE kind = 'post_fee_invoice'`);
    await page.reload();
    await page.waitForSelector('tr[data-posted-fee-id="00000000-0000-4000-8000-0000000003f1"] td[data-ledger-invoice="4211"]');
    expect(await page.textContent('tr[data-posted-fee-id="00000000-0000-4000-8000-0000000003f1"]')).toMatch(/posted.*quickbooks #4211/s);
  });
});
