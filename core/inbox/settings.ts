/**
 * An organization's mailbox connection as data: host, port, TLS, user and password (or an app
 * password), the shared address replies go to, and what a reply does by default. The password is
 * encrypted at rest with core/crypto.ts, bound to the organization like an OAuth token to its
 * connection, and never leaves this module in clear except to the IMAP client.
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { decryptSecret, encryptSecret, type KeyRing } from '../crypto.ts';
import { InvalidInput, NotFound } from '../errors.ts';
import type { Db } from '../store/db.ts';

type Executor = Pick<Db, 'execute'>;

export const mailboxInputSchema = z.object({
  host: z.string().trim().min(1).max(255),
  port: z.number().int().min(1).max(65535),
  /** TLS from the first byte (993); false for a plain connection (a loopback test server). */
  tls: z.boolean().default(true),
  username: z.string().trim().min(1).max(255),
  password: z.string().min(1).max(1000),
  /** The shared address reminders' replies come to, e.g. relances@atelier-dupont.fr. */
  address: z.email(),
  /** Reply addresses `local+<token>@domain` (Gmail, Microsoft 365, Fastmail and dovecot accept them). */
  plusAddressing: z.boolean().default(true),
  folder: z.string().trim().min(1).max(255).default('INBOX'),
  onReply: z.enum(['hold', 'notify']).default('hold'),
  postponeOnOutOfOffice: z.boolean().default(false),
});
export type MailboxInput = z.input<typeof mailboxInputSchema>;

export interface MailboxSettings {
  id: string;
  organizationId: string;
  host: string;
  port: number;
  tls: boolean;
  username: string;
  address: string;
  plusAddressing: boolean;
  folder: string;
  onReply: 'hold' | 'notify';
  postponeOnOutOfOffice: boolean;
  status: string;
  statusDetail: Record<string, unknown> | null;
  uidValidity: string | null;
  lastUid: string;
  lastReadAt: string | null;
}

const secretContext = (organizationId: string) => `inbox-mailbox:${organizationId}`;

/** Parses a connection form, naming the first bad field. */
export function parseMailboxInput(input: unknown): z.output<typeof mailboxInputSchema> {
  const parsed = mailboxInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.');
    throw new InvalidInput(`mailbox.${field}: ${issue.message}`, { field });
  }
  return parsed.data;
}

/** Connects (or reconnects) the organization's mailbox; its read position restarts when the server or folder changes. */
export async function saveMailbox(db: Executor, keys: KeyRing, organizationId: string, input: unknown): Promise<MailboxSettings> {
  const m = parseMailboxInput(input);
  const secret = encryptSecret(keys, m.password, secretContext(organizationId));
  await db.execute(sql`
    INSERT INTO inbox_mailboxes (organization_id, host, port, tls, username, password_encrypted, address, plus_addressing, folder, on_reply, postpone_on_out_of_office)
    VALUES (${organizationId}::uuid, ${m.host}, ${m.port}, ${m.tls}, ${m.username}, ${secret}, ${m.address.toLowerCase()}, ${m.plusAddressing}, ${m.folder}, ${m.onReply}, ${m.postponeOnOutOfOffice})
    ON CONFLICT (organization_id) DO UPDATE SET
      host = EXCLUDED.host, port = EXCLUDED.port, tls = EXCLUDED.tls, username = EXCLUDED.username,
      password_encrypted = EXCLUDED.password_encrypted, address = EXCLUDED.address, plus_addressing = EXCLUDED.plus_addressing,
      on_reply = EXCLUDED.on_reply, postpone_on_out_of_office = EXCLUDED.postpone_on_out_of_office,
      status = 'pending', status_detail = NULL, updated_at = now(),
      -- Another server, account or folder: UIDs there mean nothing here.
      uid_validity = CASE WHEN (inbox_mailboxes.host, inbox_mailboxes.username, inbox_mailboxes.folder) = (EXCLUDED.host, EXCLUDED.username, EXCLUDED.folder) THEN inbox_mailboxes.uid_validity END,
      last_uid = CASE WHEN (inbox_mailboxes.host, inbox_mailboxes.username, inbox_mailboxes.folder) = (EXCLUDED.host, EXCLUDED.username, EXCLUDED.folder) THEN inbox_mailboxes.last_uid ELSE 0 END,
      folder = EXCLUDED.folder`);
  return (await loadMailbox(db, organizationId))!;
}

interface Row extends Record<string, unknown> {
  id: string; organization_id: string; host: string; port: number; tls: boolean; username: string; address: string;
  plus_addressing: boolean; folder: string; on_reply: 'hold' | 'notify'; postpone_on_out_of_office: boolean; status: string;
  status_detail: Record<string, unknown> | null; uid_validity: string | null; last_uid: string; last_read_at: Date | null;
}

/** The organization's mailbox, without its password; null when none is connected. */
export async function loadMailbox(db: Executor, organizationId: string): Promise<MailboxSettings | null> {
  const { rows } = await db.execute<Row>(sql`
    SELECT id, organization_id, host, port, tls, username, address, plus_addressing, folder, on_reply, postpone_on_out_of_office,
           status, status_detail, uid_validity::text, last_uid::text, last_read_at
      FROM inbox_mailboxes WHERE organization_id = ${organizationId}::uuid`);
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.id, organizationId: r.organization_id, host: r.host, port: r.port, tls: r.tls, username: r.username, address: r.address,
    plusAddressing: r.plus_addressing, folder: r.folder, onReply: r.on_reply, postponeOnOutOfOffice: r.postpone_on_out_of_office,
    status: r.status, statusDetail: r.status_detail, uidValidity: r.uid_validity, lastUid: r.last_uid,
    lastReadAt: r.last_read_at ? new Date(r.last_read_at).toISOString() : null,
  };
}

/** The mailbox's password, decrypted for the IMAP client only. */
export async function mailboxPassword(db: Executor, keys: KeyRing, organizationId: string): Promise<string> {
  const { rows } = await db.execute<{ secret: string }>(sql`SELECT password_encrypted AS secret FROM inbox_mailboxes WHERE organization_id = ${organizationId}::uuid`);
  if (!rows[0]) throw new NotFound('no mailbox connected', { field: 'mailbox' });
  return decryptSecret(keys, rows[0].secret, secretContext(organizationId));
}

/** Records the outcome of a read on the connection card. */
export async function setMailboxStatus(db: Executor, mailboxId: string, status: 'ok' | 'auth_failed' | 'unreachable' | 'error', detail: Record<string, unknown> | null): Promise<void> {
  await db.execute(sql`
    UPDATE inbox_mailboxes SET status = ${status}, status_detail = ${detail === null ? null : JSON.stringify(detail)}::jsonb,
           last_read_at = CASE WHEN ${status} = 'ok' THEN now() ELSE last_read_at END, updated_at = now()
     WHERE id = ${mailboxId}::uuid`);
}

/** The organizations whose mailbox is connected, for the schedule. */
export async function connectedMailboxes(db: Executor): Promise<string[]> {
  const { rows } = await db.execute<{ organization_id: string }>(sql`SELECT organization_id FROM inbox_mailboxes ORDER BY organization_id`);
  return rows.map((r) => r.organization_id);
}
