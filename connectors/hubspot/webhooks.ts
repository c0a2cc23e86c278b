/**
 * HubSpot webhooks, signature v3: `X-HubSpot-Signature-v3` = base64(HMAC-SHA256(app client secret,
 * method + full URI + raw body + X-HubSpot-Request-Timestamp)), and a timestamp older than five
 * minutes is refused, so a captured request cannot be replayed later. The body is an array of up to
 * 100 events; `<object>.propertyChange` events carry the property and its new value.
 * https://developers.hubspot.com/docs/api/webhooks/validating-requests
 * https://developers.hubspot.com/docs/api/webhooks#webhook-payloads
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidInput } from '../../core/errors.ts';
import type { WebhookChange } from '../contract.ts';
import { WEBHOOK_MAX_AGE_MS } from './profile.ts';
import { webhookBodySchema, type WebhookEvent } from './schemas.ts';
import { syncForWebhookObject } from './syncs/index.ts';

export const SIGNATURE_HEADER = 'x-hubspot-signature-v3';
export const TIMESTAMP_HEADER = 'x-hubspot-request-timestamp';
/**
 * The contract's `verifyWebhook(headers, rawBody, key)` sees no request line, and v3 signs it: the
 * server hands it over as these two pseudo-headers (HTTP/2's names).
 */
export const METHOD_PSEUDO_HEADER = ':method';
export const URI_PSEUDO_HEADER = ':uri';

type Headers = Record<string, string | string[] | undefined>;

export interface SignedRequest {
  method: string;
  /** The full URI HubSpot called, scheme, host and query included. */
  uri: string;
  rawBody: string;
  headers: Headers;
}

export type Verdict = { ok: true } | { ok: false; reason: 'missing_signature' | 'bad_timestamp' | 'expired' | 'bad_signature' };

export function signWebhookV3(secret: string, method: string, uri: string, rawBody: string, timestamp: string): string {
  return createHmac('sha256', secret).update(`${method}${uri}${rawBody}${timestamp}`, 'utf8').digest('base64');
}

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name] ?? headers[name.toLowerCase()];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

// A base64 HMAC-SHA256 is exactly 44 characters: nothing before, after or inside it.
const SIGNATURE_FORM = /^[A-Za-z0-9+/]{43}=$/;

/**
 * What can be refused before any secret is read: a signature or timestamp missing, malformed or
 * out of the five-minute window. The server checks this first, so a forged delivery costs no
 * decryption of any connection's credentials.
 */
export function precheckSignatureV3(headers: Headers, now: number = Date.now()): Verdict {
  const given = header(headers, SIGNATURE_HEADER);
  const timestamp = header(headers, TIMESTAMP_HEADER);
  if (!given || !timestamp) return { ok: false, reason: 'missing_signature' };
  if (!SIGNATURE_FORM.test(given)) return { ok: false, reason: 'bad_signature' };
  if (!/^\d{1,15}$/.test(timestamp)) return { ok: false, reason: 'bad_timestamp' };
  // Both ways: a timestamp far in the future is as suspect as an old one.
  if (Math.abs(now - Number(timestamp)) > WEBHOOK_MAX_AGE_MS) return { ok: false, reason: 'expired' };
  return { ok: true };
}

/** Checks a delivery's v3 signature and its age; says why when it refuses. */
export function verifySignatureV3(request: SignedRequest, secret: string, now: number = Date.now()): Verdict {
  const pre = precheckSignatureV3(request.headers, now);
  if (!pre.ok) return pre;
  const given = header(request.headers, SIGNATURE_HEADER)!;
  const timestamp = header(request.headers, TIMESTAMP_HEADER)!;
  const expected = Buffer.from(signWebhookV3(secret, request.method.toUpperCase(), request.uri, request.rawBody, timestamp));
  const actual = Buffer.from(given);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return { ok: false, reason: 'bad_signature' };
  return { ok: true };
}

/** The contract's form: the request line comes in the `:method` and `:uri` pseudo-headers. */
export function verifyWebhook(headers: Headers, rawBody: string, key: string): boolean {
  const method = header(headers, METHOD_PSEUDO_HEADER);
  const uri = header(headers, URI_PSEUDO_HEADER);
  if (!method || !uri) return false;
  return verifySignatureV3({ method, uri, rawBody, headers }, key).ok;
}

/** The events of a verified body; an `InvalidInput` naming the event and field otherwise. */
export function parseEvents(body: unknown): WebhookEvent[] {
  const parsed = webhookBodySchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.') || '(body)';
    throw new InvalidInput(`hubspot webhook: ${field}: ${issue.message}`, { field });
  }
  return parsed.data;
}

/** The records a delivery names, for a targeted pull; objects Relance does not sync are left out. */
export function parseWebhook(body: unknown): WebhookChange[] {
  const changes: WebhookChange[] = [];
  for (const event of parseEvents(body)) {
    const [object, operation] = event.subscriptionType.split('.');
    const sync = object ? syncForWebhookObject(object) : undefined;
    if (!sync || event.objectId === undefined) continue;
    changes.push({ accountId: String(event.portalId), stream: sync.stream.name, externalId: String(event.objectId), operation: operation ?? 'propertyChange' });
  }
  return changes;
}
