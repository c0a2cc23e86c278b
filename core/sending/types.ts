/**
 * What the sender needs from the outside: a renderer and channels. The shapes follow core/messages
 * (`renderMessage`) and core/channels (`Channel.send(message) → { providerMessageId }`); declared
 * here structurally so that a test can pass a recording channel and production the SMTP one.
 */
import type { RenderedMessage, RenderMessageInput } from '../messages/index.ts';

export interface OutgoingEmail {
  readonly channel: 'email';
  readonly idempotencyKey: string;
  readonly to: { readonly address: string; readonly name?: string | null };
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}
export interface OutgoingSms {
  readonly channel: 'sms';
  readonly idempotencyKey: string;
  readonly to: string;
  readonly text: string;
}
export interface OutgoingLetter {
  readonly channel: 'letter';
  readonly idempotencyKey: string;
  readonly pdf: Uint8Array;
}
export type OutgoingMessage = OutgoingEmail | OutgoingSms | OutgoingLetter;

export interface DeliveryChannel {
  // Method syntax on purpose: a channel typed for its own message kind (SmtpChannel: emails) fits.
  send(message: OutgoingMessage): Promise<{ readonly providerMessageId: string }>;
}

export interface SendDeps {
  readonly channels: Partial<Record<OutgoingMessage['channel'], DeliveryChannel>>;
  readonly render: (input: RenderMessageInput) => Promise<RenderedMessage>;
  /** Identifies this worker's claims (host:pid:random). */
  readonly workerId: string;
  /** A 'sending' claim older than this is taken over: its worker is presumed dead. */
  readonly leaseMs?: number;
  readonly portalUrl?: string | null;
}

/** A collector's edit of a message awaiting approval: replaces the rendered parts it names. */
export interface MessageOverride {
  readonly subject?: string;
  readonly text?: string;
  readonly html?: string;
}
