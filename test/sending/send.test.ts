import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { runOrganization } from '../../core/agenda/index.ts';
import { approveActions, editAction, listQueue, previewAction, rejectActions } from '../../core/approvals/index.ts';
import { renderMessage } from '../../core/messages/index.ts';
import { sendDueActions, withinSendingHours, type SendDeps } from '../../core/sending/index.ts';
import { SmtpChannel, type LetterMessage } from '../../core/channels/index.ts';
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

// Monday 2 March 2026, 11:00 in Paris: inside the default sending hours (09:00–18:00, Mon–Fri).
const MONDAY_11H = new Date('2026-03-02T10:00:00Z');

function depsWith(workerId = 'w1'): SendDeps {
  return { channels: { email: smtp, letter: new RecordingChannel<LetterMessage>('letter') }, render: (i) => renderMessage(i), workerId };
}

/** What the SMTP server accepted for this organization's customers' addresses. */
function acceptedFor(addresses: readonly string[]) {
  return sink.accepted.filter((m) => m.to.some((a) => addresses.includes(a)));
}

async function emailsOf(f: OrgFixture): Promise<string[]> {
  const { rows } = await t.db.execute<{ email: string }>(sql`SELECT email FROM customers WHERE organization_id = ${f.organizationId}`);
  return rows.map((r) => r.email);
}

async function statusOf(f: OrgFixture): Promise<string[]> {
  const { rows } = await t.db.execute<{ status: string }>(sql`SELECT status::text FROM actions WHERE organization_id = ${f.organizationId} ORDER BY created_at`);
  return rows.map((r) => r.status);
}

describe('the send job', () => {
  let f: OrgFixture;
  beforeEach(async () => {
    f = await seedOrganization(t.db);
  });

  async function planOne(dueDate = '2026-02-20'): Promise<{ customerId: string; invoiceId: string }> {
    const customerId = await addCustomer(t.db, f);
    const invoiceId = await addInvoice(t.db, f, customerId, { dueDate, number: 'F-2026-007' });
    await runOrganization(t.db, { organizationId: f.organizationId, asOf: '2026-03-02' });
    return { customerId, invoiceId };
  }

  it('sends a due action once over SMTP, with its activity and write-back rows in the same transaction', async () => {
    const { customerId } = await planOne();
    const pass = await sendDueActions(t.db, depsWith(), { now: MONDAY_11H, organizationId: f.organizationId });
    expect(pass).toMatchObject({ claimed: 1, outcomes: { sent: 1 } });
    const mails = acceptedFor(await emailsOf(f));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.parts.get('text/plain')).toContain('F-2026-007');
    const { rows: [sent] } = await t.db.execute<{ key: string; mid: string }>(sql`
      SELECT idempotency_key AS key, details->>'providerMessageId' AS mid FROM actions WHERE organization_id = ${f.organizationId}`);
    // The Message-ID the server got is the one recorded, derived from the action's key.
    expect(mails[0]!.messageId).toBe(sent!.mid);
    expect(mails[0]!.headers.get('x-relance-action')).toBe(sent!.key);
    expect(await statusOf(f)).toEqual(['sent']);
    const { rows: acts } = await t.db.execute<{ kind: string }>(sql`SELECT kind FROM activities WHERE customer_id = ${customerId}`);
    expect(acts.map((a) => a.kind)).toEqual(['reminder.sent']);
    const { rows: out } = await t.db.execute<{ kind: string }>(sql`SELECT kind FROM outbox WHERE organization_id = ${f.organizationId} ORDER BY seq`);
    expect(out.map((o) => o.kind)).toEqual(['reminder_sent', 'set_dunning_stage']);
    // Nothing left to send; the next daily run does not plan the same step again.
    expect((await sendDueActions(t.db, depsWith(), { now: MONDAY_11H, organizationId: f.organizationId })).claimed).toBe(0);
    expect((await runOrganization(t.db, { organizationId: f.organizationId, asOf: '2026-03-03' })).inserted).toBe(0);
  });

  it('sends nothing outside the organization sending hours', async () => {
    await planOne();
    const saturday = new Date('2026-03-07T10:00:00Z');
    const monday7h = new Date('2026-03-02T06:00:00Z');
    for (const now of [saturday, monday7h]) {
      expect((await sendDueActions(t.db, depsWith(), { now, organizationId: f.organizationId })).claimed).toBe(0);
    }
    expect(acceptedFor(await emailsOf(f))).toHaveLength(0);
  });

  it('cancels instead of sending when a stop rule came up after planning (paid, promise, paused, dispute, hold)', async () => {
    const cases: ((c: string, i: string) => Promise<unknown>)[] = [
      (_c, i) => t.db.execute(sql`UPDATE invoices SET status = 'paid', balance_minor = 0 WHERE id = ${i}`),
      (c) => t.db.execute(sql`INSERT INTO promises_to_pay (organization_id, customer_id, currency, amount_minor, promised_date)
              VALUES (${f.organizationId}, ${c}, 'EUR', 1000, '2026-03-10')`),
      (c) => t.db.execute(sql`UPDATE customers SET paused = true WHERE id = ${c}`),
      (_c, i) => t.db.execute(sql`UPDATE invoices SET disputed = true WHERE id = ${i}`),
      (c) => t.db.execute(sql`INSERT INTO dunning_holds (organization_id, customer_id, reason) VALUES (${f.organizationId}, ${c}, 'x')`),
    ];
    // All planned first: a later daily run would itself cancel what a stop rule now holds back.
    const planned = [];
    for (let k = 0; k < cases.length; k++) {
      const customerId = await addCustomer(t.db, f);
      planned.push({ customerId, invoiceId: await addInvoice(t.db, f, customerId, { dueDate: '2026-02-20' }) });
    }
    await runOrganization(t.db, { organizationId: f.organizationId, asOf: '2026-03-02' });
    for (const [k, change] of cases.entries()) await change(planned[k]!.customerId, planned[k]!.invoiceId);
    const pass = await sendDueActions(t.db, depsWith(), { now: MONDAY_11H, organizationId: f.organizationId });
    expect(pass.outcomes.cancelled).toBe(5);
    expect(acceptedFor(await emailsOf(f))).toHaveLength(0);
    const { rows } = await t.db.execute<{ customer_id: string; reason: string }>(sql`
      SELECT customer_id, details->>'cancelledReason' AS reason FROM actions WHERE organization_id = ${f.organizationId}`);
    const byCustomer = new Map(rows.map((r) => [r.customer_id, r.reason]));
    expect(planned.map((p) => byCustomer.get(p.customerId))).toEqual(['paid', 'promise', 'paused', 'disputed', 'hold']);
  });

  it('retries a 451 from the SMTP server, and fails a policy refusal (550 5.7.1) visibly', async () => {
    await planOne();
    const [address] = await emailsOf(f);
    sink.refuse.set(address!, [451, '4.2.1 Mailbox busy, try later']);
    expect((await sendDueActions(t.db, depsWith(), { now: MONDAY_11H, organizationId: f.organizationId })).outcomes.retry).toBe(1);
    expect(await statusOf(f)).toEqual(['planned']);
    // The send retry policy's back-off: the first retry waits up to 10 minutes, and counts one failure.
    const { rows: [backoff] } = await t.db.execute<{ attempts: number; wait: number }>(sql`
      SELECT send_attempts AS attempts, extract(epoch FROM next_attempt_at - ${MONDAY_11H.toISOString()}::timestamptz)::float AS wait
        FROM actions WHERE organization_id = ${f.organizationId}`);
    expect(backoff!.attempts).toBe(1);
    expect(backoff!.wait).toBeGreaterThanOrEqual(0);
    expect(backoff!.wait).toBeLessThanOrEqual(600 + 5);
    const later = new Date(MONDAY_11H.getTime() + 11 * 60_000);
    sink.refuse.set(address!, [550, '5.7.1 Message rejected by policy']);
    expect((await sendDueActions(t.db, depsWith(), { now: later, organizationId: f.organizationId })).outcomes.failed).toBe(1);
    expect(await statusOf(f)).toEqual(['failed']);
    const { rows } = await t.db.execute<{ code: string; hard: boolean }>(sql`
      SELECT last_error->>'code' AS code, (last_error->>'hardBounce')::boolean AS hard FROM actions WHERE organization_id = ${f.organizationId}`);
    expect(rows[0]).toEqual({ code: 'delivery_rejected', hard: false });
    // A refusal of the message is not a bad address: nothing is marked invalid.
    const { rows: flags } = await t.db.execute<{ at: string | null }>(sql`SELECT email_invalid_at AS at FROM customers WHERE email = ${address!}`);
    expect(flags[0]!.at).toBeNull();
    const { rows: acts } = await t.db.execute<{ kind: string }>(sql`SELECT kind FROM activities WHERE organization_id = ${f.organizationId}`);
    expect(acts.map((a) => a.kind)).toEqual(['reminder.failed']);
    sink.refuse.delete(address!);
  });

  it('takes over a claim whose worker died (lease expired), but never a live one', async () => {
    await planOne();
    await planOne();
    const { rows } = await t.db.execute<{ id: string }>(sql`SELECT id FROM actions WHERE organization_id = ${f.organizationId} ORDER BY created_at`);
    await t.db.execute(sql`UPDATE actions SET status = 'sending', claimed_by = 'dead', claimed_at = ${new Date(MONDAY_11H.getTime() - 10 * 60_000).toISOString()}::timestamptz WHERE id = ${rows[0]!.id}`);
    await t.db.execute(sql`UPDATE actions SET status = 'sending', claimed_by = 'alive', claimed_at = ${new Date(MONDAY_11H.getTime() - 60_000).toISOString()}::timestamptz WHERE id = ${rows[1]!.id}`);
    const pass = await sendDueActions(t.db, depsWith(), { now: MONDAY_11H, organizationId: f.organizationId });
    expect(pass).toMatchObject({ claimed: 1, outcomes: { sent: 1 } });
    expect(await statusOf(f)).toEqual(['sent', 'sending']);
  });
});

describe('the approval queue', () => {
  it('lists, previews, edits and approves one; rejects another with a reason; reports bulk results per item', async () => {
    const f = await seedOrganization(t.db);
    const customers = [await addCustomer(t.db, f), await addCustomer(t.db, f), await addCustomer(t.db, f)];
    for (const c of customers) await addInvoice(t.db, f, c, { dueDate: '2026-02-04', number: `F-${c.slice(0, 4)}` });
    await runOrganization(t.db, { organizationId: f.organizationId, asOf: '2026-03-02' });
    const queue = await listQueue(t.db, f.organizationId);
    expect(queue.map((q) => [q.step, q.template, q.invoiceCount])).toEqual([[3, 'reminder-2', 1], [3, 'reminder-2', 1], [3, 'reminder-2', 1]]);
    // Awaiting approval: the send pass leaves them alone.
    expect((await sendDueActions(t.db, depsWith(), { now: MONDAY_11H, organizationId: f.organizationId })).claimed).toBe(0);

    const [first, second, third] = queue;
    const preview = await previewAction(t.db, { render: (i) => renderMessage(i) }, first!.id, MONDAY_11H);
    expect(preview.channel).toBe('email');
    await editAction(t.db, first!.id, { subject: 'Relevé de compte — merci de nous appeler' }, 'anna');
    await expect(editAction(t.db, first!.id, { subject: '' }, 'anna')).rejects.toThrow(/subject/);
    expect(await approveActions(t.db, [first!.id, third!.id], 'anna')).toEqual([{ id: first!.id, ok: true }, { id: third!.id, ok: true }]);
    expect(await rejectActions(t.db, [second!.id, first!.id], 'anna', 'customer called')).toEqual([
      { id: second!.id, ok: true },
      { id: first!.id, ok: false, error: 'not awaiting approval' },
    ]);
    await expect(rejectActions(t.db, [third!.id], 'anna', ' ')).rejects.toThrow(/reason/);

    await sendDueActions(t.db, depsWith(), { now: MONDAY_11H, organizationId: f.organizationId });
    const mails = acceptedFor(await emailsOf(f));
    expect(mails).toHaveLength(2);
    const subjects = mails.map((m) => m.subject);
    expect(subjects).toContain('Relevé de compte — merci de nous appeler');
    expect(await listQueue(t.db, f.organizationId)).toEqual([]);
  });
});

describe('sending hours in the organization time zone', () => {
  const hours = { from: '09:00', to: '18:00', days: [1, 2, 3, 4, 5] };
  it('follow local clocks across a daylight-saving change', () => {
    // New York moves to EDT on Sunday 8 March 2026: 13:30 UTC is 08:30 on Friday, 09:30 on Monday.
    expect(withinSendingHours(hours, 'America/New_York', new Date('2026-03-06T13:30:00Z'))).toBe(false);
    expect(withinSendingHours(hours, 'America/New_York', new Date('2026-03-09T13:30:00Z'))).toBe(true);
    // Paris moves to CEST on 29 March: 16:30 UTC is 17:30 on Friday 27 (open), 18:30 on Monday 30 (closed).
    expect(withinSendingHours(hours, 'Europe/Paris', new Date('2026-03-27T16:30:00Z'))).toBe(true);
    expect(withinSendingHours(hours, 'Europe/Paris', new Date('2026-03-30T16:30:00Z'))).toBe(false);
    // The same instant is Saturday in Auckland and Friday in Los Angeles.
    const instant = new Date('2026-03-06T22:00:00Z');
    expect(withinSendingHours(hours, 'Pacific/Auckland', instant)).toBe(false);
    expect(withinSendingHours(hours, 'America/Los_Angeles', instant)).toBe(true);
  });
});
