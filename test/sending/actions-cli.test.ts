/** `relance actions list|approve|reject` as a user runs it, on a real PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { runOrganization } from '../../core/agenda/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { runCli } from '../support/cli.ts';
import { addCustomer, addInvoice, seedOrganization, type OrgFixture } from '../agenda/fixtures.ts';

const key = `t1:${Buffer.alloc(32, 7).toString('base64')}`;
let t: TestDatabase;
let f: OrgFixture;
let env: Record<string, string>;

beforeAll(async () => {
  t = await createTestDatabase();
  env = { DATABASE_URL: t.url, RELANCE_SECRET_KEY: key };
  f = await seedOrganization(t.db);
  // Due 4 February: on 2 March the step that requires approval (reminder-2) has come for each.
  for (const name of ['Boulangerie Martin', 'Garage Leroy', 'Café Dubois']) {
    await addInvoice(t.db, f, await addCustomer(t.db, f, { name }), { dueDate: '2026-02-04', total: 125050n });
  }
  await runOrganization(t.db, { organizationId: f.organizationId, asOf: '2026-03-02' });
});
afterAll(async () => t?.drop());

interface Listed { id: string; customerName: string; status: string; step: number; template: string; amountDue: string; currency: string; invoiceCount: number }

describe('relance actions', () => {
  it('lists the approval queue, approves two, rejects one with its reason, and reports an id already decided', async () => {
    const list = await runCli(['actions', 'list', '--json', '--organization', f.organizationId], env);
    expect(list.stderr).toBe('');
    const queue = JSON.parse(list.stdout) as Listed[];
    expect(queue.map((q) => q.customerName).sort()).toEqual(['Boulangerie Martin', 'Café Dubois', 'Garage Leroy']);
    expect(queue[0]).toMatchObject({ status: 'awaiting_approval', step: 3, template: 'reminder-2', amountDue: '1250.50', currency: 'EUR', invoiceCount: 1 });

    const [a, b, c] = queue.map((q) => q.id);
    const approved = await runCli(['actions', 'approve', a!, b!, '--by', 'anna'], env);
    expect(approved.code).toBe(0);
    expect(JSON.parse(approved.stdout)).toEqual([{ id: a, ok: true }, { id: b, ok: true }]);
    const rejected = await runCli(['actions', 'reject', c!, a!, '--reason', 'customer called: paying Friday', '--by', 'anna'], env);
    expect(rejected.code).toBe(1);
    expect(JSON.parse(rejected.stdout)).toEqual([{ id: c, ok: true }, { id: a, ok: false, error: 'not awaiting approval' }]);

    const planned = JSON.parse((await runCli(['actions', 'list', '--status', 'planned', '--json'], env)).stdout) as Listed[];
    expect(planned.map((p) => p.id).sort()).toEqual([a, b].sort());
    expect(JSON.parse((await runCli(['actions', 'list', '--json'], env)).stdout)).toEqual([]);
    const { rows } = await t.db.execute<{ kind: string; actor: string; reason: string | null }>(sql`
      SELECT kind, actor, payload->>'reason' AS reason FROM activities WHERE kind LIKE 'reminder.%' ORDER BY kind`);
    expect(rows).toEqual([
      { kind: 'reminder.approved', actor: 'user:anna', reason: null },
      { kind: 'reminder.approved', actor: 'user:anna', reason: null },
      { kind: 'reminder.rejected', actor: 'user:anna', reason: 'customer called: paying Friday' },
    ]);
  }, 120_000);

  it('refuses bad input with one line naming it', async () => {
    const cases: [string[], string][] = [
      [['actions', 'list', '--status', 'pending'], 'relance: --status: "pending" is not one of planned, awaiting_approval, sending, sent, skipped, failed, cancelled'],
      [['actions', 'approve', 'not-an-id'], 'relance: action id "not-an-id" is not a UUID'],
      [['actions', 'reject', '00000000-0000-4000-8000-000000000000', '--reason', ' '], 'relance: --reason: a rejection must say why'],
    ];
    for (const [args, line] of cases) {
      const r = await runCli(args, env);
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe(line);
    }
    // A missing --reason is a usage error: commander says so, status 2.
    expect((await runCli(['actions', 'reject', '00000000-0000-4000-8000-000000000000'], env)).code).toBe(2);
  }, 120_000);
});
