/**
 * Issue 13.6 against the sandbox: connecting a QuickBooks company reads its CompanyInfo and
 * Preferences — a British company becomes a GBP / GB organization with the company's address as the
 * letters' sender block, not USD / US; an organization that already has an address keeps it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQuickBooksSimulator, type QuickBooksSimulator } from '../../sandbox/quickbooks/index.ts';
import { generateWorld } from '../../sandbox/generator/index.ts';
import { completeConnection } from '../../server/oauth/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { ring } from '../sync/support.ts';

let sim: QuickBooksSimulator;
let baseUrl: string;
let db: TestDatabase;

beforeAll(async () => {
  const world = generateWorld({ seed: 52, invoices: 20, asOf: '2026-03-01' });
  world.quickbooks.country = 'GB';
  world.quickbooks.homeCurrency = 'GBP';
  world.quickbooks.organizationName = 'Fenwick & Daughters Ltd';
  sim = createQuickBooksSimulator({ world, limits: false });
  baseUrl = await sim.app.listen({ host: '127.0.0.1', port: 0 });
  db = await createTestDatabase();
}, 60_000);

afterAll(async () => {
  await sim?.app.close();
  await db?.drop();
});

function connect(organization: string | null) {
  const c = sim.credentials;
  return completeConnection({ pool: db.pool, keys: ring }, {
    provider: 'quickbooks', organization,
    settings: { accountId: c.realmId!, clientId: c.clientId!, clientSecret: c.clientSecret!, baseUrl, tokenUrl: `${baseUrl}/oauth2/v1/tokens/bearer`, webhookKey: c.webhookVerifierToken! },
    tokens: { accessToken: c.accessToken!, refreshToken: c.refreshToken!, expiresAt: new Date(Date.now() + 3_000_000) },
  });
}

describe('connecting a British QuickBooks company', () => {
  it('makes a GBP / GB organization named after it, with its address as the sender block', async () => {
    const connection = await connect(null);
    const { rows } = await db.pool.query('SELECT name, base_currency, country, timezone, sender_address FROM organizations WHERE id = $1', [connection.organizationId]);
    expect(rows[0]).toMatchObject({ name: 'Fenwick & Daughters Ltd', base_currency: 'GBP', country: 'GB', timezone: 'UTC' });
    expect(rows[0].sender_address).toMatchObject({ lines: [expect.stringMatching(/Market Street$/)], country: 'GB' });
    expect(rows[0].sender_address.city).toBeTruthy();
  });

  it('keeps an address the organization already has', async () => {
    const [first] = (await db.pool.query('SELECT id FROM organizations WHERE name = $1', ['Fenwick & Daughters Ltd'])).rows;
    const own = { lines: ['Our own street 1'], city: 'Leeds', country: 'GB' };
    await db.pool.query('UPDATE organizations SET sender_address = $2 WHERE id = $1', [first.id, JSON.stringify(own)]);
    await connect('Fenwick & Daughters Ltd');
    const { rows } = await db.pool.query('SELECT sender_address FROM organizations WHERE id = $1', [first.id]);
    expect(rows[0].sender_address).toEqual(own);
  });
});
