/** Test helpers around the throw-away dovecot: an SMTP relay into it, reading a user's mailbox, raw messages. */
import type { AddressInfo } from 'node:net';
import { ImapFlow } from 'imapflow';
import { SMTPServer } from 'smtp-server';
import type { Dovecot } from './dovecot.ts';

export interface Relay { port: number; close(): Promise<void> }

/** A real SMTP server (smtp-server) that hands every accepted message to dovecot over LMTP, per recipient. */
export async function startRelay(dovecot: Dovecot): Promise<Relay> {
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false, disableReverseLookup: true, closeTimeout: 200,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : 'nobody@relance.test';
        Promise.all(session.envelope.rcptTo.map((r) => dovecot.deliver(raw, r.address, from))).then(() => callback(), (e: Error) => callback(e));
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { port: (server.server.address() as AddressInfo).port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export interface Stored { uid: number; source: string; headers: Map<string, string> }

/** Every message in a dovecot user's INBOX. */
export async function mailboxOf(dovecot: Dovecot, user: string, password = 'secret'): Promise<Stored[]> {
  const client = new ImapFlow({ host: '127.0.0.1', port: dovecot.imapPort, secure: false, doSTARTTLS: false, auth: { user, pass: password }, logger: false });
  client.on('error', () => {});
  await client.connect();
  try {
    const box = await client.mailboxOpen('INBOX');
    if (box.exists === 0) return [];
    const out: Stored[] = [];
    for (const m of await client.fetchAll('1:*', { uid: true, source: true })) {
      const source = m.source!.toString('utf8');
      const head = source.slice(0, source.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
      const headers = new Map<string, string>();
      for (const line of head.split('\r\n')) {
        const i = line.indexOf(':');
        if (i > 0 && !headers.has(line.slice(0, i).toLowerCase())) headers.set(line.slice(0, i).toLowerCase(), line.slice(i + 1).trim());
      }
      out.push({ uid: m.uid, source, headers });
    }
    return out;
  } finally {
    await client.logout();
  }
}

/** A plain text message, CRLF lines. */
export function rawMessage(h: Record<string, string>, body: string): string {
  return `${Object.entries(h).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${body.replace(/\n/g, '\r\n')}\r\n`;
}

/** An RFC 3464 delivery report about `original` (its raw header block) for `recipient`. */
export function dsnMessage(original: Map<string, string>, recipient: string, status = '5.1.1'): string {
  const b = 'dsn-boundary-1';
  return [
    'From: Mail Delivery System <MAILER-DAEMON@mx.client.test>', 'To: relances@relance.test', 'Subject: Undelivered Mail Returned to Sender',
    `Message-ID: <dsn-${Date.now()}@mx.client.test>`, 'Auto-Submitted: auto-replied', 'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${b}"`, '',
    `--${b}`, 'Content-Type: text/plain', '', `I'm sorry to have to inform you that your message could not be delivered to ${recipient}.`, '',
    `--${b}`, 'Content-Type: message/delivery-status', '', 'Reporting-MTA: dns; mx.client.test', '',
    `Final-Recipient: rfc822; ${recipient}`, 'Action: failed', `Status: ${status}`, `Diagnostic-Code: smtp; 550 ${status} <${recipient}>: Recipient address rejected: User unknown`, '',
    `--${b}`, 'Content-Type: text/rfc822-headers', '',
    `Message-ID: ${original.get('message-id')}`, `X-Relance-Action: ${original.get('x-relance-action')}`, `Subject: ${original.get('subject')}`, `To: ${recipient}`, '',
    `--${b}--`, '',
  ].join('\r\n');
}
