/**
 * Matching on a real PostgreSQL: links and reviews written by a run, a run repeated changing nothing,
 * and an admin's rejection and link both sticking across runs.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnection } from '../../core/connections/index.ts';
import { upsertCrmRecords } from '../../core/crm-control/index.ts';
import { decideMatch, listMatchReviews, runMatching } from '../../core/matching/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { qboSettings, ring, seedQuickBooksConnection } from '../sync/support.ts';

let db: TestDatabase;
let organizationId: string;
let crm: string;
const ids: Record<string, string> = {};

async function links(): Promise<Record<string, string>> {
  const { rows } = await db.db.execute<{ customer: string; company: string; by: string }>(sql`
    SELECT c.external_id AS customer, r.external_id AS company, r.matched_by AS by FROM customer_external_refs r JOIN customers c ON c.id = r.customer_id
    WHERE r.connection_id = ${crm}::uuid ORDER BY c.external_id`);
  return Object.fromEntries(rows.map((r) => [r.customer, `${r.company}:${r.by}`]));
}

beforeAll(async () => {
  db = await createTestDatabase();
  const ledger = await seedQuickBooksConnection(db, qboSettings());
  organizationId = (await db.pool.query<{ organization_id: string }>('SELECT organization_id FROM connections WHERE id = $1', [ledger])).rows[0]!.organization_id;
  crm = (await createConnection(db.pool, ring, { organizationId, provider: 'hubspot', settings: { ...qboSettings(), accountId: '77' }, tokens: null })).id;
  for (const [external, name, email] of [['C1', 'Acme Inc.', 'ap@acme.com'], ['C2', 'Dalton Freight', null], ['C3', 'Helix SA', 'ar@helix.fr']] as const) {
    ids[external] = (await db.pool.query<{ id: string }>('INSERT INTO customers (organization_id, connection_id, external_id, name, email) VALUES ($1, $2, $3, $4, $5) RETURNING id', [organizationId, ledger, external, name, email])).rows[0]!.id;
  }
  const company = (externalId: string, name: string, domain: string | null) => ({ externalId, name, domain, ownerExternalId: null, linkedCustomerExternalId: null, paused: false, disputed: false, sourceUpdatedAt: '2026-03-01T00:00:00Z', raw: null });
  await db.db.transaction((tx) => upsertCrmRecords(tx, {
    organizationId, connectionId: crm, objectType: 'company', via: 'sync',
    rows: [company('1', 'ACME', 'acme.com'), company('2', 'Dalton Freight Inc', null), company('3', 'DALTON FREIGHT', null), company('4', 'Helix', null)],
  }));
}, 60_000);

afterAll(async () => db?.drop());

describe('matching on the store', () => {
  it('links by domain and name, lists the look-alikes, and a second run changes nothing', async () => {
    const report = await runMatching(db.db, organizationId, crm);
    expect(report).toEqual({ linked: { domain: 1, name: 1 }, review: 1, none: 0 });
    expect(await links()).toEqual({ C1: '1:domain', C3: '4:name' });
    const reviews = await listMatchReviews(db.db, crm);
    expect(reviews).toMatchObject([{ customerId: ids.C2, reason: 'ambiguous' }]);
    expect(reviews[0]!.candidates.map((c) => c.companyExternalId).sort()).toEqual(['2', '3']);
    await runMatching(db.db, organizationId, crm);
    expect(await links()).toEqual({ C1: '1:domain', C3: '4:name' });
  });

  it("an admin's rejection and link stick across runs", async () => {
    await decideMatch(db.db, { customerId: ids.C3!, connectionId: crm, companyExternalId: '4', decision: 'reject', decidedBy: 'user:1' });
    await decideMatch(db.db, { customerId: ids.C2!, connectionId: crm, companyExternalId: '3', decision: 'link', decidedBy: 'user:1' });
    expect(await links()).toEqual({ C1: '1:domain', C2: '3:manual' });
    await runMatching(db.db, organizationId, crm);
    expect(await links()).toEqual({ C1: '1:domain', C2: '3:manual' });
    expect(await listMatchReviews(db.db, crm)).toEqual([]);
  });

  it('refuses a decision naming an unknown company or a bad field', async () => {
    await expect(decideMatch(db.db, { customerId: ids.C1!, connectionId: crm, companyExternalId: '999', decision: 'link', decidedBy: 'user:1' })).rejects.toThrow(/companyExternalId: no company 999/);
    await expect(decideMatch(db.db, { customerId: ids.C1!, connectionId: crm, companyExternalId: '1', decision: 'maybe' as 'link', decidedBy: 'user:1' })).rejects.toThrow(/decision/);
  });
});
