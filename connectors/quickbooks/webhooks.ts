/**
 * QuickBooks webhooks: `intuit-signature` is base64(HMAC-SHA256(verifier token, raw body)), checked
 * before the body is read; the body names changed entities per realm, in the classic
 * `eventNotifications` form or the CloudEvents form Intuit is moving to (both accepted).
 * https://developer.intuit.com/app/developer/qbo/docs/develop/webhooks
 * https://blogs.intuit.com/2025/11/12/upcoming-change-to-webhooks-payload-structure/
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidInput } from '../../core/errors.ts';
import type { WebhookChange } from '../contract.ts';
import { cloudEventsSchema, webhookSchema } from './schemas.ts';
import { syncForEntity } from './syncs/index.ts';

export const SIGNATURE_HEADER = 'intuit-signature';

export function signWebhook(key: string, rawBody: string): string {
  return createHmac('sha256', key).update(rawBody, 'utf8').digest('base64');
}

export function verifyWebhook(headers: Record<string, string | string[] | undefined>, rawBody: string, key: string): boolean {
  const given = headers[SIGNATURE_HEADER];
  if (typeof given !== 'string' || given === '') return false;
  const expected = Buffer.from(signWebhook(key, rawBody));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** The changes of entities Relance syncs; other entities (Item, Vendor, …) are left out. */
export function parseWebhook(body: unknown): WebhookChange[] {
  if (Array.isArray(body)) return parseCloudEvents(body);
  const parsed = webhookSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidInput(`quickbooks webhook: ${issue.path.join('.') || '(body)'}: ${issue.message}`, { field: issue.path.join('.') });
  }
  const changes: WebhookChange[] = [];
  for (const n of parsed.data.eventNotifications) {
    for (const e of n.dataChangeEvent.entities) {
      const sync = syncForEntity(e.name);
      if (!sync) continue;
      changes.push({ accountId: n.realmId, stream: sync.stream.name, externalId: e.id, operation: e.operation });
      const mergedAway = e.deletedID ?? e.deletedId;
      if (mergedAway) changes.push(mergedAwayChange(n.realmId, sync.stream.name, mergedAway));
    }
  }
  return changes;
}

// CloudEvents `type` reads `qbo.<entity>.<operation>.v1`.
function parseCloudEvents(body: unknown[]): WebhookChange[] {
  const parsed = cloudEventsSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidInput(`quickbooks webhook: ${issue.path.join('.') || '(body)'}: ${issue.message}`, { field: issue.path.join('.') });
  }
  const changes: WebhookChange[] = [];
  parsed.data.forEach((event, index) => {
    const [, entity, operation] = event.type.split('.');
    const sync = entity ? syncForEntity(entity) : undefined;
    if (!sync) return;
    if (!event.intuitaccountid || !event.intuitentityid) {
      throw new InvalidInput(`quickbooks webhook: [${index}]: intuitaccountid and intuitentityid are required`, { field: `${index}.intuitaccountid` });
    }
    changes.push({ accountId: event.intuitaccountid, stream: sync.stream.name, externalId: event.intuitentityid, operation: operation ?? 'update' });
    const mergedAway = event.data?.deletedid;
    if (mergedAway) changes.push(mergedAwayChange(event.intuitaccountid, sync.stream.name, mergedAway));
  });
  return changes;
}

/**
 * A merge keeps `id` and deletes the record merged into it: that one is reported as deleted, so the
 * sync it triggers (CDC, which lists it as `status: "Deleted"`) voids or deactivates it in Relance.
 * https://developer.intuit.com/app/developer/qbo/docs/develop/webhooks/data-objects
 */
function mergedAwayChange(accountId: string, stream: string, externalId: string): WebhookChange {
  return { accountId, stream, externalId, operation: 'Delete' };
}
