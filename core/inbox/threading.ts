/**
 * Threading at send time: each customer gets a reply token, and reminders carry the reply address
 * `local+<token>@domain` of the organization's mailbox (when it accepts plus-addressing; else the
 * mailbox's own address), so an answer is filed on the right customer even when the customer's
 * client drops In-Reply-To. The Message-ID itself comes from the action (core/channels).
 * core/sending calls `replyThreading` through `SendDeps.threading` (the one hook it has).
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Address } from '../channels/index.ts';
import type { Db } from '../store/db.ts';

type Executor = Pick<Db, 'execute'>;

const TOKEN = /^[a-z2-7]{12}$/;

/** The reply token of an address `local+<token>@domain`, or null. */
export function tokenFromAddress(address: string): string | null {
  const at = address.lastIndexOf('@');
  const local = at > 0 ? address.slice(0, at) : address;
  const plus = local.lastIndexOf('+');
  if (plus < 0) return null;
  const token = local.slice(plus + 1).toLowerCase();
  return TOKEN.test(token) ? token : null;
}

/** `relances+<token>@domain` from the mailbox's address. */
export function replyAddressFor(mailboxAddress: string, token: string): string {
  const at = mailboxAddress.lastIndexOf('@');
  const local = mailboxAddress.slice(0, at).split('+')[0];
  return `${local}+${token}@${mailboxAddress.slice(at + 1)}`;
}

function newToken(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  return [...randomBytes(12)].map((b) => alphabet[b % 32]).join('');
}

/** The customer's reply token, created on first use. */
export async function customerReplyToken(db: Executor, organizationId: string, customerId: string): Promise<string> {
  await db.execute(sql`
    INSERT INTO inbox_reply_tokens (customer_id, organization_id, token) VALUES (${customerId}::uuid, ${organizationId}::uuid, ${newToken()})
    ON CONFLICT (customer_id) DO NOTHING`);
  const { rows } = await db.execute<{ token: string }>(sql`SELECT token FROM inbox_reply_tokens WHERE customer_id = ${customerId}::uuid`);
  return rows[0]!.token;
}

export interface ReplyThreading {
  readonly replyTo: Address;
}

/** The Reply-To of a message to this customer; null when the organization has no mailbox connected (the collector's Reply-To stays). */
export async function replyThreading(db: Executor, target: { organizationId: string; customerId: string }): Promise<ReplyThreading | null> {
  const { rows } = await db.execute<{ address: string; plus_addressing: boolean; org_name: string }>(sql`
    SELECT m.address, m.plus_addressing, o.name AS org_name FROM inbox_mailboxes m JOIN organizations o ON o.id = m.organization_id
     WHERE m.organization_id = ${target.organizationId}::uuid`);
  const mailbox = rows[0];
  if (!mailbox) return null;
  const address = mailbox.plus_addressing ? replyAddressFor(mailbox.address, await customerReplyToken(db, target.organizationId, target.customerId)) : mailbox.address;
  return { replyTo: { address, name: mailbox.org_name } };
}

/** The hook core/sending takes: the reply address of each reminder. */
export function inboxThreading(db: Executor): (target: { organizationId: string; customerId: string }) => Promise<ReplyThreading | null> {
  return (target) => replyThreading(db, target);
}
