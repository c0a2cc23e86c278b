/**
 * Issue 19.7: the company registration number a salesperson types on the HubSpot company
 * (`relance_company_number`) is pulled with the company, mapped as the company's `companyNumber`,
 * and is the number the registry lookup asks about for the linked ledger customer. Against the
 * sandbox: QuickBooks and HubSpot synced as `relance demo` syncs them, the simulator serving the
 * property on every company that stands for a ledger customer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSandbox } from '../../cli/demo/connect-sandbox.ts';
import { syncSandboxConnection } from '../../cli/demo/run-demo.ts';
import { syncForStream } from '../../connectors/hubspot/syncs/index.ts';
import { checkCustomerRegistry } from '../../core/credit/registry/index.ts';
import { mapRecords } from '../../core/mapping/index.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { sandboxCompanyNumber } from '../../sandbox/hubspot/seed.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { ring } from '../sync/support.ts';

let db: TestDatabase;
let sandbox: RunningSandbox;
let organizationId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  sandbox = await startSandbox({ seed: 7, invoices: 30, asOf: '2026-11-02', port: 0, limits: false });
  const { connections } = await connectSandbox({ pool: db.pool, keys: ring }, sandbox, ['quickbooks', 'hubspot']);
  organizationId = connections.quickbooks!.organizationId;
  await syncSandboxConnection({ store: db, keys: ring }, 'quickbooks', connections.quickbooks!.id, '2026-11-02');
  await syncSandboxConnection({ store: db, keys: ring }, 'hubspot', connections.hubspot!.id, '2026-11-02');
}, 120_000);

afterAll(async () => {
  await sandbox?.close();
  await db?.drop();
});

describe('relance_company_number', () => {
  it('is asked for with the companies and kept on each company that stands for a ledger customer', async () => {
    expect(syncForStream('company')!.properties).toContain('relance_company_number');
    const linked = sandbox.world.hubspot.companies.filter((c) => c.matchesCustomerId);
    expect(linked.length).toBeGreaterThan(0);
    const { rows } = await db.pool.query<{ external_id: string; number: string | null }>(
      `SELECT external_id, raw->'properties'->>'relance_company_number' AS number FROM crm_records WHERE object_type = 'company'`);
    const served = new Map(rows.map((r) => [r.external_id, r.number]));
    for (const c of linked) expect(served.get(c.id)).toBe(sandboxCompanyNumber(c.matchesCustomerId!));
    // A prospect (no ledger customer) has none: the property comes back empty.
    const prospect = sandbox.world.hubspot.companies.find((c) => !c.matchesCustomerId);
    if (prospect) expect(served.get(prospect.id) ?? null).toBeNull();
  });

  it('is mapped as the company’s companyNumber', async () => {
    const { rows } = await db.pool.query<{ raw: unknown }>(`SELECT raw FROM crm_records WHERE object_type = 'company' AND raw->'properties'->>'relance_company_number' IS NOT NULL LIMIT 1`);
    const raw = rows[0]!.raw as { properties: Record<string, string> };
    const mapped = mapRecords('hubspot', 'company', [raw]);
    expect(mapped.rejected).toEqual([]);
    expect(mapped.records[0]!.companyNumber).toBe(raw.properties.relance_company_number);
  });

  it('is the number the registry lookup asks about for the linked customer', async () => {
    const { rows } = await db.pool.query<{ customer_id: string; company: string }>(`
      SELECT r.customer_id, r.external_id AS company FROM customer_external_refs r JOIN customers c ON c.id = r.customer_id
       WHERE r.kind = 'company' AND c.organization_id = $1 ORDER BY c.external_id`, [organizationId]);
    expect(rows.length).toBeGreaterThan(0);
    const served = new Map(sandbox.world.hubspot.companies.filter((c) => c.matchesCustomerId).map((c) => [c.id, sandboxCompanyNumber(c.matchesCustomerId!)]));
    for (const r of rows) {
      const check = await checkCustomerRegistry(db.db, null, organizationId, r.customer_id);
      // No registry configured here: the check names the number it would have asked about.
      expect(served.get(r.company)).toBeDefined();
      expect(check).toMatchObject({ outcome: 'no_registry', companyNumber: served.get(r.company) });
    }
  });
});
