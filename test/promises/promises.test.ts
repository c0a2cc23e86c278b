/**
 * Promises to pay on a real PostgreSQL: a past date refused by name; a recorded promise holds the
 * dunning run back and is written back; kept or broken from synced payments; a broken promise
 * resumes at the next step (or the scenario's escalation); a payment plan's installments settle
 * cumulatively and a missed one defaults the plan.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { runCustomer } from '../../core/agenda/index.ts';
import { createPaymentPlan, recordPromise, settlePromises } from '../../core/promises/index.ts';
import { saveScenario } from '../../core/scenarios/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { addCustomer, addInvoice, seedOrganization, type OrgFixture } from '../agenda/fixtures.ts';

let t: TestDatabase;
let f: OrgFixture;

beforeAll(async () => {
  t = await createTestDatabase();
  f = await seedOrganization(t.db);
  await saveScenario(t.db, f.organizationId, {
    name: 'firm', steps: [
      { offsetDays: 7, action: 'email', template: 'reminder-1' },
      { offsetDays: 14, action: 'email', template: 'reminder-2' },
      { offsetDays: 30, action: 'escalate', template: 'escalation' },
      { offsetDays: 45, action: 'letter', template: 'formal-notice' },
    ],
  });
});
afterAll(() => t.drop());

async function rows<T>(query: ReturnType<typeof sql>): Promise<T[]> {
  return (await t.db.execute<Record<string, unknown>>(query)).rows as T[];
}

/** A sent action of `scenario` that carried `invoiceId` to `level`. */
async function sentAction(customerId: string, invoiceId: string, scenario: string, level: number): Promise<void> {
  const [s] = await rows<{ id: string }>(sql`SELECT id FROM scenarios WHERE organization_id = ${f.organizationId}::uuid AND name = ${scenario}`);
  const [a] = await rows<{ id: string }>(sql`
    INSERT INTO actions (organization_id, customer_id, scenario_id, step, channel, template, status, idempotency_key, scheduled_for, sent_at)
    VALUES (${f.organizationId}::uuid, ${customerId}::uuid, ${s!.id}::uuid, ${level}, 'email', 'x', 'sent', ${randomUUID()}, '2026-02-01', now()) RETURNING id`);
  await t.db.execute(sql`INSERT INTO action_invoices (action_id, invoice_id, level) VALUES (${a!.id}::uuid, ${invoiceId}::uuid, ${level})`);
}

async function payment(customerId: string, date: string, amountMinor: bigint): Promise<void> {
  await t.db.execute(sql`
    INSERT INTO payments (organization_id, connection_id, external_id, customer_external_id, customer_id, currency, date, amount_minor, unapplied_minor)
    VALUES (${f.organizationId}::uuid, ${f.connectionId}::uuid, ${randomUUID()}, 'x', ${customerId}::uuid, 'EUR', ${date}::date, ${amountMinor.toString()}::bigint, 0)`);
}

const promise = (customerId: string, over: Record<string, unknown> = {}) =>
  t.db.transaction((tx) => recordPromise(tx, { organizationId: f.organizationId, customerId, amount: '500.00', date: '2026-03-05', today: '2026-03-01', ...over }));

describe('recording a promise', () => {
  it('refuses a date in the past, naming the field and today', async () => {
    const c = await addCustomer(t.db, f);
    await expect(promise(c, { date: '2026-02-27' })).rejects.toThrow('promise.date: 2026-02-27 is in the past (today is 2026-03-01); a promise needs today or a later date');
    await expect(promise(c, { amount: '0' })).rejects.toThrow('promise.amount: must be more than zero');
    await expect(promise(c, { amount: '12.345' })).rejects.toThrow(/promise.amount/);
  });

  it('holds the dunning back until its date and writes "promise recorded" back on each open invoice', async () => {
    const c = await addCustomer(t.db, f);
    const inv = await addInvoice(t.db, f, c, { dueDate: '2026-02-01' });
    await addInvoice(t.db, f, c, { dueDate: '2026-02-10', status: 'paid', balance: 0n });
    await promise(c);
    await runCustomer(t.db, { organizationId: f.organizationId, customerId: c, asOf: '2026-03-01' });
    expect(await rows(sql`SELECT 1 FROM actions WHERE customer_id = ${c}::uuid`)).toEqual([]);
    const out = await rows<{ kind: string; external_id: string; payload: Record<string, unknown> }>(
      sql`SELECT o.kind, o.external_id, o.payload FROM outbox o JOIN invoices i ON i.external_id = o.external_id WHERE i.id = ${inv}::uuid`);
    expect(out).toEqual([{ kind: 'promise_recorded', external_id: expect.any(String), payload: expect.objectContaining({ amount: '500.00', currency: 'EUR', date: '2026-03-05' }) }]);
    // The day after the promised date, the promise no longer holds the run back.
    await runCustomer(t.db, { organizationId: f.organizationId, customerId: c, asOf: '2026-03-06' });
    expect((await rows(sql`SELECT 1 FROM actions WHERE customer_id = ${c}::uuid`)).length).toBe(1);
  });
});

describe('kept or broken', () => {
  it('is kept when payments dated up to its date cover it, and leaves no action', async () => {
    const c = await addCustomer(t.db, f);
    await addInvoice(t.db, f, c, { dueDate: '2026-02-01' });
    await promise(c);
    await payment(c, '2026-03-04', 50000n);
    const report = await settlePromises(t.db, f.organizationId, '2026-03-04');
    expect(report.kept).toBeGreaterThanOrEqual(1);
    const [p] = await rows<{ status: string; paid_minor: string }>(sql`SELECT status::text, paid_minor::text FROM promises_to_pay WHERE customer_id = ${c}::uuid`);
    expect(p).toEqual({ status: 'kept', paid_minor: '50000' });
    expect(await rows<{ kind: string }>(sql`SELECT kind FROM activities WHERE customer_id = ${c}::uuid AND kind LIKE 'promise.%' ORDER BY kind`))
      .toEqual([{ kind: 'promise.kept' }, { kind: 'promise.recorded' }]);
  });

  it('is broken once its date passed short of the amount, and resumes at the next step, not the latest come', async () => {
    const c = await addCustomer(t.db, f);
    const inv = await addInvoice(t.db, f, c, { dueDate: '2026-01-01' });
    await sentAction(c, inv, 'standard', 2);
    await promise(c);
    await payment(c, '2026-03-03', 10000n); // 100.00 of 500.00
    expect((await settlePromises(t.db, f.organizationId, '2026-03-05')).broken).toBe(0); // its date has not passed
    const report = await settlePromises(t.db, f.organizationId, '2026-03-06');
    expect(report.resumed.filter((r) => r.customerId === c)).toEqual([{ customerId: c, step: 3, action: 'email', escalated: false, invoiceIds: [inv] }]);
    const [p] = await rows<{ status: string }>(sql`SELECT status::text FROM promises_to_pay WHERE customer_id = ${c}::uuid`);
    expect(p!.status).toBe('broken');
    // Step 4 (the letter) had come too while paused; the customer gets step 3, which needs approval.
    expect(await rows(sql`SELECT step, template, status::text FROM actions WHERE customer_id = ${c}::uuid AND status <> 'sent'`))
      .toEqual([{ step: 3, template: 'reminder-2', status: 'awaiting_approval' }]);
  });

  it('escalates when the scenario has an escalation step ahead', async () => {
    const c = await addCustomer(t.db, f);
    const inv = await addInvoice(t.db, f, c, { dueDate: '2026-02-01' });
    await sentAction(c, inv, 'firm', 1);
    await promise(c);
    const report = await settlePromises(t.db, f.organizationId, '2026-03-06');
    expect(report.resumed.find((r) => r.customerId === c)).toMatchObject({ step: 3, action: 'escalate', escalated: true });
    expect(await rows(sql`SELECT step, channel::text FROM actions WHERE customer_id = ${c}::uuid AND status = 'planned'`)).toEqual([{ step: 3, channel: 'escalate' }]);
  });
});

describe('payment plans', () => {
  it('settles installments cumulatively and defaults the plan on a missed one', async () => {
    const c = await addCustomer(t.db, f);
    await addInvoice(t.db, f, c, { dueDate: '2026-02-01', total: 20000n });
    await expect(t.db.transaction((tx) => createPaymentPlan(tx, { organizationId: f.organizationId, customerId: c, today: '2026-03-01',
      installments: [{ date: '2026-04-10', amount: '100.00' }, { date: '2026-03-10', amount: '100.00' }] })))
      .rejects.toThrow("paymentPlan.installments.1.date: must be later than the previous installment's");
    const plan = await t.db.transaction((tx) => createPaymentPlan(tx, { organizationId: f.organizationId, customerId: c, today: '2026-03-01',
      installments: [{ date: '2026-03-10', amount: '100.00' }, { date: '2026-04-10', amount: '100.00' }] }));
    expect(plan.promiseIds).toHaveLength(2);
    await payment(c, '2026-03-08', 12000n);
    await settlePromises(t.db, f.organizationId, '2026-03-11');
    const installments = () => rows<{ sequence: number; status: string }>(sql`SELECT sequence, status::text FROM payment_plan_installments WHERE plan_id = ${plan.id}::uuid ORDER BY sequence`);
    expect(await installments()).toEqual([{ sequence: 1, status: 'paid' }, { sequence: 2, status: 'pending' }]);
    // 120.00 paid by the second date; 200.00 was due by then.
    await settlePromises(t.db, f.organizationId, '2026-04-11');
    expect(await installments()).toEqual([{ sequence: 1, status: 'paid' }, { sequence: 2, status: 'late' }]);
    expect(await rows(sql`SELECT status::text FROM payment_plans WHERE id = ${plan.id}::uuid`)).toEqual([{ status: 'defaulted' }]);
  });
});
