/**
 * The conversation end to end, on a real dovecot (IMAP, LMTP) and real SMTP: reminders leave with
 * their Message-ID and the customer's reply address, land in the customers' dovecot mailboxes;
 * a threaded reply is filed on its customer, holds the next reminder and suggests a dispute; an
 * out-of-office reply is filed and holds nothing; a delivery report moves the reminder to the next
 * contact; a message with no thread, broken MIME and a 30 MB attachment end on the unfiled list;
 * a collector's answer reaches the customer's mailbox in the same thread and opens the dispute,
 * which a Slack webhook (a local HTTP sink) receives. A second read files nothing again.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { runOrganization } from '../../core/agenda/index.ts';
import { SmtpChannel } from '../../core/channels/index.ts';
import { generateKeySpec, parseKeyRing } from '../../core/crypto.ts';
import { addNotificationChannel, inboxThreading, listUnfiled, loadConversation, queueAnswer, readMailbox, runInboxDeliveries, saveMailbox } from '../../core/inbox/index.ts';
import { renderMessage } from '../../core/messages/index.ts';
import { sendDueActions } from '../../core/sending/index.ts';
import { contacts } from '../../core/store/schema/index.ts';
import { addCustomer, addInvoice, seedOrganization, type OrgFixture } from '../agenda/fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { startDovecot, type Dovecot } from './dovecot.ts';
import { dsnMessage, mailboxOf, rawMessage, startRelay, type Relay } from './mail.ts';

const keys = parseKeyRing(generateKeySpec());
const MARCH_2 = new Date('2026-03-02T10:00:00Z');
const MARCH_5 = new Date('2026-03-05T10:00:00Z');
const USERS = { relances: 'secret', paul: 'secret', olga: 'secret', gone: 'secret', backup: 'secret' };

let t: TestDatabase;
let dovecot: Dovecot;
let relay: Relay;
let smtp: SmtpChannel;
let slack: Server;
const slackPosts: { url: string; body: Record<string, unknown> }[] = [];
let f: OrgFixture;
const ids: Record<'paul' | 'olga' | 'gone', string> = { paul: '', olga: '', gone: '' };
const invoices: Record<string, string> = {};

beforeAll(async () => {
  [t, dovecot] = await Promise.all([createTestDatabase(), startDovecot(USERS)]);
  relay = await startRelay(dovecot);
  smtp = new SmtpChannel({ host: '127.0.0.1', port: relay.port, from: { address: 'relances@relance.test', name: 'Atelier Dupont' }, timeoutMs: 10_000 });
  slack = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => { slackPosts.push({ url: req.url ?? '', body: JSON.parse(body) as Record<string, unknown> }); res.writeHead(200).end('ok'); });
  });
  await new Promise<void>((r) => slack.listen(0, '127.0.0.1', () => r()));
  f = await seedOrganization(t.db);
  await saveMailbox(t.db, keys, f.organizationId, { host: '127.0.0.1', port: dovecot.imapPort, tls: false, username: 'relances', password: 'secret', address: 'relances@relance.test' });
  await addNotificationChannel(t.db, keys, f.organizationId, { kind: 'slack', name: '#recouvrement', url: `http://127.0.0.1:${(slack.address() as AddressInfo).port}/services/T0/B0/x`, events: ['dispute', 'reply'] });
  for (const name of ['paul', 'olga', 'gone'] as const) {
    ids[name] = await addCustomer(t.db, f, { email: `${name}@client.test`, name: `Client ${name}` });
    invoices[name] = await addInvoice(t.db, f, ids[name], { dueDate: '2026-02-20', number: `F-2026-${name}` });
  }
  await t.db.insert(contacts).values({ organizationId: f.organizationId, connectionId: f.connectionId, externalId: 'K-backup', customerId: ids.gone, name: 'Backup', email: 'backup@client.test', role: 'main', language: 'fr' });
}, 60_000);
afterAll(async () => {
  await smtp?.close();
  await relay?.close();
  await new Promise<void>((r) => (slack ? slack.close(() => r()) : r()));
  await dovecot?.stop();
  await t?.drop();
});

const send = (now: Date) => sendDueActions(t.db, { channels: { email: smtp }, render: (i) => renderMessage(i), workerId: 'w1', threading: inboxThreading(t.db) }, { now, organizationId: f.organizationId });
const read = () => readMailbox({ db: t.db, keys, send: { channels: { email: smtp } }, now: () => MARCH_5 }, f.organizationId);
async function kinds(customerId: string): Promise<string[]> {
  const { rows } = await t.db.execute<{ kind: string }>(sql`SELECT kind FROM activities WHERE customer_id = ${customerId} ORDER BY occurred_at, id`);
  return rows.map((r) => r.kind);
}
async function openSteps(customerId: string): Promise<number[]> {
  const { rows } = await t.db.execute<{ step: number }>(sql`SELECT step FROM actions WHERE customer_id = ${customerId} AND status IN ('planned', 'awaiting_approval') ORDER BY step`);
  return rows.map((r) => r.step);
}

describe('the conversation over a real dovecot', () => {
  it('sends reminders with a Message-ID and the customer\'s plus-addressed Reply-To', async () => {
    await runOrganization(t.db, { organizationId: f.organizationId, asOf: '2026-03-02' });
    expect((await send(MARCH_2)).outcomes).toMatchObject({ sent: 3 });
    const [reminder] = await mailboxOf(dovecot, 'paul');
    expect(reminder!.headers.get('message-id')).toMatch(/^<relance\./);
    expect(reminder!.headers.get('reply-to')).toMatch(/relances\+[a-z2-7]{12}@relance\.test/);
    // Each reminder is kept as it left (sent_messages, written with the acceptance): the timeline links to it.
    const { rows } = await t.db.execute<{ subject: string; text_body: string; html_body: string; to_address: string; provider_message_id: string }>(sql`
      SELECT m.subject, m.text_body, m.html_body, m.to_address, m.provider_message_id FROM sent_messages m WHERE m.customer_id = ${ids.paul}`);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.to_address).toBe('paul@client.test');
    expect(rows[0]!.provider_message_id).toBe(reminder!.headers.get('message-id'));
    const decoded = (await simpleParser(reminder!.source));
    expect(rows[0]!.subject).toBe(decoded.subject);
    expect(rows[0]!.text_body.trim()).toBe((decoded.text ?? '').trim());
    expect(rows[0]!.html_body).toContain('F-2026-paul');
  });

  it('files a threaded reply, an out-of-office and a late bounce, and lists what it cannot file', async () => {
    const [toPaul] = await mailboxOf(dovecot, 'paul');
    const [toOlga] = await mailboxOf(dovecot, 'olga');
    const [toGone] = await mailboxOf(dovecot, 'gone');
    const replyTo = (h: Map<string, string>) => /<?([^<>\s]+@relance\.test)>?/.exec(h.get('reply-to')!)![1]!;
    const mid = (h: Map<string, string>) => h.get('message-id')!;
    // Paul answers through his mail client: threaded, to the Reply-To, over SMTP.
    const client = new SmtpChannel({ host: '127.0.0.1', port: relay.port, from: { address: 'paul@client.test' }, timeoutMs: 10_000 });
    await client.send({
      channel: 'email', idempotencyKey: 'paul-reply', to: { address: replyTo(toPaul!.headers) }, subject: `Re: ${toPaul!.headers.get('subject')}`,
      text: `Bonjour,\nIl y a une erreur sur la facture F-2026-paul : nous contestons la quantité.\n\nLe 2 mars 2026, Atelier Dupont a écrit :\n> Rappel`, html: '<p>Bonjour, il y a une erreur sur la facture F-2026-paul : nous contestons la quantité.</p>',
      headers: { 'In-Reply-To': mid(toPaul!.headers), References: mid(toPaul!.headers), Date: 'Wed, 04 Mar 2026 09:00:00 +0100' },
    });
    await client.close();
    await dovecot.deliver(rawMessage({ From: 'olga@client.test', To: replyTo(toOlga!.headers), Subject: 'Réponse automatique : absente', 'Auto-Submitted': 'auto-replied',
      'In-Reply-To': mid(toOlga!.headers), 'Message-ID': '<ooo-1@client.test>', Date: 'Wed, 04 Mar 2026 09:00:00 +0100' }, 'Je suis absente, de retour le 20 mars.'), 'relances@relance.test');
    await dovecot.deliver(dsnMessage(toGone!.headers, 'gone@client.test'), 'relances@relance.test');
    await dovecot.deliver(rawMessage({ From: 'stranger@elsewhere.test', To: 'relances@relance.test', Subject: 'Question', 'Message-ID': '<q-1@elsewhere.test>' }, 'Who are you?'), 'relances@relance.test');
    // Broken MIME: a multipart whose boundary never comes, with a truncated base64 part.
    await dovecot.deliver(['From: broken@elsewhere.test', 'To: relances@relance.test', 'Subject: broken', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="nope"', '', '--other', 'Content-Type: application/pdf', 'Content-Transfer-Encoding: base64', '', 'JVBERi0x%%%', ''].join('\r\n'), 'relances@relance.test');
    // 30 MB attached: listed with its size, not stored, and nothing else suffers.
    const big = Buffer.alloc(30 * 1024 * 1024, 7).toString('base64').replace(/.{76}/g, '$&\r\n');
    await dovecot.deliver(['From: big@elsewhere.test', 'To: relances@relance.test', 'Subject: scans', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b1"', '',
      '--b1', 'Content-Type: text/plain', '', 'Voici les scans.', '--b1', 'Content-Type: application/pdf; name="scans.pdf"', 'Content-Disposition: attachment; filename="scans.pdf"', 'Content-Transfer-Encoding: base64', '', big, '--b1--', ''].join('\r\n'), 'relances@relance.test');

    const report = await read();
    expect(report).toMatchObject({ status: 'ok', filed: 6, duplicates: 0 });

    // Paul: filed by In-Reply-To, awaiting us, the dispute suggested with its words, the next reminder held.
    const paul = await loadConversation(t.db, f.organizationId, ids.paul) as { state: { state: string; held: boolean }; messages: { matchedBy: string; suggestions: { kind: string; words: string[] }[]; text: string }[] };
    expect(paul.state).toMatchObject({ state: 'awaiting_us', held: true });
    expect(paul.messages[0]).toMatchObject({ matchedBy: 'in-reply-to' });
    expect(paul.messages[0]!.suggestions).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'dispute', words: [expect.stringMatching(/erreur|contestons/)] })]));
    expect(await kinds(ids.paul)).toContain('inbox.reply');
    // Olga's out-of-office: filed, holds nothing.
    const olga = await loadConversation(t.db, f.organizationId, ids.olga) as { state: { held: boolean }; messages: { kind: string; outOfOfficeUntil: string }[] };
    expect(olga.messages[0]).toMatchObject({ kind: 'auto_reply', outOfOfficeUntil: '2026-03-20' });
    expect(olga.state.held).toBe(false);
    // The late bounce: address invalid, the reminder back to planned for the next contact.
    const { rows: [gone] } = await t.db.execute<{ invalid: string | null }>(sql`SELECT email_invalid_address AS invalid FROM customers WHERE id = ${ids.gone}`);
    expect(gone!.invalid).toBe('gone@client.test');
    expect(await kinds(ids.gone)).toContain('reminder.bounced');
    // The unfiled list: the stranger, the broken message and the 30 MB one, each with what could be read.
    const unfiled = await listUnfiled(t.db, f.organizationId) as { from: string | null; kind: string; problem: string | null; attachments: { filename: string; stored: boolean; omittedReason: string | null; size: number }[] }[];
    expect(unfiled.map((u) => u.from).sort()).toEqual(['big@elsewhere.test', 'broken@elsewhere.test', 'stranger@elsewhere.test']);
    const scans = unfiled.find((u) => u.from === 'big@elsewhere.test')!;
    expect(scans.attachments).toEqual([expect.objectContaining({ filename: 'scans.pdf', stored: false, omittedReason: expect.stringMatching(/not stored: 30\.0 MB is over the 10\.0 MB limit/) })]);

    // Read again: nothing is filed twice.
    expect(await read()).toMatchObject({ status: 'ok', filed: 0 });
    const { rows: [n] } = await t.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM inbox_messages WHERE direction = 'in'`);
    expect(n!.n).toBe(6);
  }, 60_000);

  it('the bounced reminder goes to the next contact; the reply holds the next reminder, the out-of-office does not', async () => {
    expect((await send(MARCH_5)).outcomes).toMatchObject({ sent: 1 });
    const [toBackup] = await mailboxOf(dovecot, 'backup');
    expect(toBackup?.headers.get('to')).toMatch(/backup@client\.test/);
    await runOrganization(t.db, { organizationId: f.organizationId, asOf: '2026-03-16' });
    expect(await openSteps(ids.paul)).toEqual([]);
    expect(await openSteps(ids.olga)).toEqual([3]);
    expect(await openSteps(ids.gone)).toEqual([3]);
  }, 30_000);

  it("a collector's answer reaches the customer in the same thread, opens the dispute, and Slack hears of it", async () => {
    const before = (await mailboxOf(dovecot, 'paul')).length;
    const queued = await queueAnswer(t.db, { organizationId: f.organizationId, customerId: ids.paul, actor: 'user:collector', input: {
      text: 'Merci, nous vérifions la quantité avec l\'atelier.', outcome: { kind: 'dispute', invoiceIds: [invoices.paul], reason: 'quantité contestée par e-mail' },
    } });
    expect(queued.outcome).toMatchObject({ kind: 'dispute' });
    const result = await runInboxDeliveries(t.db, { keys, email: smtp });
    expect(result).toMatchObject({ answersSent: 1 });
    const inbox = await mailboxOf(dovecot, 'paul');
    expect(inbox.length).toBe(before + 1);
    const answer = inbox[inbox.length - 1]!;
    const { rows: [reply] } = await t.db.execute<{ message_id: string }>(sql`SELECT message_id FROM inbox_messages WHERE customer_id = ${ids.paul} AND direction = 'in'`);
    expect(answer.headers.get('in-reply-to')).toBe(reply!.message_id);
    expect(answer.headers.get('references')).toContain(inbox[0]!.headers.get('message-id'));
    expect(answer.headers.get('subject')).toMatch(/^(Re: |=\?UTF-8\?Q\?Re=3A_)/);
    // The conversation is handled: the reply hold is released, the dispute now stops the dunning.
    const paul = await loadConversation(t.db, f.organizationId, ids.paul) as { state: { state: string; held: boolean } };
    expect(paul.state).toMatchObject({ state: 'awaiting_customer', held: false });
    const posts = slackPosts.map((p) => String(p.body.text));
    expect(posts).toEqual(expect.arrayContaining([expect.stringMatching(/^Dispute opened by Client paul: quantité contestée/), expect.stringMatching(/^Reply from Client paul/)]));
    // Another pass posts nothing twice.
    await runInboxDeliveries(t.db, { keys, email: smtp });
    expect(slackPosts.length).toBe(posts.length);
  }, 30_000);

  it('a mailbox that refuses the login gets a clear status, and the job does not throw', async () => {
    await saveMailbox(t.db, keys, f.organizationId, { host: '127.0.0.1', port: dovecot.imapPort, tls: false, username: 'relances', password: 'wrong', address: 'relances@relance.test' });
    const report = await read();
    expect(report).toMatchObject({ status: 'auth_failed' });
    const { rows: [m] } = await t.db.execute<{ status: string; detail: { code: string; field: string } }>(sql`SELECT status, status_detail AS detail FROM inbox_mailboxes`);
    expect(m).toMatchObject({ status: 'auth_failed', detail: { code: 'auth_expired', field: 'password' } });
  }, 30_000);
});
