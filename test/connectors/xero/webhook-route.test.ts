/**
 * `POST /webhooks/xero` on a real PostgreSQL, with the Xero simulator as the sender: its
 * intent-to-receive check passes, a real change notification queues a sync of the named stream for
 * the tenant's connection, and forged, tampered or unsigned batches get 401 and queue nothing.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { xeroWebhookRoutes } from '../../../server/webhooks/xero.ts';
import { createTestDatabase, type TestDatabase } from '../../support/db.ts';
import { ring } from '../../sync/support.ts';
import { ShiftedClock, connectXero, startXero, type RunningXero } from './sandbox-support.ts';

let db: TestDatabase;
let xero: RunningXero;
let app: FastifyInstance;
let url: string;
let connectionId: string;
const queued: { connectionId: string; streams: string[] }[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  xero = await startXero({ invoices: 50, limits: false, clock: new ShiftedClock() });
  connectionId = await connectXero(db, ring, xero, 'Xero webhooks');
  app = Fastify();
  await app.register(xeroWebhookRoutes, {
    pool: db.pool,
    keys: ring,
    triggerSync: async (id, streams) => void queued.push({ connectionId: id, streams }),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/webhooks/xero`;
}, 60_000);

afterAll(async () => {
  await app?.close();
  await xero?.close();
  await db?.drop();
});

beforeEach(() => {
  queued.length = 0;
});

const sign = (raw: string, key: string) => createHmac('sha256', key).update(raw, 'utf8').digest('base64');

async function post(raw: string, signature: string | null): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature !== null) headers['x-xero-signature'] = signature;
  const response = await fetch(url, { method: 'POST', headers, body: raw });
  return { status: response.status, body: await response.text() };
}

describe('POST /webhooks/xero', () => {
  it('passes Xero\'s intent-to-receive check', async () => {
    const result = await xero.sim.intentToReceive(url);
    expect(result).toEqual({ ok: true, signed: { status: 200, emptyBody: true }, misSigned: { status: 401 } });
    expect(queued).toEqual([]);
  });

  it('queues an incremental sync of the invoice stream when Xero reports an edit', async () => {
    const { rows } = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM sync_cursors WHERE connection_id = $1', [connectionId]);
    xero.sim.control.setWebhookTarget(url);
    try {
      const invoice = xero.world.xero.invoices[0]!;
      await xero.sim.control.editRecord('Invoice', invoice.id, { Reference: 'changed' });
    } finally {
      xero.sim.control.setWebhookTarget(null);
    }
    // With the money streams Xero notifies only through the invoice (issue 13.5).
    expect(queued).toEqual([{ connectionId, streams: ['invoice', 'payment', 'overpayment', 'prepayment'] }]);
    // The webhook itself syncs nothing: cursors are untouched.
    const after = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM sync_cursors WHERE connection_id = $1', [connectionId]);
    expect(after.rows[0]!.n).toBe(rows[0]!.n);
  });

  it('queues nothing for a tenant Relance is not connected to', async () => {
    const raw = JSON.stringify({ events: [{ resourceUrl: 'x', resourceId: 'r', eventDateUtc: '2026-03-02T10:00:00.000', eventType: 'UPDATE', eventCategory: 'INVOICE', tenantId: 'someone-else', tenantType: 'ORGANISATION' }], firstEventSequence: 1, lastEventSequence: 1, entropy: 'E' });
    const answer = await post(raw, sign(raw, xero.sim.credentials.webhookKey!));
    expect(answer).toEqual({ status: 200, body: '' });
    expect(queued).toEqual([]);
  });

  it.each([
    ['signed with another key', (raw: string) => sign(raw, 'not-the-key')],
    ['unsigned', () => null],
    ['tampered after signing', (raw: string) => sign(raw.replace('UPDATE', 'CREATE'), 'x')],
  ])('answers 401 to a batch %s and queues nothing', async (_label, signature) => {
    const raw = JSON.stringify({ events: [{ resourceUrl: 'x', resourceId: 'r', eventDateUtc: '2026-03-02T10:00:00.000', eventType: 'UPDATE', eventCategory: 'INVOICE', tenantId: xero.sim.tenantId, tenantType: 'ORGANISATION' }], firstEventSequence: 1, lastEventSequence: 1, entropy: 'E' });
    const answer = await post(raw, signature(raw));
    expect(answer).toEqual({ status: 401, body: '' });
    expect(queued).toEqual([]);
  });

  it('refuses a signed body that is not a Xero batch, naming the field', async () => {
    const raw = JSON.stringify({ events: [{ resourceId: 'r' }], firstEventSequence: 1, lastEventSequence: 1, entropy: 'E' });
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-xero-signature': sign(raw, xero.sim.credentials.webhookKey!) }, body: raw });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/events\.0\./);
    expect(queued).toEqual([]);
  });
});
