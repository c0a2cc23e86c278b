/**
 * Issue 15.7 and the settings of letters, in headless Chromium on the real server and a real
 * PostgreSQL, as a non-developer admin would use them: the scenario editor as a form (a step's
 * days, channel, template and approval; a step added; a stop rule; the segment; a channel this
 * installation does not send through refused next to its field; the JSON as the advanced view),
 * the template editor's text blocks with a live preview on a customer of this organization (never
 * another organization's), the sender address and the late-payment policy with the reference rate
 * used today, and a customer's postal address edited in Relance and put back to the provider's.
 */
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayIn } from '../../core/calendar/index.ts';
import { referenceRateStatus, shippedReferenceRates } from '../../core/fees/index.ts';
import { createLogger } from '../../core/logging.ts';
import { installDefaultScenarios } from '../../core/scenarios/index.ts';
import { buildServer } from '../../server/app.ts';
import { createWorld, PASSWORD, type World } from '../api/world.ts';
import { type Browser, hasChromium, openConsole, scrollWidth } from './chromium.ts';

const silent = createLogger({ stream: new Writable({ write: (_c, _e, cb) => cb() }), format: 'json' });

describe.skipIf(!hasChromium)('letters, scenarios and templates in the console', () => {
  let world: World;
  let app: FastifyInstance;
  let browser: Browser;
  let page: Page;
  const go = async (hash: string, selector: string) => {
    await page.evaluate(`window.location.hash = ${JSON.stringify(hash)}`);
    await page.waitForSelector(selector);
  };

  beforeAll(async () => {
    world = await createWorld();
    await installDefaultScenarios(world.db.db, world.orgA);
    // As `relance start` with SMTP and no SMS: email and letters.
    app = buildServer({ pool: world.db.pool, storeMode: 'postgres', worker: null, logger: silent, channels: ['email', 'letter'] });
    ({ browser, page } = await openConsole(app, 'admin@a.example', PASSWORD));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await world?.close();
  });

  it('edits a scenario through its form: a step changed, one added, an unconfigured channel named, the JSON following', async () => {
    await go('#/scenarios', '#scenarios');
    await page.click('[data-edit="standard"]');
    await page.waitForSelector('#scenario-steps');
    expect(await page.locator('#scenario-steps tbody tr').count()).toBe(4);
    expect(await page.inputValue('#step-3-action')).toBe('letter');
    expect(await page.isChecked('#step-3-approval')).toBe(true);
    // SMS is offered but marked: this installation has no SMS channel, and the API says so next to the field.
    expect(await page.textContent('#step-1-action option[value=sms]')).toBe('SMS (not configured)');
    await page.selectOption('#step-1-action', 'sms');
    await expect.poll(() => page.textContent('#scenario-status'), { timeout: 10_000 }).toMatch(/no sms channel is configured/);
    expect(await page.getAttribute('#step-1-action', 'aria-invalid')).toBe('true');
    expect(await page.textContent('[data-error-for="steps.1.action"]')).toMatch(/steps\.1\.action/);
    await page.selectOption('#step-1-action', 'email');
    await expect.poll(() => page.textContent('#scenario-status')).toBe('Valid scenario.');

    // A later reminder-1, a new last step (a letter, approved), paused customers kept reminded, French customers only.
    await page.fill('#step-1-offset', '10');
    await page.click('#scenario-add-step');
    await page.selectOption('#step-4-action', 'letter');
    await page.selectOption('#step-4-template', 'final-notice');
    await page.fill('#step-4-offset', '75');
    await page.check('#step-4-approval');
    await page.uncheck('#stop-paused');
    expect(await page.isDisabled('#stop-paid')).toBe(true);
    await page.fill('#segment-country', 'fr');
    await expect.poll(() => page.textContent('#scenario-status')).toBe('Valid scenario.');
    // The advanced view is the same scenario as JSON.
    await page.click('#scenario-advanced summary');
    const json = JSON.parse(await page.inputValue('#scenario-json'));
    expect(json.steps[4]).toEqual({ offsetDays: 75, action: 'letter', template: 'final-notice', requiresApproval: true });
    expect(json.segment).toEqual({ country: ['FR'] });
    await page.click('#scenario-save');
    await expect.poll(() => page.textContent('#scenario-status')).toBe('Saved.');
    expect(await page.textContent('tr[data-scenario="standard"] .step-count')).toBe('5 step(s)');

    const { rows: [saved] } = await world.db.pool.query(`SELECT steps, stop_rules, segment FROM scenarios WHERE organization_id = $1 AND name = 'standard'`, [world.orgA]);
    expect(saved.steps[1]).toMatchObject({ offsetDays: 10, action: 'email', template: 'reminder-1' });
    expect(saved.steps).toHaveLength(5);
    expect(saved.steps[4]).toMatchObject({ offsetDays: 75, action: 'letter', template: 'final-notice', requiresApproval: true });
    expect(saved.stop_rules).toEqual(['paid', 'disputed', 'promise', 'hold']);
    expect(saved.segment).toEqual({ country: ['FR'] });
    const { rows: audit } = await world.db.pool.query(`SELECT count(*)::int AS n FROM activities WHERE organization_id = $1 AND kind = 'audit.scenario.save'`, [world.orgA]);
    expect(audit[0].n).toBe(1);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(1280);
  });

  it('edits a French template by its text blocks, previewed live on a customer of this organization', async () => {
    await go('#/templates/email/reminder-1/fr', '#template-block-body');
    // Customers of this organization only: Bureau B's Gamma Ltd is not offered.
    const offered = await page.locator('#template-customer option').allTextContents();
    expect(offered.sort()).toEqual(['Alpha SARL', 'Beta SAS']);
    await page.selectOption('#template-customer', { label: 'Alpha SARL' });
    await expect.poll(() => page.textContent('#template-preview-on')).toContain('Alpha SARL');
    const frame = page.frameLocator('#template-html');
    // Alpha's own invoice and the fee line of a French organization (the 40 € indemnity), not the sample company's.
    await expect.poll(() => frame.locator('body').textContent()).toContain('F-C-ALPHA');
    const before = (await frame.locator('body').textContent()) ?? '';
    expect(before).toContain('40,00');
    expect(before).not.toContain('Boulangerie Martin');
    // The whole source is the advanced view, closed while the template has blocks.
    expect(await page.isVisible('#template-source')).toBe(false);
    await page.fill('#template-block-body', 'Merci de régler {{customer.name}} avant vendredi : votre lien de paiement est ci-dessous.');
    await expect.poll(() => frame.locator('body').textContent()).toContain('Merci de régler Alpha SARL avant vendredi');
    // The layout, the invoice table and the pay link are still there.
    const after = (await frame.locator('body').textContent()) ?? '';
    expect(after).toContain('F-C-ALPHA');
    expect(await frame.locator('a[href="https://portal.example/preview"]').count()).toBeGreaterThan(0);
    // A block naming an unknown variable is named by its line; the preview keeps the last good one.
    await page.fill('#template-block-body', 'Merci {{client.nom}}.');
    await expect.poll(() => page.textContent('#template-status')).toMatch(/unknown variable "client\.nom"/);
    await page.fill('#template-block-body', 'Merci de régler {{customer.name}} avant vendredi : votre lien de paiement est ci-dessous.');
    await expect.poll(() => page.textContent('#template-status')).toBe('Valid template.');
    await page.click('#template-save');
    await expect.poll(() => page.textContent('#template-status')).toMatch(/^Saved/);
    const { rows: [copy] } = await world.db.pool.query(`SELECT source FROM template_overrides WHERE organization_id = $1 AND channel = 'email' AND name = 'reminder-1' AND language = 'fr'`, [world.orgA]);
    expect(copy.source).toContain('{{#block body}}Merci de régler {{customer.name}} avant vendredi');
    expect(copy.source).toContain('<mj-include path="../_layout/pay-fr.mjml" />');
    // The English copy is untouched: blocks are per language.
    const { rows: en } = await world.db.pool.query(`SELECT count(*)::int AS n FROM template_overrides WHERE language = 'en'`);
    expect(en[0].n).toBe(0);
  });

  it('sets the sender address (refusing one without a country) and shows the policy with the rate used today', async () => {
    await go('#/settings', '#sender-address');
    await page.fill('#sender-lines', '12 rue des Tanneurs');
    await page.fill('#sender-postal-code', '75011');
    await page.fill('#sender-city', 'Paris');
    await page.fill('#sender-country', '');
    await page.click('#sender-save');
    await expect.poll(() => page.getAttribute('#sender-country', 'aria-invalid')).toBe('true');
    await page.fill('#sender-country', 'fr');
    await page.click('#sender-save');
    await expect.poll(() => page.textContent('#sender-status')).toBe('Saved.');
    const { rows: [org] } = await world.db.pool.query(`SELECT sender_address FROM organizations WHERE id = $1`, [world.orgA]);
    expect(org.sender_address).toEqual({ lines: ['12 rue des Tanneurs'], postalCode: '75011', city: 'Paris', country: 'FR' });

    // Never chosen: France's policy, with the shipped ECB table and the rate it uses today.
    expect(await page.inputValue('#policy-name')).toBe('FR_B2B');
    expect(await page.textContent('#policy-chosen')).toContain('(FR)');
    const status = referenceRateStatus(shippedReferenceRates('FR_B2B'), todayIn('Europe/Paris'))!;
    expect(await page.textContent('#policy-rate-used')).toContain(`${status.rate} %`);
    expect(await page.isVisible('#policy-rate-stale')).toBe(status.stale);
    expect(await page.locator('#policy-rates tbody tr').count()).toBe(shippedReferenceRates('FR_B2B').length);
    // A custom policy without its rate is refused next to the rate.
    await page.selectOption('#policy-name', 'CUSTOM');
    await page.fill('#policy-fixed-amount', '40.00');
    await page.click('#policy-save');
    await expect.poll(() => page.getAttribute('#policy-annual-rate', 'aria-invalid')).toBe('true');
    await page.fill('#policy-annual-rate', '12.5');
    await page.click('#policy-save');
    await expect.poll(() => page.textContent('#policy-status')).toBe('Saved.');
    expect(await page.textContent('#policy-chosen')).toBe('Chosen by an admin.');
    const { rows: [policy] } = await world.db.pool.query(`SELECT late_payment_policy AS p FROM organizations WHERE id = $1`, [world.orgA]);
    expect(policy.p).toMatchObject({ policy: 'CUSTOM', annualRate: '12.5', fixedAmount: '40.00', chosen: true });
  });

  it('edits a customer’s postal address in Relance, marked as such, and goes back to the provider’s', async () => {
    await go(`#/customers/${world.customers.alpha}`, '#customer-address');
    await page.waitForSelector('#address-none');
    await page.click('#address-edit');
    await page.fill('#address-lines', '4 place du Marché');
    await page.fill('#address-postal-code', '69002');
    await page.fill('#address-city', 'Lyon');
    await page.click('#address-save');
    await expect.poll(() => page.getAttribute('#address-country', 'aria-invalid')).toBe('true');
    await page.fill('#address-country', 'FR');
    await page.click('#address-save');
    await page.waitForSelector('#address-edited');
    expect(await page.textContent('#address-edited')).toBe('edited in Relance');
    expect(await page.textContent('#address-current')).toContain('69002 Lyon');
    expect(await page.textContent('#address-source')).toContain('The accounting system has no address.');
    const { rows: [c] } = await world.db.pool.query(`SELECT postal_address, postal_address_override FROM customers WHERE id = $1`, [world.customers.alpha]);
    expect(c).toEqual({ postal_address: null, postal_address_override: { lines: ['4 place du Marché'], postalCode: '69002', city: 'Lyon', country: 'FR' } });
    await page.click('#address-back');
    await page.waitForSelector('#address-none');
    expect(await page.isVisible('#address-edited')).toBe(false);
  });
});
