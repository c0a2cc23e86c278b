/**
 * "Disputed" ticked in the CRM, on a real PostgreSQL: a dispute (opened via the CRM, owned by the
 * company owner) on the customer's open invoices with each invoice's write-back, and the hold; the
 * same value from the next sync opens nothing; a customer with no open invoice gets the hold only;
 * a box that mirrors an admin dispute opens nothing; clearing resolves only what the CRM opened.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyFlagChanges, applyFlagEvents, CRM_DISPUTE_HOLD, upsertCrmRecords, type CrmRow } from '../../core/crm-control/index.ts';
import { openDispute } from '../../core/disputes/index.ts';
import { savePage } from '../../core/store/index.ts';
import { connections } from '../../core/store/schema/index.ts';
import { seedConnection } from '../outbox/support/seed.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

let t: TestDatabase;
let organizationId: string;
let ledger: string;
let crm: string;
const customerIds: Record<string, string> = {};

const company = (externalId: string, disputed: boolean, at: string): CrmRow => ({
  externalId, name: `Company ${externalId}`, domain: null, ownerExternalId: externalId === '42' ? '7001' : null, linkedCustomerExternalId: null,
  paused: false, disputed, sourceUpdatedAt: at, raw: null,
});
const syncCompanies = (rows: CrmRow[]) => t.db.transaction(async (tx) => {
  const { flagChanges } = await upsertCrmRecords(tx, { organizationId, connectionId: crm, objectType: 'company', rows, via: 'sync' });
  return applyFlagChanges(tx, crm, flagChanges);
});
const disputedEvent = (companyExternalId: string, value: boolean, at: string) =>
  ({ companyExternalId, propertyName: 'relance_disputed', propertyValue: String(value), occurredAt: Date.parse(at) });

async function q<T extends Record<string, unknown>>(query: ReturnType<typeof sql>): Promise<T[]> {
  return (await t.db.execute<T>(query)).rows as T[];
}
const disputesOf = (customer: string) => q<{ status: string; opened_via: string; reason: string; owner: string | null; resolution: string | null; invoices: string[] }>(sql`
  SELECT d.status::text, d.opened_via, d.reason, d.owner, d.resolution,
         (SELECT array_agg(i.external_id ORDER BY i.external_id) FROM dispute_invoices x JOIN invoices i ON i.id = x.invoice_id WHERE x.dispute_id = d.id) AS invoices
    FROM disputes d WHERE d.customer_id = ${customerIds[customer]!}::uuid ORDER BY d.opened_at, d.id`);
const holds = async (customer: string) => Number((await q<{ n: string }>(sql`
  SELECT count(*) AS n FROM dunning_holds WHERE customer_id = ${customerIds[customer]!}::uuid AND reason = ${CRM_DISPUTE_HOLD} AND released_at IS NULL`))[0]!.n);
const outbox = () => q<{ connection_id: string; kind: string; external_id: string; payload: Record<string, unknown> }>(
  sql`SELECT connection_id, kind, external_id, payload FROM outbox ORDER BY seq`);

beforeAll(async () => {
  t = await createTestDatabase();
  ({ organizationId, connectionId: ledger } = await seedConnection(t.db, 'quickbooks'));
  const [hub] = await t.db.insert(connections).values({ organizationId, provider: 'hubspot', externalAccountId: '123' }).returning({ id: connections.id });
  crm = hub!.id;
  const customer = (externalId: string) => ({ entity: 'customer', externalId, name: externalId, email: null, phone: null, currency: 'EUR', balance: null,
    country: null, language: null, taxId: null, active: true, updatedAt: null });
  await savePage(t.db, { connectionId: ledger, entity: 'customer', records: ['WITH', 'NONE', 'ADMIN'].map(customer) });
  const invoice = (externalId: string, customerExternalId: string, balance: string) => ({ entity: 'invoice', externalId, number: externalId, customerExternalId,
    issueDate: '2026-01-02', dueDate: '2026-02-01', currency: 'EUR', total: '100.00', balance, status: balance === '0.00' ? 'paid' : 'open', updatedAt: null });
  await savePage(t.db, { connectionId: ledger, entity: 'invoice', records: [invoice('I1', 'WITH', '100.00'), invoice('I2', 'WITH', '40.00'), invoice('PAID', 'WITH', '0.00'), invoice('A1', 'ADMIN', '70.00')] });
  for (const r of await q<{ id: string; external_id: string }>(sql`SELECT id, external_id FROM customers`)) customerIds[r.external_id] = r.id;
  for (const [name, companyId] of [['WITH', '42'], ['NONE', '43'], ['ADMIN', '44']] as const) {
    await t.db.execute(sql`INSERT INTO customer_external_refs (customer_id, connection_id, kind, external_id, matched_by)
      VALUES (${customerIds[name]!}::uuid, ${crm}::uuid, 'company', ${companyId}, 'domain')`);
  }
  await syncCompanies(['42', '43', '44'].map((id) => company(id, false, '2026-03-01T10:00:00Z')));
}, 60_000);

afterAll(() => t?.drop());

describe('a dispute ticked in the CRM', () => {
  it('opens one dispute on the open invoices, owned by the company owner, with each write-back and the hold', async () => {
    expect(await applyFlagEvents(t.db, crm, [disputedEvent('42', true, '2026-03-01T11:00:00Z')])).toEqual([customerIds.WITH]);
    expect(await disputesOf('WITH')).toEqual([
      { status: 'open', opened_via: 'crm', reason: 'Disputed in HubSpot', owner: 'hubspot-owner:7001', resolution: null, invoices: ['I1', 'I2'] },
    ]);
    expect(await holds('WITH')).toBe(1);
    expect((await outbox()).map((r) => [r.connection_id, r.kind, r.external_id, r.payload])).toEqual([
      [ledger, 'set_disputed', 'I1', { invoiceExternalId: 'I1', disputed: true, note: 'Dispute opened: Disputed in HubSpot' }],
      [ledger, 'set_disputed', 'I2', { invoiceExternalId: 'I2', disputed: true, note: 'Dispute opened: Disputed in HubSpot' }],
      [crm, 'set_company_properties', '42', { companyExternalId: '42', properties: { disputed: true } }],
    ]);
    const [activity] = await q<{ actor: string }>(sql`SELECT actor FROM activities WHERE kind = 'dispute.opened' AND customer_id = ${customerIds.WITH!}::uuid`);
    expect(activity).toEqual({ actor: 'connector:hubspot' });
  });

  it('the same value from the next sync (our own write-back read back) opens nothing', async () => {
    const rows = (await outbox()).length;
    expect(await syncCompanies([company('42', true, '2026-03-01T11:05:00Z')])).toEqual([]);
    // Applied directly once more, the change still finds its dispute and its hold already there.
    expect(await t.db.transaction((tx) => applyFlagChanges(tx, crm, [{ companyExternalId: '42', flag: 'disputed', value: true, via: 'sync', at: new Date() }]))).toEqual([]);
    expect(await disputesOf('WITH')).toHaveLength(1);
    expect(await holds('WITH')).toBe(1);
    expect((await outbox()).length).toBe(rows);
  });

  it('a customer with no open invoice gets the hold only', async () => {
    expect(await syncCompanies([company('43', true, '2026-03-01T12:00:00Z')])).toEqual([customerIds.NONE]);
    expect(await disputesOf('NONE')).toEqual([]);
    expect(await holds('NONE')).toBe(1);
  });

  it('a box that only mirrors an admin dispute opens nothing and places no hold', async () => {
    const [a1] = await q<{ id: string }>(sql`SELECT id FROM invoices WHERE external_id = 'A1'`);
    await t.db.transaction((tx) => openDispute(tx, { organizationId, invoiceIds: [a1!.id], reason: 'wrong quantity', owner: 'ana', openedVia: 'admin' }));
    expect(await applyFlagEvents(t.db, crm, [disputedEvent('44', true, '2026-03-01T12:00:00Z')])).toEqual([]);
    expect((await disputesOf('ADMIN')).map((d) => d.opened_via)).toEqual(['admin']);
    expect(await holds('ADMIN')).toBe(0);
    // Cleared in the CRM: the admin's dispute stays open.
    await applyFlagEvents(t.db, crm, [disputedEvent('44', false, '2026-03-01T12:30:00Z')]);
    expect((await disputesOf('ADMIN')).map((d) => d.status)).toEqual(['open']);
  });

  it('clearing the box resolves the CRM dispute, writes the flag back off and releases the hold', async () => {
    const before = (await outbox()).length;
    expect(await applyFlagEvents(t.db, crm, [disputedEvent('42', false, '2026-03-01T13:00:00Z')])).toEqual([customerIds.WITH]);
    expect(await disputesOf('WITH')).toEqual([
      { status: 'resolved', opened_via: 'crm', reason: 'Disputed in HubSpot', owner: 'hubspot-owner:7001', resolution: 'Cleared in HubSpot', invoices: ['I1', 'I2'] },
    ]);
    expect(await holds('WITH')).toBe(0);
    const disputed = await q<{ external_id: string; disputed: boolean }>(sql`SELECT external_id, disputed FROM invoices WHERE external_id IN ('I1', 'I2') ORDER BY external_id`);
    expect(disputed.every((i) => !i.disputed)).toBe(true);
    expect((await outbox()).slice(before).map((r) => [r.kind, r.external_id, r.payload.disputed ?? (r.payload.properties as { disputed: boolean }).disputed])).toEqual([
      ['set_disputed', 'I1', false], ['set_disputed', 'I2', false], ['set_company_properties', '42', false],
    ]);
    // Cleared again by the next sync: nothing more.
    expect(await syncCompanies([company('42', false, '2026-03-01T13:05:00Z')])).toEqual([]);
    expect(await disputesOf('WITH')).toHaveLength(1);
  });
});
