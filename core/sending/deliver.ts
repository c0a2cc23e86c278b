/**
 * Hands one action's message to its channel: the recipient chosen by `planRecipient`, the message
 * rendered for the channel actually used (a fallback SMS renders the step's SMS template), in the
 * chosen contact's language. The action's idempotency key goes with it (the SMTP Message-ID).
 */
import type { EmailMessage, LetterMessage, RecipientChoice, SendResult, SmsMessage } from '../channels/index.ts';
import { DeliveryRejected } from '../channels/index.ts';
import { todayIn } from '../calendar/index.ts';
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

async function sendRendered(deps: SendDeps, a: ActionForSend, rendered: RenderedMessage): Promise<SendResult> {
  const key = a.idempotency_key;
  if (rendered.channel === 'email') {
    // The inbox's reply address, so the answer is read and filed on this customer (core/inbox).
    const thread = await deps.threading?.({ organizationId: a.organization_id, customerId: a.customer_id });
    const message: EmailMessage = {
      channel: 'email', idempotencyKey: key, to: { address: a.email ?? '', name: a.contact_name ?? a.customer_name },
      replyTo: thread?.replyTo ?? deps.replyTo ?? null, subject: rendered.subject, html: rendered.html, text: rendered.text,
    };
    return deps.channels.email!.send(message);
  }
  if (rendered.channel === 'sms') {
    const message: SmsMessage = { channel: 'sms', idempotencyKey: key, to: a.phone ?? '', text: rendered.text };
    return deps.channels.sms!.send(message);
  }
  const message: LetterMessage = { channel: 'letter', idempotencyKey: key, pdf: rendered.pdf, to: rendered.to ?? null, from: rendered.from ?? null, description: rendered.subject };
  return deps.channels.letter!.send(message);
}

/**
 * Sends the action's message to `choice`, with the customer's portal link; task, call and escalate steps have no channel: they
 * become work for a person. A null choice (nobody reachable) is a permanent refusal.
 */
export async function deliver(deps: SendDeps, a: ActionForSend, choice: RecipientChoice | null, now: Date, portalUrl: string | null = null): Promise<Delivery> {
  if (a.channel === 'task' || a.channel === 'call' || a.channel === 'escalate') {
    return { providerMessageId: null, channel: null, to: null, fellBack: false };
  }
  if (!choice) {
    throw new DeliveryRejected(`no reachable recipient for a ${a.channel} step: every address is missing or bounced`, false, null, { field: 'recipient' });
  }
  const addressed = addressedTo(a, choice);
  const rendered = await composeMessage({ render: deps.render, portalUrl }, addressed, todayIn(a.org_timezone, now));
  const result = await sendRendered(deps, addressed, rendered);
  return { providerMessageId: result.providerMessageId, channel: choice.channel, to: choice.address, fellBack: choice.fellBack };
}
