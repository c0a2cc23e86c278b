/**
 * The moment a channel accepts a message (the SMTP server's 250), one small autocommit write
 * records it: the action is `sent`, with the delivery that its activity and write-back rows need
 * (`finalize_pending`, written later by finalize.ts). From that commit on, no worker can claim
 * the action again. It is one statement on its own, so PostgreSQL completes it even if this worker
 * dies right after sending it: the duplicate window is the time from the 250 on the wire to this
 * statement leaving the process (core/sending/README.md).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../store/db.ts';
import { localDay } from './sending-hours.ts';
import type { ActionForSend } from './compose.ts';
import type { Delivery } from './deliver.ts';

/** What finalize.ts writes for an accepted action: the activity's payload and the write-back date. */
export interface AcceptedDelivery {
  providerMessageId: string | null;
  channel: Delivery['channel'];
  to: string | null;
  fellBack: boolean;
  invoices: string[];
  /** The day it was sent, in the organization's time zone. */
  date: string;
}

const WRITE_TRIES = 3;

/** Records `d` as accepted for `a`; false when the claim is no longer this worker's (another worker holds it). */
export async function recordAcceptance(db: Pick<Db, 'execute'>, workerId: string, a: ActionForSend, d: Delivery, now: Date): Promise<boolean> {
  const pending: AcceptedDelivery = {
    providerMessageId: d.providerMessageId, channel: d.channel, to: d.to, fellBack: d.fellBack,
    invoices: a.items.map((i) => i.number ?? i.externalId), date: localDay(a.org_timezone, now),
  };
  const accept = sql`
    UPDATE actions SET status = 'sent', sent_at = now(), next_attempt_at = NULL, last_error = NULL, updated_at = now(),
           finalize_pending = ${JSON.stringify(pending)}::jsonb,
           details = details || jsonb_build_object('providerMessageId', ${d.providerMessageId}::text, 'sentBy', ${workerId}::text)
     WHERE id = ${a.id}::uuid AND status = 'sending' AND claimed_by = ${workerId}`;
  // The message as it left goes in the same statement (the timeline links to it, issue 17): still one write.
  const statement = d.sent && d.channel ? sql`
    WITH accepted AS (${accept} RETURNING id, organization_id, customer_id)
    INSERT INTO sent_messages (action_id, organization_id, customer_id, channel, to_address, subject, text_body, html_body, provider_message_id)
    SELECT id, organization_id, customer_id, ${d.channel}, ${d.to}, ${d.sent.subject}, ${d.sent.text}, ${d.sent.html}, ${d.providerMessageId} FROM accepted
    ON CONFLICT (action_id) DO UPDATE SET sent_at = now()` : accept;
  // The message is out: a failed write (a reset connection) is tried again at once, since every
  // moment without the record is a moment in which a takeover would send it twice.
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await db.execute(statement);
      return (result.rowCount ?? 0) > 0;
    } catch (e) {
      if (attempt >= WRITE_TRIES) throw e;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}
