import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { runCustomer, runOrganization } from '../../core/agenda/index.ts';
import { pinScenario, placeHold, releaseHold, saveScenario } from '../../core/scenarios/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { addCustomer, addInvoice, seedOrganization, type OrgFixture } from './fixtures.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

interface ActionRow {
  id: string; customer_id: string; step: number; status: string; channel: string; template: string;
  amount_due_minor: string; details: { fees: Record<string, string>; stepDate: string; invoiceIds: string[] };
}

async function actionsOf(f: OrgFixture, status?: string): Promise<ActionRow[]> {
  const { rows } = await t.db.execute<ActionRow & Record<string, unknown>>(sql`
    SELECT id, customer_id, step, status, channel, template, amount_due_minor::text, details FROM actions
     WHERE organization_id = ${f.organizationId} ${status ? sql`AND status = ${status}` : sql``} ORDER BY created_at`);
  return rows;
}

async function markSent(actionId: string): Promise<void> {
  await t.db.execute(sql`UPDATE actions SET status = 'sent', sent_at = now() WHERE id = ${actionId}`);
}

describe('the daily run on the store', () => {
  let f: OrgFixture;
  beforeEach(async () => {
    f = await seedOrganization(t.db);
  });

  it('catches up with one action at the most advanced step, never a burst of old ones, and is idempotent', async () => {
    const c = await addCustomer(t.db, f);
    await addInvoice(t.db, f, c, { dueDate: '2026-02-04' });
    // 2026-03-01: steps 1 (Feb 1), 2 (Feb 11) and 3 (Feb 25) have all come; only step 3 is planned.
    const first = await runOrganization(t.db, { organizationId: f.organizationId, asOf: '2026-03-01' });
    expect(first).toMatchObject({ customers: 1, actions: 1, inserted: 1 });
    const [a] = await actionsOf(f);
    expect(a).toMatchObject({ step: 3, status: 'awaiting_approval', template: 'reminder-2', amount_due_minor: '120000' });
    expect(a!.details.stepDate).toBe('2026-02-25');
    const again = await runOrganization(t.db, { organizationId: f.organizationId, asOf: '2026-03-01' });
    expect(again.inserted).toBe(0);
    expect(await actionsOf(f)).toHaveLength(1);
  });

  it('never duplicates when two runs race over the same organization', async () => {
    for (let i = 0; i < 30; i++) {
      const c = await addCustomer(t.db, f);
      await addInvoice(t.db, f, c, { dueDate: '2026-02-20' });
    }
    const runs = await Promise.all([1, 2, 3].map(() => runOrganization(t.db, { organizationId: f.organizationId, asOf: '2026-03-01', batchSize: 7 })));
    expect(runs.reduce((s, r) => s + r.inserted, 0)).toBe(30);
    expect(await actionsOf(f)).toHaveLength(30);
  });

  it('sends a customer with several overdue invoices one reminder listing them all', async () => {
    const c = await addCustomer(t.db, f);
    const i1 = await addInvoice(t.db, f, c, { dueDate: '2026-02-04', number: 'F-1' });
    const i2 = await addInvoice(t.db, f, c, { dueDate: '2026-02-18', number: 'F-2', total: 50000n });
    const i3 = await addInvoice(t.db, f, c, { dueDate: '2026-02-10', number: 'F-3', total: 10000n, balance: 4000n });
    await runOrganization(t.db, { organizationId: f.organizationId, asOf: '2026-03-01' });
    const actions = await actionsOf(f);
    expect(actions).toHaveLength(1);
    expect(actions[0]!.details.invoiceIds).toEqual([i1, i3, i2]);
    // The provider's balance wins over missing allocations: 1200 + 40 + 500.
    expect(actions[0]!.amount_due_minor).toBe('174000');
    const { rows } = await t.db.execute<{ invoice_id: string; level: number }>(
      sql`SELECT invoice_id, level FROM action_invoices WHERE action_id = ${actions[0]!.id} ORDER BY level DESC`,
    );
    expect(rows.map((r) => r.level)).toEqual([3, 2, 2]);
  });

  it('moves to the next step only once the previous one was sent, and supersedes a stale pending action', async () => {
    const c = await addCustomer(t.db, f);
    await addInvoice(t.db, f, c, { dueDate: '2026-02-04' });
    await runOrganization(t.db, { organizationId: f.organizationId, asOf: '2026-02-12' });
    const [step2] = await actionsOf(f);
    expect(step2!.step).toBe(2);
    await markSent(step2!.id);
    await runOrganization(t.db, { organizationId: f.organizationId, asOf: '2026-02-20' });
    expect(await actionsOf(f)).toHaveLength(1);
    await runOrganization(t.db, { organizationId: f.organizationId, asOf: '2026-02-26' });
    const step3 = (await actionsOf(f, 'awaiting_approval'))[0]!;
    expect(step3.step).toBe(3);
    // A second invoice falls due and reaches step 2 while step 3 still waits: one new action for
    // both, the stale one cancelled.
    await addInvoice(t.db, f, c, { dueDate: '2026-02-18' });
    await runOrganization(t.db, { organizationId: f.organizationId, asOf: '2026-02-27' });
    expect((await actionsOf(f, 'cancelled')).map((a) => a.id)).toEqual([step3.id]);
    const fresh = await actionsOf(f, 'awaiting_approval');
    expect(fresh).toHaveLength(1);
    expect(fresh[0]!.details.invoiceIds).toHaveLength(2);
  });

  describe('stop rules', () => {
    async function skippedRule(setup: (customerId: string, invoiceId: string) => Promise<void>): Promise<Record<string, number>> {
      const c = await addCustomer(t.db, f);
      const i = await addInvoice(t.db, f, c, { dueDate: '2026-02-04' });
      await setup(c, i);
      const run = await runOrganization(t.db, { organizationId: f.organizationId, asOf: '2026-03-01' });
      expect(run.actions).toBe(0);
      return run.skippedByRule;
    }

    it('paused customer', async () => {
      expect(await skippedRule((c) => t.db.execute(sql`UPDATE customers SET paused = true WHERE id = ${c}`).then(() => {}))).toEqual({ paused: 1 });
    });
    it('hold on the customer, until a date; released holds and past ends stop holding', async () => {
      let holdId = '';
      expect(await skippedRule(async (c) => {
        holdId = await placeHold(t.db, f.organizationId, { customerId: c, reason: 'negotiating', until: '2026-03-10' });
      })).toEqual({ hold: 1 });
      expect((await runOrganization(t.db, { organizationId: f.organizationId, asOf: '2026-03-11' })).actions).toBe(1);
      await releaseHold(t.db, holdId);
    });
    it('hold on the only invoice', async () => {
      expect(await skippedRule(async (c, i) => {
        await placeHold(t.db, f.organizationId, { customerId: c, invoiceId: i, reason: 'credit note coming' });
      })).toEqual({ hold: 1 });
    });
    it('pending promise to pay', async () => {
      expect(await skippedRule(async (c) => {
        await t.db.execute(sql`INSERT INTO promises_to_pay (organization_id, customer_id, currency, amount_minor, promised_date)
          VALUES (${f.organizationId}, ${c}, 'EUR', 120000, '2026-03-05')`);
      })).toEqual({ promise: 1 });
    });
    it('disputed invoice, by flag or by an open dispute', async () => {
      expect(await skippedRule((_c, i) => t.db.execute(sql`UPDATE invoices SET disputed = true WHERE id = ${i}`).then(() => {}))).toEqual({ disputed: 1 });
      expect(await skippedRule(async (c, i) => {
        await t.db.execute(sql`WITH d AS (INSERT INTO disputes (organization_id, customer_id, reason)
          VALUES (${f.organizationId}, ${c}, 'wrong quantity') RETURNING id)
          INSERT INTO dispute_invoices (dispute_id, invoice_id) SELECT id, ${i}::uuid FROM d`);
        // The first customer (flagged invoice) is still skipped too.
      })).toEqual({ disputed: 2 });
    });
    it('no contact for an email step', async () => {
      expect(await skippedRule((c) => t.db.execute(sql`UPDATE customers SET email = NULL WHERE id = ${c}`).then(() => {}))).toEqual({ no_contact: 1 });
    });
    it('paid: a payment synced and the per-customer run cancels the pending action', async () => {
      const c = await addCustomer(t.db, f);
      const i = await addInvoice(t.db, f, c, { dueDate: '2026-02-04' });
      await runOrganization(t.db, { organizationId: f.organizationId, asOf: '2026-03-01' });
      await t.db.execute(sql`UPDATE invoices SET status = 'paid', balance_minor = 0 WHERE id = ${i}`);
      const run = await runCustomer(t.db, { organizationId: f.organizationId, customerId: c, asOf: '2026-03-01' });
      expect(run).toMatchObject({ actions: 0, superseded: 1 });
      expect(await actionsOf(f, 'awaiting_approval')).toHaveLength(0);
    });
  });

  it('moves a step date that falls on a weekend to Monday when the organization asks for business days', async () => {
    const g = await seedOrganization(t.db, { businessDaysOnly: true });
    const c = await addCustomer(t.db, g);
    // Due Thursday 2026-02-05: step 2 (+7) falls on Thursday 12; step 3 (+21) on Thursday 26.
    // Due Wednesday 2026-02-04 + 7 = Wednesday. Use a due date whose +7 is a Saturday: 2026-02-07.
    await addInvoice(t.db, g, c, { dueDate: '2026-02-07' });
    const saturday = await runOrganization(t.db, { organizationId: g.organizationId, asOf: '2026-02-14' });
    expect(saturday.actions).toBe(1);
    expect((await actionsOf(g))[0]!.step).toBe(1);
    await markSent((await actionsOf(g))[0]!.id);
    expect((await runOrganization(t.db, { organizationId: g.organizationId, asOf: '2026-02-15' })).actions).toBe(0);
    await runOrganization(t.db, { organizationId: g.organizationId, asOf: '2026-02-16' });
    const monday = await actionsOf(g, 'planned');
    expect(monday.map((a) => [a.step, a.details.stepDate])).toEqual([[2, '2026-02-16']]);
  });

  it('adds late-payment fees by the organization policy (FORMATS.md example)', async () => {
    const g = await seedOrganization(t.db, { latePayment: { policy: 'FR_B2B', referenceRates: [{ from: '2026-01-01', rate: '2.15' }] } });
    const c = await addCustomer(t.db, g);
    const i = await addInvoice(t.db, g, c, { dueDate: '2026-02-04', balance: 100000n });
    await t.db.execute(sql`
      WITH p AS (INSERT INTO payments (organization_id, connection_id, external_id, customer_external_id, customer_id,
                   currency, date, amount_minor, unapplied_minor)
                 VALUES (${g.organizationId}, ${g.connectionId}, 'P1', 'x', ${c}, 'EUR', '2026-02-20', 20000, 0) RETURNING id)
      INSERT INTO allocations (organization_id, source, payment_id, connection_id, invoice_external_id, invoice_id, currency, amount_minor, date)
      SELECT ${g.organizationId}, 'payment', id, ${g.connectionId}, 'I1', ${i}::uuid, 'EUR', 20000, '2026-02-20' FROM p`);
    await runOrganization(t.db, { organizationId: g.organizationId, asOf: '2026-03-01' });
    const [a] = await actionsOf(g);
    expect(a!.amount_due_minor).toBe('100000');
    expect(a!.details.fees).toMatchObject({ interest: '9.32', fixed: '40.00', total: '49.32' });
  });

  it('selects scenarios by risk class segment, and an admin pin overrides the segments', async () => {
    const g = await seedOrganization(t.db, { scenarios: 'defaults' });
    const risky = await addCustomer(t.db, g);
    const pinned = await addCustomer(t.db, g);
    await t.db.execute(sql`INSERT INTO customer_dunning_profiles (customer_id, organization_id, risk_class)
      VALUES (${risky}, ${g.organizationId}, 'high'), (${pinned}, ${g.organizationId}, 'high')`);
    await pinScenario(t.db, g.organizationId, pinned, 'gentle');
    await addInvoice(t.db, g, risky, { dueDate: '2026-02-27' });
    await addInvoice(t.db, g, pinned, { dueDate: '2026-02-27' });
    await runOrganization(t.db, { organizationId: g.organizationId, asOf: '2026-03-01' });
    const { rows } = await t.db.execute<{ customer_id: string; scenario: string; template: string }>(sql`
      SELECT customer_id, details->>'scenario' AS scenario, template FROM actions WHERE organization_id = ${g.organizationId}`);
    const byCustomer = Object.fromEntries(rows.map((r) => [r.customer_id, [r.scenario, r.template]]));
    expect(byCustomer[risky]).toEqual(['firm-b2b', 'reminder-1']);
    expect(byCustomer[pinned]).toEqual(['gentle', 'courtesy']);
    await expect(pinScenario(t.db, g.organizationId, pinned, 'nope')).rejects.toThrow(/no scenario named "nope"/);
    await expect(saveScenario(t.db, g.organizationId, { name: 'x', steps: [] })).rejects.toThrow(/steps/);
  });
});
