/**
 * QuickBooks webhooks: a POST of `eventNotifications` to the app's endpoint, signed with the app's
 * verifier token. Delivery failures are kept (never thrown into the change that caused them),
 * since Intuit itself retries and a simulated edit must not fail because a receiver is down.
 * https://developer.intuit.com/app/developer/qbo/docs/develop/webhooks
 */
import { createHmac, randomUUID } from 'node:crypto';

export type WebhookOperation = 'Create' | 'Update' | 'Delete' | 'Void' | 'Merge' | 'Emailed';

export interface ChangedEntity {
  name: string;
  id: string;
  operation: WebhookOperation;
  lastUpdated: string;
  /** On a Merge: the record merged away into `id` (Intuit's `deletedID`). */
  deletedID?: string;
}

/** `intuit-signature`: base64 of the HMAC-SHA256 of the raw body, keyed by the verifier token. */
export function intuitSignature(verifierToken: string, rawBody: string): string {
  return createHmac('sha256', verifierToken).update(rawBody, 'utf8').digest('base64');
}

// https://blogs.a.intuit.com/2025/11/12/upcoming-change-to-webhooks-payload-structure
// Intuit moved webhooks to CloudEvents (mandatory from 15 May 2026): an array of events, one per
// entity change, `type` "qbo.<entity>.<verb>.v1", same `intuit-signature`. 'legacy' is the
// `eventNotifications` envelope; an app chooses its format in Intuit's developer portal.
export type WebhookFormat = 'legacy' | 'cloudevents';

const VERBS: Record<WebhookOperation, string> = {
  Create: 'created',
  Update: 'updated',
  Delete: 'deleted',
  Void: 'voided',
  Merge: 'merged',
  Emailed: 'emailed',
};

function cloudEvents(realmId: string, entities: ChangedEntity[]): unknown[] {
  return entities.map((e) => ({
    specversion: '1.0',
    id: randomUUID(),
    source: `intuit.${createHmac('sha256', 'source').update(realmId).digest('base64')}`,
    type: `qbo.${e.name.toLowerCase()}.${VERBS[e.operation]}.v1`,
    datacontenttype: 'application/json',
    time: e.lastUpdated,
    intuitentityid: e.id,
    intuitaccountid: realmId,
    // https://developer.intuit.com/app/developer/qbo/docs/develop/webhooks/data-objects
    // A merge names the record merged away in `data.deletedid`.
    data: e.deletedID ? { deletedid: e.deletedID } : {},
  }));
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
  format: WebhookFormat = 'legacy';
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
    const body = JSON.stringify(
      this.format === 'cloudevents' ? cloudEvents(this.realmId, entities) : { eventNotifications: [{ realmId: this.realmId, dataChangeEvent: { entities } }] },
    );
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
