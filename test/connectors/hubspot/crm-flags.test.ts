/**
 * CRM flags on a real PostgreSQL: a webhook event applies once, a late (older) event changes
 * nothing, and a company with no matched customer changes no customer.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyFlagEvents, upsertCrmRecords } from '../../../core/crm-control/index.ts';
import { createConnection } from '../../../core/connections/index.ts';
import { createTestDatabase, type TestDatabase } from '../../support/db.ts';
import { qboSettings, ring, seedQuickBooksConnection } from '../../sync/support.ts';

let db: TestDatabase;
let crm: string;
let customerId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  const ledger = await seedQuickBooksConnection(db, qboSettings());
  const { rows } = await db.pool.query<{ organization_id: string }>('SELECT organization_id FROM connections WHERE id = $1', [ledger]);
  const organizationId = rows[0]!.organization_id;
  crm = (await createConnection(db.pool, ring, { organizationId, provider: 'hubspot', settings: { ...qboSettings(), accountId: '123' }, tokens: null })).id;
  customerId = (await db.pool.query<{ id: string }>("INSERT INTO customers (organization_id, connection_id, external_id, name) VALUES ($1, $2, 'C1', 'Acme') RETURNING id", [organizationId, ledger])).rows[0]!.id;
  await db.pool.query("INSERT INTO customer_external_refs (customer_id, connection_id, kind, external_id, matched_by) VALUES ($1, $2, 'company', '42', 'domain')", [customerId, crm]);
  await db.db.transaction((tx) => upsertCrmRecords(tx, {
    organizationId, connectionId: crm, objectType: 'company', via: 'sync',
    rows: [42, 43].map((id) => ({ externalId: String(id), name: 'Acme', domain: null, ownerExternalId: null, linkedCustomerExternalId: null, paused: false, disputed: false, sourceUpdatedAt: '2026-03-01T10:00:00.000Z', raw: null })),
  }));
}, 60_000);

afterAll(async () => db?.drop());

const event = (objectId: string, value: string, at: string) => ({ companyExternalId: objectId, propertyName: 'relance_paused', propertyValue: value, occurredAt: Date.parse(at) });
const paused = async () => (await db.pool.query<{ paused: boolean }>('SELECT paused FROM customers WHERE id = $1', [customerId])).rows[0]!.paused;
const activities = async () => Number((await db.db.execute<{ n: string }>(sql`SELECT count(*) AS n FROM activities WHERE customer_id = ${customerId}::uuid`)).rows[0]!.n);

describe('CRM flag events', () => {
  it('applies a newer event once, even when delivered twice', async () => {
    expect(await applyFlagEvents(db.db, crm, [event('42', 'true', '2026-03-01T11:00:00Z')])).toEqual([customerId]);
    expect(await applyFlagEvents(db.db, crm, [event('42', 'true', '2026-03-01T11:00:00Z')])).toEqual([]);
    expect(await paused()).toBe(true);
    expect(await activities()).toBe(1);
  });

  it('ignores an event older than what the company holds (a late retry)', async () => {
    expect(await applyFlagEvents(db.db, crm, [event('42', 'false', '2026-03-01T10:30:00Z')])).toEqual([]);
    expect(await paused()).toBe(true);
  });

  it('applies events of one delivery in the order they occurred', async () => {
    await applyFlagEvents(db.db, crm, [event('42', 'true', '2026-03-01T12:05:00Z'), event('42', 'false', '2026-03-01T12:00:00Z')]);
    expect(await paused()).toBe(true);
    expect(await activities()).toBe(3);
  });

  it('a company no customer is matched to, and other properties, change no customer', async () => {
    expect(await applyFlagEvents(db.db, crm, [event('43', 'true', '2026-03-01T13:00:00Z'), { ...event('42', 'x', '2026-03-01T13:00:00Z'), propertyName: 'name' }])).toEqual([]);
  });
});
