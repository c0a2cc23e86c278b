/**
 * The worklist's summaries (core/worklist/summary.ts) against a recomputation from the rows, on a real
 * PostgreSQL, after each kind of write the summaries must follow: invoices and payments saved by the
 * sync (savePage), reconciliation, actions planned, sent and cancelled, holds placed, released and
 * expiring, promises and disputes recorded, assignments, a renamed collector, a customer renamed by a
 * later sync, a bulk write recomputed in one pass, and the calendar moving on (an invoice falling due, a hold's end date passing, a promised
 * date passing) without any write at all.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { savePage } from '../../core/store/index.ts';
import { reconcileConnection } from '../../core/reconciliation/index.ts';
import { pauseCustomers, releaseHold } from '../../core/holds/index.ts';
import { recordPromise } from '../../core/promises/index.ts';
import { openDispute } from '../../core/disputes/index.ts';
import { listWorklist, recomputeWorklist, refreshAllWorklists, refreshWorklist, type WorklistQuery } from '../../core/worklist/index.ts';
import { seedConnection } from '../outbox/support/seed.ts';

let t: TestDatabase;
let ids: { organizationId: string; connectionId: string };
const DAY0 = '2026-03-10';
const plus = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

const save = (entity: string, records: Record<string, unknown>[]) => savePage(t.db, { connectionId: ids.connectionId, entity: entity as 'invoice', records });
const customer = (externalId: string, name: string, currency = 'EUR') => ({
  entity: 'customer', externalId, name, email: `${externalId.toLowerCase()}@example.com`, phone: null, currency,
  balance: '0.00', country: 'FR', language: 'fr', taxId: null, active: true, updatedAt: '2026-03-01T00:00:00Z',
});
const invoice = (externalId: string, customerExternalId: string, balance: string, dueDate: string, over: Record<string, unknown> = {}) => ({
  entity: 'invoice', externalId, number: `F-${externalId}`, customerExternalId, issueDate: '2026-01-05', dueDate,
  currency: 'EUR', total: '1000.00', balance, status: balance === '0.00' ? 'paid' : 'open', updatedAt: '2026-03-01T10:00:00Z', ...over,
});

async function customerId(externalId: string): Promise<string> {
  const { rows } = await t.pool.query<{ id: string }>(`SELECT id FROM customers WHERE external_id = $1`, [externalId]);
  return rows[0]!.id;
}

/** The whole worklist read from the summaries, by id, next to the recomputation from the rows. */
async function compare(today: string): Promise<number> {
  const q: WorklistQuery = { organizationId: ids.organizationId, today, visible: null, filter: {}, sort: 'name', direction: 'asc', limit: null, offset: 0 };
  const { items, total } = await listWorklist(t.db, q);
  const live = await recomputeWorklist(t.db, ids.organizationId, today);
  expect([...items].sort((a, b) => a.id.localeCompare(b.id))).toEqual(live);
  expect(total).toBe(live.length);
  return live.length;
}

beforeAll(async () => {
  t = await createTestDatabase();
  ids = await seedConnection(t.db, 'quickbooks');
}, 60_000);
afterAll(() => t.drop());

describe('the worklist summaries equal a recomputation from the rows', () => {
  it('after customers and invoices arrive from a sync, and when one is renamed', async () => {
    await save('customer', [customer('C1', 'Dupont'), customer('C2', 'Martin'), customer('C3', 'Zola', 'USD')]);
    await save('invoice', [
      invoice('I1', 'C1', '400.00', '2026-02-01'), invoice('I2', 'C1', '600.00', plus(DAY0, 2)),
      invoice('I3', 'C2', '1000.00', '2026-01-15'), invoice('I4', 'C3', '250.00', '2026-02-20', { currency: 'USD' }),
    ]);
    expect(await compare(DAY0)).toBe(3);
    const { items } = await listWorklist(t.db, { organizationId: ids.organizationId, today: DAY0, visible: null, filter: {}, sort: 'overdue', direction: 'desc', limit: 10, offset: 0 });
    expect(items.map((i) => [i.name, i.overdue, i.open])).toEqual([['Martin', '1000.00', '1000.00'], ['Dupont', '400.00', '1000.00'], ['Zola', '250.00', '250.00']]);
    // Nothing changed: the next read recomputes no one.
    expect(await refreshWorklist(t.db, ids.organizationId, DAY0)).toBe(0);
    await save('customer', [{ ...customer('C2', 'Martin & Fils'), updatedAt: '2026-03-02T00:00:00Z' }]);
    expect(await refreshWorklist(t.db, ids.organizationId, DAY0)).toBe(1);
    await compare(DAY0);
  });

  it('after a payment synced lowers a balance, and after reconciliation', async () => {
    await save('invoice', [invoice('I3', 'C2', '300.00', '2026-01-15', { updatedAt: '2026-03-05T10:00:00Z' })]);
    await save('payment', [{ entity: 'payment', externalId: 'P1', customerExternalId: 'C2', date: '2026-03-04', currency: 'EUR', amount: '700.00', unapplied: '0.00',
      reference: null, allocations: [{ invoiceExternalId: 'I3', amount: '700.00' }], updatedAt: '2026-03-05T10:00:00Z' }]);
    await compare(DAY0);
    await reconcileConnection(t.db, ids.connectionId);
    await compare(DAY0);
    const { items } = await listWorklist(t.db, { organizationId: ids.organizationId, today: DAY0, visible: null, filter: { q: 'F-I3' }, sort: 'name', direction: 'asc', limit: 10, offset: 0 });
    expect(items.map((i) => [i.name, i.overdue])).toEqual([['Martin & Fils', '300.00']]);
  });

  it('after actions are planned, sent and cancelled', async () => {
    const c1 = await customerId('C1');
    await t.pool.query(
      `INSERT INTO actions (organization_id, customer_id, step, channel, template, status, idempotency_key, scheduled_for, sent_at)
       VALUES ($1, $2, 1, 'email', 'reminder-1', 'sent', 'k1', '2026-03-01', '2026-03-01T09:00:00Z'),
              ($1, $2, 2, 'email', 'reminder-2', 'planned', 'k2', $3, NULL)`,
      [ids.organizationId, c1, plus(DAY0, 4)],
    );
    await t.pool.query(`INSERT INTO activities (organization_id, customer_id, kind, actor, occurred_at, payload) VALUES ($1, $2, 'reminder.sent', 'system', '2026-03-01T09:00:05Z', '{}')`, [ids.organizationId, c1]);
    await compare(DAY0);
    await t.pool.query(`UPDATE actions SET status = 'cancelled' WHERE idempotency_key = 'k2'`);
    await compare(DAY0);
  });

  it('after holds placed and released, promises and disputes recorded, assignments and a renamed collector', async () => {
    const [c1, c2, c3] = [await customerId('C1'), await customerId('C2'), await customerId('C3')];
    const [hold] = await t.db.transaction((tx) => pauseCustomers(tx, { organizationId: ids.organizationId, actor: 'system', today: DAY0 }, { customerIds: [c1], reason: 'called', until: plus(DAY0, 3) }));
    await compare(DAY0);
    await t.db.transaction((tx) => recordPromise(tx, { organizationId: ids.organizationId, customerId: c2, amount: '300.00', date: plus(DAY0, 5), today: DAY0 }));
    const { rows: [i4] } = await t.pool.query<{ id: string }>(`SELECT id FROM invoices WHERE external_id = 'I4'`);
    await t.db.transaction((tx) => openDispute(tx, { organizationId: ids.organizationId, invoiceIds: [i4!.id], reason: 'wrong quantity', openedVia: 'admin' }));
    const { rows: [u] } = await t.pool.query<{ id: string }>(`INSERT INTO users (email, display_name) VALUES ('claire@example.com', 'Claire') RETURNING id`);
    await t.pool.query(`INSERT INTO memberships (user_id, organization_id, role) VALUES ($1, $2, 'collector')`, [u!.id, ids.organizationId]);
    await t.pool.query(`INSERT INTO customer_assignments (user_id, customer_id) VALUES ($1, $2), ($1, $3)`, [u!.id, c2, c3]);
    await t.pool.query(`INSERT INTO customer_dunning_profiles (customer_id, organization_id, risk_class, score) VALUES ($1, $2, 'high', 80)`, [c3, ids.organizationId]);
    const rows = await recomputeWorklist(t.db, ids.organizationId, DAY0);
    expect(rows.find((r) => r.id === c1)!.flags.paused).toBe(true);
    expect(rows.find((r) => r.id === c2)!.promise).toEqual({ date: plus(DAY0, 5), amount: '300.00' });
    expect(rows.find((r) => r.id === c3)!.flags.disputed).toBe(true);
    await compare(DAY0);
    await t.pool.query(`UPDATE users SET display_name = 'Claire Martin' WHERE id = $1`, [u!.id]);
    await compare(DAY0);
    expect((await recomputeWorklist(t.db, ids.organizationId, DAY0)).find((r) => r.id === c3)!.collectors).toEqual([{ id: u!.id, name: 'Claire Martin' }]);
    await t.db.transaction((tx) => releaseHold(tx, { organizationId: ids.organizationId, actor: 'system', how: 'resumed' }, hold!));
    await compare(DAY0);
    await t.db.transaction((tx) => pauseCustomers(tx, { organizationId: ids.organizationId, actor: 'system', today: DAY0 }, { customerIds: [c1], reason: 'on holiday', until: plus(DAY0, 3) }));
    await compare(DAY0);
  });

  it('as the days pass with no write: an invoice falls due, a hold ends, a promised date passes', async () => {
    // Day 0 + 3: I2 (due day 0 + 2) is overdue; the hold still holds (its last day).
    expect(await refreshWorklist(t.db, ids.organizationId, plus(DAY0, 3))).toBeGreaterThan(0);
    await compare(plus(DAY0, 3));
    const c1 = (await recomputeWorklist(t.db, ids.organizationId, plus(DAY0, 3))).find((r) => r.number === 'C1')!;
    expect([c1.overdue, c1.flags.paused]).toEqual(['1000.00', true]);
    // Day 0 + 4: the hold is over; day 0 + 6: the promise's date has passed.
    await compare(plus(DAY0, 4));
    expect((await recomputeWorklist(t.db, ids.organizationId, plus(DAY0, 4))).find((r) => r.number === 'C1')!.flags.paused).toBe(false);
    await compare(plus(DAY0, 6));
    expect((await recomputeWorklist(t.db, ids.organizationId, plus(DAY0, 6))).find((r) => r.number === 'C2')!.flags.promised).toBe(false);
    // Asked again for an earlier day (a clock set back), the summaries follow too.
    await compare(DAY0);
    expect(await refreshWorklist(t.db, ids.organizationId, DAY0)).toBe(0);
  });

  it('after a bulk write marks every customer, recomputed in one pass over the organization', async () => {
    await t.pool.query(`UPDATE invoices SET balance_minor = balance_minor - 100 WHERE organization_id = $1 AND status = 'open'`, [ids.organizationId]);
    await t.pool.query(`UPDATE invoices SET due_date = '2026-03-25' WHERE external_id = 'I1'`);
    expect(await refreshWorklist(t.db, ids.organizationId, DAY0, { fullPassFrom: 1 })).toBe(3);
    await compare(DAY0);
    const c1 = (await recomputeWorklist(t.db, ids.organizationId, DAY0)).find((r) => r.number === 'C1')!;
    expect([c1.open, c1.overdue]).toEqual(['998.00', '0.00']);
  });

  it('oldest overdue days count from the read day, and a deleted customer leaves the list', async () => {
    const { items } = await listWorklist(t.db, { organizationId: ids.organizationId, today: '2026-03-20', visible: null, filter: {}, sort: 'oldestDays', direction: 'desc', limit: 10, offset: 0 });
    expect(items.map((i) => [i.number, i.oldestOverdueDays])).toEqual([['C2', 64], ['C3', 28], ['C1', 8]]);
    await t.db.execute(sql`DELETE FROM customers WHERE external_id = 'C3'`);
    expect(await compare('2026-03-20')).toBe(2);
  });
  it('a write still uncommitted while a reader consumes an older mark of the same customer is not lost', async () => {
    const day = '2026-03-20';
    await compare(day);
    // An earlier, committed write leaves a mark on C1.
    await t.pool.query(`UPDATE invoices SET balance_minor = balance_minor - 1 WHERE external_id = 'I1'`);
    // A second write on C1 is under way, not committed, when a reader refreshes: the reader consumes the
    // first mark and recomputes C1 without this write.
    const writer = await t.pool.connect();
    try {
      await writer.query('BEGIN');
      await writer.query(`UPDATE invoices SET balance_minor = balance_minor - 50000 WHERE external_id = 'I1'`);
      expect(await refreshWorklist(t.db, ids.organizationId, day)).toBeGreaterThan(0);
      await writer.query('COMMIT');
    } finally {
      writer.release();
    }
    // Its own mark survived the reader, so the next read has it.
    await compare(day);
  });

  it('the refresh job brings every organization up to date, and leaves no mark behind', async () => {
    await t.pool.query(`UPDATE invoices SET balance_minor = balance_minor - 1 WHERE organization_id = $1 AND status = 'open'`, [ids.organizationId]);
    const refreshed = await refreshAllWorklists(t.db, new Date('2026-03-20T12:00:00Z'));
    expect(refreshed[ids.organizationId]).toBeGreaterThan(0);
    const { rows: [left] } = await t.pool.query<{ n: string }>('SELECT count(*) AS n FROM worklist_dirty WHERE organization_id = $1', [ids.organizationId]);
    expect(Number(left!.n)).toBe(0);
    expect(await refreshWorklist(t.db, ids.organizationId, '2026-03-20')).toBe(0);
    await compare('2026-03-20');
  });
});
