/**
 * Xero webhook signatures (recomputed here with node:crypto over the documented sample) and the
 * changes a verified batch names.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../../../core/errors.ts';
import { xeroConnector } from '../../../connectors/xero/index.ts';

const KEY = 'zXl4T1hKd3ZVd0Jm0mKQbAvE6gQ1S2k9Zk5mY3dKd0pLbU5aT0hJ';
const raw = readFileSync('/work/shared/providers/samples/xero-webhook.json', 'utf8');
const sign = (body: string, key = KEY) => createHmac('sha256', key).update(body, 'utf8').digest('base64');

describe('xero webhook signature', () => {
  it('accepts the body signed with the webhook key, in any header case', () => {
    expect(xeroConnector.verifyWebhook({ 'x-xero-signature': sign(raw) }, raw, KEY)).toBe(true);
    expect(xeroConnector.verifyWebhook({ 'X-Xero-Signature': sign(raw) }, raw, KEY)).toBe(true);
  });

  it.each([
    ['another key', { 'x-xero-signature': sign(raw, 'other') }, raw],
    ['a changed body', { 'x-xero-signature': sign(raw) }, raw.replace('UPDATE', 'CREATE')],
    ['no signature', {}, raw],
    ['an empty signature', { 'x-xero-signature': '' }, raw],
    ['a signature that is not base64 of a digest', { 'x-xero-signature': 'abc' }, raw],
    ['two signatures', { 'x-xero-signature': [sign(raw), sign(raw)] }, raw],
  ])('refuses %s', (_label, headers, body) => {
    expect(xeroConnector.verifyWebhook(headers, body, KEY)).toBe(false);
  });

  it('refuses everything when no key is configured', () => {
    expect(xeroConnector.verifyWebhook({ 'x-xero-signature': sign(raw, '') }, raw, '')).toBe(false);
  });
});

describe('xero webhook body', () => {
  it('names the tenant, the stream and the record of each event', () => {
    // An invoice's event also names the money streams Xero has no event for (13.5): payments,
    // overpayments and prepayments applied to it are re-read with it.
    expect(xeroConnector.parseWebhook(JSON.parse(raw))).toEqual(['invoice', 'payment', 'overpayment', 'prepayment'].map((stream) => (
      { accountId: '3d2c1b0a-9f8e-4d7c-8b6a-5f4e3d2c1b0a', stream, externalId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', operation: 'update' }
    )));
  });

  it('maps contacts to the customer stream and skips categories a sync does not read', () => {
    const body = JSON.parse(raw) as { events: Record<string, unknown>[] };
    const event = body.events[0]!;
    body.events = [
      { ...event, eventCategory: 'CONTACT', eventType: 'CREATE', resourceId: 'c-1' },
      { ...event, eventCategory: 'SUBSCRIPTION', resourceId: 's-1' },
    ];
    expect(xeroConnector.parseWebhook(body)).toEqual([{ accountId: event.tenantId, stream: 'customer', externalId: 'c-1', operation: 'create' }]);
  });

  it('reads the intent-to-receive batch as no change', () => {
    expect(xeroConnector.parseWebhook({ events: [], firstEventSequence: 0, lastEventSequence: 0, entropy: 'ABC' })).toEqual([]);
  });

  it('names the field of a malformed body', () => {
    const body = JSON.parse(raw) as { events: Record<string, unknown>[] };
    delete body.events[0]!.tenantId;
    expect(() => xeroConnector.parseWebhook(body)).toThrow(InvalidInput);
    expect(() => xeroConnector.parseWebhook(body)).toThrow(/xero webhook: events\.0\.tenantId/);
    expect(() => xeroConnector.parseWebhook('nope')).toThrow(/xero webhook: body/);
  });
});
