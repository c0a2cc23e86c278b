/**
 * One read of an organization's mailbox (`inbox.read`): the UIDs after the last one filed, each
 * downloaded, parsed and filed in its own transaction (file-message.ts), in UID order. UIDVALIDITY
 * is checked first: a new value means the folder was rebuilt, so reading restarts at UID 1 and
 * messages already filed are recognised by their Message-ID. A message that cannot be read is
 * filed as unreadable (its reason on the unfiled list) and reading goes on; a refused login or
 * an unreachable server is the mailbox's status, never a crash of the job.
 */
import { sql } from 'drizzle-orm';
import type { KeyRing } from '../crypto.ts';
import { isRelanceError } from '../errors.ts';
import type { SendDeps } from '../sending/index.ts';
import type { Db } from '../store/db.ts';
import { openSession, type MailboxAccess, type MailboxSession } from './client.ts';
import { statusOf } from './errors.ts';
import { fileMessage, fileUnreadable, type Filed, type Position } from './file-message.ts';
import { parseInbound, type InboundMessage } from './parse.ts';
import { MAX_FETCHED_MESSAGE_BYTES, omittedBecauseTooLarge } from './profile.ts';
import { loadMailbox, mailboxPassword, setMailboxStatus } from './settings.ts';

export interface ReadDeps {
  db: Db;
  keys: KeyRing;
  /** The worker's channels: a late bounce then falls back to SMS or a letter like a refusal at send time. */
  send?: Pick<SendDeps, 'channels' | 'hasTemplate'> | null;
  /** Opens the IMAP session (tests may point it elsewhere); defaults to imapflow. */
  open?: (access: MailboxAccess) => Promise<MailboxSession>;
  now?: () => Date;
}

export interface ReadReport {
  status: 'ok' | 'auth_failed' | 'unreachable' | 'error' | 'no_mailbox';
  filed: number;
  duplicates: number;
  unfiled: number;
  unreadable: number;
  error: string | null;
}

async function readOne(session: MailboxSession, uid: number, size: number): Promise<InboundMessage> {
  if (size <= MAX_FETCHED_MESSAGE_BYTES) return parseInbound(await session.source(uid));
  // Too big to download whole: parse its headers, keep its text, list its attachments.
  const large = await session.large(uid);
  const parsed = await parseInbound(Buffer.concat([large.headers, Buffer.from('\r\n')]));
  return {
    ...parsed, text: large.text.trim(), textTruncated: false,
    attachments: large.attachments.map((a) => ({ ...a, content: null, omittedReason: omittedBecauseTooLarge(a.size) })),
  };
}

/** Reads every new message of the organization's mailbox, each filed once. */
export async function readMailbox(deps: ReadDeps, organizationId: string, opts: { maxMessages?: number } = {}): Promise<ReadReport> {
  const report: ReadReport = { status: 'ok', filed: 0, duplicates: 0, unfiled: 0, unreadable: 0, error: null };
  const mailbox = await loadMailbox(deps.db, organizationId);
  if (!mailbox) return { ...report, status: 'no_mailbox' };
  const access: MailboxAccess = {
    host: mailbox.host, port: mailbox.port, tls: mailbox.tls, username: mailbox.username, folder: mailbox.folder,
    password: await mailboxPassword(deps.db, deps.keys, organizationId),
  };
  let session: MailboxSession | null = null;
  try {
    session = await (deps.open ?? openSession)(access);
    let lastUid = Number(mailbox.lastUid);
    if (mailbox.uidValidity !== null && mailbox.uidValidity !== session.uidValidity) {
      await deps.db.execute(sql`UPDATE inbox_mailboxes SET uid_validity = ${session.uidValidity}::bigint, last_uid = 0, updated_at = now() WHERE id = ${mailbox.id}::uuid`);
      lastUid = 0;
    }
    const limit = opts.maxMessages ?? Number.POSITIVE_INFINITY;
    for (let n = 0; n < limit;) {
      const batch = await session.listAfter(lastUid);
      if (batch.length === 0) break;
      for (const item of batch) {
        if (n >= limit) break;
        const position: Position = { mailboxId: mailbox.id, organizationId, uidValidity: session.uidValidity, uid: item.uid };
        const filed = await readAndFile(deps, session, position, item.size);
        count(report, filed);
        lastUid = item.uid;
        n += 1;
      }
    }
    await setMailboxStatus(deps.db, mailbox.id, 'ok', { filed: report.filed, unfiled: report.unfiled, unreadable: report.unreadable });
  } catch (e) {
    if (!isRelanceError(e)) throw e;
    report.status = statusOf(e);
    report.error = e.message;
    await setMailboxStatus(deps.db, mailbox.id, report.status, e.toJSON());
  } finally {
    await session?.close();
  }
  return report;
}

async function readAndFile(deps: ReadDeps, session: MailboxSession, position: Position, size: number): Promise<Filed> {
  let message: InboundMessage;
  try {
    message = await readOne(session, position.uid, size);
  } catch (e) {
    // The connection itself failed: stop this read; the message is read again next time.
    if (isRelanceError(e) && (e.category === 'transient' || e.category === 'auth')) throw e;
    return fileUnreadable(deps.db, position, { problem: `could not be read: ${e instanceof Error ? e.message : String(e)}`, size });
  }
  try {
    return await fileMessage(deps.db, position, message, { send: deps.send ?? null, now: deps.now?.() });
  } catch (e) {
    // Its transaction rolled back whole; list it as unreadable with the reason rather than stop at it forever.
    return fileUnreadable(deps.db, position, { problem: `could not be filed: ${e instanceof Error ? e.message : String(e)}`, size });
  }
}

function count(r: ReadReport, f: Filed): void {
  if (f.outcome === 'duplicate') {
    r.duplicates += 1;
    return;
  }
  r.filed += 1;
  if (f.kind === 'unreadable') r.unreadable += 1;
  else if (f.customerId === null) r.unfiled += 1;
}
