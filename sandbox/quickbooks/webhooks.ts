/**
 * QuickBooks webhooks: a POST of `eventNotifications` to the app's endpoint, signed with the app's
 * verifier token. Delivery failures are kept (never thrown into the change that caused them),
 * since Intuit itself retries and a simulated edit must not fail because a receiver is down.
 * https://developer.intuit.com/app/developer/qbo/docs/develop/webhooks
 */
import { createHmac } from 'node:crypto';

export type WebhookOperation = 'Create' | 'Update' | 'Delete' | 'Void' | 'Merge' | 'Emailed';

export interface ChangedEntity {
  name: string;
  id: string;
  operation: WebhookOperation;
  lastUpdated: string;
}

/** `intuit-signature`: base64 of the HMAC-SHA256 of the raw body, keyed by the verifier token. */
export function intuitSignature(verifierToken: string, rawBody: string): string {
  return createHmac('sha256', verifierToken).update(rawBody, 'utf8').digest('base64');
}

export interface DeliveryRecord {
  at: string;
  target: string;
  status: number | null;
  error: string | null;
  body: string;
}

export class WebhookSender {
  target: string | null = null;
  readonly deliveries: DeliveryRecord[] = [];

  constructor(
    private readonly realmId: string,
    private readonly verifierToken: string,
    private readonly now: () => number,
  ) {}

  /** Sends one notification for the changed entities; resolves once delivered or failed. */
  async notify(entities: ChangedEntity[]): Promise<void> {
    const target = this.target;
    if (!target || entities.length === 0) return;
    const body = JSON.stringify({ eventNotifications: [{ realmId: this.realmId, dataChangeEvent: { entities } }] });
    const record: DeliveryRecord = { at: new Date(this.now()).toISOString(), target, status: null, error: null, body };
    this.deliveries.push(record);
    try {
      const res = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'intuit-signature': intuitSignature(this.verifierToken, body) },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      record.status = res.status;
      await res.body?.cancel();
    } catch (e) {
      record.error = (e as Error).message;
    }
  }
}
