/**
 * The moment a channel accepts a message (the SMTP server's 250), one small autocommit write
 * records it: the action is `sent`, with the delivery that its activity and write-back rows need
 * (`finalize_pending`, written later by finalize.ts), and the message as it left (`sent_messages`).
 * From that commit on, no worker can claim the action again. It is one statement on its own, so
 * PostgreSQL completes it even if this worker dies right after sending it: the duplicate window is
 * the time from the 250 on the wire to this statement leaving the process (core/sending/README.md).
 *
 * The statement takes any number of acceptances (a JSON array): `AcceptanceWriter` sends, in one,
 * the acceptances whose 250s the event loop saw in the same turn — written at the end of that turn,
 * before anything else runs, so grouping them widens the window of none — as a statement prepared
 * once per connection.
 */
import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type pg from 'pg';
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

/** One row of the statement: the action, its bookkeeping, and the message as it left (when one left). */
interface AcceptanceRow {
  id: string;
  pending: AcceptedDelivery;
  message_id: string | null;
  channel: string | null;
  to_address: string | null;
  subject: string | null;
  text_body: string | null;
  html_body: string | null;
}

function rowOf(a: ActionForSend, d: Delivery, now: Date): AcceptanceRow {
  const pending: AcceptedDelivery = {
    providerMessageId: d.providerMessageId, channel: d.channel, to: d.to, fellBack: d.fellBack,
    invoices: a.items.map((i) => i.number ?? i.externalId), date: localDay(a.org_timezone, now),
  };
  const stored = d.sent && d.channel;
  return {
    id: a.id, pending, message_id: d.providerMessageId, channel: stored ? d.channel : null, to_address: stored ? d.to : null,
    subject: stored ? d.sent!.subject : null, text_body: stored ? d.sent!.text : null, html_body: stored ? d.sent!.html : null,
  };
}

/** The acceptances of `rows` still this worker's: `sent`, with their bookkeeping and the message as it left. */
const statement = (rows: string, workerId: string) => sql`
  WITH input AS (
    SELECT * FROM jsonb_to_recordset(${rows}::jsonb) AS x(id uuid, pending jsonb, message_id text, channel text, to_address text,
                                                          subject text, text_body text, html_body text)),
  accepted AS (
    UPDATE actions a SET status = 'sent', sent_at = now(), next_attempt_at = NULL, last_error = NULL, updated_at = now(),
           finalize_pending = input.pending,
           details = a.details || jsonb_build_object('providerMessageId', input.message_id, 'sentBy', ${workerId}::text)
      FROM input WHERE a.id = input.id AND a.status = 'sending' AND a.claimed_by = ${workerId}::text
    RETURNING a.id, a.organization_id, a.customer_id),
  -- The message as it left goes in the same statement (the timeline links to it, issue 17): still one write.
  stored AS (
    INSERT INTO sent_messages (action_id, organization_id, customer_id, channel, to_address, subject, text_body, html_body, provider_message_id)
    SELECT accepted.id, accepted.organization_id, accepted.customer_id, input.channel, input.to_address, input.subject, input.text_body,
           input.html_body, input.message_id
      FROM accepted JOIN input ON input.id = accepted.id WHERE input.channel IS NOT NULL
    ON CONFLICT (action_id) DO UPDATE SET sent_at = now())
  SELECT id::text FROM accepted`;

const dialect = new PgDialect();
/** The statement's text and parameters as PostgreSQL sees them: prepared once per connection under this name. */
const PREPARED = 'relance_sending_accept_v1';
const template = dialect.sqlToQuery(statement('\u0000rows', '\u0000worker'));
/** Its parameters for these rows and this worker (the worker's id is in it more than once). */
const paramsOf = (rows: string, workerId: string) => template.params.map((p) => (p === '\u0000rows' ? rows : workerId));

/** Writes the acceptances of `rows`; returns the ids still ours (another worker may hold the rest). */
async function write(db: Pick<Db, 'execute'>, workerId: string, rows: readonly AcceptanceRow[]): Promise<Set<string>> {
  const json = JSON.stringify(rows);
  // The store's pool (not a transaction): the statement prepared once per connection, no Drizzle on the way.
  const pool = (db as { $client?: pg.Pool }).$client;
  // The message is out: a failed write (a reset connection) is tried again at once, since every
  // moment without the record is a moment in which a takeover would send it twice.
  for (let attempt = 1; ; attempt++) {
    try {
      const result = pool && typeof pool.query === 'function'
        ? await pool.query<{ id: string }>({ name: PREPARED, text: template.sql, values: paramsOf(json, workerId) })
        : await db.execute<{ id: string }>(statement(json, workerId));
      return new Set(result.rows.map((r) => r.id));
    } catch (e) {
      if (attempt >= WRITE_TRIES) throw e;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}

/** Records `d` as accepted for `a`; false when the claim is no longer this worker's (another worker holds it). */
export async function recordAcceptance(db: Pick<Db, 'execute'>, workerId: string, a: ActionForSend, d: Delivery, now: Date): Promise<boolean> {
  return (await write(db, workerId, [rowOf(a, d, now)])).has(a.id);
}

/**
 * Records acceptances as their 250s arrive: those the event loop sees in one turn go in one
 * statement, sent at the end of that turn (setImmediate: after the I/O callbacks of this turn, before
 * the next turn's), whatever else is in flight — never queued behind an earlier write.
 */
export class AcceptanceWriter {
  private waiting: { row: AcceptanceRow; done: (ours: boolean) => void; failed: (e: unknown) => void }[] = [];
  /** Statements sent together, and acceptances in them (for the bench and tests). */
  statements = 0;
  accepted = 0;

  constructor(private readonly db: Pick<Db, 'execute'>, private readonly workerId: string) {}

  accept(a: ActionForSend, d: Delivery, now: Date): Promise<boolean> {
    return new Promise((done, failed) => {
      if (this.waiting.length === 0) setImmediate(() => this.flush());
      this.waiting.push({ row: rowOf(a, d, now), done, failed });
    });
  }

  private flush(): void {
    const group = this.waiting.splice(0);
    this.statements++;
    this.accepted += group.length;
    write(this.db, this.workerId, group.map((g) => g.row)).then(
      (ours) => group.forEach((g) => g.done(ours.has(g.row.id))),
      (e: unknown) => group.forEach((g) => g.failed(e)),
    );
  }
}
