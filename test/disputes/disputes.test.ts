/** Disputes on a real PostgreSQL: flag, activity and write-back in one transaction; bad input refused. */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { savePage } from '../../core/store/index.ts';
import { closeDispute, openDispute } from '../../core/disputes/index.ts';
import { connections } from '../../core/store/schema/index.ts';
import { seedConnection } from '../outbox/support/seed.ts';

let t: TestDatabase;
let ids: { organizationId: string; connectionId: string };
const inv = async (externalId: string) =>
  (await t.db.execute<{ id: string; disputed: boolean }>(sql`SELECT id, disputed FROM invoices WHERE external_id = ${externalId}`)).rows[0]!;

beforeAll(async () => {
  t = await createTestDatabase();
  ids = await seedConnection(t.db, 'quickbooks');
  await savePage(t.db, { connectionId: ids.connectionId, entity: 'customer', records: [{ entity: 'customer', externalId: 'C1', name: 'C1', email: null,
    phone: null, currency: null, balance: null, country: null, language: null, taxId: null, active: true, updatedAt: null }] });
  const invoice = (externalId: string, balance: string) => ({ entity: 'invoice', externalId, number: externalId, customerExternalId: 'C1',
    issueDate: '2026-01-02', dueDate: '2026-02-01', currency: 'EUR', total: '100.00', balance, status: balance === '0.00' ? 'paid' : 'open', updatedAt: null });
  await savePage(t.db, { connectionId: ids.connectionId, entity: 'invoice', records: [invoice('I1', '100.00'), invoice('I2', '50.00'), invoice('PAID', '0.00')] });
});
afterAll(() => t.drop());

describe('disputes', () => {
  it('opens on several invoices, flags them and enqueues the write-back; closing unflags and records the time', async () => {
    const [i1, i2] = [await inv('I1'), await inv('I2')];
    const { id } = await t.db.transaction((tx) =>
      openDispute(tx, { organizationId: ids.organizationId, invoiceIds: [i1.id, i2.id], reason: 'goods damaged', owner: 'ana', openedVia: 'portal' }));
    expect((await inv('I1')).disputed).toBe(true);
    const outbox = await t.db.execute<{ kind: string; external_id: string }>(sql`SELECT kind, external_id FROM outbox ORDER BY seq`);
    expect(outbox.rows.map((r) => `${r.kind}:${r.external_id}`).sort()).toEqual(['set_disputed:I1', 'set_disputed:I2']);

    await t.db.transaction((tx) => closeDispute(tx, id, 'resolved', 'credit note issued'));
    expect((await inv('I1')).disputed).toBe(false);
    const d = await t.db.execute<{ status: string; resolution: string; resolved: boolean }>(
      sql`SELECT status::text, resolution, resolved_at >= opened_at AS resolved FROM disputes WHERE id = ${id}::uuid`);
    expect(d.rows[0]).toEqual({ status: 'resolved', resolution: 'credit note issued', resolved: true });
    // The "disputed" field change of the close supersedes nothing already pushed; both are queued in order.
    const flags = await t.db.execute<{ status: string; payload: { disputed: boolean } }>(
      sql`SELECT status::text, payload FROM outbox WHERE kind = 'set_disputed' AND external_id = 'I1' ORDER BY seq`);
    expect(flags.rows).toEqual([
      { status: 'superseded', payload: { invoiceExternalId: 'I1', disputed: true, note: 'Dispute opened: goods damaged' } },
      { status: 'pending', payload: { invoiceExternalId: 'I1', disputed: false, note: 'Dispute closed: resolved: credit note issued' } },
    ]);
    await expect(t.db.transaction((tx) => closeDispute(tx, id, 'rejected', 'again'))).rejects.toThrow(/already resolved/);
  });

  it('refuses a dispute on a paid invoice, naming it, and writes nothing', async () => {
    const before = await t.db.execute<{ n: string }>(sql`SELECT count(*)::text AS n FROM disputes`);
    await expect(t.db.transaction(async (tx) =>
      openDispute(tx, { organizationId: ids.organizationId, invoiceIds: [(await inv('PAID')).id], reason: 'x', openedVia: 'admin' }),
    )).rejects.toThrow('dispute.invoiceIds: invoice PAID is paid, nothing to dispute');
    expect((await t.db.execute<{ n: string }>(sql`SELECT count(*)::text AS n FROM disputes`)).rows[0]).toEqual(before.rows[0]);
  });

  it('one dispute over a customer whose invoices come from two ledgers of the organization writes each back to its own connection', async () => {
    const [xero] = await t.db.insert(connections).values({ organizationId: ids.organizationId, provider: 'xero', externalAccountId: 'tenant-1' }).returning({ id: connections.id });
    await savePage(t.db, { connectionId: xero!.id, entity: 'invoice', records: [{ entity: 'invoice', externalId: 'X1', number: 'INV-1', customerExternalId: 'C1',
      issueDate: '2026-01-02', dueDate: '2026-02-01', currency: 'EUR', total: '30.00', balance: '30.00', status: 'open', updatedAt: null }] });
    // The Xero invoice belongs to the QuickBooks customer C1 (one customer across the two ledgers).
    await t.db.execute(sql`UPDATE invoices SET customer_id = (SELECT customer_id FROM invoices WHERE external_id = 'I1') WHERE external_id = 'X1'`);
    const { id } = await t.db.transaction(async (tx) =>
      openDispute(tx, { organizationId: ids.organizationId, invoiceIds: [(await inv('I2')).id, (await inv('X1')).id], reason: 'price', openedVia: 'crm' }));
    const links = await t.db.execute<{ n: string }>(sql`SELECT count(*)::text AS n FROM dispute_invoices WHERE dispute_id = ${id}::uuid`);
    expect(links.rows[0]!.n).toBe('2');
    const rows = await t.db.execute<{ connection_id: string; external_id: string }>(
      sql`SELECT connection_id, external_id FROM outbox WHERE kind = 'set_disputed' AND payload->>'note' = 'Dispute opened: price'`);
    expect(rows.rows.map((r) => [r.connection_id, r.external_id]).sort()).toEqual([[ids.connectionId, 'I2'], [xero!.id, 'X1']].sort());
  });
});
