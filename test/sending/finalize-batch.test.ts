/**
 * The batch write-back of a send batch's finalization (`enqueueReminderWriteBacks`, a few
 * statements per batch) writes the same outbox rows, in the same order and with the same
 * superseding, as `enqueueReminderWriteBack` one reminder after the other: two reminders listing
 * the same invoice (the second stage supersedes the first), an older pending stage on an invoice
 * (superseded), a reminder already written back (nothing again), and a customer linked to a CRM
 * company (its stage and note).
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDueReminders } from '../../bench/send.ts';
import { enqueuePushChange, enqueueReminderWriteBack, enqueueReminderWriteBacks, type SentReminder } from '../../core/outbox/index.ts';
import type { Db } from '../../core/store/db.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

let t: TestDatabase;
beforeAll(async () => void (t = await createTestDatabase()));
afterAll(() => t?.drop());

type Row = { key: string; kind: string; status: string; by: string | null; payload: unknown };

/** The outbox as it stands, in `seq` order, each row's superseder named by its key. */
async function outbox(db: Pick<Db, 'execute'>): Promise<Row[]> {
  const { rows } = await db.execute<Row>(sql`
    SELECT o.idempotency_key AS key, o.kind, o.status::text AS status, s.idempotency_key AS by, o.payload
      FROM outbox o LEFT JOIN outbox s ON s.id = o.superseded_by ORDER BY o.seq`);
  return rows;
}

class Rollback extends Error {}

/** What `write` leaves in the outbox, rolled back afterwards; and the count it returned. */
async function leaves(write: (tx: Parameters<Parameters<Db['transaction']>[0]>[0]) => Promise<number>): Promise<{ rows: Row[]; created: number }> {
  let seen: { rows: Row[]; created: number } | null = null;
  await t.db.transaction(async (tx) => {
    const created = await write(tx);
    // A company note's timestamp is its transaction's now(): the one thing that differs.
    seen = { rows: (await outbox(tx)).map((r) => ({ ...r, payload: { ...(r.payload as object), timestamp: undefined } })), created };
    throw new Rollback();
  }).catch((e: unknown) => {
    if (!(e instanceof Rollback)) throw e;
  });
  return seen!;
}

describe('the batch write-back of sent reminders', () => {
  it('writes what one reminder after the other writes, superseding alike', async () => {
    const org = await seedDueReminders(t, 5);
    const { rows: actions } = await t.db.execute<{ id: string; customer_id: string; invoice_id: string; connection_id: string; external_id: string }>(sql`
      SELECT a.id, a.customer_id, ai.invoice_id, i.connection_id, i.external_id FROM actions a
        JOIN action_invoices ai ON ai.action_id = a.id JOIN invoices i ON i.id = ai.invoice_id
       WHERE a.organization_id = ${org} ORDER BY i.external_id`);
    const [a, b, c, d] = actions;
    // b also lists a's invoice: a's stage on it is superseded by b's within the batch.
    await t.db.execute(sql`INSERT INTO action_invoices (action_id, invoice_id, level) VALUES (${b!.id}, ${a!.invoice_id}, 1)`);
    // c's invoice has an older pending stage from before: superseded.
    await t.db.transaction((tx) => enqueuePushChange(tx, { organizationId: org, connectionId: c!.connection_id, idempotencyKey: 'earlier-stage',
      change: { kind: 'set_dunning_stage', invoiceExternalId: c!.external_id, stage: 'earlier#1' } }));
    // d was already written back (a finalization run twice): nothing is added for it.
    const reminder = (x: typeof a, step: number): SentReminder => ({
      organizationId: org, actionId: x!.id, customerId: x!.customer_id, step, scenario: 'bench', template: 'reminder-1', channel: 'email', date: '2026-12-04',
    });
    await t.db.transaction((tx) => enqueueReminderWriteBack(tx, reminder(d, 1)));
    // e's customer is linked to a CRM company: its stage and note go too.
    const e = actions[4]!;
    const { rows: [hub] } = await t.db.execute<{ id: string }>(sql`
      INSERT INTO connections (organization_id, provider, external_account_id) VALUES (${org}, 'hubspot', 'portal-1') RETURNING id`);
    await t.db.execute(sql`INSERT INTO customer_external_refs (customer_id, connection_id, kind, external_id, matched_by)
                           VALUES (${e.customer_id}, ${hub!.id}, 'company', '42', 'domain')`);
    const batch = [reminder(a, 1), reminder(b, 2), reminder(c, 1), reminder(d, 1), reminder(e, 3)];

    const oneByOne = await leaves(async (tx) => {
      let n = 0;
      for (const r of batch) n += await enqueueReminderWriteBack(tx, r);
      return n;
    });
    const together = await leaves((tx) => enqueueReminderWriteBacks(tx, batch));

    expect(together).toEqual(oneByOne);
    // The cases above are really there.
    const byKey = new Map(oneByOne.rows.map((r) => [r.key, r]));
    expect(byKey.get(`action:${a!.id}:${a!.invoice_id}:set_dunning_stage`)).toMatchObject({ status: 'superseded', by: `action:${b!.id}:${a!.invoice_id}:set_dunning_stage` });
    expect(byKey.get('earlier-stage')).toMatchObject({ status: 'superseded', by: `action:${c!.id}:${c!.invoice_id}:set_dunning_stage` });
    expect(oneByOne.rows.filter((r) => r.key.startsWith(`action:${d!.id}:`))).toHaveLength(2);
    expect(oneByOne.rows.filter((r) => r.key.startsWith(`action:${e.id}:company:`)).map((r) => r.kind)).toEqual(['set_company_properties', 'add_company_note']);
    expect(oneByOne.created).toBe(2 * 2 + 2 + 2 + 0 + 2 + 2);
  });
});
