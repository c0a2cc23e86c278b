/**
 * Xero webhooks from the simulator: an edit or a payment sends a batch signed with
 * base64(HMAC-SHA256(webhook key, raw body)), checked here independently with node:crypto; a
 * tampered body fails the check; and the intent-to-receive handshake tells a correct endpoint from
 * one that accepts everything.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWorld } from '../../sandbox/generator/index.ts';
import { createXeroSimulator, type XeroSimulator } from '../../sandbox/xero/index.ts';
import { shapeDifferences } from '../support/shape.ts';
import webhookFixture from '../fixtures/providers/xero/webhook.json' with { type: 'json' };

interface Received {
  headers: IncomingHttpHeaders;
  raw: string;
}

const world = generateWorld({ seed: 9, invoices: 30, asOf: '2026-03-01' });
let sim: XeroSimulator;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
/** How the receiver answers: a correct endpoint checks the signature; a lax one says 200 to all. */
let mode: 'verify' | 'lax' = 'verify';

/** Xero's documented check, written here from the docs, not taken from the simulator. */
function verify(key: string, raw: string, signature: string | undefined): boolean {
  if (!signature) return false;
  const expected = createHmac('sha256', key).update(raw, 'utf8').digest();
  const given = Buffer.from(signature, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

beforeAll(async () => {
  sim = createXeroSimulator({ world, limits: false });
  await sim.app.listen({ port: 0, host: '127.0.0.1' });
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: req.headers, raw });
      const ok = mode === 'lax' || verify(sim.credentials.webhookKey!, raw, req.headers['x-xero-signature'] as string | undefined);
      res.statusCode = ok ? 200 : 401;
      res.end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/xero`;
});
afterAll(async () => {
  await sim.app.close();
  await new Promise((r) => receiver.close(r));
});

describe('Xero webhooks', () => {
  it('sends nothing while no target is set', async () => {
    const before = received.length;
    await sim.control.editRecord('invoice', world.xero.invoices[0]!.id, { Reference: 'x' });
    expect(received.length).toBe(before);
  });

  it('sends a signed INVOICE UPDATE batch in Xero’s shape when an invoice is edited', async () => {
    sim.control.setWebhookTarget(receiverUrl);
    const inv = world.xero.invoices[1]!;
    const edited = (await sim.control.editRecord('invoice', inv.id, { Reference: 'PO 12' })) as { InvoiceID: string };
    const got = received.at(-1)!;
    expect(got.headers['content-type']).toMatch(/application\/json/);
    expect(verify(sim.credentials.webhookKey!, got.raw, got.headers['x-xero-signature'] as string)).toBe(true);
    const body = JSON.parse(got.raw) as typeof webhookFixture;
    expect(shapeDifferences(webhookFixture, body)).toEqual([]);
    expect(body.events[0]).toMatchObject({
      resourceId: edited.InvoiceID,
      eventType: 'UPDATE',
      eventCategory: 'INVOICE',
      tenantId: sim.credentials.tenantId,
      tenantType: 'ORGANISATION',
    });
    expect(body.events[0]!.resourceUrl).toMatch(new RegExp(`/api\\.xro/2\\.0/Invoices/${edited.InvoiceID}$`));
    expect(body.lastEventSequence).toBeGreaterThanOrEqual(body.firstEventSequence);
  });

  it('a tampered body no longer matches the signature', () => {
    const got = received.at(-1)!;
    const tampered = got.raw.replace('UPDATE', 'CREATE');
    expect(tampered).not.toBe(got.raw);
    expect(verify(sim.credentials.webhookKey!, tampered, got.headers['x-xero-signature'] as string)).toBe(false);
    expect(verify('another-key', got.raw, got.headers['x-xero-signature'] as string)).toBe(false);
  });

  it('sends one INVOICE event per invoice a recorded payment touches, and CONTACT events for contacts', async () => {
    const open = world.xero.invoices.filter((i) => i.status === 'open' && i.balanceMinor > 10).slice(0, 2);
    const sameCustomer = open.filter((i) => i.customerId === open[0]!.customerId);
    const before = received.length;
    await sim.control.recordPayment({
      customerId: open[0]!.customerId,
      amountMinor: 10 * sameCustomer.length,
      date: '2026-03-02',
      allocations: sameCustomer.map((i) => ({ invoiceId: i.id, amountMinor: 10 })),
    });
    expect(received.length).toBe(before + 1);
    const batch = JSON.parse(received.at(-1)!.raw) as { events: { eventCategory: string }[] };
    expect(batch.events).toHaveLength(sameCustomer.length);
    await sim.control.editRecord('contact', world.xero.customers[0]!.id, { EmailAddress: 'new@example.com' });
    const contactBatch = JSON.parse(received.at(-1)!.raw) as { events: { eventCategory: string }[] };
    expect(contactBatch.events[0]!.eventCategory).toBe('CONTACT');
  });

  it('intent to receive: passes an endpoint that verifies signatures, fails one that accepts anything', async () => {
    mode = 'verify';
    const before = received.length;
    const good = await sim.intentToReceive(receiverUrl);
    expect(good).toEqual({ ok: true, signed: { status: 200, emptyBody: true }, misSigned: { status: 401 } });
    const probes = received.slice(before).map((r) => JSON.parse(r.raw) as { events: unknown[] });
    expect(probes).toHaveLength(2);
    expect(probes.every((p) => p.events.length === 0)).toBe(true);
    mode = 'lax';
    const lax = await sim.intentToReceive(receiverUrl);
    expect(lax.ok).toBe(false);
    expect(lax.misSigned.status).toBe(200);
    mode = 'verify';
  });
});
