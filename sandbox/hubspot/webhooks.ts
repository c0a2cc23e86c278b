/**
 * Webhook deliveries as HubSpot sends them: a JSON array of up to 100 events, signed with the app's
 * client secret. v3: base64(HMAC-SHA256(secret, method + URI + body + timestamp)) in
 * X-HubSpot-Signature-v3 with X-HubSpot-Request-Timestamp (ms); the older v1 signature
 * (hex SHA-256 of secret + body) rides along in X-HubSpot-Signature, as HubSpot still sends it.
 *
 * https://developers.hubspot.com/docs/api/webhooks/validating-requests
 * https://developers.hubspot.com/docs/api/webhooks#webhook-payloads
 */
import { createHash, createHmac } from 'node:crypto';

// https://developers.hubspot.com/docs/api/webhooks ("batches of up to 100 events")
export const EVENTS_PER_DELIVERY = 100;
// HubSpot gives the endpoint 5 seconds to answer.
const DELIVERY_TIMEOUT_MS = 5000;

export interface PropertyChangeEvent {
  eventId: number;
  subscriptionId: number;
  portalId: number;
  appId: number;
  occurredAt: number;
  subscriptionType: string;
  attemptNumber: number;
  objectId: number;
  propertyName: string;
  propertyValue: string;
  changeSource: string;
  sourceId: string;
}

export interface Delivery {
  at: string;
  url: string;
  events: number;
  status: number | null;
  error: string | null;
}

export function signatureV3(
  secret: string,
  method: string,
  uri: string,
  body: string,
  timestamp: string,
): string {
  return createHmac('sha256', secret).update(`${method}${uri}${body}${timestamp}`, 'utf8').digest('base64');
}

export function signatureV1(secret: string, body: string): string {
  return createHash('sha256').update(`${secret}${body}`, 'utf8').digest('hex');
}

const SUBSCRIPTION_IDS: Record<string, number> = { company: 25, contact: 26 };

export class WebhookSender {
  private target: string | null = null;
  private nextEventId = 3_816_279_340;
  readonly deliveries: Delivery[] = [];

  constructor(
    private readonly secret: string,
    private readonly portalId: number,
    private readonly appId: number,
    private readonly now: () => number,
  ) {}

  setTarget(url: string | null): void {
    this.target = url;
  }

  /** One `<object>.propertyChange` event per changed property. */
  propertyChanges(
    singular: 'company' | 'contact',
    objectId: string,
    changes: Record<string, string | null>,
  ): PropertyChangeEvent[] {
    const occurredAt = this.now();
    return Object.entries(changes).map(([propertyName, value]) => ({
      eventId: this.nextEventId++,
      subscriptionId: SUBSCRIPTION_IDS[singular]!,
      portalId: this.portalId,
      appId: this.appId,
      occurredAt,
      subscriptionType: `${singular}.propertyChange`,
      attemptNumber: 0,
      objectId: Number(objectId),
      propertyName,
      propertyValue: value ?? '',
      changeSource: 'CRM',
      sourceId: 'userId:8124559',
    }));
  }

  /** Posts the events in batches; a failed delivery is recorded in `deliveries`, never thrown. */
  async send(events: PropertyChangeEvent[]): Promise<void> {
    const url = this.target;
    if (!url || !events.length) return;
    for (let i = 0; i < events.length; i += EVENTS_PER_DELIVERY) {
      await this.post(url, events.slice(i, i + EVENTS_PER_DELIVERY));
    }
  }

  private async post(url: string, events: PropertyChangeEvent[]): Promise<void> {
    const body = JSON.stringify(events);
    const timestamp = String(this.now());
    const delivery: Delivery = {
      at: new Date(this.now()).toISOString(),
      url,
      events: events.length,
      status: null,
      error: null,
    };
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hubspot-signature-v3': signatureV3(this.secret, 'POST', url, body, timestamp),
          'x-hubspot-request-timestamp': timestamp,
          'x-hubspot-signature': signatureV1(this.secret, body),
          'x-hubspot-signature-version': 'v1',
        },
        body,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      delivery.status = res.status;
      await res.arrayBuffer();
    } catch (e) {
      delivery.error = (e as Error).message;
    }
    this.deliveries.push(delivery);
  }
}
