/**
 * Issue 13.3, QuickBooks: applying unapplied money (what accepting an unapplied-money suggestion
 * pushes, `apply_payment`) lands in the sandbox's POST /payment — a sparse update with LinkedTxn
 * lines, SyncToken and requestid — and QuickBooks' own state then shows it: the payment's
 * UnappliedAmt drops, the invoice's Balance drops, and a repeated requestid changes nothing more.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorFor } from '../../connectors/index.ts';
import type { ConnectorSession, PushChange } from '../../connectors/contract.ts';
import { LimiterRegistry } from '../../core/http/index.ts';
import { runSync } from '../../core/sync/index.ts';
import { connectSession } from '../../jobs/outbox.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { ring } from '../sync/support.ts';
import { connectSandbox } from './quickbooks-support.ts';

let sandbox: RunningSandbox;
let db: TestDatabase;
let session: ConnectorSession;
const limiters = new LimiterRegistry();

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 31, invoices: 300, asOf: '2026-03-01', port: 0, limits: false });
  db = await createTestDatabase();
  const connectionId = await connectSandbox(db, ring, sandbox);
  await runSync({ store: db, keys: ring, connectorFor, limiters }, connectionId);
  session = await connectSession({ store: db, keys: ring, limiters }, connectionId);
}, 90_000);

afterAll(async () => {
  await limiters.stopAll();
  await sandbox?.close();
  await db?.drop();
});

async function read(entity: 'payment' | 'invoice', id: string): Promise<Record<string, unknown>> {
  const qb = sandbox.quickbooks;
  const response = await fetch(`${qb.baseUrl}/v3/company/${qb.realmId}/${entity}/${id}?minorversion=75`, { headers: { authorization: `Bearer ${qb.accessToken}`, accept: 'application/json' } });
  return ((await response.json()) as Record<string, Record<string, unknown>>)[entity === 'payment' ? 'Payment' : 'Invoice']!;
}

describe('apply_payment against the QuickBooks sandbox', () => {
  it('links the unapplied money to the invoice; the provider shows the application', async () => {
    const { rows } = await db.pool.query<{ invoice: string; customer: string; currency: string; balance: string }>(`
      SELECT external_id AS invoice, customer_external_id AS customer, currency, balance_minor::text AS balance
        FROM invoices WHERE status = 'open' AND balance_minor > 100 ORDER BY external_id LIMIT 1`);
    const open = rows[0]!;
    // Money received that nobody matched: a payment of the invoice's customer, applied to nothing.
    const minor = Math.min(5_000, Number(open.balance));
    const received = (await sandbox.controls.quickbooks.recordPayment({ customerId: open.customer, amountMinor: minor + 700, date: '2026-02-27', allocations: [] })) as { Id: string };
    const pick = { payment: received.Id, invoice: open.invoice, currency: open.currency };
    const amount = (minor / 100).toFixed(2);
    const paymentBefore = await read('payment', pick.payment);
    const invoiceBefore = await read('invoice', pick.invoice);
    const change: PushChange = { kind: 'apply_payment', source: 'payment', sourceExternalId: pick.payment, currency: pick.currency, applications: [{ invoiceExternalId: pick.invoice, amount }] };
    const result = await session.push(change, { requestKey: 'a'.repeat(40) });
    expect(result.version).toBe(String(Number(paymentBefore.SyncToken) + 1));
    const paymentAfter = await read('payment', pick.payment);
    const invoiceAfter = await read('invoice', pick.invoice);
    expect(Math.round(Number(paymentAfter.UnappliedAmt) * 100)).toBe(Math.round(Number(paymentBefore.UnappliedAmt) * 100) - minor);
    expect(Math.round(Number(invoiceAfter.Balance) * 100)).toBe(Math.round(Number(invoiceBefore.Balance) * 100) - minor);
    expect(paymentAfter.Line).toEqual(expect.arrayContaining([expect.objectContaining({ LinkedTxn: [{ TxnId: pick.invoice, TxnType: 'Invoice' }] })]));
    // The same write again (its answer lost): refused or answered by requestid, never applied twice.
    await session.push(change, { requestKey: 'a'.repeat(40) }).catch(() => null);
    expect((await read('invoice', pick.invoice)).Balance).toEqual(invoiceAfter.Balance);
    expect(sandbox.controls.quickbooks.writtenBack().filter((w) => w.entity === 'Payment')).toHaveLength(1);
  });

  it('refuses more than the invoice has open (QuickBooks 6000), changing nothing', async () => {
    const { rows } = await db.pool.query<{ invoice: string; customer: string; currency: string; balance: string }>(`
      SELECT external_id AS invoice, customer_external_id AS customer, currency, balance_minor::text AS balance
        FROM invoices WHERE status = 'open' AND balance_minor > 0 ORDER BY external_id DESC LIMIT 1`);
    const open = rows[0]!;
    const received = (await sandbox.controls.quickbooks.recordPayment({ customerId: open.customer, amountMinor: Number(open.balance) + 10_000, date: '2026-02-27', allocations: [] })) as { Id: string };
    const before = await read('payment', received.Id);
    const tooMuch = ((Number(open.balance) + 1) / 100).toFixed(2);
    await expect(session.push({ kind: 'apply_payment', source: 'payment', sourceExternalId: received.Id, currency: open.currency, applications: [{ invoiceExternalId: open.invoice, amount: tooMuch }] }))
      .rejects.toThrow(/exceeds the invoice balance|6000/i);
    expect((await read('payment', received.Id)).SyncToken).toBe(before.SyncToken);
  });
});
