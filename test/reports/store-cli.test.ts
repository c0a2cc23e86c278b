/** `relance report` reading the store (a real PostgreSQL through DATABASE_URL), run as a user would. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { runCli } from '../support/cli.ts';
import { savePage } from '../../core/store/index.ts';
import { connections, organizations } from '../../core/store/schema/index.ts';

let t: TestDatabase;
let empty: TestDatabase;
let orgId: string;

beforeAll(async () => {
  [t, empty] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  const [o] = await t.db.insert(organizations).values({ name: 'Atelier', baseCurrency: 'EUR', country: 'FR', timezone: 'Europe/Paris' }).returning({ id: organizations.id });
  orgId = o!.id;
  const [c] = await t.db.insert(connections).values({ organizationId: orgId, provider: 'xero', externalAccountId: 'tenant' }).returning({ id: connections.id });
  await savePage(t.db, { connectionId: c!.id, entity: 'customer', records: [{ entity: 'customer', externalId: 'C1', name: 'C1', email: null, phone: null,
    currency: null, balance: null, country: null, language: null, taxId: null, active: true, updatedAt: null }] });
  await savePage(t.db, { connectionId: c!.id, entity: 'invoice', records: [{ entity: 'invoice', externalId: 'I1', number: 'I1', customerExternalId: 'C1',
    issueDate: '2026-01-02', dueDate: '2026-02-01', currency: 'EUR', total: '1000.00', balance: '1000.00', status: 'open', updatedAt: null }] });
});
afterAll(async () => {
  await Promise.all([t.drop(), empty.drop()]);
});

describe('relance report from the store', { timeout: 90_000 }, () => {
  it('aging and forecast of the only organization', async () => {
    const aging = await runCli(['report', 'aging', '--as-of', '2026-03-01', '--json'], { DATABASE_URL: t.url });
    expect(aging.stderr).toBe('');
    expect(JSON.parse(aging.stdout)).toMatchObject({ currency: 'EUR', total: '1000.00', buckets: { '1-30': '1000.00' } });
    const fc = await runCli(['report', 'forecast', '--as-of', '2026-03-01', '--weeks', '2', '--organization', orgId], { DATABASE_URL: t.url });
    expect(JSON.parse(fc.stdout)).toMatchObject({ weeks: [{ from: '2026-03-01', amount: '1000.00' }, { amount: '0.00' }], total: '1000.00' });
  });

  it('an empty store is a one-line error, exit 1', async () => {
    const r = await runCli(['report', 'dso', '--json'], { DATABASE_URL: empty.url });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('relance: report: the store has no organization yet; pass --input FILE (a ledger file)\n');
  });
});
