import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { migrate } from '../../core/store/migrate.ts';

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase({ migrated: false });
});
afterAll(async () => {
  await t?.drop();
});

const tables = async () =>
  (
    await t.pool.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    )
  ).rows.map((r) => r.table_name);

describe('migrations', () => {
  it('apply on an empty database, create the whole model, and can run again', async () => {
    expect(await tables()).toEqual([]);
    await migrate(t.pool);
    const created = await tables();
    // The core model; other areas add tables of their own in later migrations.
    expect(created).toEqual(
      expect.arrayContaining([
        'action_invoices', 'actions', 'activities', 'allocations', 'connections', 'contacts', 'credit_notes',
        'customer_external_refs', 'customers', 'dispute_invoices', 'disputes', 'group_memberships', 'groups',
        'invoices', 'mappings', 'organizations', 'outbox', 'payment_plan_installments', 'payment_plans',
        'payments', 'promises_to_pay', 'rejected_records', 'scenarios', 'sync_cursors',
      ]),
    );
    // Two processes starting together both call migrate: the second is a no-op.
    await Promise.all([migrate(t.pool), migrate(t.pool)]);
    expect(await tables()).toEqual(created);
  });

  it('give every synced table its unique (connection_id, external_id)', async () => {
    const { rows } = await t.pool.query<{ tablename: string }>(
      `SELECT tablename FROM pg_indexes WHERE schemaname = 'public'
         AND indexdef LIKE 'CREATE UNIQUE INDEX%(connection_id, external_id)'`,
    );
    expect(rows.map((r) => r.tablename).sort()).toEqual(['contacts', 'credit_notes', 'customers', 'invoices', 'payments']);
  });

  it('serve the overdue-invoices query from the partial index', async () => {
    const { rows } = await t.pool.query<{ indexdef: string }>(
      `SELECT indexdef FROM pg_indexes WHERE indexname = 'invoices_org_open_undisputed_due_idx'`,
    );
    expect(rows[0]?.indexdef).toMatch(/\(organization_id, due_date\) WHERE \(\(status = 'open'::invoice_status\) AND \(NOT disputed\)\)/);
    await t.pool.query('SET enable_seqscan = off');
    const plan = await t.pool.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT id FROM invoices WHERE organization_id = gen_random_uuid() AND status = 'open'
         AND NOT disputed AND due_date < current_date ORDER BY due_date`,
    );
    expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('invoices_org_open_undisputed_due_idx');
    await t.pool.query('RESET enable_seqscan');
  });
});
