/**
 * The control API acting as a QuickBooks user would, and the webhooks it fires: signatures checked
 * here independently with node:crypto per Intuit's documented algorithm, payments lowering balances.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createQuickBooksSimulator, type QuickBooksSimulator } from '../../sandbox/quickbooks/index.ts';
import { generateWorld } from '../../sandbox/generator/index.ts';
import type { World } from '../../sandbox/shared/contract.ts';
import { shapeDifferences } from '../support/shape.ts';

type Body = Record<string, unknown>;
interface Received {
  signature: string;
  raw: string;
}

let clock = Date.parse('2026-03-01T12:00:00Z');
let world: World;
let sim: QuickBooksSimulator;
let baseUrl: string;
let receiver: Server;
let received: Received[] = [];

/** Intuit's algorithm, written apart from the simulator: base64(HMAC-SHA256(verifier token, raw body)). */
function verifies(verifier: string, raw: string, signature: string): boolean {
  const expected = createHmac('sha256', verifier).update(raw, 'utf8').digest();
  const given = Buffer.from(signature, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function api(path: string, init: { method?: string; body?: unknown } = {}): Promise<Body> {
  const res = await fetch(`${baseUrl}/v3/company/${sim.credentials.realmId}${path}`, {
    method: init.method ?? 'GET',
    headers: { Authorization: `Bearer ${sim.credentials.accessToken}`, Accept: 'application/json', 'Content-Type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Body;
}

const queryOne = async (q: string, entity: string): Promise<Body> =>
  ((await api(`/query?query=${encodeURIComponent(q)}`)).QueryResponse as Record<string, Body[]>)[entity]![0]!;

beforeAll(async () => {
  world = generateWorld({ seed: 21, invoices: 80, asOf: '2026-03-01' });
  sim = createQuickBooksSimulator({ world, limits: false, now: () => clock });
  baseUrl = await sim.app.listen({ host: '127.0.0.1', port: 0 });
  receiver = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      received.push({ signature: String(req.headers['intuit-signature'] ?? ''), raw });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  sim.control.setWebhookTarget(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/quickbooks`);
});

beforeEach(() => {
  received = [];
  clock += 60_000;
});

afterAll(async () => {
  await sim.app.close();
  await new Promise((r) => receiver.close(r));
});

describe('editing a record', () => {
  it('bumps SyncToken and LastUpdatedTime and fires a signed webhook in the documented shape', async () => {
    const inv = world.quickbooks.invoices.find((i) => i.status === 'open')!;
    const before = await queryOne(`select * from Invoice where DocNumber = '${inv.number}'`, 'Invoice');
    const after = (await sim.control.editRecord('invoice', inv.id, { DueDate: '2026-04-30' })) as Body;
    expect(after.SyncToken).toBe(String(Number(before.SyncToken) + 1));
    expect(after.DueDate).toBe('2026-04-30');
    const read = await api(`/invoice/${String(before.Id)}`);
    expect((read.Invoice as Body).DueDate).toBe('2026-04-30');
    expect(Date.parse(((read.Invoice as Body).MetaData as Body).LastUpdatedTime as string)).toBe(clock - (clock % 1000));

    expect(received).toHaveLength(1);
    const { raw, signature } = received[0]!;
    expect(verifies(sim.credentials.webhookVerifierToken!, raw, signature)).toBe(true);
    const fixture = JSON.parse(readFileSync(new URL('../fixtures/providers/quickbooks/webhook.json', import.meta.url), 'utf8')) as unknown;
    const body = JSON.parse(raw) as { eventNotifications: { realmId: string; dataChangeEvent: { entities: Body[] } }[] };
    expect(shapeDifferences(fixture, body)).toEqual([]);
    expect(body.eventNotifications[0]!.realmId).toBe(sim.credentials.realmId);
    expect(body.eventNotifications[0]!.dataChangeEvent.entities).toEqual([
      { name: 'Invoice', id: before.Id, operation: 'Update', lastUpdated: new Date(clock - (clock % 1000)).toISOString() },
    ]);
  });

  it('a tampered body or another verifier token does not verify', async () => {
    const cust = world.quickbooks.customers[0]!;
    await sim.control.editRecord('Customer', cust.id, { PrimaryPhone: { FreeFormNumber: '+1 555 0199' } });
    const { raw, signature } = received[0]!;
    expect(verifies(sim.credentials.webhookVerifierToken!, raw, signature)).toBe(true);
    expect(verifies(sim.credentials.webhookVerifierToken!, raw.replace('"Update"', '"Delete"'), signature)).toBe(false);
    expect(verifies(sim.credentials.webhookVerifierToken!, `${raw} `, signature)).toBe(false);
    expect(verifies('another-verifier-token', raw, signature)).toBe(false);
  });

  it('a write made through the API fires a webhook too, and is listed in writtenBack', async () => {
    const first = await queryOne('select * from Invoice maxresults 1', 'Invoice');
    await api('/invoice?operation=update', { method: 'POST', body: { Id: first.Id, SyncToken: first.SyncToken, sparse: true, PrivateNote: 'Relance: promise to pay 2026-03-15' } });
    await sim.settled();
    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0]!.raw)).toMatchObject({ eventNotifications: [{ dataChangeEvent: { entities: [{ name: 'Invoice', id: first.Id, operation: 'Update' }] } }] });
    const written = sim.control.writtenBack();
    expect(written.at(-1)).toMatchObject({ entity: 'Invoice', id: first.Id, what: 'sparse-update', body: { PrivateNote: 'Relance: promise to pay 2026-03-15' } });
    // Edits made "in QuickBooks" through the control API are not Relance's writes.
    expect(written.every((w) => w.what !== 'edit')).toBe(true);
  });

  it('in the CloudEvents format: one signed event per change, typed qbo.<entity>.<verb>.v1', async () => {
    sim.setWebhookFormat('cloudevents');
    const inv = world.quickbooks.invoices[2]!;
    const row = (await sim.control.editRecord('Invoice', inv.id, { PrivateNote: 'cloud' })) as Body;
    sim.setWebhookFormat('legacy');
    const { raw, signature } = received[0]!;
    expect(verifies(sim.credentials.webhookVerifierToken!, raw, signature)).toBe(true);
    expect(JSON.parse(raw)).toEqual([
      {
        specversion: '1.0',
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        source: expect.stringMatching(/^intuit\./),
        type: 'qbo.invoice.updated.v1',
        datacontenttype: 'application/json',
        time: expect.any(String),
        intuitentityid: row.Id,
        intuitaccountid: sim.credentials.realmId,
        data: {},
      },
    ]);
  });

  it('without a target, nothing is sent', async () => {
    sim.control.setWebhookTarget(null);
    await sim.control.editRecord('Invoice', world.quickbooks.invoices[1]!.id, { PrivateNote: 'quiet' });
    expect(received).toHaveLength(0);
    sim.control.setWebhookTarget(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/quickbooks`);
  });
});

describe('recording a payment', () => {
  it('creates a Payment with LinkedTxn and UnappliedAmt, lowers the invoice and customer balances', async () => {
    const inv = world.quickbooks.invoices.find((i) => i.status === 'open' && i.balanceMinor >= 10_000 && i.currency === world.quickbooks.customers.find((c) => c.id === i.customerId)!.currency)!;
    const invBefore = await queryOne(`select * from Invoice where DocNumber = '${inv.number}'`, 'Invoice');
    const custId = (invBefore.CustomerRef as { value: string }).value;
    const custBefore = await queryOne(`select * from Customer where Id = '${custId}'`, 'Customer');

    const payment = (await sim.control.recordPayment({ customerId: inv.customerId, amountMinor: 7_550, date: '2026-03-01', allocations: [{ invoiceId: inv.id, amountMinor: 7_500 }] })) as Body;
    expect(payment).toMatchObject({ TotalAmt: 75.5, UnappliedAmt: 0.5, TxnDate: '2026-03-01', CustomerRef: { value: custId }, Line: [{ Amount: 75, LinkedTxn: [{ TxnId: invBefore.Id, TxnType: 'Invoice' }] }] });

    const invAfter = await queryOne(`select * from Invoice where Id = '${String(invBefore.Id)}'`, 'Invoice');
    expect(Math.round((invBefore.Balance as number) * 100) - Math.round((invAfter.Balance as number) * 100)).toBe(7_500);
    expect(invAfter.LinkedTxn).toContainEqual({ TxnId: payment.Id, TxnType: 'Payment' });
    const custAfter = await queryOne(`select * from Customer where Id = '${custId}'`, 'Customer');
    expect(Math.round((custBefore.Balance as number) * 100) - Math.round((custAfter.Balance as number) * 100)).toBe(7_550);
    const stored = await queryOne(`select * from Payment where Id = '${String(payment.Id)}'`, 'Payment');
    expect(stored.TotalAmt).toBe(75.5);

    const entities = (JSON.parse(received[0]!.raw) as { eventNotifications: { dataChangeEvent: { entities: Body[] } }[] }).eventNotifications[0]!.dataChangeEvent.entities;
    expect(entities.map((e) => `${String(e.name)}:${String(e.operation)}`)).toEqual(['Payment:Create', 'Invoice:Update', 'Customer:Update']);
  });

  it('an unknown record is a NotFound', async () => {
    await expect(sim.control.editRecord('Invoice', 'I9999999', { PrivateNote: 'x' })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('refuses an allocation larger than the open balance', async () => {
    const paid = world.quickbooks.invoices.find((i) => i.status === 'paid')!;
    await expect(sim.control.recordPayment({ customerId: paid.customerId, amountMinor: 100, date: '2026-03-01', allocations: [{ invoiceId: paid.id, amountMinor: 100 }] })).rejects.toThrow(/exceeds the balance/);
  });

  it('shows up in change data capture', async () => {
    const since = new Date(clock - 1_000).toISOString();
    const inv = world.quickbooks.invoices.find((i) => i.status === 'open' && i.balanceMinor >= 200)!;
    await sim.control.recordPayment({ customerId: inv.customerId, amountMinor: 200, date: '2026-03-01', allocations: [{ invoiceId: inv.id, amountMinor: 200 }] });
    const cdc = await api(`/cdc?entities=Payment,Invoice&changedSince=${encodeURIComponent(since)}`);
    const [payments, invoices] = (cdc.CDCResponse as { QueryResponse: Body[] }[])[0]!.QueryResponse;
    expect((payments!.Payment as Body[]).length).toBe(1);
    expect((invoices!.Invoice as Body[]).length).toBe(1);
  });
});
