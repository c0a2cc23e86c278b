/**
 * The overdue figures of linked customers queued for their CRM companies, on a real PostgreSQL:
 * in the customer's currency only, nothing queued again while they stay the same, a new row when
 * they change, and a return to an earlier value queued too.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueCompanyBalances } from '../../core/crm-control/index.ts';
import { savePage } from '../../core/store/index.ts';
import { connections } from '../../core/store/schema/index.ts';
import { seedConnection } from '../outbox/support/seed.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

let t: TestDatabase;
let organizationId: string;
let ledger: string;
let crm: string;

const queued = async () => (await t.db.execute<{ properties: Record<string, unknown> }>(
  sql`SELECT payload->'properties' AS properties FROM outbox WHERE connection_id = ${crm}::uuid AND kind = 'set_company_properties' ORDER BY seq`)).rows.map((r) => r.properties);
const setBalance = (externalId: string, minor: number) =>
  t.db.execute(sql`UPDATE invoices SET balance_minor = ${minor}, status = ${minor === 0 ? 'paid' : 'open'} WHERE external_id = ${externalId}`);

beforeAll(async () => {
  t = await createTestDatabase();
  ({ organizationId, connectionId: ledger } = await seedConnection(t.db, 'quickbooks'));
  const [hub] = await t.db.insert(connections).values({ organizationId, provider: 'hubspot', externalAccountId: '123' }).returning({ id: connections.id });
  crm = hub!.id;
  await savePage(t.db, { connectionId: ledger, entity: 'customer', records: [{ entity: 'customer', externalId: 'C1', name: 'C1', email: null, phone: null,
    currency: 'EUR', balance: null, country: null, language: null, taxId: null, active: true, updatedAt: null }] });
  const invoice = (externalId: string, dueDate: string, currency: string, balance: string) => ({ entity: 'invoice', externalId, number: externalId,
    customerExternalId: 'C1', issueDate: '2026-01-02', dueDate, currency, total: '500.00', balance, status: 'open', updatedAt: null });
  await savePage(t.db, { connectionId: ledger, entity: 'invoice', records: [
    invoice('OLD', '2026-02-01', 'EUR', '100.00'), invoice('LATE', '2026-02-20', 'EUR', '25.50'),
    invoice('NOT_DUE', '2026-04-01', 'EUR', '300.00'), invoice('USD', '2026-01-15', 'USD', '40.00'),
  ] });
  await t.db.execute(sql`INSERT INTO customer_external_refs (customer_id, connection_id, kind, external_id, matched_by)
    SELECT id, ${crm}::uuid, 'company', '42', 'domain' FROM customers WHERE external_id = 'C1'`);
}, 60_000);

afterAll(() => t?.drop());

describe('company balances', () => {
  it("queues the customer's overdue amount in its currency and the oldest overdue days", async () => {
    expect(await enqueueCompanyBalances(t.db, organizationId, '2026-03-01')).toBe(1);
    expect(await queued()).toEqual([{ overdueAmount: '125.50', currency: 'EUR', oldestOverdueDays: 28 }]);
  });

  it('queues nothing while the figures stay the same', async () => {
    expect(await enqueueCompanyBalances(t.db, organizationId, '2026-03-01')).toBe(0);
    expect(await queued()).toHaveLength(1);
  });

  it('queues the new figures after a payment, and the earlier ones again when they come back', async () => {
    await setBalance('OLD', 0);
    await setBalance('LATE', 0);
    expect(await enqueueCompanyBalances(t.db, organizationId, '2026-03-01')).toBe(1);
    await setBalance('OLD', 10_000);
    await setBalance('LATE', 2_550);
    expect(await enqueueCompanyBalances(t.db, organizationId, '2026-03-01')).toBe(1);
    expect((await queued()).slice(1)).toEqual([
      { overdueAmount: '0.00', currency: 'EUR', oldestOverdueDays: null },
      { overdueAmount: '125.50', currency: 'EUR', oldestOverdueDays: 28 },
    ]);
  });
});
