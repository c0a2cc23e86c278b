/**
 * Hands one action's message to its channel: the recipient chosen by `planRecipient`, the message
 * rendered for the channel actually used (a fallback SMS renders the step's SMS template), in the
 * chosen contact's language. The action's idempotency key goes with it (the SMTP Message-ID).
 */
import type { EmailMessage, LetterMessage, OutboundMessage, RecipientChoice, SendResult, SmsMessage } from '../channels/index.ts';
import { DeliveryRejected } from '../channels/index.ts';
import { localDay } from './sending-hours.ts';
import type { RenderedMessage } from '../messages/index.ts';
import { composeMessage, type ActionForSend } from './compose.ts';
import { CUSTOMER_RECIPIENT_PREFIX } from './recipients.ts';
import type { SendDeps } from './types.ts';

export interface Delivery {
  readonly providerMessageId: string | null;
  /** The channel used: the step's own, or a fallback. Null for task, call and escalate steps. */
  readonly channel: 'email' | 'sms' | 'letter' | null;
  readonly to: string | null;
  readonly fellBack: boolean;
  /** The message as it left, stored at acceptance (sent_messages) so the timeline shows it, not a re-render. */
  readonly sent?: SentContent;
}

/** What left, word for word: an email's subject, text and HTML; an SMS's text; a letter's description (its PDF is in action_documents). */
export interface SentContent {
  readonly subject: string | null;
  readonly text: string | null;
  readonly html: string | null;
}

/** The action as the chosen recipient should read it: its channel, address, name and language. */
function addressedTo(a: ActionForSend, choice: RecipientChoice): ActionForSend {
  const c = choice.contact;
  const own = !c || c.id.startsWith(CUSTOMER_RECIPIENT_PREFIX);
  return {
    ...a,
    channel: choice.channel,
    email: choice.channel === 'email' ? choice.address : a.email,
    phone: choice.channel === 'sms' ? choice.address : a.phone,
    // The customer's own address keeps the greeting of its first contact, as before the choice.
    contact_name: own ? a.contact_name : (c.name ?? null),
    contact_language: own ? a.contact_language : (c.language ?? null),
  };
}

/**
 * A message ready to leave: the channel's message, built at compose time. This is where headers
 * that depend on the recipient go (Reply-To, threading): `composeOutbound` builds it, `transmit`
 * only hands it to the channel.
 */
export interface Outbound {
  readonly delivery: Omit<Delivery, 'providerMessageId'>;
  /** Null for task, call and escalate steps: nothing leaves, the action becomes work for a person. */
  readonly message: OutboundMessage | null;
}

async function channelMessage(deps: SendDeps, a: ActionForSend, rendered: RenderedMessage): Promise<OutboundMessage> {
  const key = a.idempotency_key;
  if (rendered.channel === 'email') {
    // The inbox's reply address, so the answer is read and filed on this customer (core/inbox).
    const thread = await deps.threading?.({ organizationId: a.organization_id, customerId: a.customer_id });
    return {
      channel: 'email', idempotencyKey: key, to: { address: a.email ?? '', name: a.contact_name ?? a.customer_name },
      replyTo: thread?.replyTo ?? deps.replyTo ?? null, subject: rendered.subject, html: rendered.html, text: rendered.text,
    } satisfies EmailMessage;
  }
  if (rendered.channel === 'sms') return { channel: 'sms', idempotencyKey: key, to: a.phone ?? '', text: rendered.text } satisfies SmsMessage;
  return {
    channel: 'letter', idempotencyKey: key, pdf: rendered.pdf, to: rendered.to ?? null, from: rendered.from ?? null, description: rendered.subject,
  } satisfies LetterMessage;
}

/**
 * Composes the action's message for `choice`, with the customer's portal link. A null choice
 * (nobody reachable) is a permanent refusal; task, call and escalate steps compose to nothing.
 */
export async function composeOutbound(deps: SendDeps, a: ActionForSend, choice: RecipientChoice | null, now: Date, portalUrl: string | null = null): Promise<Outbound> {
  if (a.channel === 'task' || a.channel === 'call' || a.channel === 'escalate') {
    return { message: null, delivery: { channel: null, to: null, fellBack: false } };
  }
  if (!choice) {
    throw new DeliveryRejected(`no reachable recipient for a ${a.channel} step: every address is missing or bounced`, false, null, { field: 'recipient' });
  }
  const addressed = addressedTo(a, choice);
  const rendered = await composeMessage({ render: deps.render, portalUrl }, addressed, localDay(a.org_timezone, now));
  return { message: await channelMessage(deps, addressed, rendered), delivery: { channel: choice.channel, to: choice.address, fellBack: choice.fellBack } };
}

/** Hands a composed message to its channel; resolves once the channel accepted it (SMTP 250). */
export async function transmit(deps: SendDeps, outbound: Outbound): Promise<Delivery> {
  const m = outbound.message;
  if (!m) return { ...outbound.delivery, providerMessageId: null };
  let result: SendResult;
  if (m.channel === 'email') result = await deps.channels.email!.send(m);
  else if (m.channel === 'sms') result = await deps.channels.sms!.send(m);
  else result = await deps.channels.letter!.send(m);
  const sent: SentContent = m.channel === 'email' ? { subject: m.subject, text: m.text ?? null, html: m.html ?? null }
    : m.channel === 'sms' ? { subject: null, text: m.text, html: null }
    : { subject: m.description ?? null, text: null, html: null };
  return { ...outbound.delivery, providerMessageId: result.providerMessageId, sent };
}

/** Composes and sends in one go (one action at a time: tests and tools). */
export async function deliver(deps: SendDeps, a: ActionForSend, choice: RecipientChoice | null, now: Date, portalUrl: string | null = null): Promise<Delivery> {
  return transmit(deps, await composeOutbound(deps, a, choice, now, portalUrl));
}
