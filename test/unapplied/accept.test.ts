/**
 * Accepting a suggestion on a real PostgreSQL: allocations recorded, balances lowered, the
 * QuickBooks payment application queued in the outbox, and a QuickBooks credit note's too (a $0 payment).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { acceptSuggestion, refreshSuggestions } from '../../core/unapplied/index.ts';
import { toPushChange } from '../../core/outbox/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { addCustomer, addInvoice, seedOrganization, type OrgFixture } from '../agenda/fixtures.ts';

let t: TestDatabase;
let f: OrgFixture;
beforeAll(async () => {
  t = await createTestDatabase();
  f = await seedOrganization(t.db);
});
afterAll(() => t.drop());

async function rows<T>(query: ReturnType<typeof sql>): Promise<T[]> {
  return (await t.db.execute<Record<string, unknown>>(query)).rows as T[];
}

describe('accepting a suggestion', () => {
  it('records allocations, lowers the balances and queues the QuickBooks application, for a payment and for a credit note', async () => {
    const c = await addCustomer(t.db, f);
    const i1 = await addInvoice(t.db, f, c, { dueDate: '2026-01-10', total: 50000n, number: 'F-201' });
    const i2 = await addInvoice(t.db, f, c, { dueDate: '2026-01-20', total: 20000n, number: 'F-202' });
    await t.db.execute(sql`
      INSERT INTO payments (organization_id, connection_id, external_id, customer_external_id, customer_id, currency, date, amount_minor, unapplied_minor, reference)
      VALUES (${f.organizationId}::uuid, ${f.connectionId}::uuid, 'PAY-9', 'x', ${c}::uuid, 'EUR', '2026-02-20', 70000, 70000, 'virement')`);
    await t.db.execute(sql`
      INSERT INTO credit_notes (organization_id, connection_id, external_id, customer_external_id, customer_id, currency, number, total_minor, remaining_minor)
      VALUES (${f.organizationId}::uuid, ${f.connectionId}::uuid, ${randomUUID()}, 'x', ${c}::uuid, 'EUR', 'AV-1', 20000, 20000)`);
    expect(await refreshSuggestions(t.db, f.organizationId)).toBeGreaterThanOrEqual(2);
    const [best] = await rows<{ id: string; rule: string; explanation: string }>(sql`
      SELECT id, rule, explanation FROM unapplied_suggestions WHERE payment_id IS NOT NULL ORDER BY score DESC LIMIT 1`);
    expect(best).toMatchObject({ rule: 'invoice_set', explanation: 'F-201 + F-202 sum to 700.00, the amount received' });

    const result = await t.db.transaction((tx) => acceptSuggestion(tx, best!.id, 'ana'));
    expect(result).toMatchObject({ allocations: 2, writeBack: { status: 'queued' } });
    expect(await rows(sql`SELECT id, balance_minor::text, status::text FROM invoices WHERE id IN (${i1}::uuid, ${i2}::uuid) ORDER BY number`))
      .toEqual([{ id: i1, balance_minor: '0', status: 'paid' }, { id: i2, balance_minor: '0', status: 'paid' }]);
    expect(await rows(sql`SELECT unapplied_minor::text FROM payments WHERE external_id = 'PAY-9'`)).toEqual([{ unapplied_minor: '0' }]);
    const [row] = await rows<{ id: string; kind: string; payload: Record<string, unknown> }>(sql`SELECT id, kind, payload FROM outbox WHERE kind = 'apply_payment'`);
    expect(toPushChange(row!)).toEqual({
      kind: 'apply_payment', source: 'payment', sourceExternalId: 'PAY-9', currency: 'EUR',
      applications: [{ invoiceExternalId: expect.any(String), amount: '500.00' }, { invoiceExternalId: expect.any(String), amount: '200.00' }],
    });
    await expect(t.db.transaction((tx) => acceptSuggestion(tx, best!.id, 'ana'))).rejects.toThrow(/already accepted/);

    // The credit note's suggestions were computed before the invoices were paid: accepting one now is refused.
    const [credit] = await rows<{ id: string }>(sql`SELECT id FROM unapplied_suggestions WHERE credit_note_id IS NOT NULL LIMIT 1`);
    await expect(t.db.transaction((tx) => acceptSuggestion(tx, credit!.id, 'ana'))).rejects.toThrow(/no longer owes/);
    const i3 = await addInvoice(t.db, f, c, { dueDate: '2026-02-01', total: 20000n, number: 'F-203' });
    await refreshSuggestions(t.db, f.organizationId);
    const [fresh] = await rows<{ id: string; invoice_ids: string[] }>(sql`SELECT id, invoice_ids FROM unapplied_suggestions WHERE credit_note_id IS NOT NULL AND status = 'suggested'`);
    expect(fresh!.invoice_ids).toEqual([i3]);
    expect(await t.db.transaction((tx) => acceptSuggestion(tx, fresh!.id, 'ana'))).toEqual({
      allocations: 1, writeBack: { status: 'queued', outboxIds: [expect.any(String)] },
    });
    const [credited] = await rows<{ id: string; kind: string; payload: Record<string, unknown> }>(sql`
      SELECT id, kind, payload FROM outbox WHERE kind = 'apply_payment' AND payload->>'source' = 'credit_note'`);
    expect(toPushChange(credited!)).toMatchObject({ kind: 'apply_payment', source: 'credit_note', currency: 'EUR', applications: [{ amount: '200.00' }] });
  });
});
