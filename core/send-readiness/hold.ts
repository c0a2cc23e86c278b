import { sql } from 'drizzle-orm';
import type { Db } from '../store/db.ts';
import type { PostalAddress } from '../store/schema/columns.ts';
import { languagesOf } from '../messages/index.ts';
import { missingAddressPart } from '../messages/postal-address.ts';

type Executor = Pick<Db, 'execute'>;

/** What the check needs of the action and of the sender's set-up. */
export interface HoldCheck {
  readonly id: string;
  readonly organization_id: string;
  readonly customer_id: string;
  readonly channel: string;
  readonly template: string;
}

const SETTING: Record<string, string> = { email: 'RELANCE_SMTP_URL', sms: 'RELANCE_SMS_ACCOUNT_SID', letter: 'RELANCE_LETTER_PROVIDER' };

/** Why the action cannot leave yet, or null when every piece is there. */
export async function heldReason(db: Executor, channels: { readonly email?: unknown; readonly sms?: unknown; readonly letter?: unknown }, a: HoldCheck): Promise<string | null> {
  if (a.channel !== 'email' && a.channel !== 'sms' && a.channel !== 'letter') return null;
  if (!channels[a.channel as 'email' | 'sms' | 'letter']) return `no ${a.channel} channel configured (set ${SETTING[a.channel]})`;
  const shipped = await languagesOf(a.channel, a.template);
  if (shipped.length === 0) {
    const { rows } = await db.execute<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM template_overrides
       WHERE organization_id = ${a.organization_id}::uuid AND channel = ${a.channel} AND name = ${a.template}`);
    if ((rows[0]?.n ?? 0) === 0) return `no ${a.channel} template "${a.template}" in any language`;
  }
  if (a.channel !== 'letter') return null;
  const { rows } = await db.execute<{ postal_address: PostalAddress | null; sender_address: PostalAddress | null }>(sql`
    SELECT COALESCE(c.postal_address_override, c.postal_address) AS postal_address, o.sender_address FROM customers c JOIN organizations o ON o.id = c.organization_id
     WHERE c.id = ${a.customer_id}::uuid`);
  const row = rows[0];
  const missing = missingAddressPart(row?.postal_address);
  if (missing) return missing === 'postalAddress' ? 'no postal address for the customer' : `the customer's postal address has no ${missing.split('.')[1]}`;
  const sender = missingAddressPart(row?.sender_address);
  if (sender) return sender === 'postalAddress' ? "no sender address for the organization (settings)" : `the organization's sender address has no ${sender.split('.')[1]}`;
  return null;
}

/** Puts a claimed action back in the approval queue with its reason, and says so on the timeline. */
export async function holdAction(db: Db, a: HoldCheck, workerId: string, reason: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const { rowCount } = await tx.execute(sql`
      UPDATE actions SET status = 'awaiting_approval', claimed_by = NULL, updated_at = now(),
             details = details || jsonb_build_object('holdReason', ${reason}::text, 'heldAt', now())
       WHERE id = ${a.id}::uuid AND status = 'sending' AND claimed_by = ${workerId}`);
    if ((rowCount ?? 0) === 0) return false;
    await tx.execute(sql`
      INSERT INTO activities (organization_id, customer_id, actor, kind, payload)
      VALUES (${a.organization_id}, ${a.customer_id}, 'job:dunning.send', 'reminder.held',
              jsonb_build_object('actionId', ${a.id}::text, 'channel', ${a.channel}::text, 'template', ${a.template}::text, 'reason', ${reason}::text))`);
    return true;
  });
}

/** The send job's one call: holds the action when a piece is missing; returns the outcome, or null to go on. */
export async function holdIfNotReady(
  db: Db,
  deps: { channels: { readonly email?: unknown; readonly sms?: unknown; readonly letter?: unknown }; workerId: string },
  a: HoldCheck,
): Promise<{ kind: 'held'; reason: string } | { kind: 'lost' } | null> {
  const reason = await heldReason(db, deps.channels, a);
  if (reason === null) return null;
  return (await holdAction(db, a, deps.workerId, reason)) ? { kind: 'held', reason } : { kind: 'lost' };
}
