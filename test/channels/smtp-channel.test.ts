import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { ConfigError, Transient } from '../../core/errors.ts';
import { DeliveryRejected, SmtpChannel, decideSendRetry, messageIdFor } from '../../core/channels/index.ts';
import { renderMessage, sampleMessageInput } from '../../core/messages/index.ts';
import { parseRawMail } from './raw-mail.ts';

interface Received {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server in-process: rejects "nobody@" with 550 5.1.1 and "busy@" with 451 4.2.1. */
function startServer(received: Received[]): Promise<{ server: SMTPServer; port: number }> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      const refuse = (code: number, text: string): void => callback(Object.assign(new Error(text), { responseCode: code }));
      if (address.address.startsWith('nobody@')) return refuse(550, '5.1.1 User unknown');
      if (address.address.startsWith('busy@')) return refuse(451, '4.2.1 Mailbox busy, try later');
      if (address.address.startsWith('spam@')) return refuse(550, '5.7.1 Message rejected by policy');
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.server.address() as AddressInfo).port }));
  });
}

describe('SmtpChannel against a real SMTP server', () => {
  const received: Received[] = [];
  let server: SMTPServer;
  let channel: SmtpChannel;

  beforeAll(async () => {
    const started = await startServer(received);
    server = started.server;
    channel = new SmtpChannel({ host: '127.0.0.1', port: started.port, from: { address: 'relances@atelier-dupont.example', name: 'Atelier Dupont' }, timeoutMs: 5000 });
  });
  afterAll(async () => {
    await channel.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('delivers a rendered reminder with From, To, Reply-To, Subject, Message-ID and both parts', async () => {
    const rendered = await renderMessage(sampleMessageInput('reminder-1', 'email', 'fr'));
    if (rendered.channel !== 'email') throw new Error('expected an email');
    const key = 'action:org-1:C1042:reminder-1:2026-03-02';
    const result = await channel.send({
      channel: 'email',
      idempotencyKey: key,
      to: { address: 'claire@martin.example', name: 'Claire Martin' },
      replyTo: { address: 'julie.bernard@atelier-dupont.example', name: 'Julie Bernard' },
      subject: rendered.subject,
      html: rendered.html,
      text: rendered.text,
    });
    expect(result.providerMessageId).toBe(messageIdFor(key, 'atelier-dupont.example'));
    expect(received).toHaveLength(1);
    const mail = received[0]!;
    expect(mail.to).toEqual(['claire@martin.example']);
    expect(mail.from).toBe('relances@atelier-dupont.example');
    const { headers, parts } = parseRawMail(mail.raw);
    expect(headers.get('from')).toBe('Atelier Dupont <relances@atelier-dupont.example>');
    expect(headers.get('to')).toBe('Claire Martin <claire@martin.example>');
    expect(headers.get('reply-to')).toBe('Julie Bernard <julie.bernard@atelier-dupont.example>');
    expect(headers.get('message-id')).toBe(result.providerMessageId);
    expect(headers.get('x-relance-action')).toBe(key);
    // The subject is encoded (it has accents): decode the RFC 2047 words before comparing.
    expect(decodeMimeWords(headers.get('subject') ?? '')).toBe(rendered.subject);
    expect(parts.get('text/plain')).toContain('F-2026-001');
    expect(parts.get('text/plain')).toContain('Bonjour Claire Martin,');
    expect(parts.get('text/html')).toMatch(/<td[^>]*>F-2026-014<\/td>/);
    expect(parts.get('text/html')).toContain('Boulangerie Martin &amp; Fils');
  });

  it('turns a 550 5.1.1 on the recipient into a hard bounce that marks the address invalid', async () => {
    const error = await sendTo(channel, 'nobody@martin.example').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryRejected);
    expect(error).toMatchObject({ hardBounce: true, address: 'nobody@martin.example', retryable: false });
    expect(decideSendRetry(error, 1)).toMatchObject({ retry: false, markAddressInvalid: true });
  });

  it('refuses a policy rejection (5.7.1) for good without blaming the address', async () => {
    const error = await sendTo(channel, 'spam@martin.example').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryRejected);
    expect(error).toMatchObject({ hardBounce: false });
    expect(decideSendRetry(error, 1)).toMatchObject({ retry: false, markAddressInvalid: false });
  });

  it('retries a 451 (greylisting, mailbox busy) with back-off', async () => {
    const error = await sendTo(channel, 'busy@martin.example').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Transient);
    const outcome = decideSendRetry(error, 1, () => 0.5);
    expect(outcome).toEqual({ retry: true, delayMs: 5 * 60_000 });
  });

  it('treats a refused connection as transient', async () => {
    const closedPort = await freePort();
    const nowhere = new SmtpChannel({ host: '127.0.0.1', port: closedPort, from: { address: 'a@b.example' }, timeoutMs: 2000 });
    const error = await sendTo(nowhere, 'claire@martin.example').catch((e: unknown) => e);
    await nowhere.close();
    expect(error).toBeInstanceOf(Transient);
  });

  it('refuses a configuration without a sender with the field', () => {
    expect(() => new SmtpChannel({ host: 'localhost', port: 25, from: { address: 'not an address' } })).toThrow(ConfigError);
    expect(() => new SmtpChannel({ host: 'localhost', port: 25, from: { address: 'not an address' } })).toThrow(/smtp\.from\.address/);
  });
});

function sendTo(channel: SmtpChannel, address: string): Promise<unknown> {
  return channel.send({ channel: 'email', idempotencyKey: `k-${address}`, to: { address }, subject: 'Test', html: '<p>x</p>', text: 'x' });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
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
