/**
 * What a collector reads and does: a customer's conversation (messages, attachments, comments,
 * state), the unfiled list, attaching an unfiled message to a customer (which then acts as if it
 * had been matched: "awaiting us" and the hold), and marking a conversation handled.
 */
import { sql } from 'drizzle-orm';
import { todayIn } from '../calendar/index.ts';
import { InvalidInput, NotFound } from '../errors.ts';
import type { Db } from '../store/db.ts';
import { handleConversation } from './answer.ts';
import { onCustomerMessage } from './file-message.ts';

type Executor = Pick<Db, 'execute'>;

const MESSAGE_COLUMNS = sql`m.id, m.direction, m.kind, m.customer_id AS "customerId", m.matched_by AS "matchedBy", m.message_id AS "messageId",
  m.from_address AS "from", m.from_name AS "fromName", m.to_addresses AS "to", m.subject, m.sent_at AS "sentAt", m.text_body AS text,
  m.body_truncated AS "bodyTruncated", m.auto_reply_reason AS "autoReply", m.out_of_office_until AS "outOfOfficeUntil", m.bounce,
  m.suggestions, m.problem, m.author, m.delivery_status AS "deliveryStatus", m.delivery_error AS "deliveryError", m.created_at AS "createdAt",
  COALESCE((SELECT json_agg(json_build_object('id', a.id, 'filename', a.filename, 'contentType', a.content_type, 'size', a.size_bytes,
            'stored', a.content IS NOT NULL, 'omittedReason', a.omitted_reason) ORDER BY a.filename) FROM inbox_attachments a WHERE a.message_id = m.id), '[]') AS attachments`;

/** The customer's conversation, newest last. */
export async function loadConversation(db: Executor, organizationId: string, customerId: string): Promise<Record<string, unknown>> {
  const { rows: [thread] } = await db.execute(sql`
    SELECT state, subject, hold_id IS NOT NULL AS held, last_message_at AS "lastMessageAt", handled_at AS "handledAt", handled_by AS "handledBy"
      FROM inbox_threads WHERE organization_id = ${organizationId}::uuid AND customer_id = ${customerId}::uuid`);
  const { rows: messages } = await db.execute(sql`
    SELECT ${MESSAGE_COLUMNS} FROM inbox_messages m WHERE m.organization_id = ${organizationId}::uuid AND m.customer_id = ${customerId}::uuid
     ORDER BY m.created_at, m.id LIMIT 500`);
  const { rows: comments } = await db.execute(sql`
    SELECT c.id, c.body, c.created_at AS "createdAt", u.email AS author,
           COALESCE((SELECT array_agg(x.email) FROM users x WHERE x.id = ANY(c.mentions)), '{}') AS mentions
      FROM inbox_comments c JOIN users u ON u.id = c.author_user_id
     WHERE c.organization_id = ${organizationId}::uuid AND c.customer_id = ${customerId}::uuid ORDER BY c.created_at LIMIT 500`);
  return { state: thread ?? null, messages, comments };
}

/** Messages no customer claimed (unreadable ones with their reason), newest first. */
export async function listUnfiled(db: Executor, organizationId: string): Promise<unknown[]> {
  const { rows } = await db.execute(sql`
    SELECT ${MESSAGE_COLUMNS} FROM inbox_messages m WHERE m.organization_id = ${organizationId}::uuid AND m.customer_id IS NULL AND m.direction = 'in'
     ORDER BY m.created_at DESC LIMIT 500`);
  return rows;
}

/** Attaches an unfiled message to a customer; it then holds the dunning like a matched reply. */
export async function fileToCustomer(db: Db, x: { organizationId: string; messageId: string; customerId: string; actor: string }): Promise<{ held: boolean }> {
  return db.transaction(async (tx) => {
    const { rows: [m] } = await tx.execute<{ kind: string; subject: string | null; out_of_office_until: string | null }>(sql`
      SELECT kind, subject, out_of_office_until::text FROM inbox_messages
       WHERE id = ${x.messageId}::uuid AND organization_id = ${x.organizationId}::uuid AND customer_id IS NULL FOR UPDATE`);
    if (!m) throw new NotFound('no unfiled message with this id', { field: 'messageId' });
    const { rows: [c] } = await tx.execute<{ timezone: string }>(sql`
      SELECT o.timezone FROM customers c JOIN organizations o ON o.id = c.organization_id WHERE c.id = ${x.customerId}::uuid AND c.organization_id = ${x.organizationId}::uuid`);
    if (!c) throw new NotFound('customer not found', { field: 'customerId' });
    if (m.kind === 'unreadable' || m.kind === 'bounce') throw new InvalidInput(`a ${m.kind} message is listed, not filed on a customer`, { field: 'messageId' });
    const kind = m.kind === 'auto_reply' ? 'auto_reply' : 'reply';
    const effect = await onCustomerMessage(tx, {
      organizationId: x.organizationId, customerId: x.customerId, actionId: null, messageRowId: x.messageId, subject: m.subject ?? '', today: todayIn(c.timezone),
      classified: { kind, outOfOffice: m.out_of_office_until ? { date: m.out_of_office_until, words: '' } : null }, by: x.actor,
    });
    await tx.execute(sql`UPDATE inbox_messages SET customer_id = ${x.customerId}::uuid, thread_id = ${effect.threadId}::uuid, matched_by = 'collector' WHERE id = ${x.messageId}::uuid`);
    await tx.execute(sql`INSERT INTO activities (organization_id, customer_id, actor, kind, payload)
      VALUES (${x.organizationId}::uuid, ${x.customerId}::uuid, ${x.actor}, ${kind === 'reply' ? 'inbox.reply' : 'inbox.auto_reply'},
              ${JSON.stringify({ messageId: x.messageId, subject: m.subject, matchedBy: 'collector', held: effect.held })}::jsonb)`);
    return { held: effect.held };
  });
}

/** Marks the customer's conversation handled (its reply hold released). */
export async function markHandled(db: Db, x: { organizationId: string; customerId: string; actor: string }): Promise<{ handled: boolean }> {
  return db.transaction(async (tx) => {
    const handled = await handleConversation(tx, x.customerId, x.actor, 'closed');
    if (handled) {
      await tx.execute(sql`INSERT INTO activities (organization_id, customer_id, actor, kind, payload)
        VALUES (${x.organizationId}::uuid, ${x.customerId}::uuid, ${x.actor}, 'inbox.handled', '{}'::jsonb)`);
    }
    return { handled };
  });
}

/** One stored attachment, for download; null when absent or not stored. */
export async function attachmentContent(db: Executor, organizationId: string, attachmentId: string): Promise<{ filename: string; contentType: string; content: Buffer | null; omittedReason: string | null; customerId: string | null } | null> {
  const { rows: [a] } = await db.execute<{ filename: string; content_type: string; content: Buffer | null; omitted_reason: string | null; customer_id: string | null }>(sql`
    SELECT a.filename, a.content_type, a.content, a.omitted_reason, m.customer_id FROM inbox_attachments a JOIN inbox_messages m ON m.id = a.message_id
     WHERE a.id = ${attachmentId}::uuid AND m.organization_id = ${organizationId}::uuid`);
  return a ? { filename: a.filename, contentType: a.content_type, content: a.content, omittedReason: a.omitted_reason, customerId: a.customer_id } : null;
}
