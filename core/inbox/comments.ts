/**
 * Colleagues in the loop ("relance interne"): internal comments on a customer, never sent to it.
 * `@marie` or `@marie@atelier.fr` mentions a member of the organization (by the local part or the
 * whole address of their login, or their display name without spaces); each one mentioned gets a
 * notification in the console and an email (sent by `inbox.deliver`).
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Channel, EmailMessage } from '../channels/index.ts';
import { InvalidInput } from '../errors.ts';
import type { Db } from '../store/db.ts';

export const commentInputSchema = z.object({ body: z.string().trim().min(1).max(10_000) });

const MENTION = /(^|[\s(])@([\p{L}\p{N}._+-]+(?:@[\p{L}\p{N}.-]+\.[\p{L}]{2,})?)/gu;

/** The handles a text mentions, lower-cased, without the "@". */
export function mentionHandles(body: string): string[] {
  return [...new Set([...body.matchAll(MENTION)].map((m) => m[2]!.toLowerCase().replace(/[.]+$/, '')))];
}

/** Adds a comment and notifies those it mentions (members of the organization only). */
export async function addComment(db: Db, x: { organizationId: string; customerId: string; authorUserId: string; input: unknown }): Promise<{ id: string; mentions: string[] }> {
  const parsed = commentInputSchema.safeParse(x.input);
  if (!parsed.success) throw new InvalidInput(`comment.body: ${parsed.error.issues[0]!.message}`, { field: 'body' });
  const body = parsed.data.body;
  const handles = mentionHandles(body);
  return db.transaction(async (tx) => {
    const { rows: members } = handles.length ? await tx.execute<{ id: string; email: string }>(sql`
      SELECT u.id, u.email FROM users u JOIN memberships m ON m.user_id = u.id
       WHERE m.organization_id = ${x.organizationId}::uuid AND NOT u.disabled
         AND (u.email = ANY(${sql.param(handles)}::text[]) OR split_part(u.email, '@', 1) = ANY(${sql.param(handles)}::text[])
              OR lower(replace(coalesce(u.display_name, ''), ' ', '')) = ANY(${sql.param(handles)}::text[]))`) : { rows: [] };
    const mentioned = members.filter((m) => m.id !== x.authorUserId);
    const { rows: [c] } = await tx.execute<{ id: string }>(sql`
      INSERT INTO inbox_comments (organization_id, customer_id, author_user_id, body, mentions)
      VALUES (${x.organizationId}::uuid, ${x.customerId}::uuid, ${x.authorUserId}::uuid, ${body}, ${sql.param(mentioned.map((m) => m.id))}::uuid[]) RETURNING id`);
    for (const m of mentioned) {
      await tx.execute(sql`
        INSERT INTO inbox_notifications (organization_id, user_id, customer_id, comment_id, kind, payload)
        VALUES (${x.organizationId}::uuid, ${m.id}::uuid, ${x.customerId}::uuid, ${c!.id}::uuid, 'mention', ${JSON.stringify({ excerpt: body.slice(0, 280), by: x.authorUserId })}::jsonb)`);
    }
    await tx.execute(sql`INSERT INTO activities (organization_id, customer_id, actor, kind, payload)
      VALUES (${x.organizationId}::uuid, ${x.customerId}::uuid, ${`user:${x.authorUserId}`}, 'comment.added',
              ${JSON.stringify({ commentId: c!.id, excerpt: body.slice(0, 280), mentions: mentioned.map((m) => m.email) })}::jsonb)`);
    return { id: c!.id, mentions: mentioned.map((m) => m.email) };
  });
}

/** Emails the pending mention notifications; without an email channel they stay in the console only. */
export async function emailNotifications(db: Db, email: Channel<EmailMessage> | undefined, publicUrl: string | null): Promise<{ sent: number; failed: number }> {
  const out = { sent: 0, failed: 0 };
  if (!email) return out;
  const { rows } = await db.execute<{ id: string; email: string; customer_name: string | null; author: string | null; excerpt: string; organization_id: string; customer_id: string | null }>(sql`
    UPDATE inbox_notifications n SET email_status = 'sent'
      FROM (SELECT id FROM inbox_notifications WHERE email_status = 'pending' ORDER BY created_at LIMIT 50 FOR UPDATE SKIP LOCKED) due, users u
     WHERE n.id = due.id AND u.id = n.user_id
    RETURNING n.id, u.email, n.organization_id, n.customer_id, n.payload->>'excerpt' AS excerpt,
              (SELECT name FROM customers WHERE id = n.customer_id) AS customer_name,
              (SELECT email FROM users WHERE id::text = n.payload->>'by') AS author`);
  for (const r of rows) {
    const link = publicUrl && r.customer_id ? `\n\n${publicUrl.replace(/\/$/, '')}/console/#/customers/${r.customer_id}` : '';
    try {
      await email.send({
        channel: 'email', idempotencyKey: `inbox-notification:${r.id}`, to: { address: r.email },
        subject: `${r.author ?? 'A colleague'} mentioned you on ${r.customer_name ?? 'a customer'}`,
        text: `${r.excerpt}${link}`, html: `<p style="white-space:pre-wrap">${r.excerpt.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</p>`,
      });
      out.sent += 1;
    } catch (e) {
      // Marked sent before the call so two workers never email twice; a failure is recorded, not retried.
      await db.execute(sql`UPDATE inbox_notifications SET email_status = 'failed', email_error = ${e instanceof Error ? e.message : String(e)} WHERE id = ${r.id}::uuid`);
      out.failed += 1;
    }
  }
  return out;
}
