/**
 * A real SMTP server in-process for the send tests (smtp-server, no TLS, no auth): it keeps each
 * message it accepts, refuses the addresses it is told to refuse with the reply it is given, and
 * can hold the DATA phase (the message fully received, the 250 not yet answered) to let a test
 * kill the sender inside the at-least-once window.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { parseRawMail, type ParsedMail } from '../channels/raw-mail.ts';

export interface SinkMessage extends ParsedMail {
  readonly to: string[];
  readonly messageId: string;
  /** Decoded from its RFC 2047 words. */
  readonly subject: string;
  readonly raw: string;
  /** When its final dot arrived (wall clock, ms): from then on the server has it. */
  readonly dataAt: number;
  /** When it was answered 250 (wall clock, ms); unset while held or waiting out the reply delay. */
  answeredAt?: number;
  /** The SMTP session it came on: `closedAt` is when the sender's connection ended (a killed sender's, at once). */
  readonly connection: { closedAt: number | null };
}

export interface SmtpSink {
  readonly port: number;
  /** Messages answered 250. */
  readonly accepted: SinkMessage[];
  /** Messages whose DATA arrived in full, whether or not they were answered (a held one is here). */
  readonly received: SinkMessage[];
  /** Addresses refused at RCPT TO, in order. */
  readonly refused: string[];
  /** Address → [reply code, reply text], checked at RCPT TO. */
  readonly refuse: Map<string, [number, string]>;
  /** While true, a message's DATA is read in full and then left unanswered. */
  holdData: boolean;
  /** Milliseconds each message's 250 waits after its DATA arrived (a slow server); 0 by default. */
  replyDelayMs: number;
  /** Resolves when the next message's DATA has arrived in full. */
  nextData(): Promise<SinkMessage>;
  close(): Promise<void>;
}

/** Wall-clock milliseconds with sub-millisecond decimals. */
const wallClock = () => performance.timeOrigin + performance.now();

function toMessage(raw: string, to: string[], connection: SinkMessage['connection']): SinkMessage {
  const parsed = parseRawMail(raw);
  return {
    ...parsed, raw, to, messageId: parsed.headers.get('message-id') ?? '', subject: decodeMimeWords(parsed.headers.get('subject') ?? ''),
    dataAt: wallClock(), connection,
  };
}

/** RFC 2047 encoded words (=?UTF-8?Q?…?= or =?UTF-8?B?…?=), as nodemailer writes non-ASCII subjects. */
function decodeMimeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([QB])\?([^?]*)\?=/gi, (_m, enc: string, text: string) => {
      if (enc.toUpperCase() === 'B') return Buffer.from(text, 'base64').toString('utf8');
      const bytes = text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16)));
      return Buffer.from(bytes, 'latin1').toString('utf8');
    });
}

export function startSmtpSink(): Promise<SmtpSink> {
  const waiters: ((m: SinkMessage) => void)[] = [];
  const connections = new Map<string, SinkMessage['connection']>();
  const connectionOf = (id: string) => connections.get(id) ?? connections.set(id, { closedAt: null }).get(id)!;
  const sink = {
    port: 0, accepted: [] as SinkMessage[], received: [] as SinkMessage[],
    refuse: new Map<string, [number, string]>(), refused: [] as string[], holdData: false, replyDelayMs: 0,
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    // No reverse DNS lookup of 127.0.0.1 per connection.
    disableReverseLookup: true,
    // A held session must not keep close() waiting for the default 30 s.
    closeTimeout: 200,
    onRcptTo(address, _session, callback) {
      const refusal = sink.refuse.get(address.address.toLowerCase());
      if (!refusal) return callback();
      sink.refused.push(address.address);
      callback(Object.assign(new Error(refusal[1]), { responseCode: refusal[0] }));
    },
    onClose(session) {
      connectionOf(session.id).closedAt = wallClock();
      connections.delete(session.id);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const message = toMessage(Buffer.concat(chunks).toString('utf8'), session.envelope.rcptTo.map((r) => r.address), connectionOf(session.id));
        sink.received.push(message);
        waiters.splice(0).forEach((w) => w(message));
        if (sink.holdData) return; // never answered: the sender waits until it dies or times out
        const answer = () => {
          // Counted as accepted when the 250 goes out: a sender killed after this holds a delivered message.
          message.answeredAt = wallClock();
          sink.accepted.push(message);
          callback();
        };
        if (sink.replyDelayMs > 0) setTimeout(answer, sink.replyDelayMs);
        else answer();
      });
    },
  });
  // A sender killed mid-session resets its connection: that is the client's end, not the server's.
  server.on('error', () => {});
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve(Object.assign(sink, {
        port: (server.server.address() as AddressInfo).port,
        nextData: () => new Promise<SinkMessage>((r) => waiters.push(r)),
        close: () => new Promise<void>((r) => server.close(() => r())),
      }));
    });
  });
}
