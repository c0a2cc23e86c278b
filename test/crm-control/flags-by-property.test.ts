/**
 * CRM flags by property (issue 14 item 6): each HubSpot flag keeps its own last-event time, so an
 * older `relance_paused` event that arrives after a newer `relance_disputed` one still pauses the
 * customer (one time per record dropped it: 3 of 10 companies stayed unpaused); a late event of the
 * SAME flag still changes nothing; and `repairFlagDrift` makes customers agree with the CRM records.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyFlagEvents, repairFlagDrift, upsertCrmRecords } from '../../core/crm-control/index.ts';
import { createConnection } from '../../core/connections/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { qboSettings, ring, seedQuickBooksConnection } from '../sync/support.ts';

let db: TestDatabase;
let crm: string;
const customers: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  const ledger = await seedQuickBooksConnection(db, qboSettings());
  const organizationId = (await db.pool.query<{ organization_id: string }>('SELECT organization_id FROM connections WHERE id = $1', [ledger])).rows[0]!.organization_id;
  crm = (await createConnection(db.pool, ring, { organizationId, provider: 'hubspot', settings: { ...qboSettings(), accountId: '321' }, tokens: null })).id;
  for (let i = 0; i < 10; i++) {
    const id = (await db.pool.query<{ id: string }>("INSERT INTO customers (organization_id, connection_id, external_id, name) VALUES ($1, $2, $3, 'Co') RETURNING id", [organizationId, ledger, `P${i}`])).rows[0]!.id;
    customers.push(id);
    await db.pool.query("INSERT INTO customer_external_refs (customer_id, connection_id, kind, external_id, matched_by) VALUES ($1, $2, 'company', $3, 'domain')", [id, crm, String(100 + i)]);
  }
  await db.db.transaction((tx) => upsertCrmRecords(tx, {
    organizationId, connectionId: crm, objectType: 'company', via: 'sync',
    rows: customers.map((_, i) => ({ externalId: String(100 + i), name: 'Co', domain: null, ownerExternalId: null, linkedCustomerExternalId: null, paused: false, disputed: false, sourceUpdatedAt: '2026-03-01T10:00:00.000Z', raw: null })),
  }));
}, 60_000);
afterAll(async () => db?.drop());

const ev = (company: string, property: string, value: string, at: string) => ({ companyExternalId: company, propertyName: property, propertyValue: value, occurredAt: Date.parse(at) });
const paused = async (id: string) => (await db.pool.query<{ paused: boolean }>('SELECT paused FROM customers WHERE id = $1', [id])).rows[0]!.paused;

describe('CRM flags by property', () => {
  it('applies an older pause that arrives after a newer dispute, on every company', async () => {
    for (let i = 0; i < 10; i++) {
      const company = String(100 + i);
      await applyFlagEvents(db.db, crm, [ev(company, 'relance_disputed', 'true', '2026-03-01T12:00:00Z')]);
      await applyFlagEvents(db.db, crm, [ev(company, 'relance_paused', 'true', '2026-03-01T11:00:00Z')]);
    }
    const states = await Promise.all(customers.map(paused));
    expect(states).toEqual(customers.map(() => true));
  }, 30_000);

  it('still drops a late event of the same flag, and one older than the last pull', async () => {
    await applyFlagEvents(db.db, crm, [ev('100', 'relance_paused', 'false', '2026-03-01T10:30:00Z')]);
    expect(await paused(customers[0]!)).toBe(true);
    await applyFlagEvents(db.db, crm, [ev('101', 'relance_paused', 'false', '2026-03-01T09:00:00Z')]);
    expect(await paused(customers[1]!)).toBe(true);
    // A newer one applies.
    await applyFlagEvents(db.db, crm, [ev('100', 'relance_paused', 'false', '2026-03-01T13:00:00Z')]);
    expect(await paused(customers[0]!)).toBe(false);
  });

  it('repairs drift between the CRM records and the customers', async () => {
    await db.pool.query('UPDATE customers SET paused = false WHERE id = $1', [customers[2]!]);
    expect(await paused(customers[2]!)).toBe(false);
    const changed = await db.db.transaction((tx) => repairFlagDrift(tx, crm));
    expect(changed).toContain(customers[2]!);
    expect(await paused(customers[2]!)).toBe(true);
    expect(await db.db.transaction((tx) => repairFlagDrift(tx, crm))).toEqual([]);
  });
});
