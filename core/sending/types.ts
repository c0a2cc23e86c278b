/**
 * What the sender needs from the outside: a renderer and the channels of core/channels. A channel
 * that is absent is not configured: a step on it fails visibly ("no email channel configured").
 */
import type { Address, Channel, EmailMessage, LetterMessage, MessageChannelKind, SmsMessage } from '../channels/index.ts';
import type { KeyRing } from '../crypto.ts';
import type { RenderedMessage, RenderMessageInput } from '../messages/index.ts';

export interface SendChannels {
  readonly email?: Channel<EmailMessage>;
  readonly sms?: Channel<SmsMessage>;
  readonly letter?: Channel<LetterMessage>;
}

export interface SendDeps {
  readonly channels: SendChannels;
  readonly render: (input: RenderMessageInput) => Promise<RenderedMessage>;
  /** Identifies this worker's claims (host:pid:random). */
  readonly workerId: string;
  /** A 'sending' claim older than this is taken over: its worker is presumed dead (it renews its own every third of it). */
  readonly leaseMs?: number;
  /** Actions claimed at once (default 200). */
  readonly batchSize?: number;
  /** Messages in flight at once (default 6); the SMTP channel's pool spreads them over its connections. */
  readonly inFlight?: number;
  /** Signs each customer's portal link; absent, or without a public URL, reminders carry no link. */
  readonly portalLinks?: PortalLinkSource;
  /** The link a message composed outside the sender shows (the approval preview issues none). */
  readonly portalUrl?: string | null;
  /** Where answers to reminders go (a collector's mailbox); the sender's address when absent. */
  readonly replyTo?: Address | null;
  /** The reply address of a message to this customer (core/inbox: `relances+<token>@…`); replaces `replyTo` when it answers. */
  readonly threading?: (target: { organizationId: string; customerId: string }) => Promise<{ readonly replyTo: Address } | null>;
  /** Whether a template exists for a channel (a fallback channel needs one); defaults to the shipped templates. */
  readonly hasTemplate?: (channel: MessageChannelKind, name: string) => Promise<boolean>;
}

/** The key ring of portal links and the public URL they open at (RELANCE_PUBLIC_URL). */
export interface PortalLinkSource {
  readonly keys: KeyRing;
  readonly publicUrl: string | null;
}

/** A collector's edit of a message awaiting approval: replaces the rendered parts it names. */
export interface MessageOverride {
  readonly subject?: string;
  readonly text?: string;
  readonly html?: string;
  readonly blocks?: Readonly<Record<string, string>>;
}
