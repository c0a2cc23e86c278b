/**
 * An action's invoices live on the action (invoice_ids, invoice_levels: migration 0028) and
 * `action_invoices` is their view as rows. The daily run writes the arrays; the view lists them,
 * takes an INSERT and a DELETE as the table did (one row per action and invoice, no link to a
 * missing action), and a deleted invoice leaves the actions that listed it. And a re-run over an
 * unchanged ledger writes no row at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { runOrganization } from '../../core/agenda/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { addCustomer, addInvoice, seedOrganization, type OrgFixture } from './fixtures.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

async function links(actionId: string): Promise<{ invoice_id: string; level: number }[]> {
  const { rows } = await t.db.execute<{ invoice_id: string; level: number }>(
    sql`SELECT invoice_id, level FROM action_invoices WHERE action_id = ${actionId}::uuid`,
  );
  return rows;
}

async function onlyAction(f: OrgFixture): Promise<{ id: string; invoice_ids: string[]; invoice_levels: number[] }> {
  const { rows } = await t.db.execute<{ id: string; invoice_ids: string[]; invoice_levels: number[] }>(sql`
    SELECT id, invoice_ids::text[] AS invoice_ids, invoice_levels FROM actions WHERE organization_id = ${f.organizationId}`);
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

describe('the invoices of an action', () => {
  it('are written by the daily run on the action, in its order, and listed by the view', async () => {
    const f = await seedOrganization(t.db);
    const c = await addCustomer(t.db, f);
    const late = await addInvoice(t.db, f, c, { dueDate: '2026-02-04', number: 'F-1' });
    const recent = await addInvoice(t.db, f, c, { dueDate: '2026-02-18', number: 'F-2' });
    await runOrganization(t.db, { organizationId: f.organizationId, asOf: '2026-03-01' });
    const a = await onlyAction(f);
    expect(a.invoice_ids).toEqual([late, recent]);
    expect(a.invoice_levels).toEqual([3, 2]);
    expect(await links(a.id)).toEqual(expect.arrayContaining([{ invoice_id: late, level: 3 }, { invoice_id: recent, level: 2 }]));
    expect(await links(a.id)).toHaveLength(2);
  });

  it('take an INSERT and a DELETE through the view, refuse a second link to one invoice or a link to no action, and drop a deleted invoice', async () => {
    const f = await seedOrganization(t.db);
    const c = await addCustomer(t.db, f);
    const i1 = await addInvoice(t.db, f, c, { dueDate: '2026-02-04' });
    const i2 = await addInvoice(t.db, f, c, { dueDate: '2026-02-10' });
    const { rows: [a] } = await t.db.execute<{ id: string }>(sql`
      INSERT INTO actions (organization_id, customer_id, step, channel, idempotency_key, scheduled_for)
      VALUES (${f.organizationId}, ${c}, 1, 'email', 'test:view', '2026-03-01') RETURNING id`);
    await t.db.execute(sql`INSERT INTO action_invoices (action_id, invoice_id, level) VALUES (${a!.id}::uuid, ${i1}::uuid, 1), (${a!.id}::uuid, ${i2}::uuid, 2)`);
    expect(await links(a!.id)).toEqual([{ invoice_id: i1, level: 1 }, { invoice_id: i2, level: 2 }]);
    await expect(t.db.execute(sql`INSERT INTO action_invoices (action_id, invoice_id, level) VALUES (${a!.id}::uuid, ${i1}::uuid, 3)`))
      .rejects.toMatchObject({ cause: { code: '23505' } });
    await expect(t.db.execute(sql`INSERT INTO action_invoices (action_id, invoice_id, level) VALUES (gen_random_uuid(), ${i1}::uuid, 1)`))
      .rejects.toMatchObject({ cause: { code: '23503' } });
    const deleted = await t.db.execute(sql`DELETE FROM action_invoices WHERE action_id = ${a!.id}::uuid AND invoice_id = ${i1}::uuid`);
    expect(deleted.rowCount).toBe(1);
    expect(await links(a!.id)).toEqual([{ invoice_id: i2, level: 2 }]);
    await t.db.execute(sql`INSERT INTO action_invoices (action_id, invoice_id, level) VALUES (${a!.id}::uuid, ${i1}::uuid, 1)`);
    await t.db.execute(sql`DELETE FROM invoices WHERE id = ${i2}::uuid`);
    const left = await onlyAction(f);
    expect([left.invoice_ids, left.invoice_levels]).toEqual([[i1], [1]]);
  });

  it('are not written again by a re-run over an unchanged ledger, which writes no row', async () => {
    const f = await seedOrganization(t.db);
    for (let k = 0; k < 5; k++) {
      const c = await addCustomer(t.db, f);
      await addInvoice(t.db, f, c, { dueDate: '2026-02-04' });
      await addInvoice(t.db, f, c, { dueDate: '2026-02-20' });
    }
    const first = await runOrganization(t.db, { organizationId: f.organizationId, asOf: '2026-03-01', batchSize: 2 });
    expect(first).toMatchObject({ customers: 5, inserted: 5, superseded: 0 });
    const versions = sql`SELECT string_agg(id::text || ':' || xmin::text, ',' ORDER BY id) AS v FROM actions WHERE organization_id = ${f.organizationId}`;
    const before = (await t.db.execute<{ v: string }>(versions)).rows[0]!.v;
    const again = await runOrganization(t.db, { organizationId: f.organizationId, asOf: '2026-03-01', batchSize: 2 });
    expect(again).toMatchObject({ customers: 5, actions: 5, inserted: 0, superseded: 0 });
    expect((await t.db.execute<{ v: string }>(versions)).rows[0]!.v).toBe(before);
  });
});
