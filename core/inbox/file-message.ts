/**
 * Files one message read from the mailbox, in one transaction with everything it causes: the
 * message row (unique on mailbox, UIDVALIDITY and UID: a message read twice is filed once), its
 * attachments, the thread "awaiting us" and the hold on the next reminder (or an out-of-office
 * postponement), a late bounce's effects, the timeline activity, and the mailbox's read position.
 * A crash anywhere before the commit leaves nothing, and the next read files it again, once.
 */
import { sql } from 'drizzle-orm';
import { addDays, todayIn, type IsoDate } from '../calendar/index.ts';
import type { SendDeps } from '../sending/index.ts';
import type { Db } from '../store/db.ts';
import type { Tx } from '../store/index.ts';
import { autoReplyReason, returnDate } from './auto-reply.ts';
import { applyBounce, type BounceOutcome } from './bounce.ts';
import { isDeliveryReport, parseDsn } from './dsn.ts';
import { matchCustomer, type Match } from './match.ts';
import type { InboundMessage } from './parse.ts';
import { replyPolicy } from './policy.ts';
import { suggestReadings, type Suggestion } from './suggestions.ts';

export const REPLY_HOLD_REASON = 'inbox.reply';
export const OUT_OF_OFFICE_HOLD_REASON = 'inbox.out_of_office';
const ACTOR = 'job:inbox.read';

export interface Position {
  mailboxId: string;
  organizationId: string;
  uidValidity: string;
  uid: number;
}

export type Filed =
  | { outcome: 'duplicate' }
  | { outcome: 'filed'; messageId: string; kind: 'reply' | 'auto_reply' | 'bounce' | 'unreadable'; customerId: string | null; held: boolean };

/** A message that could not be read at all (the fetch or the parser failed): filed unfiled with the reason. */
export interface Unreadable {
  problem: string;
  size: number | null;
}

async function advance(tx: Tx, p: Position): Promise<void> {
  await tx.execute(sql`
    UPDATE inbox_mailboxes SET last_uid = GREATEST(last_uid, ${p.uid}), uid_validity = ${p.uidValidity}::bigint, updated_at = now()
     WHERE id = ${p.mailboxId}::uuid`);
}

async function activity(tx: Tx, organizationId: string, customerId: string | null, kind: string, payload: Record<string, unknown>): Promise<void> {
  await tx.execute(sql`INSERT INTO activities (organization_id, customer_id, actor, kind, payload)
    VALUES (${organizationId}::uuid, ${customerId}::uuid, ${ACTOR}, ${kind}, ${JSON.stringify(payload)}::jsonb)`);
}

/** Files a message that could not be read, so it is listed once and never read again. */
export async function fileUnreadable(db: Db, p: Position, u: Unreadable): Promise<Filed> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.execute<{ id: string }>(sql`
      INSERT INTO inbox_messages (organization_id, mailbox_id, uid_validity, uid, direction, kind, problem, size_bytes)
      VALUES (${p.organizationId}::uuid, ${p.mailboxId}::uuid, ${p.uidValidity}::bigint, ${p.uid}, 'in', 'unreadable', ${u.problem}, ${u.size})
      ON CONFLICT (mailbox_id, uid_validity, uid) DO NOTHING RETURNING id`);
    await advance(tx, p);
    if (!rows[0]) return { outcome: 'duplicate' } as const;
    await activity(tx, p.organizationId, null, 'inbox.unfiled', { messageId: rows[0].id, problem: u.problem });
    return { outcome: 'filed', messageId: rows[0].id, kind: 'unreadable', customerId: null, held: false } as const;
  });
}

interface Classified {
  kind: 'reply' | 'auto_reply' | 'bounce';
  autoReason: string | null;
  outOfOffice: { date: IsoDate; words: string } | null;
  suggestions: Suggestion[];
}

function classify(m: InboundMessage, today: IsoDate): Classified {
  if (isDeliveryReport(m)) return { kind: 'bounce', autoReason: 'delivery report', outOfOffice: null, suggestions: [] };
  const ref = m.date ? m.date.toISOString().slice(0, 10) : today;
  const autoReason = autoReplyReason(m);
  if (autoReason) return { kind: 'auto_reply', autoReason, outOfOffice: returnDate(m.text, ref), suggestions: [] };
  return { kind: 'reply', autoReason: null, outOfOffice: null, suggestions: suggestReadings(m.text, ref) };
}

/** Files one parsed message at its position; a second call for the same position changes nothing. */
export async function fileMessage(db: Db, p: Position, m: InboundMessage, opts: { send?: Pick<SendDeps, 'channels' | 'hasTemplate'> | null; now?: Date } = {}): Promise<Filed> {
  return db.transaction(async (tx) => {
    const { rows: tz } = await tx.execute<{ timezone: string }>(sql`SELECT timezone FROM organizations WHERE id = ${p.organizationId}::uuid`);
    const today = todayIn(tz[0]?.timezone ?? 'UTC', opts.now ?? new Date());
    const c = classify(m, today);
    // The same message under a new UIDVALIDITY (the folder was rebuilt): already filed by its Message-ID.
    if (m.messageId) {
      const { rows: seen } = await tx.execute(sql`SELECT 1 FROM inbox_messages WHERE mailbox_id = ${p.mailboxId}::uuid AND message_id = ${m.messageId} AND uid_validity <> ${p.uidValidity}::bigint LIMIT 1`);
      if (seen.length) {
        await advance(tx, p);
        return { outcome: 'duplicate' } as const;
      }
    }
    // The row first: its unique key is the claim. A second reader of the same UID waits here for
    // the first one's commit, then finds the conflict and does nothing.
    const { rows } = await tx.execute<{ id: string }>(sql`
      INSERT INTO inbox_messages (organization_id, mailbox_id, uid_validity, uid, direction, kind)
      VALUES (${p.organizationId}::uuid, ${p.mailboxId}::uuid, ${p.uidValidity}::bigint, ${p.uid}, 'in', ${c.kind})
      ON CONFLICT (mailbox_id, uid_validity, uid) DO NOTHING RETURNING id`);
    await advance(tx, p);
    if (!rows[0]) return { outcome: 'duplicate' } as const;
    let bounce: BounceOutcome | null = null;
    let match: Match | null = null;
    if (c.kind === 'bounce') bounce = await applyBounce(tx, p.organizationId, parseDsn(m), opts.send ?? null);
    else match = await matchCustomer(tx, p.organizationId, m);
    const customerId = bounce?.customerId ?? match?.customerId ?? null;
    const actionId = bounce?.actionId ?? match?.actionId ?? null;
    await tx.execute(sql`
      UPDATE inbox_messages SET customer_id = ${customerId}::uuid, action_id = ${actionId}::uuid,
        matched_by = ${bounce ? (bounce.actionId ? 'bounce' : null) : (match?.matchedBy ?? null)}, message_id = ${m.messageId}, in_reply_to = ${m.inReplyTo},
        "references" = ${sql.param(m.references)}::text[], from_address = ${m.from?.address ?? null}, from_name = ${m.from?.name ?? null},
        to_addresses = ${sql.param(m.recipients)}::text[], subject = ${m.subject}, sent_at = ${m.date?.toISOString() ?? null}::timestamptz,
        text_body = ${m.text}, body_truncated = ${m.textTruncated}, size_bytes = ${m.text.length + m.attachments.reduce((n, a) => n + a.size, 0)},
        auto_reply_reason = ${c.autoReason}, out_of_office_until = ${c.outOfOffice?.date ?? null}::date,
        bounce = ${bounce ? JSON.stringify(bounce) : null}::jsonb, suggestions = ${JSON.stringify(c.suggestions)}::jsonb
      WHERE id = ${rows[0].id}::uuid`);
    const messageId = rows[0].id;
    for (const a of m.attachments) {
      await tx.execute(sql`INSERT INTO inbox_attachments (message_id, filename, content_type, size_bytes, content, omitted_reason)
        VALUES (${messageId}::uuid, ${a.filename}, ${a.contentType}, ${a.size}, ${a.content}, ${a.omittedReason})`);
    }
    const summary = {
      messageId, subject: m.subject, from: m.from?.address ?? null, excerpt: m.text.slice(0, 280),
      attachments: m.attachments.map((a) => ({ filename: a.filename, size: a.size, stored: a.content !== null })),
    };
    if (c.kind === 'bounce') {
      await activity(tx, p.organizationId, customerId, customerId ? 'reminder.bounced' : 'inbox.unfiled', { ...summary, late: true, ...bounce });
      return { outcome: 'filed', messageId, kind: 'bounce', customerId, held: false } as const;
    }
    if (!customerId) {
      await activity(tx, p.organizationId, null, 'inbox.unfiled', { ...summary, autoReply: c.autoReason });
      return { outcome: 'filed', messageId, kind: c.kind, customerId: null, held: false } as const;
    }
    const effect = await onCustomerMessage(tx, { organizationId: p.organizationId, customerId, actionId, messageRowId: messageId, subject: m.subject, classified: c, today });
    await tx.execute(sql`UPDATE inbox_messages SET thread_id = ${effect.threadId}::uuid WHERE id = ${messageId}::uuid`);
    await activity(tx, p.organizationId, customerId, c.kind === 'reply' ? 'inbox.reply' : 'inbox.auto_reply', {
      ...summary, matchedBy: match?.matchedBy ?? null, held: effect.held, postponedUntil: effect.postponedUntil,
      autoReply: c.autoReason, suggestions: c.suggestions,
    });
    return { outcome: 'filed', messageId, kind: c.kind, customerId, held: effect.held } as const;
  });
}

/** What a filed message does to the customer's conversation and dunning; also used when a collector files an unfiled one. */
export async function onCustomerMessage(
  tx: Tx,
  x: { organizationId: string; customerId: string; actionId: string | null; messageRowId: string; subject: string; classified: Pick<Classified, 'kind' | 'outOfOffice'>; today: IsoDate; by?: string },
): Promise<{ threadId: string; held: boolean; postponedUntil: IsoDate | null }> {
  const policy = await replyPolicy(tx, x.organizationId, x.customerId, x.actionId);
  const person = x.classified.kind === 'reply';
  // An automatic answer files on the thread but leaves its state (and the dunning) as they were.
  const { rows: [thread] } = await tx.execute<{ id: string; hold_id: string | null; state: string }>(sql`
    INSERT INTO inbox_threads (organization_id, customer_id, state, subject, last_message_at)
    VALUES (${x.organizationId}::uuid, ${x.customerId}::uuid, ${person ? 'awaiting_us' : 'awaiting_customer'}, ${x.subject}, now())
    ON CONFLICT (customer_id) DO UPDATE SET last_message_at = now(),
      state = CASE WHEN ${person} THEN 'awaiting_us' ELSE inbox_threads.state END,
      subject = CASE WHEN ${person} THEN EXCLUDED.subject ELSE inbox_threads.subject END,
      handled_at = CASE WHEN ${person} THEN NULL ELSE inbox_threads.handled_at END
    RETURNING id, hold_id, state`);
  let held = false;
  if (person && policy.onReply === 'hold') {
    const { rows: live } = await tx.execute<{ id: string }>(sql`
      SELECT id FROM dunning_holds WHERE customer_id = ${x.customerId}::uuid AND reason = ${REPLY_HOLD_REASON} AND released_at IS NULL LIMIT 1`);
    const holdId = live[0]?.id ?? (await tx.execute<{ id: string }>(sql`
      INSERT INTO dunning_holds (organization_id, customer_id, reason, created_by)
      VALUES (${x.organizationId}::uuid, ${x.customerId}::uuid, ${REPLY_HOLD_REASON}, ${x.by ?? ACTOR}) RETURNING id`)).rows[0]!.id;
    await tx.execute(sql`UPDATE inbox_threads SET hold_id = ${holdId}::uuid WHERE id = ${thread!.id}::uuid`);
    held = true;
  }
  let postponedUntil: IsoDate | null = null;
  const back = x.classified.outOfOffice;
  if (!person && back && policy.postponeOnOutOfOffice && back.date > x.today) {
    // A hold's `until` is its last day: the next step may go on the day they are back.
    await tx.execute(sql`
      INSERT INTO dunning_holds (organization_id, customer_id, reason, until, created_by)
      VALUES (${x.organizationId}::uuid, ${x.customerId}::uuid, ${OUT_OF_OFFICE_HOLD_REASON}, ${addDays(back.date, -1)}::date, ${x.by ?? ACTOR})`);
    postponedUntil = back.date;
  }
  return { threadId: thread!.id, held, postponedUntil };
}
