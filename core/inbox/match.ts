/**
 * Which customer a message belongs to, in order of certainty: the reminder or answer it replies
 * to (In-Reply-To, then References), the reply token in the address it was sent to
 * (`relances+<token>@…`), then the sender's address when exactly one customer of the
 * organization has it. Anything else is unfiled, for a collector to attach.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../store/db.ts';
import type { InboundMessage } from './parse.ts';
import { tokenFromAddress } from './threading.ts';

type Executor = Pick<Db, 'execute'>;

export interface Match {
  customerId: string;
  actionId: string | null;
  matchedBy: 'in-reply-to' | 'references' | 'token' | 'sender';
}

/** The idempotency key a Relance Message-ID carries (`<relance.{base64url(key)}@domain>`), or null. */
export function actionKeyOf(messageId: string): string | null {
  const m = /^<relance\.([A-Za-z0-9_-]+)@[^>]+>$/.exec(messageId.trim());
  return m ? Buffer.from(m[1]!, 'base64url').toString('utf8') : null;
}

/** The reminder (by its idempotency key) or the filed message a Message-ID names. */
export async function byMessageIds(db: Executor, organizationId: string, messageIds: readonly string[]): Promise<{ customerId: string; actionId: string | null } | null> {
  for (const id of messageIds) {
    const key = actionKeyOf(id);
    if (key) {
      const { rows } = await db.execute<{ id: string; customer_id: string }>(sql`
        SELECT id, customer_id FROM actions WHERE organization_id = ${organizationId}::uuid AND idempotency_key = ${key} LIMIT 1`);
      if (rows[0]) return { customerId: rows[0].customer_id, actionId: rows[0].id };
    }
    const { rows } = await db.execute<{ customer_id: string; action_id: string | null }>(sql`
      SELECT customer_id, action_id FROM inbox_messages
       WHERE organization_id = ${organizationId}::uuid AND message_id = ${id} AND customer_id IS NOT NULL
       ORDER BY created_at DESC LIMIT 1`);
    if (rows[0]) return { customerId: rows[0].customer_id, actionId: rows[0].action_id };
  }
  return null;
}

/** The customer a message belongs to, or null (unfiled). */
export async function matchCustomer(db: Executor, organizationId: string, m: InboundMessage): Promise<Match | null> {
  if (m.inReplyTo) {
    const hit = await byMessageIds(db, organizationId, [m.inReplyTo]);
    if (hit) return { ...hit, matchedBy: 'in-reply-to' };
  }
  // Newest first: the last message of the thread is the one answered.
  const refs = [...m.references].reverse();
  if (refs.length) {
    const hit = await byMessageIds(db, organizationId, refs);
    if (hit) return { ...hit, matchedBy: 'references' };
  }
  const tokens = m.recipients.map(tokenFromAddress).filter((t): t is string => t !== null);
  if (tokens.length) {
    const { rows } = await db.execute<{ customer_id: string }>(sql`
      SELECT customer_id FROM inbox_reply_tokens WHERE organization_id = ${organizationId}::uuid AND token = ANY(${sql.param(tokens)}::text[]) LIMIT 1`);
    if (rows[0]) return { customerId: rows[0].customer_id, actionId: null, matchedBy: 'token' };
  }
  if (m.from) {
    const { rows } = await db.execute<{ id: string }>(sql`
      SELECT DISTINCT c.id FROM customers c LEFT JOIN contacts k ON k.customer_id = c.id
       WHERE c.organization_id = ${organizationId}::uuid AND (lower(c.email) = ${m.from.address} OR lower(k.email) = ${m.from.address})
       LIMIT 2`);
    if (rows.length === 1) return { customerId: rows[0]!.id, actionId: null, matchedBy: 'sender' };
  }
  return null;
}
