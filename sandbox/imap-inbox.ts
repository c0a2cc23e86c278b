/**
 * The demo's inbox: the smallest IMAP4rev1 server that Relance's reader needs (RFC 3501 subset:
 * CAPABILITY, LOGIN, LIST, SELECT/EXAMINE of INBOX, UID FETCH of UID, RFC822.SIZE and BODY.PEEK[],
 * NOOP, LOGOUT, and IDLE of RFC 2177: a new message is announced `* n EXISTS` to the sessions idling),
 * over messages kept in memory, on loopback. The mail catcher hands it what is
 * sent to the organization's inbox address, so a new user can reply to a caught reminder and see
 * it filed, with no dovecot installed. Not a general mail server: one user, one folder, no flags.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ImapInbox {
  host: string;
  port: number;
  user: string;
  password: string;
  /** Adds a raw message (as the catcher received it); UIDs grow from 1. */
  append(raw: string | Buffer): number;
  count(): number;
  /** Sessions in IDLE right now. */
  idling(): number;
  close(): Promise<void>;
}

const UIDVALIDITY = Math.floor(Date.now() / 1000);

interface Box { user: string; password: string; messages: Buffer[]; idling: Set<(count: number) => void> }

function session(socket: Socket, box: Box): void {
  let buffer = '';
  let authed = false;
  /** The tag of the IDLE under way, its announcer registered in the box. */
  let idle: { tag: string; announce: (count: number) => void } | null = null;
  /** The message count this session was last told: what arrived since is announced when IDLE starts, as a real server does. */
  let known = 0;
  const write = (s: string | Buffer) => socket.write(s);
  write('* OK [CAPABILITY IMAP4rev1 IDLE] Relance demo inbox ready\r\n');
  socket.on('close', () => {
    if (idle) box.idling.delete(idle.announce);
  });
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('latin1');
    let nl: number;
    while ((nl = buffer.indexOf('\r\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 2);
      handle(line);
    }
  });
  socket.on('error', () => socket.destroy());
  function atoms(s: string): string[] {
    return [...s.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!));
  }
  function fetch(tag: string, set: string, items: string): void {
    const wantsBody = /BODY(\.PEEK)?\[\]|RFC822\b(?!\.)/i.test(items);
    const uids = box.messages.map((_m, i) => i + 1);
    const ranges = set.split(',').map((r) => {
      const [a, b] = r.split(':');
      const last = uids.length;
      const lo = a === '*' ? last : Number(a);
      const hi = b === undefined ? lo : b === '*' ? last : Number(b);
      return [Math.min(lo, hi), Math.max(lo, hi)] as const;
    });
    for (const uid of uids) {
      if (!ranges.some(([lo, hi]) => uid >= lo && uid <= hi)) continue;
      const raw = box.messages[uid - 1]!;
      const head = `* ${uid} FETCH (UID ${uid} RFC822.SIZE ${raw.length}`;
      if (wantsBody) write(Buffer.concat([Buffer.from(`${head} BODY[] {${raw.length}}\r\n`), raw, Buffer.from(')\r\n')]));
      else write(`${head})\r\n`);
    }
    write(`${tag} OK UID FETCH completed\r\n`);
  }
  function handle(line: string): void {
    if (idle) {
      // RFC 2177: the client ends IDLE with DONE on a line of its own.
      if (line.trim().toUpperCase() !== 'DONE') return void write(`* BAD expected DONE\r\n`);
      box.idling.delete(idle.announce);
      write(`${idle.tag} OK IDLE terminated\r\n`);
      idle = null;
      return;
    }
    const [tag = '*', command = '', ...rest] = atoms(line);
    const cmd = command.toUpperCase();
    if (cmd === 'CAPABILITY') return void write(`* CAPABILITY IMAP4rev1 IDLE\r\n${tag} OK done\r\n`);
    if (cmd === 'NOOP') return void write(`${tag} OK done\r\n`);
    if (cmd === 'LOGOUT') { write(`* BYE bye\r\n${tag} OK done\r\n`); socket.end(); return; }
    if (cmd === 'LOGIN') {
      if (rest[0] === box.user && rest[1] === box.password) { authed = true; return void write(`${tag} OK [CAPABILITY IMAP4rev1 IDLE] logged in\r\n`); }
      return void write(`${tag} NO [AUTHENTICATIONFAILED] wrong user or password\r\n`);
    }
    if (!authed) return void write(`${tag} NO log in first\r\n`);
    if (cmd === 'LIST' || cmd === 'LSUB') return void write(`* ${cmd} () "/" INBOX\r\n${tag} OK done\r\n`);
    if (cmd === 'SELECT' || cmd === 'EXAMINE') {
      if ((rest[0] ?? '').toUpperCase() !== 'INBOX') return void write(`${tag} NO [NONEXISTENT] only INBOX here\r\n`);
      const n = box.messages.length;
      known = n;
      return void write(`* ${n} EXISTS\r\n* 0 RECENT\r\n* FLAGS (\\Seen)\r\n* OK [UIDVALIDITY ${UIDVALIDITY}] ok\r\n* OK [UIDNEXT ${n + 1}] ok\r\n${tag} OK [READ-ONLY] done\r\n`);
    }
    if (cmd === 'UID' && (rest[0] ?? '').toUpperCase() === 'FETCH') return fetch(tag, rest[1] ?? '', rest.slice(2).join(' '));
    if (cmd === 'IDLE') {
      const announce = (count: number) => {
        known = count;
        write(`* ${count} EXISTS\r\n`);
      };
      idle = { tag, announce };
      box.idling.add(announce);
      write('+ idling\r\n');
      if (box.messages.length > known) announce(box.messages.length);
      return;
    }
    write(`${tag} BAD ${cmd} is not supported by the demo inbox\r\n`);
  }
}

/** Starts the demo inbox on 127.0.0.1 (port 0: a free one). */
export async function startImapInbox(options: { port?: number; user?: string; password?: string } = {}): Promise<ImapInbox> {
  const box: Box = { user: options.user ?? 'relances', password: options.password ?? 'demo', messages: [], idling: new Set() };
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); session(s, box); });
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(options.port ?? 0, '127.0.0.1', () => resolve()); });
  return {
    host: '127.0.0.1', port: (server.address() as AddressInfo).port, user: box.user, password: box.password,
    append(raw) {
      box.messages.push(Buffer.isBuffer(raw) ? raw : Buffer.from(raw, 'utf8'));
      for (const announce of box.idling) announce(box.messages.length);
      return box.messages.length;
    },
    count: () => box.messages.length,
    idling: () => box.idling.size,
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}
