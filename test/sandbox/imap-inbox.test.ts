/**
 * The demo's IMAP inbox is enough for Relance's own reader: a reply to a reminder, appended as the
 * mail catcher would, is read by core/inbox through imapflow and filed on its customer; a wrong
 * password is the mailbox's auth_failed status.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateKeySpec, parseKeyRing } from '../../core/crypto.ts';
import { loadConversation, readMailbox, saveMailbox } from '../../core/inbox/index.ts';
import { startImapInbox, type ImapInbox } from '../../sandbox/imap-inbox.ts';
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
