import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { listRejected, readCursor, savePage, writeCursor } from '../../core/store/repositories/index.ts';
import { invoices, payments } from '../../core/store/schema/index.ts';
import { invoice, seedConnection } from './fixtures.ts';

let t: TestDatabase;
let connectionId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  ({ connectionId } = await seedConnection(t.db));
});
afterAll(async () => {
  await t?.drop();
});

const count = async (table: typeof invoices | typeof payments) =>
  (await t.db.select({ n: sql<number>`count(*)::int` }).from(table).where(eq(table.connectionId, connectionId)))[0]!.n;

describe('savePage', () => {
  it('stores the records and the cursor together', async () => {
    expect(await readCursor(t.db, connectionId, 'invoice')).toBeNull();
    const cursor = { since: '2026-01-05T10:00:00Z', position: 3 };
    const result = await savePage(t.db, { connectionId, entity: 'invoice', records: [invoice('S1'), invoice('S2')], cursor });
    expect(result.written).toBe(2);
    expect(await readCursor(t.db, connectionId, 'invoice')).toEqual(cursor);
    expect(await count(invoices)).toBe(2);
  });

  it('leaves neither rows nor cursor changed when a record fails in the database half-way through', async () => {
    // Valid for the schema, out of range for bigint minor units: PostgreSQL refuses it mid-statement.
    const page = [invoice('H1'), invoice('H2'), invoice('H3', { total: '99999999999999999999.00' }), invoice('H4')];
    await expect(
      savePage(t.db, { connectionId, entity: 'invoice', records: page, cursor: 'after-H' }),
    ).rejects.toThrow(/out of range/);
    expect(await count(invoices)).toBe(2);
    expect(await readCursor(t.db, connectionId, 'invoice')).toEqual({ since: '2026-01-05T10:00:00Z', position: 3 });
  });

  it('rolls back the upsert when a later statement of the page fails (allocations)', async () => {
    await writeCursor(t.db, connectionId, 'payment', 'before');
    const pay = (id: string, allocation: string) => ({
      externalId: id, customerExternalId: 'C1', date: '2026-02-20', currency: 'EUR', amount: '10.00',
      unapplied: '0.00', reference: null, updatedAt: '2026-02-20T00:00:00Z',
      allocations: [{ invoiceExternalId: 'S1', amount: allocation }],
    });
    const page = [pay('Q1', '10.00'), pay('Q2', '99999999999999999999.00')];
    await expect(savePage(t.db, { connectionId, entity: 'payment', records: page, cursor: 'after' })).rejects.toThrow(
      /out of range/,
    );
    expect(await count(payments)).toBe(0);
    expect(await readCursor(t.db, connectionId, 'payment')).toBe('before');
  });

  it('keeps the records a mapping could not read, and forgets them once they store', async () => {
    await savePage(t.db, {
      connectionId, entity: 'invoice', records: [],
      rejected: [{ externalId: 'R1', reason: 'dueDate: "31/02/2026" is not a date', raw: { Id: 'R1' } }],
    });
    expect(await listRejected(t.db, connectionId, 'invoice')).toEqual([
      { entity: 'invoice', externalId: 'R1', reason: 'dueDate: "31/02/2026" is not a date', raw: { Id: 'R1' } },
    ]);
    await savePage(t.db, { connectionId, entity: 'invoice', records: [invoice('R1')] });
    expect(await listRejected(t.db, connectionId)).toEqual([]);
  });

  it('refuses an entity the store does not keep', async () => {
    await expect(
      savePage(t.db, { connectionId, entity: 'company' as 'invoice', records: [{ externalId: 'X' }] }),
    ).rejects.toThrow(/entity "company"/);
  });
});
