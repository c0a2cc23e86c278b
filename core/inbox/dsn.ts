/**
 * Delivery status notifications (RFC 3464, in a `multipart/report; report-type=delivery-status`,
 * RFC 6522): per recipient, its Action and Status; the returned headers name the message that
 * bounced (its Message-ID, and the X-Relance-Action header Relance's reminders carry).
 * A permanent failure of the address (class 5 with subject 1 "addressing", 2 "mailbox" or 4
 * "routing", RFC 3463 §3.2–3.5) is a hard bounce, as a 5.1.x refusal at RCPT is today
 * (core/channels/smtp-channel.ts); a 5.6/5.7 failure (content, policy) is about the message, not
 * the address, and leaves the address alone.
 * https://www.rfc-editor.org/rfc/rfc3464#section-2.3
 */
import type { InboundMessage } from './parse.ts';

export interface DsnRecipient {
  recipient: string;
  action: string;
  status: string;
  diagnostic: string | null;
}

export interface Bounce {
  recipients: DsnRecipient[];
  /** The Message-ID of the message that bounced, when the report returned it. */
  originalMessageId: string | null;
  /** The action's idempotency key, from the returned X-Relance-Action header. */
  relanceAction: string | null;
}

function fields(block: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of block.replace(/\r\n/g, '\n').replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) out.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return out;
}

/** Whether the message is a delivery report (and not a read receipt or a person's answer). */
export function isDeliveryReport(m: Pick<InboundMessage, 'contentType' | 'reportType' | 'deliveryStatus'>): boolean {
  return m.deliveryStatus !== null || (m.contentType === 'multipart/report' && m.reportType === 'delivery-status');
}

/** The report's recipients and the message it is about. */
export function parseDsn(m: Pick<InboundMessage, 'deliveryStatus' | 'returnedHeaders'>): Bounce {
  const blocks = (m.deliveryStatus ?? '').replace(/\r\n/g, '\n').split(/\n\s*\n/).map(fields);
  const recipients = blocks.slice(1).concat(blocks.length === 1 ? blocks : []).filter((b) => b.has('final-recipient') || b.has('original-recipient')).map((b) => ({
    recipient: (b.get('final-recipient') ?? b.get('original-recipient') ?? '').replace(/^[^;]*;\s*/, '').replace(/^<|>$/g, '').trim().toLowerCase(),
    action: (b.get('action') ?? '').toLowerCase(),
    status: (/\d\.\d{1,3}\.\d{1,3}/.exec(b.get('status') ?? '') ?? [''])[0],
    diagnostic: b.get('diagnostic-code') ?? null,
  }));
  const returned = fields((m.returnedHeaders ?? '').split(/\r?\n\r?\n/)[0] ?? '');
  return {
    recipients,
    originalMessageId: (returned.get('message-id')?.match(/<[^<>\s]+>/) ?? [null])[0],
    relanceAction: returned.get('x-relance-action') ?? null,
  };
}

/** A failure the address itself caused: mark it invalid and try another one. */
export function isHardFailure(r: DsnRecipient): boolean {
  return r.action === 'failed' && /^5\.[124]\.\d+$/.test(r.status);
}

/** Any permanent failure (5.x.x): the reminder did not arrive. */
export function isPermanentFailure(r: DsnRecipient): boolean {
  return r.action === 'failed' && r.status.startsWith('5.');
}
