/**
 * A local SMTP server that keeps what it receives: the demo's mail catcher, so reminders can be sent
 * for real without reaching anyone. Optionally lists what it caught over HTTP: `GET /` a page
 * for a person (newest first: recipient, subject, links to each message's text and HTML),
 * `GET /messages` JSON (newest last), `GET /messages/<n>.txt|.html` one message's part — so a
 * person running the demo can read the reminders and follow their portal links.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import { simpleParser } from 'mailparser';
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

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** The caught messages as a page, newest first; every text from a message is escaped. */
async function indexPage(messages: readonly CaughtMail[]): Promise<string> {
  const rows: string[] = [];
  for (let n = messages.length - 1; n >= 0; n--) {
    const m = messages[n]!;
    const parsed = await simpleParser(m.raw).catch(() => null);
    const subject = parsed?.subject ?? subjectOf(m.raw) ?? '(no subject)';
    const when = parsed?.date ? parsed.date.toISOString().replace('T', ' ').slice(0, 16) : '';
    rows.push(`<tr><td>${n + 1}</td><td>${escape(when)}</td><td>${escape(m.to.join(', '))}</td><td>${escape(subject)}</td>` +
      `<td><a href="/messages/${n + 1}.txt">text</a>${parsed?.html ? ` · <a href="/messages/${n + 1}.html">HTML</a>` : ''}</td></tr>`);
  }
  const table = rows.length
    ? `<table><thead><tr><th>#</th><th>Date</th><th>To</th><th>Subject</th><th>Read</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
    : '<p>No message caught yet: reminders sent by the demo appear here.</p>';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Relance mail catcher</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#1d2430}table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #dde2ea;vertical-align:top}th{color:#5b6575;font-size:.85rem}</style>
</head><body><h1>Relance mail catcher</h1><p>${messages.length} message(s) caught. <a href="/messages">JSON</a></p>${table}</body></html>`;
}

/** One message's text part (plain) or HTML part (sandboxed: no script runs, nothing is loaded). */
async function messagePart(response: ServerResponse, m: CaughtMail, part: 'txt' | 'html'): Promise<void> {
  const parsed = await simpleParser(m.raw);
  if (part === 'txt') {
    response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(parsed.text ?? '');
    return;
  }
  const html = typeof parsed.html === 'string' ? parsed.html : '';
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'" }).end(html);
}

function startListing(messages: readonly CaughtMail[]): Server {
  return createServer((request, response) => {
    const url = request.url ?? '/';
    const one = /^\/messages\/(\d+)\.(txt|html)$/.exec(url);
    if (request.method === 'GET' && url === '/messages') {
      const body = messages.map((m) => ({ from: m.from, to: m.to, subject: subjectOf(m.raw), raw: m.raw }));
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
      return;
    }
    if (request.method === 'GET' && (url === '/' || url === '/index.html')) {
      void indexPage(messages).then((page) => response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page));
      return;
    }
    if (request.method === 'GET' && one && messages[Number(one[1]) - 1]) {
      void messagePart(response, messages[Number(one[1]) - 1]!, one[2] as 'txt' | 'html').catch(() => response.writeHead(500).end());
      return;
    }
    response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found: GET /, /messages or /messages/<n>.txt|.html"}');
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
