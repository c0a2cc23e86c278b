/**
 * Sends one claimed action: re-check the stop rules and settle the customer's portal link under
 * the row lock, render, call the channel, then mark it sent, record the activity and enqueue
 * write-back outbox rows in one transaction.
 * Delivery is at least once: see README.md for the one window in which a message can go twice.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../store/db.ts';
import { todayIn } from '../calendar/index.ts';
import { enqueueReminderWriteBack } from '../outbox/index.ts';
import type { RecipientChoice } from '../channels/index.ts';
import { loadActionForSend, type ActionForSend } from './compose.ts';
import { deliver, type Delivery } from './deliver.ts';
import { recordFailure } from './failure.ts';
import { reminderPortalUrl } from './portal-link.ts';
import { planRecipient } from './recipients.ts';
import { sendStopReason } from './stop-check.ts';
import { holdIfNotReady } from '../send-readiness/index.ts';
import type { SendDeps } from './types.ts';

export { MAX_SEND_ATTEMPTS } from './failure.ts';

export type SendOutcome =
  | { kind: 'sent'; providerMessageId: string | null; channel: Delivery['channel']; fellBack: boolean }
  | { kind: 'cancelled'; reason: string }
  | { kind: 'held'; reason: string }
  | { kind: 'lost' }
  | { kind: 'retry'; error: string }
  | { kind: 'failed'; error: string };

/** Cleared to send, with the customer's portal link for the message (null for task, call and escalate steps). */
type Cleared = { kind: 'cleared'; portalUrl: string | null };

/**
 * Checks under the lock that the claim is still ours and nothing stops the send, then settles the
 * portal link in the same transaction, before anything leaves: a retry after a crash finds that
 * link live and renders the same message. A second link row can still appear (the link was
 * revoked meanwhile, or two workers send two actions of one customer at once): harmless, each is
 * a valid link to the same page, and later reminders reuse the one that lasts longest.
 */
async function preflight(db: Db, deps: SendDeps, actionId: string, now: Date): Promise<SendOutcome | Cleared> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.execute<{ status: string; claimed_by: string | null; timezone: string; organization_id: string; customer_id: string; channel: string }>(sql`
      SELECT a.status::text AS status, a.claimed_by, o.timezone, a.organization_id, a.customer_id, a.channel::text AS channel
        FROM actions a JOIN organizations o ON o.id = a.organization_id WHERE a.id = ${actionId}::uuid FOR UPDATE OF a`);
    const row = rows[0];
    // The idempotency check: only the worker holding the claim may send; a sent action is never sent again.
    if (!row || row.status !== 'sending' || row.claimed_by !== deps.workerId) return { kind: 'lost' } as const;
    const reason = await sendStopReason(tx, actionId, todayIn(row.timezone, now));
    if (reason === null) {
      const target = { organizationId: row.organization_id, customerId: row.customer_id };
      return { kind: 'cleared', portalUrl: isMessageChannel(row.channel) ? await reminderPortalUrl(tx, deps.portalLinks, target, now) : null } as const;
    }
    await tx.execute(sql`
      UPDATE actions SET status = 'cancelled', claimed_by = NULL, updated_at = now(),
             details = details || jsonb_build_object('cancelledReason', ${reason}::text)
       WHERE id = ${actionId}::uuid`);
    await tx.execute(sql`
      INSERT INTO activities (organization_id, customer_id, actor, kind, payload)
      VALUES (${row.organization_id}, ${row.customer_id}, 'job:dunning.send', 'reminder.cancelled',
              jsonb_build_object('actionId', ${actionId}::text, 'reason', ${reason}::text))`);
    return { kind: 'cancelled', reason } as const;
  });
}

/** Marks the action sent, with its activity and write-back rows, if the claim is still ours. */
async function finalize(db: Db, deps: SendDeps, a: ActionForSend, d: Delivery): Promise<boolean> {
  const providerMessageId = d.providerMessageId;
  return db.transaction(async (tx) => {
    const updated = await tx.execute(sql`
      UPDATE actions SET status = 'sent', sent_at = now(), claimed_by = NULL, last_error = NULL, updated_at = now(),
             details = details || jsonb_build_object('providerMessageId', ${providerMessageId}::text)
       WHERE id = ${a.id}::uuid AND status = 'sending' AND claimed_by = ${deps.workerId}`);
    if ((updated.rowCount ?? 0) === 0) return false;
    const payload = JSON.stringify({
      actionId: a.id, step: a.step, scenario: a.details.scenario ?? null, template: a.template, channel: d.channel ?? a.channel,
      to: d.to, fellBack: d.fellBack, invoices: a.items.map((i) => i.number ?? i.externalId),
    });
    await tx.execute(sql`
      INSERT INTO activities (organization_id, customer_id, actor, kind, payload)
      VALUES (${a.organization_id}, ${a.customer_id}, 'job:dunning.send',
              ${a.channel === 'email' || a.channel === 'sms' || a.channel === 'letter' ? 'reminder.sent' : 'task.created'},
              ${payload}::jsonb || jsonb_build_object('providerMessageId', ${providerMessageId}::text))`);
    // Write-back (ARCHITECTURE §8): a reminder note and the stage on each listed invoice, the stage
    // on the CRM company; keyed per action, so a retried finalize adds nothing.
    await enqueueReminderWriteBack(tx, {
      organizationId: a.organization_id, actionId: a.id, customerId: a.customer_id, step: a.step,
      scenario: typeof a.details.scenario === 'string' ? a.details.scenario : null, template: a.template,
      channel: d.channel ?? a.channel, date: todayIn(a.org_timezone, new Date()),
    });
    return true;
  });
}

/** Sends one action this worker has claimed. */
export async function sendClaimedAction(db: Db, deps: SendDeps, actionId: string, now: Date = new Date()): Promise<SendOutcome> {
  const cleared = await preflight(db, deps, actionId, now);
  if (cleared.kind !== 'cleared') return cleared;
  const action = await loadActionForSend(db, actionId);
  // A missing piece (channel, template, postal address) holds the action with its reason: core/send-readiness.
  const held = await holdIfNotReady(db, deps, action);
  if (held) return held;
  let choice: RecipientChoice | null = null;
  let delivery: Delivery;
  try {
    if (isMessageStep(action)) choice = await planRecipient(db, deps, { customerId: action.customer_id, channel: action.channel, template: action.template });
    delivery = await deliver(deps, action, choice, now, cleared.portalUrl);
  } catch (e) {
    return recordFailure(db, deps, action, choice, e);
  }
  // The window: the channel accepted the message; a crash before this commit re-sends it later.
  const ours = await finalize(db, deps, action, delivery);
  return ours ? { kind: 'sent', providerMessageId: delivery.providerMessageId, channel: delivery.channel, fellBack: delivery.fellBack } : { kind: 'lost' };
}

function isMessageChannel(channel: string): channel is 'email' | 'sms' | 'letter' {
  return channel === 'email' || channel === 'sms' || channel === 'letter';
}

function isMessageStep(a: ActionForSend): a is ActionForSend & { channel: 'email' | 'sms' | 'letter' } {
  return isMessageChannel(a.channel);
}
