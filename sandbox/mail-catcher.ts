/**
 * A local SMTP server that keeps what it receives: the demo's mail catcher, so reminders can be sent
 * for real without reaching anyone. Optionally lists what it caught over HTTP: `GET /` a page
 * for a person (newest first: recipient, subject, links to each message's text and HTML),
 * `GET /messages` JSON (newest last), `GET /messages/<n>.txt|.html` one message's part — so a
 * person running the demo can read the reminders and follow their portal links.
 *
 * With an `inbox` (the demo's IMAP inbox, sandbox/imap-inbox.ts), what is sent to the inbox's
 * address — `relances@…` or `relances+<token>@…` — is handed to it, and each caught reminder with
 * a Reply-To offers "Reply as the customer" (`POST /messages/<n>/reply`, a form field `text`): the
 * catcher writes the customer's answer, threaded (In-Reply-To and References naming the reminder's
 * Message-ID), from the reminder's recipient to its Reply-To, and delivers it like any mail — so a
 * new user sees their reply filed on the customer's timeline in the console.
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

/** Where mail to the organization's inbox address goes (the demo's IMAP inbox). */
export interface CatcherInbox {
  /** The inbox's address, e.g. relances@relance.example; plus-addressed variants go there too. */
  address: string;
  append(raw: string | Buffer): number;
}

export interface MailCatcher {
  host: string;
  port: number;
  messages: CaughtMail[];
  /** Writes the customer's reply to caught message `n` (1-based) and delivers it; null when it has no Reply-To. */
  reply?(n: number, text: string): Promise<CaughtMail | null>;
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
async function indexPage(messages: readonly CaughtMail[], replies: boolean): Promise<string> {
  const rows: string[] = [];
  for (let n = messages.length - 1; n >= 0; n--) {
    const m = messages[n]!;
    const parsed = await simpleParser(m.raw).catch(() => null);
    const subject = parsed?.subject ?? subjectOf(m.raw) ?? '(no subject)';
    const when = parsed?.date ? parsed.date.toISOString().replace('T', ' ').slice(0, 16) : '';
    rows.push(`<tr><td>${n + 1}</td><td>${escape(when)}</td><td>${escape(m.to.join(', '))}</td><td>${escape(subject)}</td>` +
      `<td><a href="/messages/${n + 1}.txt">text</a>${parsed?.html ? ` · <a href="/messages/${n + 1}.html">HTML</a>` : ''}` +
      (replies && parsed?.replyTo ? `<form method="post" action="/messages/${n + 1}/reply" class="reply"><label>Reply as the customer<br>` +
        `<textarea name="text" rows="2" cols="40" required>Bonjour, nous avons payé hier (virement VIR-2231).</textarea></label><br><button type="submit">Send the reply</button></form>` : '') +
      `</td></tr>`);
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

function startListing(messages: readonly CaughtMail[], reply: MailCatcher['reply'] | null): Server {
  return createServer((request, response) => {
    const url = request.url ?? '/';
    const one = /^\/messages\/(\d+)\.(txt|html)$/.exec(url);
    const answer = /^\/messages\/(\d+)\/reply$/.exec(url);
    if (request.method === 'POST' && answer && reply) {
      let body = '';
      request.on('data', (c: Buffer) => { if (body.length < 100_000) body += c.toString('utf8'); });
      request.on('end', () => {
        const text = new URLSearchParams(body).get('text')?.trim() ?? '';
        if (!text) return void response.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"text: write the reply"}');
        void reply(Number(answer[1]), text).then(
          (sent) => (sent ? response.writeHead(303, { location: '/' }).end() : response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"no such message with a Reply-To"}')),
          () => response.writeHead(500).end(),
        );
      });
      return;
    }
    if (request.method === 'GET' && url === '/messages') {
      const body = messages.map((m) => ({ from: m.from, to: m.to, subject: subjectOf(m.raw), raw: m.raw }));
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
      return;
    }
    if (request.method === 'GET' && (url === '/' || url === '/index.html')) {
      void indexPage(messages, reply !== null).then((page) => response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page));
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
/** Whether `address` is the inbox's address, plus-addressed or not (same local part before `+`, same domain). */
export function isInboxAddress(address: string, inboxAddress: string): boolean {
  const split = (a: string) => {
    const at = a.lastIndexOf('@');
    return { local: a.slice(0, at).split('+')[0]!.toLowerCase(), domain: a.slice(at + 1).toLowerCase() };
  };
  const a = split(address);
  const b = split(inboxAddress);
  return address.includes('@') && a.local === b.local && a.domain === b.domain;
}

/** The customer's answer to `original`: from its recipient to its Reply-To, threaded on its Message-ID. */
export async function replyTo(original: CaughtMail, text: string, now = new Date()): Promise<{ from: string; to: string; raw: string } | null> {
  const parsed = await simpleParser(original.raw);
  const to = parsed.replyTo?.value[0]?.address;
  const from = original.to[0];
  if (!to || !from) return null;
  const id = parsed.messageId;
  const subject = /^re:/i.test(parsed.subject ?? '') ? parsed.subject! : `Re: ${parsed.subject ?? ''}`;
  const quoted = (parsed.text ?? '').split('\n').slice(0, 20).map((l) => `> ${l}`).join('\r\n');
  const headers = [
    `From: ${from}`, `To: ${to}`, `Subject: =?utf-8?B?${Buffer.from(subject, 'utf8').toString('base64')}?=`, `Date: ${now.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <reply.${now.getTime()}.${Math.random().toString(36).slice(2)}@customer.demo>`,
    ...(id ? [`In-Reply-To: ${id}`, `References: ${id}`] : []),
    'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit',
  ];
  return { from, to, raw: `${headers.join('\r\n')}\r\n\r\n${text.replace(/\r?\n/g, '\r\n')}\r\n\r\n${quoted}\r\n` };
}

export async function startMailCatcher(port = 0, options: { web?: boolean; inbox?: CatcherInbox } = {}): Promise<MailCatcher> {
  const messages: CaughtMail[] = [];
  const inbox = options.inbox ?? null;
  /** Keeps a message and, when it is addressed to the inbox, hands it there. */
  const take = (m: CaughtMail) => {
    messages.push(m);
    if (inbox && m.to.some((a) => isInboxAddress(a, inbox.address))) inbox.append(m.raw);
  };
  const reply = inbox ? async (n: number, text: string): Promise<CaughtMail | null> => {
    const original = messages[n - 1];
    const answer = original ? await replyTo(original, text) : null;
    if (!answer) return null;
    const m: CaughtMail = { from: answer.from, to: [answer.to], raw: answer.raw };
    take(m);
    return m;
  } : null;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        take({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  const smtpPort = await listenOnLoopback(server.server, port);
  const web = options.web ? startListing(messages, reply) : null;
  const webPort = web ? await listenOnLoopback(web, 0) : null;
  return {
    host: '127.0.0.1',
    port: smtpPort,
    messages,
    ...(reply ? { reply } : {}),
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
