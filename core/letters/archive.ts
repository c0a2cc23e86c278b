/**
 * Every letter that leaves is kept as it left: a letter channel wrapped by `withLetterArchive`
 * stores the PDF the channel accepted against its action (found by the action's idempotency key,
 * which the send job hands every channel), so that the console and the API can give it back after
 * sending exactly as it was posted. A resend of the same action replaces the same row.
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '../store/db.ts';
import type { Channel, LetterMessage, SendResult } from '../channels/index.ts';

type Executor = Pick<Db, 'execute'>;

/** The same channel, keeping each sent letter's document with its action. */
export function withLetterArchive(db: Executor, channel: Channel<LetterMessage>): Channel<LetterMessage> {
  return {
    kind: 'letter',
    async send(message: LetterMessage): Promise<SendResult> {
      const result = await channel.send(message);
      const content = Buffer.from(result.document ?? message.pdf);
      const sha256 = createHash('sha256').update(content).digest('hex');
      await db.execute(sql`
        INSERT INTO action_documents (action_id, organization_id, content, sha256, provider_message_id)
        SELECT a.id, a.organization_id, ${content}, ${sha256}, ${result.providerMessageId} FROM actions a WHERE a.idempotency_key = ${message.idempotencyKey}
        ON CONFLICT (action_id) DO UPDATE SET content = EXCLUDED.content, sha256 = EXCLUDED.sha256,
               provider_message_id = EXCLUDED.provider_message_id, created_at = now()`);
      return result;
    },
    close: () => channel.close(),
  };
}

/** A send job's channels with its letter channel archiving (the others as they are). */
export function archivingLetters<C extends { readonly letter?: Channel<LetterMessage> }>(db: Executor, channels: C): C {
  return channels.letter ? { ...channels, letter: withLetterArchive(db, channels.letter) } : channels;
}

/** The document a sent letter action left as, or null. */
export async function sentDocument(db: Executor, actionId: string): Promise<{ content: Buffer; contentType: string; providerMessageId: string | null } | null> {
  const { rows } = await db.execute<{ content: Buffer; content_type: string; provider_message_id: string | null }>(sql`
    SELECT content, content_type, provider_message_id FROM action_documents WHERE action_id = ${actionId}::uuid`);
  const row = rows[0];
  return row ? { content: row.content, contentType: row.content_type, providerMessageId: row.provider_message_id } : null;
}
