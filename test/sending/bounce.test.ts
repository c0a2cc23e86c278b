/**
 * Hard bounces end to end: a real SMTP server refuses an address with 550 5.1.1; the address is
 * marked invalid, the bounce is on the timeline, and the reminder (and every later step) goes to
 * the next contact, then to another channel; with nobody left it fails visibly. A step whose
 * channel is not configured fails with that reason, never dropped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { runOrganization } from '../../core/agenda/index.ts';
import { approveActions } from '../../core/approvals/index.ts';
import { SmtpChannel, type SmsMessage } from '../../core/channels/index.ts';
import { renderMessage } from '../../core/messages/index.ts';
import { loadRecipients, sendDueActions, type SendChannels } from '../../core/sending/index.ts';
import { contacts } from '../../core/store/schema/index.ts';
import type { TestDatabase } from '../support/db.ts';
import { addCustomer, addInvoice, seedOrganization, type OrgFixture } from '../agenda/fixtures.ts';
import { RecordingChannel } from './recording-channel.ts';
import type { SmtpSink } from './smtp-sink.ts';
import { closeSendTestbed, openSendTestbed } from './testbed.ts';

let t: TestDatabase;
let sink: SmtpSink;
let smtp: SmtpChannel;
beforeAll(async () => {
  ({ t, sink, smtp } = await openSendTestbed());
});
afterAll(() => closeSendTestbed({ t, sink, smtp }));

// Mondays, 11:00 in Paris: inside the default sending hours.
const MARCH_2 = new Date('2026-03-02T10:00:00Z');
const MARCH_16 = new Date('2026-03-16T10:00:00Z');
const USER_UNKNOWN: [number, string] = [550, '5.1.1 <address>: Recipient address rejected: User unknown'];

async function pass(f: OrgFixture, channels: SendChannels, now = MARCH_2, limit?: number) {
  return sendDueActions(t.db, { channels, render: (i) => renderMessage(i), workerId: 'w1' }, { now, organizationId: f.organizationId, limit });
}

async function timeline(customerId: string): Promise<{ kind: string; payload: Record<string, unknown> }[]> {
  const { rows } = await t.db.execute<{ kind: string; payload: Record<string, unknown> }>(sql`
    SELECT kind, payload FROM activities WHERE customer_id = ${customerId} ORDER BY occurred_at, id`);
  return rows;
}

async function actionRow(f: OrgFixture) {
  const { rows } = await t.db.execute<{ status: string; error: string | null }>(sql`
    SELECT status::text AS status, last_error->>'message' AS error FROM actions
     WHERE organization_id = ${f.organizationId} ORDER BY created_at DESC LIMIT 1`);
  return rows[0]!;
}

async function seedCustomer(tag: string, phone: string | null = null) {
  const f = await seedOrganization(t.db);
  const customerId = await addCustomer(t.db, f, { email: `accounts@${tag}.example`, phone });
  await t.db.insert(contacts).values({
    organizationId: f.organizationId, connectionId: f.connectionId, externalId: `K-${tag}`, customerId,
    name: 'Paul Girard', email: `paul@${tag}.example`, role: 'billing', language: 'fr',
  });
  await addInvoice(t.db, f, customerId, { dueDate: '2026-02-20', number: 'F-2026-031' });
  await runOrganization(t.db, { organizationId: f.organizationId, asOf: '2026-03-02' });
  return { f, customerId };
}

describe('a hard bounce (550 5.1.1)', () => {
  it('marks the address invalid, records the bounce, and the reminder and later steps go to the next contact', async () => {
    const { f, customerId } = await seedCustomer('bounce-a');
    sink.refuse.set('accounts@bounce-a.example', USER_UNKNOWN);

    // One claim only: a pass would otherwise go straight on to the re-planned action.
    expect((await pass(f, { email: smtp }, MARCH_2, 1)).outcomes).toMatchObject({ retry: 1, sent: 0 });
    expect(sink.refused).toContain('accounts@bounce-a.example');
    // A bounce with someone else to reach waits no back-off.
    expect((await actionRow(f)).status).toBe('planned');
    const { rows: [flag] } = await t.db.execute<{ at: string | null; address: string | null }>(sql`
      SELECT email_invalid_at AS at, email_invalid_address AS address FROM customers WHERE id = ${customerId}`);
    expect(flag!.at).not.toBeNull();
    expect(flag!.address).toBe('accounts@bounce-a.example');
    expect(await timeline(customerId)).toMatchObject([
      { kind: 'reminder.bounced', payload: { to: 'accounts@bounce-a.example', code: 'delivery_rejected', addressInvalidated: true,
                                             fallback: { channel: 'email', to: 'paul@bounce-a.example' }, final: false } },
    ]);

    // The next pass sends the same reminder to the billing contact, greeting them by name.
    expect((await pass(f, { email: smtp })).outcomes).toMatchObject({ sent: 1 });
    const toPaul = sink.accepted.filter((m) => m.to.includes('paul@bounce-a.example'));
    expect(toPaul).toHaveLength(1);
    expect(toPaul[0]!.parts.get('text/plain')).toContain('Paul Girard');
    expect((await timeline(customerId)).at(-1)).toMatchObject({ kind: 'reminder.sent', payload: { to: 'paul@bounce-a.example', fellBack: false } });

    // The next step goes straight to the contact: the bounced address is not tried again.
    const refusedBefore = sink.refused.length;
    await runOrganization(t.db, { organizationId: f.organizationId, asOf: '2026-03-16' });
    const { rows: waiting } = await t.db.execute<{ id: string }>(sql`
      SELECT id FROM actions WHERE organization_id = ${f.organizationId} AND status = 'awaiting_approval'`);
    await approveActions(t.db, waiting.map((w) => w.id), 'anna');
    expect((await pass(f, { email: smtp }, MARCH_16)).outcomes).toMatchObject({ sent: 1 });
    expect(sink.refused.length).toBe(refusedBefore);
    expect(sink.accepted.filter((m) => m.to.includes('paul@bounce-a.example'))).toHaveLength(2);

    // A sync bringing a new address makes the customer reachable again.
    await t.db.execute(sql`UPDATE customers SET email = 'compta@bounce-a.example' WHERE id = ${customerId}`);
    expect((await loadRecipients(t.db, customerId))[0]).toMatchObject({ email: 'compta@bounce-a.example', emailInvalid: false });
  });

  it('falls back to SMS when every email address bounced, and fails visibly when nothing is left', async () => {
    const sms = new RecordingChannel<SmsMessage>('sms');
    const withSms = await seedCustomer('bounce-b', '+33612345678');
    const alone = await seedCustomer('bounce-c');
    for (const tag of ['bounce-b', 'bounce-c']) {
      sink.refuse.set(`accounts@${tag}.example`, USER_UNKNOWN);
      sink.refuse.set(`paul@${tag}.example`, USER_UNKNOWN);
    }
    for (let i = 0; i < 3; i++) {
      await pass(withSms.f, { email: smtp, sms });
      await pass(alone.f, { email: smtp, sms });
    }
    expect(await actionRow(withSms.f)).toMatchObject({ status: 'sent' });
    expect(sms.sent.map((m) => m.to)).toEqual(['+33612345678']);
    expect(sms.sent[0]!.text).toContain('1 facture(s)');
    expect((await timeline(withSms.customerId)).map((a) => a.kind)).toEqual(['reminder.bounced', 'reminder.bounced', 'reminder.sent']);
    expect((await timeline(withSms.customerId)).at(-1)).toMatchObject({ payload: { channel: 'sms', fellBack: true } });

    // No phone: the second bounce leaves nobody, the reminder is failed with the refusal.
    expect(await actionRow(alone.f)).toMatchObject({ status: 'failed', error: expect.stringMatching(/5\.1\.1/) });
    expect((await timeline(alone.customerId)).map((a) => [a.kind, a.payload.final])).toEqual([['reminder.bounced', false], ['reminder.bounced', true]]);
  });
});

describe('a step whose channel is not configured', () => {
  // Issue 15: a missing piece at send time holds the action for an admin, with its reason, rather than failing it away.
  it('is held with "no email channel configured" in the queue and on the timeline, and nothing is sent', async () => {
    const { f, customerId } = await seedCustomer('unconfigured');
    const sms = new RecordingChannel<SmsMessage>('sms');
    expect((await pass(f, { sms })).outcomes).toMatchObject({ held: 1 });
    expect(await actionRow(f)).toEqual({ status: 'awaiting_approval', error: null });
    expect(await timeline(customerId)).toMatchObject([{ kind: 'reminder.held', payload: { reason: 'no email channel configured (set RELANCE_SMTP_URL)' } }]);
    expect(sms.sent).toHaveLength(0);
  });
});
