/**
 * Issue 18's console pages in headless Chromium against the real server, a real PostgreSQL and a
 * real dovecot (SMTP in through smtp-server, IMAP out): a reminder sent over SMTP is shown on the
 * customer's timeline as it left; the customer's threaded reply, read from dovecot, is on the
 * customer's conversation page, awaiting us; the collector answers from the console and the answer
 * reaches the customer's own mailbox through SMTP in the same thread; a message no customer claimed
 * is on the unfiled list and the collector attaches it to a customer.
 */
import { simpleParser } from 'mailparser';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpChannel } from '../../core/channels/index.ts';
import { inboxThreading, readMailbox, runInboxDeliveries, saveMailbox } from '../../core/inbox/index.ts';
import { renderMessage } from '../../core/messages/index.ts';
import { sendDueActions } from '../../core/sending/index.ts';
import { createWorld, PASSWORD, type World } from '../api/world.ts';
import { startDovecot, type Dovecot } from '../inbox/dovecot.ts';
import { mailboxOf, rawMessage, startRelay, type Relay } from '../inbox/mail.ts';
import { hasChromium, logIn, openBrowser, type Browser } from './chromium.ts';

const ALWAYS = JSON.stringify({ from: '00:00', to: '24:00', days: [1, 2, 3, 4, 5, 6, 7] });
const REMINDER = '00000000-0000-4000-8000-0000000000e1';

describe.skipIf(!hasChromium)('the conversation pages in Chromium', () => {
  let world: World;
  let dovecot: Dovecot;
  let relay: Relay;
  let smtp: SmtpChannel;
  let base: string;
  let browser: Browser;
  let page: Page;
  let replyMessageId: string;
  let strangerId: string;

  beforeAll(async () => {
    [world, dovecot] = await Promise.all([createWorld(), startDovecot({ relances: 'secret', 'c-alpha': 'secret' })]);
    relay = await startRelay(dovecot);
    smtp = new SmtpChannel({ host: '127.0.0.1', port: relay.port, from: { address: 'relances@relance.test', name: 'Atelier A' }, timeoutMs: 10_000 });
    await saveMailbox(world.db.db, world.keys, world.orgA, { host: '127.0.0.1', port: dovecot.imapPort, tls: false, username: 'relances', password: 'secret', address: 'relances@relance.test' });
    await world.db.pool.query('UPDATE organizations SET sending_hours = $2::jsonb WHERE id = $1', [world.orgA, ALWAYS]);
    // A reminder to Alpha due today, sent for real over SMTP with the inbox's reply address.
    await world.db.pool.query(
      `INSERT INTO actions (id, organization_id, customer_id, step, channel, template, status, idempotency_key, scheduled_for, currency, amount_due_minor, details)
       VALUES ($1::uuid, $2, $3, 1, 'email', 'reminder-1', 'planned', $1::text, current_date, 'EUR', 100000, '{"scenario":"standard"}')`,
      [REMINDER, world.orgA, world.customers.alpha]);
    await world.db.pool.query(`INSERT INTO action_invoices (action_id, invoice_id, level) VALUES ($1, $2, 1)`, [REMINDER, world.invoices.alpha1]);
    const pass = await sendDueActions(world.db.db, { channels: { email: smtp }, render: (i) => renderMessage(i), workerId: 'browser', threading: inboxThreading(world.db.db) }, { organizationId: world.orgA });
    expect(pass.outcomes).toMatchObject({ sent: 1 });
    const [reminder] = await mailboxOf(dovecot, 'c-alpha');
    // Alpha answers from its mail client, in the thread, to the Reply-To.
    const replyTo = /<?([^<>\s]+@relance\.test)>?/.exec(reminder!.headers.get('reply-to')!)![1]!;
    const client = new SmtpChannel({ host: '127.0.0.1', port: relay.port, from: { address: 'C-ALPHA@example.com' }, timeoutMs: 10_000 });
    await client.send({
      channel: 'email', idempotencyKey: 'alpha-reply', to: { address: replyTo }, subject: `Re: ${reminder!.headers.get('subject')}`,
      text: 'Bonjour, nous payerons la facture F-C-ALPHA le 20 mars.', html: '<p>Bonjour, nous payerons la facture F-C-ALPHA le 20 mars.</p>',
      headers: { 'In-Reply-To': reminder!.headers.get('message-id')!, References: reminder!.headers.get('message-id')! },
    });
    await client.close();
    // And a message nobody's: no thread, no token, an unknown sender.
    await dovecot.deliver(rawMessage({ From: 'compta@beta-group.example', To: 'relances@relance.test', Subject: 'Remittance advice', 'Message-ID': '<stranger-1@beta-group.example>' }, 'Please find our remittance for F-C-BETA.'), 'relances@relance.test');
    expect(await readMailbox({ db: world.db.db, keys: world.keys }, world.orgA)).toMatchObject({ status: 'ok', filed: 2, unfiled: 1 });
    const { rows } = await world.db.pool.query<{ id: string }>(`SELECT id FROM inbox_messages WHERE message_id = '<stranger-1@beta-group.example>'`);
    strangerId = rows[0]!.id;
    const { rows: [filed] } = await world.db.pool.query<{ message_id: string; customer_id: string }>(`SELECT message_id, customer_id FROM inbox_messages WHERE kind = 'reply' AND direction = 'in' AND customer_id IS NOT NULL`);
    expect(filed!.customer_id).toBe(world.customers.alpha);
    replyMessageId = filed!.message_id;
    base = await world.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await openBrowser();
    page = browser.page;
    await logIn(page, base, 'collector@a.example', PASSWORD);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await smtp?.close();
    await relay?.close();
    await dovecot?.stop();
    await world?.close();
  });

  it('shows the reminder on the timeline as it left, not re-rendered', async () => {
    // A later edit of the template would change a re-render; what is shown is what was stored at acceptance.
    await world.db.pool.query(`UPDATE sent_messages SET text_body = text_body || E'\\n[stored copy]' WHERE action_id = $1`, [REMINDER]);
    await page.goto(`${base}/console/#/customers/${world.customers.alpha}`);
    await page.waitForSelector(`#timeline li[data-kind="reminder.sent"] [data-message="${REMINDER}"]`);
    await page.click(`#timeline li[data-kind="reminder.sent"] [data-message="${REMINDER}"]`);
    await page.waitForSelector(`[data-sent-text="${REMINDER}"]`);
    expect(await page.textContent(`[data-sent-text="${REMINDER}"]`)).toContain('[stored copy]');
    expect(await page.getAttribute('#timeline [data-sent-to]', 'data-sent-to')).toBe('C-ALPHA@example.com');
    expect(await page.locator(`iframe[data-sent-html="${REMINDER}"][sandbox=""]`).count()).toBe(1);
  }, 60_000);

  it('shows the filed reply on the customer’s conversation, awaiting us', async () => {
    await page.click('#conversation-link');
    await page.waitForSelector('#conversation-state');
    expect(await page.getAttribute('#conversation-state', 'data-state')).toBe('awaiting_us');
    const reply = page.locator('article[data-kind="reply"]');
    await expect.poll(() => reply.count()).toBe(1);
    expect(await reply.textContent()).toContain('nous payerons la facture F-C-ALPHA le 20 mars');
    // The explainable reading: a date, shown with the words that triggered it.
    expect(await page.locator('article[data-kind="reply"] [data-suggestion="promise"]').count()).toBe(1);
  }, 60_000);

  it('answers from the console: the answer reaches the customer by SMTP, in the same thread', async () => {
    await page.fill('#answer-text', 'Merci, nous notons le paiement pour le 20 mars.');
    await page.click('#answer-send');
    await expect.poll(() => page.locator('article[data-kind="answer"]').count(), { timeout: 10_000 }).toBe(1);
    // The job's delivery pass sends it through the organization's SMTP.
    expect(await runInboxDeliveries(world.db.db, { keys: world.keys, email: smtp })).toMatchObject({ answersSent: 1 });
    const received = await mailboxOf(dovecot, 'c-alpha');
    expect(received).toHaveLength(2);
    const answer = await simpleParser(received[1]!.source);
    expect(answer.inReplyTo).toBe(replyMessageId);
    expect(answer.references).toContain(replyMessageId);
    expect(answer.subject).toMatch(/^Re: /);
    expect(answer.text).toContain('nous notons le paiement pour le 20 mars');
  }, 60_000);

  it('attaches an unfiled message to a customer from the unfiled list', async () => {
    await page.goto(`${base}/console/#/inbox`);
    await page.waitForSelector(`article[data-message-id="${strangerId}"]`);
    expect(await page.getAttribute('#mailbox-status', 'data-status')).toBe('ok');
    const row = page.locator(`div:has(> article[data-message-id="${strangerId}"])`);
    await row.locator('select').selectOption(world.customers.beta);
    await row.locator('button').click();
    await expect.poll(() => page.url()).toContain(`#/customers/${world.customers.beta}/conversation`);
    await page.waitForSelector(`article[data-message-id="${strangerId}"]`);
    const { rows } = await world.db.pool.query<{ customer_id: string }>(`SELECT customer_id FROM inbox_messages WHERE id = $1`, [strangerId]);
    expect(rows[0]!.customer_id).toBe(world.customers.beta);
    await page.goto(`${base}/console/#/inbox`);
    await page.waitForSelector('#mailbox-status');
    expect(await page.locator(`article[data-message-id="${strangerId}"]`).count()).toBe(0);
  }, 60_000);
});
