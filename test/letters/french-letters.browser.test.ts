/**
 * Issue 15 as a credit manager would try it, on the real server, a real PostgreSQL, a real SMTP
 * server and headless Chromium: a French organization (its late-payment policy left to the
 * default of its country: FR_B2B) with a French customer. The customer's reminder, opened in the
 * approval queue, is edited block by block and approved; the email that arrives is French, shows
 * the fee line (interest to date and the 40 € indemnity per invoice) and still carries its pay
 * link. A customer with no reminder history gets no "despite our previous reminder". The formal
 * notice that follows is a French letter whose PDF (read back by its text with pdf-parse) holds
 * both addresses, the invoice numbers in its subject, the L441-10 wording and the email sent
 * before; the customer without a postal address has its letter held with that reason.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOrganization } from '../../core/agenda/index.ts';
import { LetterChannel, SmtpChannel } from '../../core/channels/index.ts';
import { archivingLetters } from '../../core/letters/index.ts';
import { renderMessage, renderWithOverrides } from '../../core/messages/index.ts';
import { installDefaultScenarios } from '../../core/scenarios/index.ts';
import { sendDueActions, type SendDeps } from '../../core/sending/index.ts';
import { createWorld, PASSWORD, type World } from '../api/world.ts';
import { hasChromium, openBrowser, type Browser } from '../console/chromium.ts';
import { startSmtpSink, type SmtpSink } from '../sending/smtp-sink.ts';
import { letterPdfText as pdfText } from './pdf-parse-text.ts';

const PUBLIC = 'https://relance.example';
const ALWAYS = JSON.stringify({ from: '00:00', to: '24:00', days: [1, 2, 3, 4, 5, 6, 7] });

describe.skipIf(!hasChromium)('French reminders and letters, end to end', () => {
  let world: World;
  let base: string;
  let browser: Browser;
  let page: Page;
  let sink: SmtpSink;
  let smtp: SmtpChannel;
  let outbox: string;
  let deps: SendDeps;

  const api = (method: 'GET' | 'PUT' | 'PATCH', url: string, payload?: unknown) =>
    world.app.inject({ method, url: `/api/organizations/${world.orgA}${url}`, headers: world.as('adminA'), ...(payload !== undefined && { payload: payload as object }) });
  const actionOf = async (customerId: string, channel: string) => {
    const { rows } = await world.db.pool.query<{ id: string; status: string; details: Record<string, unknown> }>(
      `SELECT id, status::text, details FROM actions WHERE customer_id = $1 AND channel = $2 AND status <> 'cancelled' ORDER BY created_at DESC LIMIT 1`, [customerId, channel]);
    return rows[0]!;
  };

  beforeAll(async () => {
    world = await createWorld({ publicUrl: PUBLIC });
    sink = await startSmtpSink();
    smtp = new SmtpChannel({ host: '127.0.0.1', port: sink.port, from: { address: 'relances@atelier-a.example' }, timeoutMs: 5000 });
    outbox = await mkdtemp(path.join(tmpdir(), 'relance-outbox-'));
    deps = {
      channels: archivingLetters(world.db.db, { email: smtp, letter: new LetterChannel({ directory: outbox }) }),
      render: renderWithOverrides(world.db.db, (input) => renderMessage(input)),
      workerId: 'letters-test', portalLinks: { keys: world.keys, publicUrl: PUBLIC },
    };
    await world.db.pool.query('UPDATE organizations SET sending_hours = $2::jsonb WHERE id = $1', [world.orgA, ALWAYS]);
    base = await world.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await openBrowser({ acceptDownloads: true });
    page = browser.page;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await smtp?.close();
    await sink?.close();
    await world?.close();
    if (outbox) await rm(outbox, { recursive: true, force: true });
  });

  it('takes the sender address and the customer’s postal address through the API, refusing one without a country', async () => {
    const settings = await api('PUT', '/letter-settings', { senderAddress: { lines: ['12 rue des Tanneurs'], postalCode: '75011', city: 'Paris', country: 'FR' } });
    expect(settings.statusCode).toBe(200);
    // Never chosen: the policy follows the organization's country, with the shipped ECB rates.
    expect(settings.json().latePayment).toMatchObject({ policy: 'FR_B2B', chosen: false });
    expect(settings.json().latePayment.referenceRates.length).toBeGreaterThan(0);
    const noCountry = await api('PATCH', `/customers/${world.customers.alpha}/details`, { postalAddress: { lines: ['4 place du Marché'], city: 'Lyon' } });
    expect(noCountry.statusCode).toBe(400);
    expect(JSON.stringify(noCountry.json())).toMatch(/postalAddress\.country/);
    const ok = await api('PATCH', `/customers/${world.customers.alpha}/details`, { postalAddress: { lines: ['4 place du Marché'], postalCode: '69002', city: 'Lyon', country: 'FR' } });
    expect(ok.statusCode).toBe(200);
    expect((await api('GET', `/customers/${world.customers.alpha}/details`)).json()).toMatchObject({ language: 'fr', postalAddress: { city: 'Lyon', country: 'FR' } });
  });

  it('a French reminder edited block by block in the console leaves in French with its fee line and its pay link', async () => {
    await installDefaultScenarios(world.db.db, world.orgA);
    // 21 days after the due date of 4 February: the standard scenario's reminder-2, which waits for approval.
    await runOrganization(world.db.db, { organizationId: world.orgA, asOf: '2026-02-25' });
    const alpha = await actionOf(world.customers.alpha, 'email');
    expect(alpha.status).toBe('awaiting_approval');

    await page.goto(`${base}/console/#/login`);
    await page.fill('#email', 'collector@a.example');
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForSelector('#logout');
    await page.evaluate('window.location.hash = "#/approvals"');
    await page.waitForSelector(`[data-open="${alpha.id}"]`);
    await page.click(`[data-open="${alpha.id}"]`);
    await page.waitForSelector('#approval-block-body');
    const frame = page.frameLocator('#approval-html');
    await expect.poll(() => frame.locator('body').textContent()).toContain('Indemnité forfaitaire');
    await page.fill('#approval-block-body', 'Merci de nous appeler au sujet de la facture {{invoiceNumbers}} avant vendredi.');
    await page.click('#approval-save-approve');
    await expect.poll(() => page.textContent('#approvals-notice')).toContain('1');
    const beta = await actionOf(world.customers.beta, 'email');
    expect((await world.app.inject({ method: 'POST', url: `/api/organizations/${world.orgA}/actions/approve`, headers: world.as('adminA'), payload: { ids: [beta.id] } })).statusCode).toBe(200);

    expect((await sendDueActions(world.db.db, deps, { organizationId: world.orgA })).outcomes.sent).toBe(2);
    const toAlpha = sink.accepted.find((m) => m.to.includes('C-ALPHA@example.com'));
    const toBeta = sink.accepted.find((m) => m.to.includes('C-BETA@example.com'));
    expect(toAlpha && toBeta).toBeTruthy();
    const html = toAlpha!.parts.get('text/html')!;
    const text = toAlpha!.parts.get('text/plain')!.replace(/\r\n/g, '\n');
    expect(toAlpha!.subject).toContain('F-C-ALPHA');
    expect(text).toContain('Merci de nous appeler au sujet de la facture F-C-ALPHA avant vendredi.');
    // The layout, the invoice table, the fee line and the pay link survived the edit.
    expect(text).toContain('Reste dû');
    expect(text).toMatch(/F-C-ALPHA {2}\d+,\d\d\u00a0€ {2}40,00\u00a0€/);
    expect(text).toContain('article L441-10 du Code de commerce');
    expect(html).toMatch(/href="https:\/\/relance\.example\/portal\/[^"]+"/);
    // A first reminder: no earlier one is claimed.
    for (const m of [toAlpha!, toBeta!]) expect(m.parts.get('text/plain')).not.toMatch(/Malgré|précédent|rappel du/);
    const { rows } = await world.db.pool.query<{ kind: string }>(`SELECT kind FROM activities WHERE customer_id = $1 AND kind LIKE 'reminder.%' ORDER BY occurred_at`, [world.customers.alpha]);
    expect(rows.map((r) => r.kind)).toEqual(['reminder.edited', 'reminder.approved', 'reminder.sent']);
  });

  it('the formal notice is a French letter with both addresses; one without a postal address is held with its reason', async () => {
    await runOrganization(world.db.db, { organizationId: world.orgA, asOf: '2026-03-21' });
    const letter = await actionOf(world.customers.alpha, 'letter');
    const preview = await api('GET', `/actions/${letter.id}/document`);
    expect(preview.statusCode).toBe(200);
    expect(preview.headers['x-relance-document']).toBe('preview');
    expect(await pdfText(preview.rawPayload)).toContain('4 place du Marché');
    // The standard scenario's formal notice waits for approval; the approver sends both letters on.
    const betaLetter = await actionOf(world.customers.beta, 'letter');
    const approved = await world.app.inject({ method: 'POST', url: `/api/organizations/${world.orgA}/actions/approve`, headers: world.as('adminA'), payload: { ids: [letter.id, betaLetter.id] } });
    expect(approved.json().results).toEqual([{ id: letter.id, ok: true }, { id: betaLetter.id, ok: true }]);

    await sendDueActions(world.db.db, deps, { organizationId: world.orgA });
    expect((await actionOf(world.customers.alpha, 'letter')).status).toBe('sent');
    const held = await actionOf(world.customers.beta, 'letter');
    expect(held).toMatchObject({ status: 'awaiting_approval', details: { holdReason: 'no postal address for the customer' } });
    const queue = (await api('GET', '/actions/queue')).json();
    expect(queue.items).toContainEqual(expect.objectContaining({ id: held.id, holdReason: 'no postal address for the customer' }));

    const sent = await api('GET', `/actions/${letter.id}/document`);
    expect(sent.headers['x-relance-document']).toBe('sent');
    expect((await readdir(outbox)).filter((f) => f.endsWith('.pdf'))).toHaveLength(1);
    const text = await pdfText(sent.rawPayload);
    for (const part of ['Atelier A', '12 rue des Tanneurs', '75011 PARIS', 'Alpha SARL', '4 place du Marché', '69002 LYON',
      'Objet : Mise en demeure de payer — factures F-C-ALPHA', 'article L441-10 du Code de commerce', '40,00 €']) {
      expect(text).toContain(part);
    }
    // The email sent before is named by its date: honest about what happened.
    expect(text).toMatch(/Notre relance du \d{1,2} \S+ \d{4} étant restée sans effet/);
    // Dated the day it leaves, from the sender's town; no internal id anywhere.
    expect(text).toMatch(/Paris, le \d{1,2} \S+ \d{4}/);
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
  });
});
