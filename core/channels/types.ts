/**
 * What a channel sends and what it answers. A channel knows nothing of templates or the store:
 * the send job renders the message, calls `send`, and records the result or the error.
 */

import type { PostalAddress } from '../store/schema/columns.ts';

export type MessageChannelKind = 'email' | 'sms' | 'letter';

export interface Address {
  readonly address: string;
  readonly name?: string | null;
}

export interface EmailMessage {
  readonly channel: 'email';
  /** The action's idempotency key: it becomes the Message-ID, so a retried send is recognisable. */
  readonly idempotencyKey: string;
  /** Defaults to the channel's configured sender. */
  readonly from?: Address | null;
  readonly to: Address;
  /** The collector or account owner, so that answers reach a person rather than a no-reply box. */
  readonly replyTo?: Address | null;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  readonly attachments?: readonly { readonly filename: string; readonly content: Uint8Array; readonly contentType: string }[];
  /** Extra headers, e.g. a collector's answer's In-Reply-To and References (core/inbox). */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface SmsMessage {
  readonly channel: 'sms';
  readonly idempotencyKey: string;
  /** E.164 ("+33612345678"). */
  readonly to: string;
  readonly text: string;
}

/** A postal party of a letter: the name on the first line, then the structured address. */
export interface LetterParty {
  readonly name: string;
  readonly address: PostalAddress;
}

export interface LetterMessage {
  readonly channel: 'letter';
  readonly idempotencyKey: string;
  readonly pdf: Uint8Array;
  /** What a print-and-post provider needs beside the PDF (the local outbox needs neither). */
  readonly to?: LetterParty | null;
  readonly from?: LetterParty | null;
  /** A short label for the provider's dashboard ("Mise en demeure de payer — F-1, F-2"). */
  readonly description?: string | null;
}

export type OutboundMessage = EmailMessage | SmsMessage | LetterMessage;

export interface SendResult {
  /** The provider's id of the message (SMTP Message-ID, Twilio SID, letter document id). */
  readonly providerMessageId: string;
  /** Letters: the PDF to store with the action. */
  readonly document?: Uint8Array;
}

/** One way of reaching a customer. Errors are `RelanceError`s: `Transient`, `RateLimited`, `ConfigError`, `DeliveryRejected`. */
export interface Channel<M extends OutboundMessage = OutboundMessage> {
  readonly kind: M['channel'];
  send(message: M): Promise<SendResult>;
  /** Releases connections (SMTP pool); safe to call twice. */
  close(): Promise<void>;
}
