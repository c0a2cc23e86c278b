/**
 * A collector's answer from the customer's page: queued in the same transaction as what it turns
 * the exchange into (a promise, a dispute or a paused customer) and the conversation's new state,
 * then sent by the worker (`inbox.deliver`) through the organization's SMTP channel, in the same
 * thread: `In-Reply-To` the customer's last message, `References` the whole chain, and the
 * customer's reply address as `Reply-To`. The Message-ID comes from the row's id, so a retried send
 * carries the same one.
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Channel, EmailMessage } from '../channels/index.ts';
import { openDispute } from '../disputes/index.ts';
import { InvalidInput, NotFound, isRelanceError } from '../errors.ts';
import { recordPromise } from '../promises/index.ts';
import type { Db } from '../store/db.ts';
import type { Tx } from '../store/index.ts';
import { replyThreading } from './threading.ts';

export const answerInputSchema = z.object({
  text: z.string().trim().min(1).max(20_000),
  subject: z.string().trim().min(1).max(300).optional(),
  /** What the exchange becomes, in the same step. */
  outcome: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('promise'), amount: z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal string such as "1250.00"'), date: z.iso.date() }),
    z.object({ kind: z.literal('dispute'), invoiceIds: z.array(z.uuid()).min(1).max(100), reason: z.string().trim().min(1).max(2000) }),
    z.object({ kind: z.literal('pause') }),
  ]).optional(),
});
export type AnswerInput = z.input<typeof answerInputSchema>;

const MAX_ATTEMPTS = 5;

/** Applies the answer's outcome; returns what the timeline names. */
async function applyOutcome(tx: Tx, organizationId: string, customerId: string, actor: string, o: NonNullable<z.output<typeof answerInputSchema>['outcome']>): Promise<Record<string, unknown>> {
  if (o.kind === 'promise') {
    const p = await recordPromise(tx, { organizationId, customerId, amount: o.amount, date: o.date, recordedBy: actor });
    return { kind: 'promise', promiseId: p.id, amount: o.amount, date: o.date };
  }
  if (o.kind === 'dispute') {
    const { rows } = await tx.execute(sql`SELECT 1 FROM invoices WHERE id = ANY(${sql.param(o.invoiceIds)}::uuid[]) AND customer_id <> ${customerId}::uuid`);
    if (rows.length) throw new InvalidInput('answer.outcome.invoiceIds: not invoices of this customer', { field: 'outcome.invoiceIds' });
    const d = await openDispute(tx, { organizationId, invoiceIds: o.invoiceIds, reason: o.reason, openedVia: 'admin', actor });
    return { kind: 'dispute', disputeId: d.id };
  }
  await tx.execute(sql`UPDATE customers SET paused = true, updated_at = now() WHERE id = ${customerId}::uuid`);
  return { kind: 'pause' };
}

/** Queues an answer to the customer and applies its outcome; the conversation is handled (its hold released). */
export async function queueAnswer(db: Db, x: { organizationId: string; customerId: string; actor: string; input: unknown }): Promise<{ id: string; outcome: Record<string, unknown> | null }> {
  const parsed = answerInputSchema.safeParse(x.input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidInput(`answer.${issue.path.join('.')}: ${issue.message}`, { field: issue.path.join('.') });
  }
  const a = parsed.data;
  return db.transaction(async (tx) => {
    const { rows: [last] } = await tx.execute<{ subject: string | null; from_address: string | null; message_id: string | null; references: string[] }>(sql`
      SELECT subject, from_address, message_id, "references" FROM inbox_messages
       WHERE customer_id = ${x.customerId}::uuid AND direction = 'in' AND kind IN ('reply', 'auto_reply') ORDER BY created_at DESC LIMIT 1`);
    const { rows: [customer] } = await tx.execute<{ email: string | null }>(sql`
      SELECT COALESCE(c.email, (SELECT k.email FROM contacts k WHERE k.customer_id = c.id AND k.email IS NOT NULL ORDER BY (k.role = 'billing') DESC, k.created_at LIMIT 1)) AS email
        FROM customers c WHERE c.id = ${x.customerId}::uuid AND c.organization_id = ${x.organizationId}::uuid`);
    if (!customer) throw new NotFound('customer not found', { field: 'customerId' });
    const to = last?.from_address ?? customer.email;
    if (!to) throw new InvalidInput('answer: the customer has no email address and has not written', { field: 'customerId' });
    const subject = a.subject ?? (last?.subject ? (/^re:/i.test(last.subject) ? last.subject : `Re: ${last.subject}`) : 'Votre compte / Your account');
    const references = [...(last?.references ?? []), ...(last?.message_id ? [last.message_id] : [])];
    const outcome = a.outcome ? await applyOutcome(tx, x.organizationId, x.customerId, x.actor, a.outcome) : null;
    const { rows: [row] } = await tx.execute<{ id: string }>(sql`
      INSERT INTO inbox_messages (organization_id, direction, kind, customer_id, in_reply_to, "references", to_addresses, subject, text_body, author, delivery_status, matched_by)
      VALUES (${x.organizationId}::uuid, 'out', 'answer', ${x.customerId}::uuid, ${last?.message_id ?? null}, ${sql.param(references)}::text[],
              ${sql.param([to])}::text[], ${subject}, ${a.text}, ${x.actor}, 'queued', 'collector') RETURNING id`);
    await handleConversation(tx, x.customerId, x.actor, 'awaiting_customer');
    await tx.execute(sql`UPDATE inbox_messages SET thread_id = (SELECT id FROM inbox_threads WHERE customer_id = ${x.customerId}::uuid) WHERE id = ${row!.id}::uuid`);
    await tx.execute(sql`INSERT INTO activities (organization_id, customer_id, actor, kind, payload)
      VALUES (${x.organizationId}::uuid, ${x.customerId}::uuid, ${x.actor}, 'inbox.answer',
              ${JSON.stringify({ messageId: row!.id, to, subject, excerpt: a.text.slice(0, 280), outcome })}::jsonb)`);
    return { id: row!.id, outcome };
  });
}

/** Marks the conversation handled: the reply hold is released, so the scenario goes on. */
export async function handleConversation(tx: Pick<Db, 'execute'>, customerId: string, actor: string, state: 'awaiting_customer' | 'closed' = 'closed'): Promise<boolean> {
  const { rows } = await tx.execute<{ id: string }>(sql`
    UPDATE inbox_threads SET state = ${state}, handled_at = now(), handled_by = ${actor}, hold_id = NULL
     WHERE customer_id = ${customerId}::uuid RETURNING id`);
  if (!rows[0]) return false;
  await tx.execute(sql`UPDATE dunning_holds SET released_at = now() WHERE customer_id = ${customerId}::uuid AND reason = 'inbox.reply' AND released_at IS NULL`);
  return true;
}

/** Sends the queued answers (the worker's pass); each is sent at most once per attempt and never after `sent`. */
export async function deliverQueuedAnswers(db: Db, email: Channel<EmailMessage> | undefined, opts: { limit?: number } = {}): Promise<{ sent: number; failed: number; retry: number }> {
  const out = { sent: 0, failed: 0, retry: 0 };
  if (!email) return out;
  const { rows } = await db.execute<{ id: string; organization_id: string; customer_id: string; to_addresses: string[]; subject: string; text_body: string; in_reply_to: string | null; references: string[] }>(sql`
    UPDATE inbox_messages SET delivery_attempts = delivery_attempts + 1
     WHERE id IN (SELECT id FROM inbox_messages WHERE direction = 'out' AND delivery_status = 'queued' ORDER BY created_at LIMIT ${opts.limit ?? 50} FOR UPDATE SKIP LOCKED)
    RETURNING id, organization_id, customer_id, to_addresses, subject, text_body, in_reply_to, "references"`);
  for (const r of rows) {
    const threading = await replyThreading(db, { organizationId: r.organization_id, customerId: r.customer_id });
    const headers: Record<string, string> = {};
    if (r.in_reply_to) headers['In-Reply-To'] = r.in_reply_to;
    if (r.references.length) headers.References = r.references.join(' ');
    try {
      const result = await email.send({
        channel: 'email', idempotencyKey: `inbox-answer:${r.id}`, to: { address: r.to_addresses[0]! }, replyTo: threading?.replyTo ?? null,
        subject: r.subject, text: r.text_body, html: `<div style="white-space:pre-wrap">${escapeHtml(r.text_body)}</div>`, headers,
      });
      await db.execute(sql`UPDATE inbox_messages SET delivery_status = 'sent', message_id = ${result.providerMessageId}, sent_at = now(), delivery_error = NULL WHERE id = ${r.id}::uuid`);
      out.sent += 1;
    } catch (e) {
      const retry = isRelanceError(e) && e.retryable;
      const { rows: [a] } = await db.execute<{ attempts: number }>(sql`SELECT delivery_attempts AS attempts FROM inbox_messages WHERE id = ${r.id}::uuid`);
      const final = !retry || (a?.attempts ?? 0) >= MAX_ATTEMPTS;
      await db.execute(sql`UPDATE inbox_messages SET delivery_status = ${final ? 'failed' : 'queued'}, delivery_error = ${e instanceof Error ? e.message : String(e)} WHERE id = ${r.id}::uuid`);
      if (final) out.failed += 1;
      else out.retry += 1;
    }
  }
  return out;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
