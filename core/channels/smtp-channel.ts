/**
 * Email over SMTP with nodemailer. The Message-ID comes from the action's idempotency key, so a
 * retry after a lost acknowledgement carries the same id (receivers and our bounce handling can
 * tell it is the same message), and `Reply-To` is the collector so that answers reach a person.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import { z } from 'zod';
import { ConfigError, InvalidInput, Transient } from '../errors.ts';
import { DeliveryRejected } from './errors.ts';
import type { Address, Channel, EmailMessage, SendResult } from './types.ts';

const address = z.object({ address: z.email(), name: z.string().nullish() });

export const smtpConfigSchema = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  secure: z.boolean().default(false),
  /** Refuse to send in clear text when the server does not offer STARTTLS. */
  requireTLS: z.boolean().default(false),
  user: z.string().optional(),
  password: z.string().optional(),
  from: address,
  /** The right-hand side of Message-IDs; defaults to the sender's domain. */
  messageIdDomain: z.string().optional(),
  timeoutMs: z.number().int().positive().default(30_000),
  /**
   * Connections kept open and reused (nodemailer's pool). A new connection per message costs a TCP
   * and SMTP handshake (EHLO, and STARTTLS/AUTH on a real server): ~120 ms per message against a
   * local server where a pooled one takes ~10 ms (bench/send.ts). The send job keeps several
   * messages in flight (core/sending `inFlight`, 8 by default); nodemailer queues them over these.
   */
  maxConnections: z.number().int().min(1).max(50).default(4),
});
export type SmtpConfig = z.input<typeof smtpConfigSchema>;

/** `<relance.{base64url(key)}@domain>`: deterministic, reversible, and only characters RFC 5322 allows. */
export function messageIdFor(idempotencyKey: string, domain: string): string {
  return `<relance.${Buffer.from(idempotencyKey, 'utf8').toString('base64url')}@${domain}>`;
}

export class SmtpChannel implements Channel<EmailMessage> {
  readonly kind = 'email' as const;
  private readonly config: z.output<typeof smtpConfigSchema>;
  private readonly transport: Transporter;

  constructor(config: SmtpConfig) {
    const parsed = smtpConfigSchema.safeParse(config);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ConfigError(`smtp.${issue.path.join('.')}: ${issue.message}`, { field: `smtp.${issue.path.join('.')}` });
    }
    this.config = parsed.data;
    const c = this.config;
    this.transport = nodemailer.createTransport({
      pool: true,
      maxConnections: c.maxConnections,
      host: c.host,
      port: c.port,
      secure: c.secure,
      requireTLS: c.requireTLS,
      auth: c.user ? { user: c.user, pass: c.password ?? '' } : undefined,
      connectionTimeout: c.timeoutMs,
      greetingTimeout: c.timeoutMs,
      socketTimeout: c.timeoutMs,
    });
  }

  async send(message: EmailMessage): Promise<SendResult> {
    if (!message.to.address) throw new InvalidInput('email: no recipient address', { field: 'to' });
    const from = message.from ?? this.config.from;
    const domain = this.config.messageIdDomain ?? from.address.split('@')[1] ?? 'relance.invalid';
    const messageId = messageIdFor(message.idempotencyKey, domain);
    try {
      await this.transport.sendMail({
        messageId,
        from: toNodemailer(from),
        to: toNodemailer(message.to),
        replyTo: message.replyTo ? toNodemailer(message.replyTo) : undefined,
        subject: message.subject,
        html: message.html,
        text: message.text,
        headers: { ...message.headers, 'X-Relance-Action': message.idempotencyKey },
        attachments: message.attachments?.map((a) => ({ filename: a.filename, content: Buffer.from(a.content), contentType: a.contentType })),
      });
    } catch (e) {
      throw classifySmtpError(e, message.to.address);
    }
    return { providerMessageId: messageId };
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}

function toNodemailer(a: Address): { name: string; address: string } {
  return { name: a.name ?? '', address: a.address };
}

interface SmtpFailure {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  message?: string;
}

/**
 * SMTP replies: 4xx is temporary (greylisting, mailbox busy: retry later), 5xx is permanent
 * (RFC 5321 §4.2.1). A 5xx on the recipient — or an enhanced status 5.1.x, "bad destination
 * mailbox address" (RFC 3463) — is a hard bounce: the address is bad, not the message.
 * https://www.rfc-editor.org/rfc/rfc5321#section-4.2.1
 * https://www.rfc-editor.org/rfc/rfc3463#section-3.2
 */
export function classifySmtpError(e: unknown, recipient: string): Error {
  const f = (e ?? {}) as SmtpFailure;
  const reply = f.response ?? f.message ?? String(e);
  const status = f.responseCode;
  if (f.code === 'EAUTH') return new ConfigError(`smtp: authentication refused: ${reply}`, { field: 'smtp.user' }, { cause: e });
  if (status !== undefined && status >= 400 && status < 500) {
    return new Transient(`smtp: temporary failure ${reply}`, { responseCode: status }, { cause: e });
  }
  if (status !== undefined && status >= 500) {
    const enhanced = /\b5\.(\d)\.\d+\b/.exec(reply);
    const atRecipient = f.code === 'EENVELOPE' || (f.command ?? '').toUpperCase().startsWith('RCPT');
    const hard = enhanced ? enhanced[1] === '1' : atRecipient && [550, 551, 553].includes(status);
    return new DeliveryRejected(`smtp: ${hard ? 'recipient refused' : 'message refused'} ${reply}`, hard, recipient, { responseCode: status }, { cause: e });
  }
  // No SMTP reply at all: connection refused, DNS, TLS or a timeout. Worth another try later.
  return new Transient(`smtp: ${f.code ?? 'failure'}: ${reply}`, { smtpCode: f.code ?? null }, { cause: e });
}
