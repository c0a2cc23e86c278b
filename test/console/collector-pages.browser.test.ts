/**
 * The collectors' console pages in headless Chromium against the real server on a real
 * PostgreSQL: the approval queue (bulk approve, edit then approve, read-only for a viewer),
 * disputes (resolve one; open one from a customer page), promises to pay and payment plans (bad
 * dates refused on their field, valid ones listed), unapplied money (recompute, apply), and the
 * template editor (live preview, save, reload). With RELANCE_SCREENSHOTS=1 it also writes their
 * PNGs to docs/screenshots/.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, PASSWORD, seedUnappliedPayment, type World } from '../api/world.ts';
import { hasChromium, openBrowser, type Browser } from './chromium.ts';

const SHOTS = process.env.RELANCE_SCREENSHOTS === '1' ? join(import.meta.dirname, '../../docs/screenshots') : null;

/** Four reminders awaiting approval: Alpha step 2, Beta steps 2 and 3, Alpha step 3 (left for the viewer). */
const ACTIONS = {
  alpha2: '00000000-0000-4000-8000-00000000a002',
  beta2: '00000000-0000-4000-8000-00000000b002',
  beta3: '00000000-0000-4000-8000-00000000b003',
  alpha3: '00000000-0000-4000-8000-00000000a003',
};
const DISPUTE = '00000000-0000-4000-8000-0000000000d1';

async function seedQueue(w: World) {
  const rows: [string, string, string, number, string][] = [
    [ACTIONS.alpha2, w.customers.alpha, w.invoices.alpha1, 2, 'reminder-1'],
    [ACTIONS.beta2, w.customers.beta, w.invoices.beta1, 2, 'reminder-1'],
    [ACTIONS.beta3, w.customers.beta, w.invoices.beta1, 3, 'reminder-2'],
    [ACTIONS.alpha3, w.customers.alpha, w.invoices.alpha1, 3, 'reminder-2'],
  ];
  for (const [id, customerId, invoiceId, step, template] of rows) {
    await w.db.pool.query(
      `INSERT INTO actions (id, organization_id, customer_id, step, channel, template, status, idempotency_key, scheduled_for, currency, amount_due_minor, details)
       VALUES ($1::uuid, $2, $3, $4, 'email', $5, 'awaiting_approval', $1::text, '2026-02-20', 'EUR', 100000, '{"scenario":"standard"}')`,
      [id, w.orgA, customerId, step, template],
    );
    await w.db.pool.query(`INSERT INTO action_invoices (action_id, invoice_id, level) VALUES ($1, $2, $3)`, [id, invoiceId, step]);
  }
}

async function statusOf(w: World, actionId: string) {
  const { rows } = await w.db.pool.query<{ status: string; details: { override?: { subject?: string; text?: string }; blocks?: Record<string, string> } }>(`SELECT status::text, details FROM actions WHERE id = $1`, [actionId]);
  return rows[0]!;
}

const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

describe.skipIf(!hasChromium)('collector pages in Chromium', () => {
  let world: World;
  let base: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    world = await createWorld();
    await seedQueue(world);
    await world.db.pool.query(`INSERT INTO disputes (id, organization_id, customer_id, reason, owner) VALUES ($1, $2, $3, 'wrong quantity delivered', 'anna@a.example')`, [DISPUTE, world.orgA, world.customers.beta]);
    await world.db.pool.query(`INSERT INTO dispute_invoices (dispute_id, invoice_id) VALUES ($1, $2)`, [DISPUTE, world.invoices.beta1]);
    await seedUnappliedPayment(world);
    base = await world.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await openBrowser();
    page = browser.page;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  async function logIn(email: string) {
    await page.goto(`${base}/console/#/login`);
    await page.fill('#email', email);
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForSelector('#logout');
  }
  async function logOut() {
    await page.click('#logout');
    await page.waitForSelector('#email');
  }
  async function open(hash: string, selector: string) {
    await page.evaluate(`window.location.hash = ${JSON.stringify(hash)}`);
    await page.waitForSelector(selector);
  }
  const queueIds = () => page.$$eval('#approvals tbody tr[data-action-id]', (rows) => rows.map((r) => r.getAttribute('data-action-id')));
  async function noHorizontalScroll() {
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1280);
  }
  async function shot(name: string) {
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  }

  it('approves two reminders in bulk: they leave the queue and are planned in the store', async () => {
    await logIn('collector@a.example');
    await page.click('nav >> text=Approvals');
    await page.waitForSelector('#approvals tbody tr[data-action-id]');
    expect((await queueIds()).sort()).toEqual(Object.values(ACTIONS).sort());
    expect(await page.textContent(`tr[data-action-id="${ACTIONS.beta2}"]`)).toContain('€1,000.00');
    // The step filter narrows the list; "select all" takes only what is shown.
    await page.selectOption('#approvals-step', '2');
    expect((await queueIds()).sort()).toEqual([ACTIONS.alpha2, ACTIONS.beta2].sort());
    await page.check('#approvals-all');
    expect(await page.textContent('#approvals-selected')).toBe('2 selected');
    await noHorizontalScroll();
    await page.click('#approve-selected');
    await expect.poll(() => page.textContent('#approvals-notice')).toContain('2 reminder(s) approved');
    await page.selectOption('#approvals-step', '');
    expect((await queueIds()).sort()).toEqual([ACTIONS.beta3, ACTIONS.alpha3].sort());
    expect((await statusOf(world, ACTIONS.alpha2)).status).toBe('planned');
    expect((await statusOf(world, ACTIONS.beta2)).status).toBe('planned');
    expect((await statusOf(world, ACTIONS.beta3)).status).toBe('awaiting_approval');
  });

  it('opens a reminder, edits its message and approves it: the edit is what will leave', async () => {
    await page.click(`[data-open="${ACTIONS.beta3}"]`);
    await page.waitForSelector('#approval-subject');
    const subject = await page.inputValue('#approval-subject');
    expect(subject.length).toBeGreaterThan(0);
    expect(await page.inputValue('#approval-text')).toContain('F-C-BETA');
    await noHorizontalScroll();
    await shot('approvals');
    await page.fill('#approval-subject', 'Beta: a call before we go further');
    // The collector rewrites a text block; the layout, the invoice table and the pay link stay (issue 15).
    await page.fill('#approval-block-body', 'Please call us about invoice F-C-BETA.');
    await page.click('#approval-save-approve');
    await expect.poll(() => page.textContent('#approvals-notice')).toContain('1 reminder(s) approved');
    expect(await queueIds()).toEqual([ACTIONS.alpha3]);
    const stored = await statusOf(world, ACTIONS.beta3);
    expect(stored.status).toBe('planned');
    expect(stored.details.override).toMatchObject({ subject: 'Beta: a call before we go further' });
    expect(stored.details).toMatchObject({ blocks: { body: 'Please call us about invoice F-C-BETA.' } });
  });

  it('a rejection needs a reason', async () => {
    await page.check(`tr[data-action-id="${ACTIONS.alpha3}"] input[type=checkbox]`);
    await page.click('#reject-selected');
    expect(await page.textContent('#approvals-notice')).toBe('Say why the reminders are rejected.');
    expect((await statusOf(world, ACTIONS.alpha3)).status).toBe('awaiting_approval');
    await logOut();
  });

  it('a viewer reads the queue and the message but cannot approve', async () => {
    await logIn('viewer@a.example');
    await open('#/approvals', '#approvals tbody tr[data-action-id]');
    expect(await queueIds()).toEqual([ACTIONS.alpha3]);
    expect(await page.locator('#approve-selected').count()).toBe(0);
    expect(await page.textContent('#approvals-readonly')).toContain('read the queue');
    expect(await page.isDisabled(`tr[data-action-id="${ACTIONS.alpha3}"] input[type=checkbox]`)).toBe(true);
    await page.click(`[data-open="${ACTIONS.alpha3}"]`);
    await page.waitForSelector('#approval-block-body');
    // Alpha reads French: the message is rendered in French.
    expect(await page.textContent('.message-editor')).toContain('"fr"');
    expect(await page.getAttribute('#approval-block-body', 'readonly')).not.toBeNull();
    expect(await page.locator('#approval-save-approve').count()).toBe(0);
    expect((await statusOf(world, ACTIONS.alpha3)).status).toBe('awaiting_approval');
    await logOut();
  });

  it('resolves a dispute with its resolution; it leaves the open list', async () => {
    await logIn('collector@a.example');
    await page.click('nav >> text=Disputes');
    await page.waitForSelector(`tr[data-dispute-id="${DISPUTE}"]`);
    const row = await page.textContent(`tr[data-dispute-id="${DISPUTE}"]`);
    for (const text of ['Beta SAS', 'F-C-BETA', 'wrong quantity delivered', 'anna@a.example', 'console']) expect(row).toContain(text);
    // In French too, at a laptop's width with the longer navigation.
    await page.selectOption('#language', 'fr');
    await page.waitForSelector('h1 >> text=Litiges');
    expect(await page.textContent(`tr[data-dispute-id="${DISPUTE}"]`)).toContain('la console');
    await noHorizontalScroll();
    await page.selectOption('#language', 'en');
    await page.waitForSelector('h1 >> text=Disputes');
    await page.click(`[data-close="${DISPUTE}"]`);
    await page.click(`form[data-dispute-id="${DISPUTE}"] button[type=submit]`);
    await expect.poll(() => page.textContent(`form[data-dispute-id="${DISPUTE}"]`)).toContain('resolution');
    expect(await page.getAttribute(`#resolution-${DISPUTE}`, 'aria-invalid')).toBe('true');
    await page.selectOption(`#outcome-${DISPUTE}`, 'resolved');
    await page.fill(`#resolution-${DISPUTE}`, 'credit note issued');
    await page.click(`form[data-dispute-id="${DISPUTE}"] button[type=submit]`);
    await expect.poll(() => page.locator(`tr[data-dispute-id="${DISPUTE}"]`).count()).toBe(0);
    const { rows } = await world.db.pool.query<{ status: string; resolution: string }>(`SELECT status::text, resolution FROM disputes WHERE id = $1`, [DISPUTE]);
    expect(rows[0]).toEqual({ status: 'resolved', resolution: 'credit note issued' });
    await page.selectOption('#dispute-status', 'resolved');
    await expect.poll(() => page.textContent(`tr[data-dispute-id="${DISPUTE}"]`)).toContain('credit note issued');
    await noHorizontalScroll();
    await shot('disputes');
  });

  it('recomputes the unapplied money suggestions and applies one: allocation recorded, write-back queued', async () => {
    await page.click('nav >> text=Unapplied money');
    await page.waitForSelector('#unapplied tbody tr');
    expect(await page.locator('#unapplied tbody tr[data-suggestion-id]').count()).toBe(0);
    await page.click('#unapplied-refresh');
    await page.waitForSelector('#unapplied tbody tr[data-suggestion-id]');
    const row = await page.textContent('#unapplied tbody tr[data-suggestion-id]');
    for (const text of ['Beta SAS', 'Payment', 'F-C-BETA', '€1,000.00']) expect(row).toContain(text);
    await noHorizontalScroll();
    await shot('unapplied');
    await page.click('[data-accept]');
    await expect.poll(() => page.textContent('#unapplied-notice')).toContain('1 allocation(s) recorded. The application is being written back');
    await expect.poll(() => page.locator('#unapplied tbody tr[data-suggestion-id]').count()).toBe(0);
    const { rows } = await world.db.pool.query<{ status: string; balance: string }>(
      `SELECT s.status, i.balance_minor::text AS balance FROM unapplied_suggestions s JOIN invoices i ON i.id = $1 WHERE s.organization_id = $2`, [world.invoices.beta1, world.orgA]);
    expect(rows).toEqual([{ status: 'accepted', balance: '0' }]);
    await page.selectOption('#unapplied-status', 'accepted');
    await page.waitForSelector('#unapplied tbody tr[data-suggestion-id]');
  });

  it('records a promise and a payment plan on a customer: bad dates are refused on their field, valid ones are listed', async () => {
    await open(`#/customers/${world.customers.alpha}`, '#promise-form');
    expect(await page.textContent('#promises')).toContain('No promise recorded.');
    await page.fill('#promise-date', '2026-01-10');
    await page.fill('#promise-amount', '400.00');
    await page.click('#promise-form button[type=submit]');
    await page.waitForSelector('[data-error-for=date]');
    expect(await page.textContent('[data-error-for=date]')).toContain('2026-01-10 is in the past');
    expect(await page.getAttribute('#promise-date', 'aria-invalid')).toBe('true');
    const date = inDays(20);
    await page.fill('#promise-date', date);
    await page.click('#promise-form button[type=submit]');
    await page.waitForSelector('#promises tr[data-status=pending]');
    expect(await page.textContent('#promises tbody')).toContain('€400.00');
    expect(await page.locator('[data-error-for=date]').count()).toBe(0);
    const { rows } = await world.db.pool.query<{ promised_date: string; amount_minor: string }>(`SELECT promised_date::text, amount_minor::text FROM promises_to_pay WHERE customer_id = $1`, [world.customers.alpha]);
    expect(rows).toEqual([{ promised_date: date, amount_minor: '40000' }]);
    // A payment plan whose second installment comes first is refused on that installment's date.
    await page.fill('#plan-date-0', inDays(30));
    await page.fill('#plan-amount-0', '300,00');
    await page.fill('#plan-date-1', inDays(25));
    await page.fill('#plan-amount-1', '300.00');
    await page.click('#plan-form button[type=submit]');
    await page.waitForSelector('[data-error-for="installments.1.date"]');
    expect(await page.getAttribute('#plan-date-1', 'aria-invalid')).toBe('true');
    await page.fill('#plan-date-1', inDays(60));
    await page.click('#plan-form button[type=submit]');
    await expect.poll(() => page.locator('#promises tr[data-status=pending]').count()).toBe(3);
    expect(await page.textContent('#promises tbody')).toContain('€300.00');
    await noHorizontalScroll();
    await shot('customer-promises');
  });

  it('opens a dispute on a chosen invoice from the customer page', async () => {
    await page.check('#dispute-form input[data-invoice="F-C-ALPHA"]');
    await page.fill('#dispute-reason', 'price differs from the quote');
    await page.click('#dispute-form button[type=submit]');
    await expect.poll(() => page.textContent('#invoices')).toContain('Disputed');
    const { rows } = await world.db.pool.query<{ reason: string; opened_via: string }>(`SELECT reason, opened_via FROM disputes WHERE customer_id = $1`, [world.customers.alpha]);
    expect(rows).toEqual([{ reason: 'price differs from the quote', opened_via: 'admin' }]);
    await logOut();
  });

  it('edits a template: the preview follows the source, a save survives a reload, and the shipped version comes back', async () => {
    await logIn('admin@a.example');
    await page.click('nav >> text=Templates');
    await page.click('[data-channel=email] tr[data-template=reminder-1] a[data-language=en]');
    await page.waitForSelector('#template-subject');
    // The whole source is the advanced view under the text blocks.
    await page.click('#template-advanced summary');
    const source = await page.inputValue('#template-source');
    const shippedSubject = await page.textContent('#template-subject');
    // The email's subject is its <mj-title>.
    const edited = source.replace('<mj-title>', '<mj-title>Atelier A — ');
    expect(edited).not.toBe(source);
    // A broken source is named by its line under the editor; the preview keeps the last good one.
    await page.fill('#template-source', source.replace('<mj-title>', '<mj-title>{{nope.x}}'));
    await expect.poll(() => page.textContent('#template-status')).toMatch(/^Invalid: source: line 3: unknown variable "nope.x"/);
    expect(await page.textContent('#template-subject')).toBe(shippedSubject);
    await page.fill('#template-source', edited);
    await expect.poll(() => page.textContent('#template-subject')).toMatch(/^Atelier A — /);
    expect(await page.textContent('#template-status')).toBe('Valid template.');
    await page.click('#template-save');
    await expect.poll(() => page.textContent('#template-status')).toMatch(/^Saved/);
    await page.reload();
    await page.waitForSelector('#template-subject');
    expect(await page.inputValue('#template-source')).toBe(edited);
    expect(await page.textContent('#template-subject')).toMatch(/^Atelier A — /);
    expect(await page.textContent('#template-state')).toContain("This organization's version");
    await noHorizontalScroll();
    await shot('templates');
    page.once('dialog', (d) => void d.accept());
    await page.click('#template-reset');
    await expect.poll(() => page.textContent('#template-status')).toBe('Back to the shipped version.');
    expect(await page.inputValue('#template-source')).toBe(source);
    expect(await page.textContent('#template-subject')).toBe(shippedSubject);
  });
});
