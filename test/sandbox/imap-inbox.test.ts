/**
 * The demo's IMAP inbox is enough for Relance's own reader: a reply to a reminder, appended as the
 * mail catcher would, is read by core/inbox through imapflow and filed on its customer; a wrong
 * password is the mailbox's auth_failed status; new mail is announced to an IDLE session (the
 * inbox watcher files it within seconds); the mail catcher hands mail for the inbox address to the
 * inbox and its "Reply as the customer" form sends a threaded reply that is filed on the customer.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateKeySpec, parseKeyRing } from '../../core/crypto.ts';
import { SmtpChannel } from '../../core/channels/index.ts';
import { loadConversation, readMailbox, replyThreading, saveMailbox, watchMailbox } from '../../core/inbox/index.ts';
import { startImapInbox, type ImapInbox } from '../../sandbox/imap-inbox.ts';
import { startMailCatcher } from '../../sandbox/mail-catcher.ts';
import { addCustomer, seedOrganization } from '../agenda/fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { rawMessage } from '../inbox/mail.ts';

const keys = parseKeyRing(generateKeySpec());
let t: TestDatabase;
let inbox: ImapInbox;
beforeAll(async () => {
  [t, inbox] = await Promise.all([createTestDatabase(), startImapInbox()]);
}, 60_000);
afterAll(async () => {
  await inbox?.close();
  await t?.drop();
});

it('files a reply read from the demo inbox, once', async () => {
  const f = await seedOrganization(t.db);
  const customerId = await addCustomer(t.db, f, { email: 'paul@client.test' });
  await saveMailbox(t.db, keys, f.organizationId, { host: inbox.host, port: inbox.port, tls: false, username: inbox.user, password: 'wrong', address: 'relances@demo.test' });
  expect(await readMailbox({ db: t.db, keys }, f.organizationId)).toMatchObject({ status: 'auth_failed' });
  await saveMailbox(t.db, keys, f.organizationId, { host: inbox.host, port: inbox.port, tls: false, username: inbox.user, password: inbox.password, address: 'relances@demo.test' });
  inbox.append(rawMessage({ From: 'paul@client.test', To: 'relances@demo.test', Subject: 'Re: Rappel', 'Message-ID': '<demo-1@client.test>' }, 'Nous payerons le 20.'));
  expect(await readMailbox({ db: t.db, keys }, f.organizationId)).toMatchObject({ status: 'ok', filed: 1 });
  expect(await readMailbox({ db: t.db, keys }, f.organizationId)).toMatchObject({ status: 'ok', filed: 0 });
  const c = await loadConversation(t.db, f.organizationId, customerId) as { state: { state: string }; messages: { subject: string }[] };
  expect(c.state.state).toBe('awaiting_us');
  expect(c.messages.map((m) => m.subject)).toEqual(['Re: Rappel']);
});

it('announces new mail to an IDLE session: the inbox watcher files it within seconds', { timeout: 30_000 }, async () => {
  const f = await seedOrganization(t.db);
  const customerId = await addCustomer(t.db, f, { email: 'idle@client.test' });
  const own = await startImapInbox();
  try {
    await saveMailbox(t.db, keys, f.organizationId, { host: own.host, port: own.port, tls: false, username: own.user, password: own.password, address: 'relances@demo.test' });
    // No listener: the watcher reads all the same.
    const watcher = watchMailbox({ db: t.db, keys }, f.organizationId);
    try {
      expect(await watcher.ready()).toBe('idle');
      await expect.poll(() => own.idling(), { timeout: 5_000, interval: 20 }).toBe(1);
      own.append(rawMessage({ From: 'idle@client.test', To: 'relances@demo.test', Subject: 'Re: Rappel', 'Message-ID': '<demo-idle@client.test>' }, 'Payé hier.'));
      await expect.poll(async () => ((await loadConversation(t.db, f.organizationId, customerId)) as { messages: unknown[] }).messages.length, { timeout: 10_000, interval: 50 }).toBe(1);
    } finally {
      await watcher.stop();
    }
  } finally {
    await own.close();
  }
});

it('the mail catcher hands mail for the inbox address to the inbox, and its "reply as the customer" is filed, threaded', async () => {
  const f = await seedOrganization(t.db);
  const customerId = await addCustomer(t.db, f, { email: 'claire@client.test' });
  const own = await startImapInbox();
  const catcher = await startMailCatcher(0, { web: true, inbox: { address: 'relances@relance.example', append: (raw) => own.append(raw) } });
  const smtp = new SmtpChannel({ host: catcher.host, port: catcher.port, from: { address: 'relances@relance.example', name: 'Atelier' } });
  try {
    await saveMailbox(t.db, keys, f.organizationId, { host: own.host, port: own.port, tls: false, username: own.user, password: own.password, address: 'relances@relance.example', plusAddressing: true });
    // A reminder as Relance sends it: the customer's plus-addressed Reply-To.
    const thread = await replyThreading(t.db, { organizationId: f.organizationId, customerId });
    expect(thread!.replyTo.address).toMatch(/^relances\+[a-z2-7]{12}@relance\.example$/);
    await smtp.send({ channel: 'email', idempotencyKey: 'demo-reminder-1', to: { address: 'claire@client.test' }, replyTo: thread!.replyTo, subject: 'Rappel : facture F-1', text: 'Votre facture F-1 est échue.', html: '<p>Votre facture F-1 est échue.</p>' });
    expect(own.count()).toBe(0);
    // The page offers the reply; the form posts it.
    const page = await (await fetch(new URL('/', catcher.webUrl!))).text();
    expect(page).toContain('action="/messages/1/reply"');
    const posted = await fetch(new URL('/messages/1/reply', catcher.webUrl!), { method: 'POST', body: new URLSearchParams({ text: 'Nous avons payé hier.' }), redirect: 'manual' });
    expect(posted.status).toBe(303);
    expect(own.count()).toBe(1);
    expect(catcher.messages[1]!.to).toEqual([thread!.replyTo.address]);
    expect(catcher.messages[1]!.raw).toMatch(/^In-Reply-To: <relance\./m);
    // Without text, nothing is sent.
    expect((await fetch(new URL('/messages/1/reply', catcher.webUrl!), { method: 'POST', body: new URLSearchParams({ text: ' ' }) })).status).toBe(400);
    expect(own.count()).toBe(1);
    expect(await readMailbox({ db: t.db, keys }, f.organizationId)).toMatchObject({ status: 'ok', filed: 1, unfiled: 0 });
    const c = await loadConversation(t.db, f.organizationId, customerId) as { messages: { subject: string; text: string }[] };
    expect(c.messages.map((m) => m.subject)).toEqual(['Re: Rappel : facture F-1']);
  } finally {
    await smtp.close();
    await catcher.close();
    await own.close();
  }
});
