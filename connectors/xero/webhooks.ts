/**
 * Xero webhooks: the signature over the raw body, and the changes a verified batch names. Each
 * event names its tenant and one record; the sync that follows reads the record itself.
 * https://developer.xero.com/documentation/guides/webhooks/configuring-your-server
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidInput } from '../../core/errors.ts';
import type { WebhookChange } from '../contract.ts';
import { webhookBodySchema } from './schemas.ts';

// https://developer.xero.com/documentation/guides/webhooks/configuring-your-server#signature
// `x-xero-signature` is base64(HMAC-SHA256(webhook key, raw body)).
const SIGNATURE_HEADER = 'x-xero-signature';

function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | null {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    // Two signature headers is not something Xero sends: refuse rather than pick one.
    if (Array.isArray(value)) return value.length === 1 ? value[0]! : null;
    return value ?? null;
  }
  return null;
}

/** True when the batch was signed with `key`; compared in constant time. */
export function verifyWebhook(headers: Record<string, string | string[] | undefined>, rawBody: string, key: string): boolean {
  const given = headerValue(headers, SIGNATURE_HEADER);
  // Exactly one base64 HMAC-SHA256: Node's base64 decoder skips spaces and junk, so check the form first.
  if (!given || !key || !/^[A-Za-z0-9+/]{43}=$/.test(given)) return false;
  const expected = createHmac('sha256', key).update(rawBody, 'utf8').digest();
  const received = Buffer.from(given, 'base64');
  return received.length === expected.length && timingSafeEqual(received, expected);
}

// https://developer.xero.com/documentation/guides/webhooks/overview#event-categories — the record
// kinds Xero notifies about, and the stream that re-reads them. Others (SUBSCRIPTION, …) say
// nothing a sync reads. Credit notes are notified as CREDITNOTE (issue 13.5).
const STREAM_OF_CATEGORY: Record<string, string> = { INVOICE: 'invoice', CONTACT: 'customer', CREDITNOTE: 'creditNote' };

// xero-webhooks.yaml has no category for payments, overpayments or prepayments: Xero notifies money
// applied to an invoice only as that invoice's INVOICE event. The money's own streams are read with
// it (their changes carry the invoice's id: the record that was named), so an allocated prepayment's
// RemainingCredit reaches Relance with the invoice it paid (issue 13.5).
const MONEY_STREAMS_OF_INVOICE = ['payment', 'overpayment', 'prepayment'];

/** The changes a verified batch names; an empty list for the intent-to-receive check. */
export function parseWebhook(body: unknown): WebhookChange[] {
  const parsed = webhookBodySchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidInput(`xero webhook: ${issue.path.join('.') || 'body'}: ${issue.message}`, { field: issue.path.join('.') || 'body' });
  }
  const changes: WebhookChange[] = [];
  for (const event of parsed.data.events) {
    const stream = STREAM_OF_CATEGORY[event.eventCategory.toUpperCase()];
    if (!stream) continue;
    changes.push({ accountId: event.tenantId, stream, externalId: event.resourceId, operation: event.eventType.toLowerCase() });
    if (stream === 'invoice') {
      for (const money of MONEY_STREAMS_OF_INVOICE) changes.push({ accountId: event.tenantId, stream: money, externalId: event.resourceId, operation: event.eventType.toLowerCase() });
    }
  }
  return changes;
}
