/**
 * A local SMTP server that keeps what it receives: the demo's mail catcher, so reminders can be sent
 * for real without reaching anyone. Optionally lists what it caught over HTTP (`GET /messages`,
 * JSON, newest last), so a person running the demo can read the reminders and their portal links.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface CaughtMail {
  from: string | null;
  to: string[];
  raw: string;
}

export interface MailCatcher {
  host: string;
  port: number;
  messages: CaughtMail[];
  /** `http://127.0.0.1:<port>/messages` when started with `web`, else null. */
  webUrl: string | null;
  close(): Promise<void>;
}

/** The `Subject:` header as written (RFC 2047 words left encoded). */
function subjectOf(raw: string): string | null {
  const end = raw.indexOf('\r\n\r\n');
  const head = (end === -1 ? raw : raw.slice(0, end)).replace(/\r\n[ \t]+/g, ' ');
  return /^subject:\s*(.*)$/im.exec(head)?.[1] ?? null;
}

async function listenOnLoopback(server: Server | SMTPServer['server'], port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

function startListing(messages: readonly CaughtMail[]): Server {
  return createServer((request, response) => {
    if (request.method !== 'GET' || request.url !== '/messages') {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found: GET /messages"}');
      return;
    }
    const body = messages.map((m) => ({ from: m.from, to: m.to, subject: subjectOf(m.raw), raw: m.raw }));
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
  });
}

/** Listens on 127.0.0.1 (port 0: a free one); accepts any sender and recipient, no auth, no TLS. */
export async function startMailCatcher(port = 0, options: { web?: boolean } = {}): Promise<MailCatcher> {
  const messages: CaughtMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  const smtpPort = await listenOnLoopback(server.server, port);
  const web = options.web ? startListing(messages) : null;
  const webPort = web ? await listenOnLoopback(web, 0) : null;
  return {
    host: '127.0.0.1',
    port: smtpPort,
    messages,
    webUrl: webPort === null ? null : `http://127.0.0.1:${webPort}/messages`,
    close: async () => {
      if (web) {
        web.closeAllConnections();
        await new Promise<void>((resolve) => web.close(() => resolve()));
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
