/**
 * Xero webhooks: the event batch, its `x-xero-signature` (base64 HMAC-SHA256 of the raw body with
 * the webhook key), delivery, and the intent-to-receive handshake Xero runs before it turns a
 * subscription on.
 * https://developer.xero.com/documentation/guides/webhooks/overview
 * https://developer.xero.com/documentation/guides/webhooks/configuring-your-server
 */
import { createHmac, randomBytes } from 'node:crypto';

// xero-webhooks.yaml: CONTACT, INVOICE, SUBSCRIPTION and CREDITNOTE; a CREDITNOTE event carries
// `data: {Type, Status}` (CreditNoteWebhookEvent). There is no category for payments, overpayments
// or prepayments: Xero notifies those only through the invoices they change.
export type EventCategory = 'INVOICE' | 'CONTACT' | 'CREDITNOTE';

const RESOURCE: Record<EventCategory, string> = { INVOICE: 'Invoices', CONTACT: 'Contacts', CREDITNOTE: 'CreditNotes' };

export interface WebhookEvent {
  resourceUrl: string;
  resourceId: string;
  eventDateUtc: string;
  eventType: 'CREATE' | 'UPDATE';
  eventCategory: EventCategory;
  tenantId: string;
  tenantType: 'ORGANISATION';
  data?: { Type: string; Status: string };
}

export interface WebhookBatch {
  events: WebhookEvent[];
  firstEventSequence: number;
  lastEventSequence: number;
  entropy: string;
}

export function signBody(key: string, rawBody: string): string {
  return createHmac('sha256', key).update(rawBody, 'utf8').digest('base64');
}

/** Xero waits 5 seconds for an answer, then counts the delivery as failed. */
const DELIVERY_TIMEOUT_MS = 5000;

export interface Delivery {
  url: string;
  status: number | null;
  body: string;
  error: string | null;
}

export async function post(url: string, rawBody: string, signature: string): Promise<Delivery> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-xero-signature': signature },
      body: rawBody,
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    return { url, status: res.status, body: await res.text(), error: null };
  } catch (e) {
    return { url, status: null, body: '', error: (e as Error).message };
  }
}

export class WebhookSender {
  private sequence = 0;
  target: string | null = null;
  readonly deliveries: Delivery[] = [];

  constructor(
    private readonly key: string,
    private readonly tenantId: string,
    private readonly resourceBase: () => string,
  ) {}

  /** Sends one batch for changed records (when a target is set); returns the delivery. */
  async send(changes: { category: EventCategory; id: string; type: 'CREATE' | 'UPDATE'; atMs: number; data?: { Type: string; Status: string } }[]): Promise<Delivery | null> {
    if (!this.target || changes.length === 0) return null;
    const first = this.sequence + 1;
    const events: WebhookEvent[] = changes.map((c) => ({
      resourceUrl: `${this.resourceBase()}/api.xro/2.0/${RESOURCE[c.category]}/${c.id}`,
      resourceId: c.id,
      // Xero writes the event time without a zone, in UTC, to the millisecond.
      eventDateUtc: new Date(c.atMs).toISOString().replace('Z', ''),
      eventType: c.type,
      eventCategory: c.category,
      tenantId: this.tenantId,
      tenantType: 'ORGANISATION',
      ...(c.data ? { data: c.data } : {}),
    }));
    this.sequence += events.length;
    const batch: WebhookBatch = { events, firstEventSequence: first, lastEventSequence: this.sequence, entropy: entropy() };
    const raw = JSON.stringify(batch);
    const delivery = await post(this.target, raw, signBody(this.key, raw));
    this.deliveries.push(delivery);
    return delivery;
  }

  /**
   * Intent to receive: an empty batch signed correctly must get 200 with an empty body, the same
   * batch with a wrong signature must get 401.
   */
  async intentToReceive(url: string): Promise<IntentResult> {
    const raw = JSON.stringify({ events: [], firstEventSequence: 0, lastEventSequence: 0, entropy: entropy() });
    const good = await post(url, raw, signBody(this.key, raw));
    const wrongKey = randomBytes(32).toString('base64');
    const bad = await post(url, raw, signBody(wrongKey, raw));
    const goodOk = good.status === 200 && good.body === '';
    const badOk = bad.status === 401;
    return { ok: goodOk && badOk, signed: { status: good.status, emptyBody: good.body === '' }, misSigned: { status: bad.status } };
  }
}

export interface IntentResult {
  ok: boolean;
  signed: { status: number | null; emptyBody: boolean };
  misSigned: { status: number | null };
}

function entropy(): string {
  return randomBytes(15).toString('base64').replace(/[^A-Za-z0-9]/g, '').toUpperCase().slice(0, 20);
}
