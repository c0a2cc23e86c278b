import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { upsertPage } from '../../core/store/repositories/index.ts';
import { allocations, contacts, customers, invoices, payments } from '../../core/store/schema/index.ts';
import type { StoredEntity } from '../../core/store/repositories/index.ts';
import { customer, invoice, seedConnection } from './fixtures.ts';

let t: TestDatabase;
let connectionId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  ({ connectionId } = await seedConnection(t.db));
});
afterAll(async () => {
  await t?.drop();
});

const upsert = (entity: StoredEntity, records: unknown[], conn = connectionId) =>
  t.db.transaction((tx) => upsertPage(tx, conn, entity, records));

const invoiceRow = async (externalId: string) => {
  const rows = await t.db.select().from(invoices).where(eq(invoices.externalId, externalId));
  expect(rows).toHaveLength(1);
  return rows[0]!;
};

describe('upsertPage', () => {
  it('stores a page twice as one row per record, with the newest values', async () => {
    const page = [invoice('A1'), invoice('A2'), invoice('A3')];
    expect(await upsert('invoice', page)).toEqual({ written: 3, skippedOlder: 0 });
    const newer = page.map((r) => ({ ...r, balance: '200.00', updatedAt: '2026-02-20T09:00:00Z' }));
    expect(await upsert('invoice', newer)).toEqual({ written: 3, skippedOlder: 0 });
    const rows = await t.db.select().from(invoices).where(eq(invoices.connectionId, connectionId));
    expect(rows.filter((r) => r.externalId.startsWith('A'))).toHaveLength(3);
    const a1 = await invoiceRow('A1');
    expect(a1.totalMinor).toBe(120000n);
    expect(a1.balanceMinor).toBe(20000n);
    expect(a1.sourceUpdatedAt?.toISOString()).toBe('2026-02-20T09:00:00.000Z');
  });

  it('does not let an older source updatedAt overwrite a newer row', async () => {
    await upsert('invoice', [invoice('B1', { balance: '100.00', updatedAt: '2026-03-01T00:00:00Z' })]);
    const result = await upsert('invoice', [invoice('B1', { balance: '999.00', updatedAt: '2026-02-01T00:00:00+01:00' })]);
    expect(result).toEqual({ written: 0, skippedOlder: 1 });
    expect((await invoiceRow('B1')).balanceMinor).toBe(10000n);
  });

  it('keeps the newest of two versions of one record within a page', async () => {
    const result = await upsert('invoice', [
      invoice('D1', { balance: '5.00', updatedAt: '2026-03-02T00:00:00Z' }),
      invoice('D1', { balance: '7.00', updatedAt: '2026-03-01T00:00:00Z' }),
    ]);
    expect(result).toEqual({ written: 1, skippedOlder: 0 });
    expect((await invoiceRow('D1')).balanceMinor).toBe(500n);
  });

  it('converts amounts with the currency exponent and keeps raw JSON and custom fields', async () => {
    await upsert('invoice', [
      invoice('J1', { currency: 'JPY', total: '15000', balance: '15000', raw: { Id: 'J1', Line: [] }, customFields: { po: 'PO-7' } }),
      invoice('K1', { currency: 'KWD', total: '12.345', balance: '0.000', status: 'paid' }),
    ]);
    const j1 = await invoiceRow('J1');
    expect(j1.totalMinor).toBe(15000n);
    expect(j1.raw).toEqual({ Id: 'J1', Line: [] });
    expect(j1.customFields).toEqual({ po: 'PO-7' });
    const k1 = await invoiceRow('K1');
    expect([k1.totalMinor, k1.balanceMinor, k1.status]).toEqual([12345n, 0n, 'paid']);
  });

  it('stores an invoice whose customer has not synced yet and links it when the customer arrives', async () => {
    await upsert('invoice', [invoice('E1', { customerExternalId: 'LATE' })]);
    expect((await invoiceRow('E1')).customerId).toBeNull();
    await upsert('customer', [customer('LATE')]);
    const [late] = await t.db.select().from(customers).where(eq(customers.externalId, 'LATE'));
    expect((await invoiceRow('E1')).customerId).toBe(late!.id);
    // And an invoice of a known customer is linked at once, inside the upsert statement.
    await upsert('invoice', [invoice('E2', { customerExternalId: 'LATE' })]);
    expect((await invoiceRow('E2')).customerId).toBe(late!.id);
  });

  it('leaves what Relance owns on a customer (paused, tags) and links contacts to it', async () => {
    await upsert('customer', [customer('OWN')]);
    await t.db.update(customers).set({ paused: true, tags: ['strategic'] }).where(eq(customers.externalId, 'OWN'));
    await upsert('customer', [customer('OWN', { name: 'Renamed SA', updatedAt: '2026-04-01T00:00:00Z' })]);
    const [own] = await t.db.select().from(customers).where(eq(customers.externalId, 'OWN'));
    expect([own!.name, own!.paused, own!.tags]).toEqual(['Renamed SA', true, ['strategic']]);
    await upsert('contact', [{ externalId: 'K1', customerExternalId: 'OWN', name: 'Ana', email: 'ana@example.com', phone: null, role: 'billing' }]);
    const [k1] = await t.db.select().from(contacts).where(eq(contacts.externalId, 'K1'));
    expect([k1!.customerId, k1!.role]).toEqual([own!.id, 'billing']);
  });

  it('stores payment allocations, links them to invoices, and replaces them with the payment', async () => {
    const pay = {
      entity: 'payment', externalId: 'P1', customerExternalId: 'LATE', date: '2026-02-20', currency: 'EUR',
      amount: '300.00', unapplied: '50.00', reference: 'VIR-1', updatedAt: '2026-02-20T12:00:00Z',
      allocations: [
        { invoiceExternalId: 'E1', amount: '200.00' },
        { invoiceExternalId: 'NOT-YET', amount: '50.00' },
      ],
    };
    await upsert('payment', [pay]);
    const [p1] = await t.db.select().from(payments).where(eq(payments.externalId, 'P1'));
    expect([p1!.amountMinor, p1!.unappliedMinor, p1!.customerId !== null]).toEqual([30000n, 5000n, true]);
    let rows = await t.db.select().from(allocations).where(eq(allocations.paymentId, p1!.id));
    const e1 = await invoiceRow('E1');
    expect(rows.map((r) => [r.invoiceExternalId, r.invoiceId, r.amountMinor, r.date]).sort()).toEqual([
      ['E1', e1.id, 20000n, '2026-02-20'],
      ['NOT-YET', null, 5000n, '2026-02-20'],
    ]);
    await upsert('invoice', [invoice('NOT-YET', { customerExternalId: 'LATE' })]);
    const notYet = await invoiceRow('NOT-YET');
    rows = await t.db.select().from(allocations).where(eq(allocations.invoiceExternalId, 'NOT-YET'));
    expect(rows.map((r) => r.invoiceId)).toEqual([notYet.id]);
    // A newer version of the payment lists one allocation: the old two are gone.
    await upsert('payment', [{ ...pay, updatedAt: '2026-02-21T12:00:00Z', allocations: [{ invoiceExternalId: 'E1', amount: '300.00' }] }]);
    rows = await t.db.select().from(allocations).where(eq(allocations.paymentId, p1!.id));
    expect(rows.map((r) => [r.invoiceExternalId, r.amountMinor])).toEqual([['E1', 30000n]]);
  });

  it('refuses a record that does not validate, naming the record and the field, and writes nothing', async () => {
    const page = [invoice('F1'), invoice('F2', { total: '12.5.0' })];
    await expect(upsert('invoice', page)).rejects.toThrow(/invoice\[1\] \(externalId "F2"\)\.total/);
    await expect(upsert('invoice', [invoice('F3', { total: '10.001' })])).rejects.toThrow(/F3.*total.*more decimals/);
    await expect(upsert('invoice', [invoice('F4', { currency: 'XXY' })])).rejects.toThrow(/currency/);
    const rows = await t.db.select().from(invoices).where(eq(invoices.externalId, 'F1'));
    expect(rows).toHaveLength(0);
  });

  it('refuses an unknown connection', async () => {
    await expect(upsert('invoice', [invoice('G1')], '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});
