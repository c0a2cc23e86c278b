/**
 * Sends one claimed action: re-check the stop rules under the row lock, render, call the channel,
 * then mark it sent, record the activity and enqueue write-back outbox rows in one transaction.
 * Delivery is at least once: see README.md for the one window in which a message can go twice.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../store/db.ts';
import { todayIn } from '../calendar/index.ts';
import { isRelanceError } from '../errors.ts';
import { composeMessage, loadActionForSend, type ActionForSend } from './compose.ts';
import { sendStopReason } from './stop-check.ts';
import type { OutgoingMessage, SendDeps } from './types.ts';

/** After this many attempts a retryable failure is final: the action is `failed`, visible, not lost. */
export const MAX_SEND_ATTEMPTS = 5;

export type SendOutcome =
  | { kind: 'sent'; providerMessageId: string | null }
  | { kind: 'cancelled'; reason: string }
  | { kind: 'lost' }
  | { kind: 'retry'; error: string }
  | { kind: 'failed'; error: string };

/** Checks under the lock that the claim is still ours and nothing stops the send. */
async function preflight(db: Db, deps: SendDeps, actionId: string, now: Date): Promise<SendOutcome | null> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.execute<{ status: string; claimed_by: string | null; timezone: string; organization_id: string; customer_id: string }>(sql`
      SELECT a.status::text AS status, a.claimed_by, o.timezone, a.organization_id, a.customer_id
        FROM actions a JOIN organizations o ON o.id = a.organization_id WHERE a.id = ${actionId}::uuid FOR UPDATE OF a`);
    const row = rows[0];
    // The idempotency check: only the worker holding the claim may send; a sent action is never sent again.
    if (!row || row.status !== 'sending' || row.claimed_by !== deps.workerId) return { kind: 'lost' } as const;
    const reason = await sendStopReason(tx, actionId, todayIn(row.timezone, now));
    if (reason === null) return null;
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

function toOutgoing(a: ActionForSend, rendered: Awaited<ReturnType<typeof composeMessage>>): OutgoingMessage {
  const key = a.idempotency_key;
  if (rendered.channel === 'email') {
    return { channel: 'email', idempotencyKey: key, to: { address: a.email ?? '', name: a.contact_name ?? a.customer_name },
      subject: rendered.subject, html: rendered.html, text: rendered.text };
  }
  if (rendered.channel === 'sms') return { channel: 'sms', idempotencyKey: key, to: a.phone ?? '', text: rendered.text };
  return { channel: 'letter', idempotencyKey: key, pdf: rendered.pdf };
}

/** Calls the channel; task, call and escalate steps have none: they become work for a person. */
async function deliver(deps: SendDeps, a: ActionForSend, now: Date): Promise<string | null> {
  if (a.channel === 'task' || a.channel === 'call' || a.channel === 'escalate') return null;
  const channel = deps.channels[a.channel];
  if (!channel) throw new Error(`no ${a.channel} channel configured`);
  const rendered = await composeMessage(deps, a, todayIn(a.org_timezone, now));
  const result = await channel.send(toOutgoing(a, rendered));
  return result.providerMessageId;
}

/** Marks the action sent, with its activity and write-back rows, if the claim is still ours. */
async function finalize(db: Db, deps: SendDeps, a: ActionForSend, providerMessageId: string | null): Promise<boolean> {
  return db.transaction(async (tx) => {
    const updated = await tx.execute(sql`
      UPDATE actions SET status = 'sent', sent_at = now(), claimed_by = NULL, last_error = NULL, updated_at = now(),
             details = details || jsonb_build_object('providerMessageId', ${providerMessageId}::text)
       WHERE id = ${a.id}::uuid AND status = 'sending' AND claimed_by = ${deps.workerId}`);
    if ((updated.rowCount ?? 0) === 0) return false;
    const payload = JSON.stringify({
      actionId: a.id, step: a.step, scenario: a.details.scenario ?? null, template: a.template, channel: a.channel,
      invoices: a.items.map((i) => i.number ?? i.externalId),
    });
    await tx.execute(sql`
      INSERT INTO activities (organization_id, customer_id, actor, kind, payload)
      VALUES (${a.organization_id}, ${a.customer_id}, 'job:dunning.send',
              ${a.channel === 'email' || a.channel === 'sms' || a.channel === 'letter' ? 'reminder.sent' : 'task.created'},
              ${payload}::jsonb || jsonb_build_object('providerMessageId', ${providerMessageId}::text))`);
    // Write-back (ARCHITECTURE §8): a note on each listed invoice in the accounting system, and the
    // dunning stage on the CRM company. Keys are per action, so a retried finalize adds nothing.
    await tx.execute(sql`
      INSERT INTO outbox (organization_id, connection_id, kind, entity, external_id, payload, idempotency_key)
      SELECT ${a.organization_id}::uuid, i.connection_id, 'add-note', 'invoice', i.external_id, ${payload}::jsonb,
             'action:' || ${a.id}::text || ':add-note:' || i.id
        FROM action_invoices ai JOIN invoices i ON i.id = ai.invoice_id WHERE ai.action_id = ${a.id}::uuid
      UNION ALL
      SELECT ${a.organization_id}::uuid, r.connection_id, 'set-dunning-stage', 'company', r.external_id, ${payload}::jsonb,
             'action:' || ${a.id}::text || ':set-dunning-stage:' || r.id
        FROM customer_external_refs r WHERE r.customer_id = ${a.customer_id}::uuid AND r.kind = 'company'
      ON CONFLICT (idempotency_key) DO NOTHING`);
    return true;
  });
}

async function recordFailure(db: Db, deps: SendDeps, actionId: string, e: unknown): Promise<SendOutcome> {
  const error = e instanceof Error ? e.message : String(e);
  const retryable = isRelanceError(e) && e.retryable;
  const json = JSON.stringify(isRelanceError(e) ? e.toJSON() : { message: error });
  const { rows } = await db.execute<{ status: string }>(sql`
    UPDATE actions SET claimed_by = NULL, updated_at = now(), last_error = ${json}::jsonb,
           status = CASE WHEN ${retryable} AND send_attempts < ${MAX_SEND_ATTEMPTS} THEN 'planned' ELSE 'failed' END::action_status
     WHERE id = ${actionId}::uuid AND status = 'sending' AND claimed_by = ${deps.workerId}
    RETURNING status::text AS status`);
  return rows[0]?.status === 'planned' ? { kind: 'retry', error } : { kind: 'failed', error };
}

/** Sends one action this worker has claimed. */
export async function sendClaimedAction(db: Db, deps: SendDeps, actionId: string, now: Date = new Date()): Promise<SendOutcome> {
  const stop = await preflight(db, deps, actionId, now);
  if (stop) return stop;
  const action = await loadActionForSend(db, actionId);
  let providerMessageId: string | null;
  try {
    providerMessageId = await deliver(deps, action, now);
  } catch (e) {
    return recordFailure(db, deps, actionId, e);
  }
  // The window: the channel accepted the message; a crash before this commit re-sends it later.
  const ours = await finalize(db, deps, action, providerMessageId);
  return ours ? { kind: 'sent', providerMessageId } : { kind: 'lost' };
}
