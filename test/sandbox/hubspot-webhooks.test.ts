/**
 * Webhooks from the HubSpot simulator: an edit made "in the UI" fires one company.propertyChange per
 * changed property, signed as HubSpot documents it. The v3 signature is recomputed here with
 * node:crypto (and checked with the SDK's own validator); a tampered body must not verify.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Signature } from '@hubspot/api-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWorld } from '../../sandbox/generator/index.ts';
import type { World } from '../../sandbox/shared/contract.ts';
import { listenHubspotSimulator } from '../../sandbox/hubspot/listen.ts';
import type { RunningHubspotSimulator } from '../../sandbox/hubspot/listen.ts';
import { readFileSync } from 'node:fs';
import { shapeDifferences } from '../support/shape.ts';

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let world: World;
let sim: RunningHubspotSimulator;
let receiver: http.Server;
let target: string;
const received: Received[] = [];

beforeAll(async () => {
  world = generateWorld({ seed: 21, invoices: 80, asOf: '2026-02-15' });
  sim = await listenHubspotSimulator({ world, limits: false });
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  target = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/hubspot?connection=abc`;
  sim.control.setWebhookTarget(target);
});

afterAll(async () => {
  await sim.close();
  await new Promise((resolve) => receiver.close(resolve));
});

/** HubSpot's v3 algorithm: base64(HMAC-SHA256(client secret, method + URI + body + timestamp)). */
function v3(secret: string, method: string, uri: string, body: string, timestamp: string): string {
  return createHmac('sha256', secret)
    .update(method + uri + body + timestamp)
    .digest('base64');
}

function verifies(secret: string, r: Received, body = r.body): boolean {
  const expected = Buffer.from(
    v3(secret, r.method, target, body, String(r.headers['x-hubspot-request-timestamp'])),
  );
  const given = Buffer.from(String(r.headers['x-hubspot-signature-v3']));
  return expected.length === given.length && timingSafeEqual(expected, given);
}

describe('property-change webhooks', () => {
  it('fires one signed company.propertyChange per changed property', async () => {
    const company = world.hubspot.companies[0]!;
    received.length = 0;
    await sim.control.editRecord('companies', company.id, { relance_paused: 'true', name: company.name });
    // `name` did not change: only relance_paused is an event.
    expect(received).toHaveLength(1);
    const r = received[0]!;
    expect(r.method).toBe('POST');
    expect(r.headers['content-type']).toContain('application/json');
    const events = JSON.parse(r.body) as Record<string, unknown>[];
    expect(events).toHaveLength(1);
    const fixture = JSON.parse(
      readFileSync(new URL('../fixtures/providers/hubspot/webhook.json', import.meta.url), 'utf8'),
    );
    expect(shapeDifferences(fixture, events)).toEqual([]);
    expect(events[0]).toMatchObject({
      subscriptionType: 'company.propertyChange',
      objectId: Number(company.id),
      propertyName: 'relance_paused',
      propertyValue: 'true',
      portalId: Number(world.hubspot.portalId),
      attemptNumber: 0,
    });
    expect(verifies(sim.credentials.clientSecret!, r)).toBe(true);
    const ts = Number(r.headers['x-hubspot-request-timestamp']);
    expect(Math.abs(Date.now() - ts)).toBeLessThan(5 * 60_000);
  });

  it('a tampered body, a wrong secret or a wrong URI does not verify', async () => {
    const company = world.hubspot.companies[1]!;
    received.length = 0;
    await sim.control.editRecord('companies', company.id, { relance_paused: 'true' });
    const r = received[0]!;
    expect(verifies(sim.credentials.clientSecret!, r)).toBe(true);
    expect(verifies(sim.credentials.clientSecret!, r, r.body.replace('"true"', '"false"'))).toBe(false);
    expect(verifies('not-the-secret', r)).toBe(false);
    const otherUri = v3(
      sim.credentials.clientSecret!,
      'POST',
      target.replace('abc', 'xyz'),
      r.body,
      String(r.headers['x-hubspot-request-timestamp']),
    );
    expect(otherUri).not.toBe(r.headers['x-hubspot-signature-v3']);
  });

  it('the SDK validator agrees, and the v1 signature is sha256(secret + body)', async () => {
    const company = world.hubspot.companies[2]!;
    received.length = 0;
    await sim.control.editRecord('companies', company.id, { relance_stage: 'reminder-2' });
    const r = received[0]!;
    const secret = sim.credentials.clientSecret!;
    const common = {
      clientSecret: secret,
      requestBody: r.body,
      url: target,
      method: 'POST',
      timestamp: Number(r.headers['x-hubspot-request-timestamp']),
    };
    expect(
      Signature.isValid({
        ...common,
        signature: String(r.headers['x-hubspot-signature-v3']),
        signatureVersion: 'v3',
      }),
    ).toBe(true);
    expect(
      Signature.isValid({
        ...common,
        requestBody: `${r.body} `,
        signature: String(r.headers['x-hubspot-signature-v3']),
        signatureVersion: 'v3',
      }),
    ).toBe(false);
    expect(r.headers['x-hubspot-signature']).toBe(
      createHash('sha256')
        .update(secret + r.body)
        .digest('hex'),
    );
  });

  it('batches at most 100 events per delivery', async () => {
    const company = world.hubspot.companies[3]!;
    received.length = 0;
    const patch = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`custom_${i}`, String(i)]));
    await sim.control.editRecord('companies', company.id, patch);
    expect(received.map((r) => (JSON.parse(r.body) as unknown[]).length)).toEqual([100, 50]);
    for (const r of received) expect(verifies(sim.credentials.clientSecret!, r)).toBe(true);
  });

  it('moves the record into the next incremental search and records failed deliveries', async () => {
    const company = world.hubspot.companies[4]!;
    const before = Date.now();
    await sim.control.editRecord('companies', company.id, { name: 'Renamed Ltd' });
    const res = await fetch(`${sim.baseUrl}/crm/v3/objects/companies/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sim.credentials.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        filterGroups: [
          { filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GTE', value: String(before) }] },
        ],
        properties: ['name'],
      }),
    });
    const page = (await res.json()) as { results: { id: string; properties: { name: string } }[] };
    expect(page.results.map((r) => [r.id, r.properties.name])).toContainEqual([company.id, 'Renamed Ltd']);

    sim.control.setWebhookTarget('http://127.0.0.1:1/nowhere');
    await sim.control.editRecord('companies', company.id, { name: 'Renamed Again' });
    const last = sim.control.webhookDeliveries().at(-1)!;
    expect(last.status).toBeNull();
    expect(last.error).toBeTruthy();
    sim.control.setWebhookTarget(target);
  });

  it('recordPayment is refused: the portal holds no invoices', async () => {
    await expect(
      sim.control.recordPayment({
        customerId: 'C000001',
        amountMinor: 100,
        date: '2026-02-15',
        allocations: [],
      }),
    ).rejects.toThrow(/no invoices/);
  });
});
