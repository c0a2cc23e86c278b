/**
 * Filing policies on a real PostgreSQL, without a mailbox (fileMessage at a given position):
 * a scenario set to "notify" files a reply without holding; one set to postpone on out-of-office
 * holds the customer until the day before the return date; the same UID filed twice files once;
 * a collector attaches an unfiled message to a customer, which then holds; "handled" releases it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { generateKeySpec, parseKeyRing } from '../../core/crypto.ts';
import { fileMessage, fileToCustomer, markHandled, parseInbound, saveMailbox, saveReplyPolicy } from '../../core/inbox/index.ts';
import { addCustomer, seedOrganization, type OrgFixture } from '../agenda/fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { rawMessage } from './mail.ts';

let t: TestDatabase;
let f: OrgFixture;
let mailboxId: string;
let uid = 0;
const NOW = new Date('2026-03-05T10:00:00Z');
beforeAll(async () => {
  t = await createTestDatabase();
  f = await seedOrganization(t.db);
  mailboxId = (await saveMailbox(t.db, parseKeyRing(generateKeySpec()), f.organizationId, { host: '127.0.0.1', port: 1, tls: false, username: 'u', password: 'p', address: 'relances@relance.test' })).id;
}, 60_000);
afterAll(() => t?.drop());

async function file(raw: string, at = ++uid) {
  return fileMessage(t.db, { mailboxId, organizationId: f.organizationId, uidValidity: '7', uid: at }, await parseInbound(raw), { now: NOW });
}
async function holds(customerId: string) {
  const { rows } = await t.db.execute<{ reason: string; until: string | null; live: boolean }>(sql`
    SELECT reason, until::text, released_at IS NULL AS live FROM dunning_holds WHERE customer_id = ${customerId} ORDER BY created_at`);
  return rows;
}
async function withSentReminder(email: string) {
  const customerId = await addCustomer(t.db, f, { email });
  await t.db.execute(sql`INSERT INTO actions (organization_id, customer_id, step, channel, template, status, idempotency_key, scheduled_for, details, sent_at)
    VALUES (${f.organizationId}, ${customerId}, 2, 'email', 'reminder-1', 'sent', ${`k-${email}`}, '2026-03-02', '{"scenario":"standard"}', now())`);
  return customerId;
}

describe('reply policies', () => {
  it('"notify" files the reply, awaiting us, without holding', async () => {
    const c = await withSentReminder('notify@client.test');
    await saveReplyPolicy(t.db, f.organizationId, 'standard', { onReply: 'notify' });
    expect(await file(rawMessage({ From: 'notify@client.test', To: 'relances@relance.test', Subject: 'Re: Rappel', 'Message-ID': '<n1@c>' }, 'Bien reçu.'))).toMatchObject({ outcome: 'filed', held: false, customerId: c });
    expect(await holds(c)).toEqual([]);
  });

  it('an out-of-office with a return date postpones the next step when the scenario says so', async () => {
    const c = await withSentReminder('ooo@client.test');
    await saveReplyPolicy(t.db, f.organizationId, 'standard', { onReply: 'hold', postponeOnOutOfOffice: true });
    await file(rawMessage({ From: 'ooo@client.test', To: 'relances@relance.test', Subject: 'Out of office', 'Message-ID': '<o1@c>', Date: 'Thu, 05 Mar 2026 08:00:00 +0000' }, "I'm away, back on the 20th of March."));
    expect(await holds(c)).toEqual([{ reason: 'inbox.out_of_office', until: '2026-03-19', live: true }]);
  });

  it('the same UID filed twice is filed once', async () => {
    const c = await withSentReminder('twice@client.test');
    const raw = rawMessage({ From: 'twice@client.test', To: 'relances@relance.test', Subject: 'Re', 'Message-ID': '<t1@c>' }, 'ok');
    const at = ++uid;
    const [a, b] = await Promise.all([file(raw, at), file(raw, at)]);
    expect([a.outcome, b.outcome].sort()).toEqual(['duplicate', 'filed']);
    const { rows: [n] } = await t.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM activities WHERE customer_id = ${c} AND kind = 'inbox.reply'`);
    expect(n!.n).toBe(1);
    expect((await holds(c)).length).toBe(1);
  });

  it('an unfiled message attached by a collector holds; handled releases the hold', async () => {
    const c = await addCustomer(t.db, f, { email: 'known@client.test' });
    const filed = await file(rawMessage({ From: 'someone@other.test', To: 'relances@relance.test', Subject: 'Facture', 'Message-ID': '<u1@o>' }, 'Pouvez-vous renvoyer la facture ?'));
    expect(filed).toMatchObject({ outcome: 'filed', customerId: null });
    const messageId = filed.outcome === 'filed' ? filed.messageId : '';
    await saveReplyPolicy(t.db, f.organizationId, 'standard', { onReply: 'hold' });
    expect(await fileToCustomer(t.db, { organizationId: f.organizationId, messageId, customerId: c, actor: 'user:x' })).toEqual({ held: true });
    await expect(fileToCustomer(t.db, { organizationId: f.organizationId, messageId, customerId: c, actor: 'user:x' })).rejects.toMatchObject({ code: 'not_found' });
    expect(await holds(c)).toEqual([{ reason: 'inbox.reply', until: null, live: true }]);
    await markHandled(t.db, { organizationId: f.organizationId, customerId: c, actor: 'user:x' });
    expect(await holds(c)).toEqual([{ reason: 'inbox.reply', until: null, live: false }]);
  });
});
