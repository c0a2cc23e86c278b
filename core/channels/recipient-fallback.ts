/**
 * Who receives a step, and by which channel, once some addresses are known to be bad. After a hard
 * bounce the contact's address is marked invalid; the next step then goes to another contact
 * (billing before main before the rest), and when no contact can be reached on the step's
 * channel, to the next channel that can reach the customer.
 */
import type { MessageChannelKind } from './types.ts';

export interface RecipientContact {
  readonly id: string;
  readonly name?: string | null;
  readonly email?: string | null;
  readonly phone?: string | null;
  /** "billing" contacts come first, then "main", then the others, each in the order given. */
  readonly role?: string | null;
  readonly language?: string | null;
  /** Set after a hard bounce on the email address. */
  readonly emailInvalid?: boolean;
  /** Set after a hard bounce on the phone number (invalid, not mobile, opted out). */
  readonly phoneInvalid?: boolean;
}

export interface RecipientChoice {
  readonly channel: MessageChannelKind;
  /** Null for a letter to the customer's postal address. */
  readonly contact: RecipientContact | null;
  /** The email address or phone number; null for a letter. */
  readonly address: string | null;
  /** True when this is not the step's own channel. */
  readonly fellBack: boolean;
}

export interface RecipientQuery {
  readonly channel: MessageChannelKind;
  readonly contacts: readonly RecipientContact[];
  /** Whether the customer has a postal address a letter can go to. */
  readonly hasPostalAddress: boolean;
  /** The channels to try after the step's own, in order; by default email → sms → letter, sms → email → letter. */
  readonly fallbackChannels?: readonly MessageChannelKind[];
}

const DEFAULT_FALLBACK: Record<MessageChannelKind, readonly MessageChannelKind[]> = {
  email: ['sms', 'letter'],
  sms: ['email', 'letter'],
  letter: [],
};

const ROLE_RANK: Record<string, number> = { billing: 0, main: 1 };

/** The first reachable recipient on the step's channel, else on a fallback channel; null when none. */
export function chooseRecipient(query: RecipientQuery): RecipientChoice | null {
  const ranked = query.contacts
    .map((contact, index) => ({ contact, index, rank: ROLE_RANK[contact.role ?? ''] ?? 2 }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map((r) => r.contact);
  const order = [query.channel, ...(query.fallbackChannels ?? DEFAULT_FALLBACK[query.channel])];
  for (const channel of order) {
    const fellBack = channel !== query.channel;
    if (channel === 'letter') {
      if (query.hasPostalAddress) return { channel, contact: null, address: null, fellBack };
      continue;
    }
    for (const contact of ranked) {
      const address = reachable(contact, channel);
      if (address) return { channel, contact, address, fellBack };
    }
  }
  return null;
}

function reachable(contact: RecipientContact, channel: 'email' | 'sms'): string | null {
  if (channel === 'email') return contact.email?.trim() && !contact.emailInvalid ? contact.email.trim() : null;
  return contact.phone?.trim() && !contact.phoneInvalid ? contact.phone.trim() : null;
}
