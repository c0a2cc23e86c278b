/**
 * Issue 19.5, Xero: late fees posted as a new sales invoice (`post_fee_invoice`) through the real
 * xero-node SDK into the Xero simulator — PUT /Invoices with the outbox's `Idempotency-Key`: the
 * invoice is AUTHORISED to the contact, one line per fee on the revenue account, and the same push
 * again (its answer lost) creates nothing more. An AUTHORISED invoice without an account code is
 * refused, as Xero refuses it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorFor } from '../../connectors/index.ts';
import type { ConnectorSession, PushChange } from '../../connectors/contract.ts';
import { LimiterRegistry } from '../../core/http/index.ts';
import { runSync } from '../../core/sync/index.ts';
import { connectSession } from '../../jobs/outbox.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { ring } from '../sync/support.ts';
import { ShiftedClock, connectXero, simulatorList, startXero, type RunningXero } from '../connectors/xero/sandbox-support.ts';

const clock = new ShiftedClock();
const limiters = new LimiterRegistry(clock);
let xero: RunningXero;
let db: TestDatabase;
let session: ConnectorSession;

beforeAll(async () => {
  xero = await startXero({ invoices: 40, limits: {}, clock, seed: 19 });
  db = await createTestDatabase();
  const connectionId = await connectXero(db, ring, xero, 'Xero fees');
  await runSync({ store: db, keys: ring, connectorFor, limiters }, connectionId);
  session = await connectSession({ store: db, keys: ring, limiters }, connectionId);
}, 90_000);

afterAll(async () => {
  await limiters.stopAll();
  await xero?.close();
  await db?.drop();
});

describe('post_fee_invoice against the Xero simulator', () => {
  it('creates one AUTHORISED invoice to the contact, and a repeat with the same key creates nothing', async () => {
    const { rows: [i] } = await db.pool.query<{ contact: string; invoice: string; number: string; currency: string }>(`
      SELECT c.external_id AS contact, i.external_id AS invoice, i.number, i.currency::text FROM invoices i JOIN customers c ON c.id = i.customer_id
       WHERE i.status = 'open' ORDER BY i.external_id LIMIT 1`);
    const change: PushChange = {
      kind: 'post_fee_invoice', feePostingId: '00000000-0000-4000-8000-00000000fee1', customerExternalId: i!.contact, invoiceExternalId: i!.invoice,
      invoiceNumber: i!.number, currency: i!.currency, date: '2026-03-01', dueDate: '2026-03-01',
      lines: [{ fee: 'interest', description: `Late-payment interest on invoice ${i!.number} to 2026-03-01`, amount: '12.34' }, { fee: 'fixed', description: 'Fixed compensation', amount: '40.00' }],
    };
    const before = (await simulatorList(xero, 'Invoices')).length;
    const result = await session.push(change, { requestKey: 'f'.repeat(40) });
    const again = await session.push(change, { requestKey: 'f'.repeat(40) });
    expect(again.externalId).toBe(result.externalId);
    const all = await simulatorList(xero, 'Invoices');
    expect(all).toHaveLength(before + 1);
    const created = all.find((x) => x.InvoiceID === result.externalId)!;
    expect(created).toMatchObject({ Type: 'ACCREC', Status: 'AUTHORISED', Total: 52.34, CurrencyCode: i!.currency, Reference: `Late-payment fees on ${i!.number}` });
    expect((created.Contact as { ContactID: string }).ContactID).toBe(i!.contact);
    expect(xero.sim.control.writtenBack().filter((w) => w.what === 'create')).toHaveLength(1);
  });

  it('is refused by Xero without an account code on an AUTHORISED invoice', async () => {
    const res = await fetch(`${xero.baseUrl}/api.xro/2.0/Invoices`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${xero.sim.credentials.accessToken}`, 'xero-tenant-id': xero.sim.tenantId, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ Invoices: [{ Type: 'ACCREC', Contact: { ContactID: (await simulatorList(xero, 'Contacts'))[0]!.ContactID }, Status: 'AUTHORISED', LineItems: [{ Description: 'x', Quantity: 1, UnitAmount: 1 }] }] }),
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('Account code must be specified');
  });
});
