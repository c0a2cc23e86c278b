/** HubSpot v3 webhook signatures: good, forged, replayed after five minutes, malformed bodies. */
import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../../../core/errors.ts';
import { hubspotConnector, signWebhookV3, verifySignatureV3 } from '../../../connectors/hubspot/index.ts';
import { signatureV3 } from '../../../sandbox/hubspot/index.ts';

const SECRET = 'client-secret';
const URI = 'https://relance.example/webhooks/hubspot';
const NOW = Date.parse('2026-03-02T10:00:00Z');
const body = JSON.stringify([
  { eventId: 1, subscriptionId: 25, portalId: 24681357, appId: 1234, occurredAt: NOW - 1000, subscriptionType: 'company.propertyChange', attemptNumber: 0, objectId: 42, propertyName: 'relance_paused', propertyValue: 'true', changeSource: 'CRM' },
]);

function headers(timestamp: number, signature = signWebhookV3(SECRET, 'POST', URI, body, String(timestamp))) {
  return { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': String(timestamp) };
}

describe('hubspot webhook signature v3', () => {
  it('signs exactly as the sandbox (and HubSpot) does: method + URI + body + timestamp', () => {
    expect(signWebhookV3(SECRET, 'POST', URI, body, '1')).toBe(signatureV3(SECRET, 'POST', URI, body, '1'));
  });

  it('accepts a fresh, well-signed delivery', () => {
    expect(verifySignatureV3({ method: 'POST', uri: URI, rawBody: body, headers: headers(NOW - 10_000) }, SECRET, NOW)).toEqual({ ok: true });
  });

  it.each([
    ['another secret', { ...headers(NOW, signWebhookV3('other', 'POST', URI, body, String(NOW))) }, body, URI, 'bad_signature'],
    ['a changed body', headers(NOW), body.replace('true', 'false'), URI, 'bad_signature'],
    ['another URI', headers(NOW), body, 'https://evil.example/webhooks/hubspot', 'bad_signature'],
    ['no signature', { 'x-hubspot-request-timestamp': String(NOW) }, body, URI, 'missing_signature'],
    ['a replay older than five minutes', headers(NOW - 5 * 60_000 - 1), body, URI, 'expired'],
    ['a timestamp from the future', headers(NOW + 6 * 60_000), body, URI, 'expired'],
    ['a timestamp that is not a number', { ...headers(NOW), 'x-hubspot-request-timestamp': 'soon' }, body, URI, 'bad_timestamp'],
  ])('refuses %s', (_what, h, raw, uri, reason) => {
    expect(verifySignatureV3({ method: 'POST', uri, rawBody: raw, headers: h }, SECRET, NOW)).toEqual({ ok: false, reason });
  });

  it('the contract form needs the request line as pseudo-headers', () => {
    const now = Date.now();
    const signed = { ...headers(now, signWebhookV3(SECRET, 'POST', URI, body, String(now))) };
    expect(hubspotConnector.verifyWebhook({ ...signed, ':method': 'POST', ':uri': URI }, body, SECRET)).toBe(true);
    expect(hubspotConnector.verifyWebhook(signed, body, SECRET)).toBe(false);
  });
});

describe('hubspot webhook bodies', () => {
  it('names the changed companies and contacts, leaving other objects out', () => {
    const events = [
      ...JSON.parse(body),
      { eventId: 2, portalId: 24681357, occurredAt: NOW, subscriptionType: 'contact.creation', objectId: 7 },
      { eventId: 3, portalId: 24681357, occurredAt: NOW, subscriptionType: 'ticket.creation', objectId: 8 },
    ];
    expect(hubspotConnector.parseWebhook(events)).toEqual([
      { accountId: '24681357', stream: 'company', externalId: '42', operation: 'propertyChange' },
      { accountId: '24681357', stream: 'contact', externalId: '7', operation: 'creation' },
    ]);
  });

  it('names the event and field of a bad body', () => {
    expect(() => hubspotConnector.parseWebhook({ events: [] })).toThrow(InvalidInput);
    expect(() => hubspotConnector.parseWebhook([{ eventId: 1, occurredAt: 1, subscriptionType: 'company.propertyChange', objectId: 5 }])).toThrow(/0\.portalId/);
  });

  it('accepts association changes (no objectId) beside property changes, and names only the latter', () => {
    const association = { eventId: 2, portalId: 62515, occurredAt: 1, subscriptionType: 'company.associationChange', associationType: 'COMPANY_TO_CONTACT', fromObjectId: 5, toObjectId: 9, associationRemoved: false, isPrimaryAssociation: false };
    const change = { eventId: 3, portalId: 62515, occurredAt: 2, subscriptionType: 'company.propertyChange', objectId: 5, propertyName: 'relance_paused', propertyValue: 'true' };
    expect(hubspotConnector.parseWebhook([association, change])).toEqual([{ accountId: '62515', stream: 'company', externalId: '5', operation: 'propertyChange' }]);
  });
});
