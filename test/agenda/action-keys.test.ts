/**
 * The keys of `actions` without per-row foreign keys (migration 0024): an insert naming an
 * organization, customer or scenario that does not exist is refused as a foreign-key violation, in
 * a bulk insert as in a single one and on an update that changes a key; deleting a customer or an
 * organization still deletes its actions (and their links), deleting a scenario unsets it.
 */
import { randomUUID } from 'node:crypto';
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

async function insertAction(orgId: string, customerId: string, scenarioId: string | null, key = randomUUID()) {
  await t.db.execute(sql`
    INSERT INTO actions (organization_id, customer_id, scenario_id, step, channel, status, idempotency_key, scheduled_for)
    VALUES (${orgId}, ${customerId}, ${scenarioId}, 1, 'email', 'planned', ${key}, DATE '2026-03-01')`);
}

async function errorCode(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    const err = e as { code?: string; cause?: { code?: string } };
    return err.code ?? err.cause?.code;
  }
}

async function counts(f: OrgFixture) {
  const { rows } = await t.db.execute<{ actions: number; links: number }>(sql`
    SELECT (SELECT count(*)::int FROM actions WHERE organization_id = ${f.organizationId}) AS actions,
           (SELECT count(*)::int FROM action_invoices) AS links`);
  return rows[0]!;
}

describe('the keys of actions', () => {
  it('refuses an action whose organization, customer or scenario does not exist, and a key changed to one', async () => {
    const f = await seedOrganization(t.db);
    const customer = await addCustomer(t.db, f);
    const { rows } = await t.db.execute<{ id: string }>(sql`SELECT id FROM scenarios WHERE organization_id = ${f.organizationId} LIMIT 1`);
    const scenario = rows[0]!.id;
    await insertAction(f.organizationId, customer, scenario);
    expect(await errorCode(insertAction(randomUUID(), customer, scenario))).toBe('23503');
    expect(await errorCode(insertAction(f.organizationId, randomUUID(), scenario))).toBe('23503');
    expect(await errorCode(insertAction(f.organizationId, customer, randomUUID()))).toBe('23503');
    // One bad row among good ones refuses the whole statement.
    expect(await errorCode(t.db.execute(sql`
      INSERT INTO actions (organization_id, customer_id, step, channel, status, idempotency_key, scheduled_for)
      SELECT ${f.organizationId}, CASE WHEN g = 3 THEN ${randomUUID()}::uuid ELSE ${customer}::uuid END, 1, 'email', 'planned',
             'bulk-' || g, DATE '2026-03-01' FROM generate_series(1, 5) g`))).toBe('23503');
    expect(await errorCode(t.db.execute(sql`UPDATE actions SET customer_id = ${randomUUID()} WHERE customer_id = ${customer}`))).toBe('23503');
    // An update that leaves the keys alone is not checked, and goes through.
    await t.db.execute(sql`UPDATE actions SET status = 'cancelled' WHERE customer_id = ${customer}`);
    expect(await counts(f)).toMatchObject({ actions: 1 });
  });

  it('deletes the actions and links of a deleted customer or organization, and unsets a deleted scenario', async () => {
    const f = await seedOrganization(t.db);
    const [a, b] = [await addCustomer(t.db, f), await addCustomer(t.db, f)];
    for (const c of [a, b]) await addInvoice(t.db, f, c, { dueDate: '2026-02-04' });
    await runOrganization(t.db, { organizationId: f.organizationId, asOf: '2026-03-01' });
    const before = await counts(f);
    expect(before.actions).toBe(2);
    await t.db.execute(sql`DELETE FROM customers WHERE id = ${a}`);
    const afterCustomer = await counts(f);
    expect(afterCustomer).toEqual({ actions: 1, links: before.links - 1 });
    await t.db.execute(sql`DELETE FROM scenarios WHERE organization_id = ${f.organizationId}`);
    const { rows } = await t.db.execute<{ scenario_id: string | null }>(sql`SELECT scenario_id FROM actions WHERE customer_id = ${b}`);
    expect(rows).toEqual([{ scenario_id: null }]);
    await t.db.execute(sql`DELETE FROM organizations WHERE id = ${f.organizationId}`);
    expect(await counts(f)).toEqual({ actions: 0, links: before.links - 2 });
  });
});
