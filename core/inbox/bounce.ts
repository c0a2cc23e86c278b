/**
 * A bounce that arrives later, as a delivery report: the reminder it names (by its returned
 * Message-ID or X-Relance-Action header) is found, a hard failure marks the address invalid with
 * core/sending's own `markAddressInvalid`, and when someone else can be reached (core/sending's
 * `planRecipient`: the next contact, else the next configured channel) the reminder goes back to
 * `planned` so the next send pass delivers it there, as a synchronous refusal does today.
 */
import { sql } from 'drizzle-orm';
import { chooseRecipient, type RecipientChoice } from '../channels/index.ts';
import { loadRecipients, markAddressInvalid, planRecipient, type SendDeps } from '../sending/index.ts';
import type { Tx } from '../store/index.ts';
import { isHardFailure, isPermanentFailure, type Bounce } from './dsn.ts';
import { actionKeyOf } from './match.ts';

export interface BounceOutcome {
  actionId: string | null;
  customerId: string | null;
  recipient: string | null;
  status: string | null;
  permanent: boolean;
  addressInvalidated: boolean;
  fallback: { channel: string; to: string | null } | null;
  replanned: boolean;
}

/** The reminder a report is about. */
async function bouncedAction(tx: Tx, organizationId: string, b: Bounce): Promise<{ id: string; customer_id: string; status: string; channel: string; template: string } | null> {
  const key = b.relanceAction ?? (b.originalMessageId ? actionKeyOf(b.originalMessageId) : null);
  if (!key) return null;
  const { rows } = await tx.execute<{ id: string; customer_id: string; status: string; channel: string; template: string }>(sql`
    SELECT id, customer_id, status::text AS status, channel::text AS channel, template FROM actions
     WHERE organization_id = ${organizationId}::uuid AND idempotency_key = ${key} FOR UPDATE`);
  return rows[0] ?? null;
}

/** Applies one delivery report, in the filing transaction. */
export async function applyBounce(tx: Tx, organizationId: string, b: Bounce, send: Pick<SendDeps, 'channels' | 'hasTemplate'> | null): Promise<BounceOutcome> {
  const action = await bouncedAction(tx, organizationId, b);
  const failed = b.recipients.find(isPermanentFailure) ?? b.recipients[0] ?? null;
  const out: BounceOutcome = {
    actionId: action?.id ?? null, customerId: action?.customer_id ?? null, recipient: failed?.recipient ?? null, status: failed?.status ?? null,
    permanent: failed ? isPermanentFailure(failed) : false, addressInvalidated: false, fallback: null, replanned: false,
  };
  if (!action || !failed || !isHardFailure(failed)) return out;
  const contact = (await loadRecipients(tx, action.customer_id)).find((c) => c.email?.trim().toLowerCase() === failed.recipient);
  if (!contact) return out;
  const choice: RecipientChoice = { channel: 'email', contact, address: contact.email!.trim(), fellBack: false };
  out.addressInvalidated = await markAddressInvalid(tx, choice);
  const step = { customerId: action.customer_id, channel: 'email' as const, template: action.template };
  // With the worker's channels, the sender's own choice (contacts, then SMS or letter); without, another email contact.
  const next = send
    ? await planRecipient(tx, send, step).catch(() => null)
    : chooseRecipient({ channel: 'email', contacts: await loadRecipients(tx, action.customer_id), hasPostalAddress: false, fallbackChannels: [] });
  out.fallback = next && { channel: next.channel, to: next.address };
  if (next && action.status === 'sent' && action.channel === 'email') {
    // Not delivered: the same reminder goes again, to whoever planRecipient picks at send time.
    await tx.execute(sql`
      UPDATE actions SET status = 'planned', sent_at = NULL, claimed_by = NULL, updated_at = now(),
             details = details || jsonb_build_object('bouncedLate', jsonb_build_object('to', ${failed.recipient}::text, 'status', ${failed.status}::text))
       WHERE id = ${action.id}::uuid`);
    out.replanned = true;
  }
  return out;
}
