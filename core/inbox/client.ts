/**
 * The IMAP client for one mailbox, over imapflow: opens the folder, lists the UIDs after the last
 * one read (with their sizes), and downloads a message whole, or for one over the size limit
 * only its headers, its structure and its text part, so a 30 MB attachment never comes into memory.
 * Failures are thrown as core/errors.ts classes (errors.ts). No retry here: the next scheduled
 * read is the retry.
 */
import { ImapFlow, type MessageStructureObject } from 'imapflow';
import { FETCH_BATCH, IMAP_TIMEOUTS, MAX_TEXT_CHARS } from './profile.ts';
import { classifyImapError } from './errors.ts';

export interface MailboxAccess {
  host: string;
  port: number;
  tls: boolean;
  username: string;
  password: string;
  folder: string;
}

export interface ListedMessage {
  uid: number;
  size: number;
}

/** A large message's parts: the raw header block, the text, and the attachments it has (not downloaded). */
export interface LargeMessage {
  headers: Buffer;
  text: string;
  attachments: { filename: string; contentType: string; size: number }[];
}

export interface MailboxSession {
  readonly uidValidity: string;
  /** Up to FETCH_BATCH messages with a UID above `afterUid`, in UID order. */
  listAfter(afterUid: number): Promise<ListedMessage[]>;
  source(uid: number): Promise<Buffer>;
  large(uid: number): Promise<LargeMessage>;
  close(): Promise<void>;
}

function walk(node: MessageStructureObject, out: MessageStructureObject[]): void {
  if (node.childNodes?.length) node.childNodes.forEach((c) => walk(c, out));
  else out.push(node);
}

/** Bodystructure sizes are encoded octets: base64 carries 3 bytes in 4, in lines of 76 plus CRLF. */
function decodedSize(n: MessageStructureObject): number {
  return n.encoding?.toLowerCase() === 'base64' ? Math.floor((n.size ?? 0) * (76 / 78) * (3 / 4)) : (n.size ?? 0);
}

async function readCapped(stream: NodeJS.ReadableStream, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (n < limit) chunks.push(chunk);
    n += chunk.length;
  }
  return Buffer.concat(chunks).subarray(0, limit);
}

/** Connects and opens the folder; throws AuthExpired, Transient or ConfigError. */
export async function openSession(access: MailboxAccess): Promise<MailboxSession> {
  const client = new ImapFlow({
    host: access.host, port: access.port, secure: access.tls, auth: { user: access.username, pass: access.password },
    logger: false, disableAutoIdle: true, ...IMAP_TIMEOUTS,
    // A plain connection to a loopback test server must not try STARTTLS it does not offer.
    ...(access.tls ? {} : { doSTARTTLS: false }),
  });
  // A dropped connection emits 'error'; without a listener Node would end the process.
  client.on('error', () => {});
  const fail = (e: unknown) => classifyImapError(e, access.host);
  try {
    await client.connect();
    const box = await client.mailboxOpen(access.folder, { readOnly: true });
    return {
      uidValidity: String(box.uidValidity),
      async listAfter(afterUid) {
        if (box.exists === 0) return [];
        try {
          const found = await client.fetchAll(`${afterUid + 1}:*`, { uid: true, size: true }, { uid: true });
          // "n:*" always includes the last message, even when its UID is below n (RFC 3501 §6.4.8).
          return found.filter((f) => f.uid > afterUid).map((f) => ({ uid: f.uid, size: f.size ?? 0 })).sort((a, b) => a.uid - b.uid).slice(0, FETCH_BATCH);
        } catch (e) {
          throw fail(e);
        }
      },
      async source(uid) {
        try {
          const msg = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
          if (!msg || !msg.source) throw new Error(`message UID ${uid} is gone`);
          return msg.source;
        } catch (e) {
          throw fail(e);
        }
      },
      async large(uid) {
        try {
          const msg = await client.fetchOne(String(uid), { uid: true, headers: true, bodyStructure: true }, { uid: true });
          if (!msg || !msg.bodyStructure) throw new Error(`message UID ${uid} is gone`);
          const leaves: MessageStructureObject[] = [];
          walk(msg.bodyStructure, leaves);
          const isAttachment = (n: MessageStructureObject) => n.disposition === 'attachment' || Boolean(n.dispositionParameters?.filename ?? n.parameters?.name);
          const textPart = leaves.find((n) => n.type === 'text/plain' && !isAttachment(n)) ?? leaves.find((n) => n.type === 'text/html' && !isAttachment(n));
          let text = '';
          if (textPart) {
            const d = await client.download(String(uid), textPart.part ?? '1', { uid: true, maxBytes: MAX_TEXT_CHARS * 4 });
            if ('content' in d && d.content) text = (await readCapped(d.content, MAX_TEXT_CHARS * 4)).toString('utf8');
          }
          const attachments = leaves.filter((n) => n !== textPart && (isAttachment(n) || !n.type.startsWith('text/'))).map((n) => ({
            filename: n.dispositionParameters?.filename ?? n.parameters?.name ?? 'attachment', contentType: n.type, size: decodedSize(n),
          }));
          return { headers: msg.headers ?? Buffer.alloc(0), text, attachments };
        } catch (e) {
          throw fail(e);
        }
      },
      async close() {
        await client.logout().catch(() => client.close());
      },
    };
  } catch (e) {
    client.close();
    throw fail(e);
  }
}
