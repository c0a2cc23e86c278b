/**
 * Store-backed reports on hand-computed fixtures (a real PostgreSQL): one organization's figures,
 * and a group of two organizations holding three currencies consolidated into EUR.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { savePage } from '../../core/store/index.ts';
import { connections, groupFxRates, groupMemberships, groups, organizations } from '../../core/store/schema/index.ts';
import { agedBalances, agingToJson, collectionFigures, forecast, forecastToJson } from '../../core/reports/index.ts';
import { activityFigures, convertMinor, loadGroupLedgers, loadOrganizationLedgers } from '../../core/reports/store/index.ts';

const AS_OF = '2026-03-01';
let t: TestDatabase;
let orgA: string;
let groupId: string;

async function org(name: string, currency: string, country: string): Promise<{ id: string; connectionId: string }> {
  const [o] = await t.db.insert(organizations).values({ name, baseCurrency: currency, country }).returning({ id: organizations.id });
  const [c] = await t.db.insert(connections).values({ organizationId: o!.id, provider: 'quickbooks', externalAccountId: name }).returning({ id: connections.id });
  return { id: o!.id, connectionId: c!.id };
}

const customer = (externalId: string) => ({ entity: 'customer', externalId, name: externalId, email: null, phone: null, currency: null,
  balance: null, country: null, language: null, taxId: null, active: true, updatedAt: '2026-01-01T00:00:00Z' });
const invoice = (externalId: string, customerExternalId: string, currency: string, issueDate: string, dueDate: string, total: string, balance: string) => ({
  entity: 'invoice', externalId, number: externalId, customerExternalId, issueDate, dueDate, currency, total, balance, status: 'open', updatedAt: '2026-02-28T00:00:00Z' });

beforeAll(async () => {
  t = await createTestDatabase();
  const a = await org('Atelier', 'EUR', 'FR');
  const b = await org('Workshop', 'USD', 'US');
  orgA = a.id;
  const save = (connectionId: string, entity: string, records: unknown[]) => savePage(t.db, { connectionId, entity: entity as 'invoice', records });
  await save(a.connectionId, 'customer', [customer('C1')]);
  await save(a.connectionId, 'invoice', [
    invoice('A1', 'C1', 'EUR', '2026-01-02', '2026-02-01', '1000.00', '600.00'),
    invoice('A2', 'C1', 'EUR', '2026-02-20', '2026-03-22', '300.00', '300.00'),
  ]);
  await save(a.connectionId, 'payment', [{ entity: 'payment', externalId: 'P1', customerExternalId: 'C1', date: '2026-02-10', currency: 'EUR',
    amount: '400.00', unapplied: '0.00', reference: null, allocations: [{ invoiceExternalId: 'A1', amount: '400.00' }], updatedAt: '2026-02-10T00:00:00Z' }]);
  await save(b.connectionId, 'customer', [customer('K1')]);
  await save(b.connectionId, 'invoice', [
    invoice('B1', 'K1', 'USD', '2026-01-15', '2026-01-20', '500.00', '500.00'),
    invoice('B2', 'K1', 'GBP', '2026-02-01', '2026-02-15', '100.00', '100.00'),
  ]);
  const [g] = await t.db.insert(groups).values({ name: 'Holding', reportingCurrency: 'EUR' }).returning({ id: groups.id });
  groupId = g!.id;
  await t.db.insert(groupMemberships).values([{ groupId, organizationId: a.id }, { groupId, organizationId: b.id }]);
  await t.db.insert(groupFxRates).values([
    { groupId, currency: 'USD', from: '2026-01-01', rate: '0.9' },
    { groupId, currency: 'USD', from: '2026-04-01', rate: '0.5' }, // not yet in force on AS_OF
  ]);
  // History for the activity figures.
  const c1 = sql`(SELECT id FROM customers WHERE external_id = 'C1')`;
  await t.db.execute(sql`INSERT INTO promises_to_pay (organization_id, customer_id, currency, amount_minor, promised_date, status, recorded_by, created_at) VALUES
    (${orgA}, ${c1}, 'EUR', 20000, '2026-03-10', 'pending', 'ana', '2026-02-27'),
    (${orgA}, ${c1}, 'EUR', 10000, '2026-02-10', 'kept', 'ana', '2026-02-01'),
    (${orgA}, ${c1}, 'EUR', 10000, '2026-02-12', 'kept', 'ben', '2026-02-01'),
    (${orgA}, ${c1}, 'EUR', 10000, '2026-02-14', 'broken', 'ben', '2026-02-01')`);
  await t.db.execute(sql`INSERT INTO disputes (organization_id, customer_id, reason, status, owner, opened_at, resolved_at) VALUES
    (${orgA}, ${c1}, 'price', 'resolved', 'ana', '2026-02-01T00:00:00Z', '2026-02-04T12:00:00Z'),
    (${orgA}, ${c1}, 'goods', 'open', 'ana', '2026-02-01T00:00:00Z', NULL)`);
  await t.db.execute(sql`
    WITH a AS (INSERT INTO actions (organization_id, customer_id, step, channel, status, idempotency_key, scheduled_for, sent_at, approved_by, updated_at) VALUES
      (${orgA}, ${c1}, 1, 'email', 'sent', 'r1', '2026-02-05', '2026-02-05T09:00:00Z', 'ana', '2026-02-05'),
      (${orgA}, ${c1}, 2, 'email', 'sent', 'r2', '2026-02-25', '2026-02-25T09:00:00Z', NULL, '2026-02-25') RETURNING id, idempotency_key)
    INSERT INTO action_invoices (action_id, invoice_id, level)
    SELECT a.id, i.id, 1 FROM a JOIN invoices i ON i.external_id = CASE a.idempotency_key WHEN 'r1' THEN 'A1' ELSE 'A2' END`);
});
afterAll(() => t.drop());

describe('one organization from the store', () => {
  it('ages its open balances by days past due', async () => {
    const ledgers = await loadOrganizationLedgers(t.db, orgA);
    const json = agingToJson(agedBalances(ledgers, { name: 'Atelier', country: 'FR', currency: 'EUR', timezone: null, language: null, latePayment: { policy: 'NONE' }, businessDaysOnly: false }, AS_OF));
    expect(json).toMatchObject({ currency: 'EUR', total: '900.00', buckets: { current: '300.00', '1-30': '600.00', '31-60': '0.00' } });
  });

  it('computes overdue rate, CEI, DSO, best possible DSO, ADD and countback DSO as worked out by hand', async () => {
    const f = collectionFigures(await loadOrganizationLedgers(t.db, orgA), 'EUR', AS_OF, 90);
    // Sales 1300 (A1 1000 + A2 300); receivables 900, current 300; nothing open on 2025-12-01.
    expect(f).toMatchObject({ creditSales: 130000n, endingReceivables: 90000n, endingCurrent: 30000n, beginningReceivables: 0n });
    expect(f.overdueRateTenths).toBe(667n); // 600 / 900
    expect(f.ceiTenths).toBe(400n); // (0 + 1300 − 900) / (0 + 1300 − 300)
    expect(f.dsoTenths).toBe(623n); // 900 / 1300 × 90 = 62.31
    expect(f.bestPossibleDsoTenths).toBe(208n); // 300 / 1300 × 90 = 20.77
    expect(f.addTenths).toBe(415n);
    // 10 days (1 Mar … 20 Feb) use A2's 300, 48 empty days (19 Feb … 3 Jan), then 600/1000 of 2 Jan.
    expect(f.countbackDsoTenths).toBe(586n);
  });

  it("forecasts weekly cash-in from the payer profile and the pending promise", async () => {
    const json = forecastToJson(forecast(await loadOrganizationLedgers(t.db, orgA), 'EUR', AS_OF, 5));
    expect(json).toEqual({
      asOf: AS_OF, currency: 'EUR',
      weeks: [
        { from: '2026-03-01', to: '2026-03-07', amount: '400.00' }, // A1 overdue, less the promised 200
        { from: '2026-03-08', to: '2026-03-14', amount: '200.00' }, // the promise of 10 March
        { from: '2026-03-15', to: '2026-03-21', amount: '0.00' },
        { from: '2026-03-22', to: '2026-03-28', amount: '300.00' }, // A2 on its due date (no payment history)
        { from: '2026-03-29', to: '2026-04-04', amount: '0.00' },
      ],
      later: '0.00', total: '900.00',
    });
  });

  it('counts promises kept, reminder conversion, dispute resolution time and team work', async () => {
    const f = await activityFigures(t.db, orgA, AS_OF, 90);
    expect(f.promises).toEqual({ kept: 2, broken: 1, keptRate: '66.7' });
    // r1 (5 Feb) was followed by the payment of 10 Feb; r2 (25 Feb) by nothing.
    expect(f.reminders).toEqual({ sent: 2, paidWithin7: 1, paidWithin14: 1, conversion7: '50.0', conversion14: '50.0' });
    expect(f.disputes).toEqual({ closed: 1, averageResolutionDays: '3.5' });
    expect(f.team).toEqual([
      { user: 'ana', actionsApproved: 1, disputesClosed: 1, promisesRecorded: 2 },
      { user: 'ben', actionsApproved: 0, disputesClosed: 0, promisesRecorded: 2 },
    ]);
  });
});

describe('a group in two organizations and three currencies, consolidated into EUR', () => {
  it('converts at the rate in force on the date and ages the whole', async () => {
    const g = await loadGroupLedgers(t.db, groupId, AS_OF, { GBP: '1.15' });
    expect(g.rates).toEqual({ USD: '0.9', GBP: '1.15' });
    const json = agingToJson(agedBalances(g.customers, g.organization, AS_OF));
    // A1 600 EUR (28 days), A2 300 EUR (current), B1 500 USD × 0.9 (40 days), B2 100 GBP × 1.15 (14 days).
    expect(json).toMatchObject({
      currency: 'EUR', total: '1465.00', otherCurrencies: [],
      buckets: { current: '300.00', '1-30': '715.00', '31-60': '450.00', '61-90': '0.00', '91+': '0.00' },
    });
    expect((json.byCustomer as { customerExternalId: string; total: string }[]).map((c) => [c.customerExternalId, c.total])).toEqual([
      ['Atelier/C1', '900.00'],
      ['Workshop/K1', '565.00'],
    ]);
  });

  it('refuses a currency with no rate, naming it', async () => {
    await expect(loadGroupLedgers(t.db, groupId, AS_OF)).rejects.toThrow(/no rate from GBP into EUR/);
  });

  it('converts half-up between exponents', () => {
    expect(convertMinor(12345n, 'USD', 'EUR', '0.9')).toBe(11111n); // 123.45 × 0.9 = 111.105
    expect(convertMinor(1000n, 'JPY', 'EUR', '0.0061')).toBe(610n);
    expect(convertMinor(1n, 'EUR', 'EUR', '7')).toBe(1n);
  });
});
