/**
 * The report routes of the admin API on a real PostgreSQL, over the hand-computed ledgers of
 * test/reports stored as a sync would store them: every organization report, the DSO trend, a
 * group of two organizations in three currencies consolidated into EUR, who may read them, and
 * refused queries.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createApiKey, createUser, grantMembership, type Role } from '../../core/access/index.ts';
import { generateKeySpec, parseKeyRing } from '../../core/crypto.ts';
import { createLogger } from '../../core/logging.ts';
import { groupMemberships, groups } from '../../core/store/schema/index.ts';
import { buildServer } from '../../server/app.ts';
import { customer, invoice, ledgerFile } from '../dunning/ledger-builder.ts';
import { agingFile, dsoFile } from '../reports/report-ledgers.ts';
import { storeLedgerFile } from '../reports/store-ledger.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { TEST_SCRYPT } from './world.ts';

const silent = createLogger({ stream: new Writable({ write: (_c, _e, cb) => cb() }), format: 'json' });

let t: TestDatabase;
let app: FastifyInstance;
const org: Record<'aging' | 'dso' | 'paris' | 'boston', string> = { aging: '', dso: '', paris: '', boston: '' };
let groupId: string;
const keys: Record<string, string> = {};

/** A user with an API key and the given memberships. */
async function user(name: string, roles: [string, Role, boolean?][]): Promise<void> {
  const u = await createUser(t.db, { email: `${name}@example.com`, password: 'correct horse battery staple', scrypt: TEST_SCRYPT });
  for (const [organizationId, role, assignedOnly] of roles) await grantMembership(t.db, { userId: u.id, organizationId, role, assignedOnly: assignedOnly ?? false });
  keys[name] = (await createApiKey(t.db, { userId: u.id, name: 'test' })).key;
}

beforeAll(async () => {
  t = await createTestDatabase();
  org.aging = await storeLedgerFile(t.db, agingFile, { name: 'Aging SAS' });
  org.dso = await storeLedgerFile(t.db, dsoFile, { name: 'Dso SAS' });
  // The group: 1000.00 EUR 45 days late in Paris; 500.00 USD 10 days late and 100.00 GBP due today in Boston.
  org.paris = await storeLedgerFile(t.db, ledgerFile({
    customers: [customer('K1')],
    invoices: [invoice('X1', 'K1', '2026-02-14', '1000.00', { issueDate: '2026-01-15' })],
  }), { name: 'Paris SAS' });
  org.boston = await storeLedgerFile(t.db, ledgerFile({
    customers: [customer('K2')],
    invoices: [
      invoice('Y1', 'K2', '2026-03-21', '500.00', { issueDate: '2026-02-19', currency: 'USD' }),
      invoice('Y2', 'K2', '2026-03-31', '100.00', { issueDate: '2026-03-01', currency: 'GBP' }),
    ],
  }), { name: 'Boston Inc', currency: 'USD', country: 'US' });
  const [g] = await t.db.insert(groups).values({ name: 'Holding', reportingCurrency: 'EUR' }).returning();
  groupId = g!.id;
  await t.db.insert(groupMemberships).values([{ groupId, organizationId: org.paris }, { groupId, organizationId: org.boston }]);
  await user('viewer', [[org.aging, 'viewer'], [org.dso, 'viewer'], [org.paris, 'viewer'], [org.boston, 'viewer']]);
  await user('restricted', [[org.aging, 'collector', true], [org.paris, 'viewer'], [org.boston, 'collector', true]]);
  await user('parisOnly', [[org.paris, 'admin']]);
  await user('outsider', [[org.dso, 'admin']]);
  app = buildServer({ pool: t.pool, storeMode: 'postgres', worker: null, logger: silent, keys: parseKeyRing(generateKeySpec()), publicUrl: null });
  await app.ready();
}, 60_000);
afterAll(async () => {
  await app.close();
  await t.drop();
});

async function get(url: string, as = 'viewer') {
  return app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${keys[as]}` } });
}
const orgUrl = (id: string, report: string, query: string) => `/api/organizations/${id}/reports/${report}?${query}`;

describe('organization reports', () => {
  it('aging: the FORMATS.md shape, each bucket by hand, the USD invoice apart', async () => {
    const res = await get(orgUrl(org.aging, 'aging', 'asOf=2026-03-31'));
    expect(res.statusCode, res.body).toBe(200);
    const json = res.json();
    expect(json).toMatchObject({
      asOf: '2026-03-31', currency: 'EUR', total: '960.00', disputed: '200.00',
      buckets: { current: '480.00', '1-30': '230.00', '31-60': '70.00', '61-90': '110.00', '91+': '70.00' },
    });
    expect(json.byCustomer.map((c: { customerExternalId: string; total: string }) => [c.customerExternalId, c.total])).toEqual([['C2', '580.00'], ['C1', '380.00']]);
    expect(json.otherCurrencies).toEqual([expect.objectContaining({ currency: 'USD', total: '75.00', buckets: expect.objectContaining({ '1-30': '75.00' }) })]);
  });

  it('dso over 90 and 30 days', async () => {
    expect((await get(orgUrl(org.dso, 'dso', 'asOf=2026-03-31'))).json()).toMatchObject({ receivables: '2500.00', creditSales: '4000.00', dso: '56.3', periodDays: 90 });
    expect((await get(orgUrl(org.dso, 'dso', 'asOf=2026-03-31&periodDays=30'))).json()).toMatchObject({ creditSales: '1000.00', dso: '75.0' });
  });

  it('forecast: overdue balances expected now, the rest on its due date (no payment history)', async () => {
    const res = await get(orgUrl(org.dso, 'forecast', 'asOf=2026-03-31&weeks=2'));
    expect(res.json()).toEqual({
      asOf: '2026-03-31', currency: 'EUR',
      weeks: [
        { from: '2026-03-31', to: '2026-04-06', amount: '1500.00' }, // S1 1000 and S2's open 500, both overdue
        { from: '2026-04-07', to: '2026-04-13', amount: '0.00' },
      ],
      later: '1000.00', total: '2500.00', otherCurrencies: [], // S3, due 30 April
    });
    const eightWeeks = (await get(orgUrl(org.dso, 'forecast', 'asOf=2026-03-31'))).json();
    expect(eightWeeks.weeks).toHaveLength(8);
    expect(eightWeeks.weeks[4]).toEqual({ from: '2026-04-28', to: '2026-05-04', amount: '1000.00' });
  });

  it('figures: overdue rate, CEI, DSO, countback, best possible DSO and ADD', async () => {
    const json = (await get(orgUrl(org.dso, 'figures', 'asOf=2026-03-31'))).json();
    // B = 1000 (S1, open on 31 December), sales 4000, E = 2500, current 1000 (S3).
    expect(json).toMatchObject({
      currency: 'EUR', periodDays: 90, beginningReceivables: '1000.00', endingReceivables: '2500.00', endingCurrent: '1000.00', creditSales: '4000.00',
      overdueRate: '60.0', // 1500 / 2500
      cei: '62.5', // (1000 + 4000 − 2500) / (1000 + 4000 − 1000)
      dso: '56.3', bestPossibleDso: '22.5', averageDaysDelinquent: '33.8',
      countbackDso: '89.5', // 31 March (S3's 1000), 88 days without sales, half of 1 January's 3000
    });
  });

  it('dso-trend: standard and countback at each month end, oldest first', async () => {
    const res = await get(orgUrl(org.dso, 'dso-trend', 'asOf=2026-03-31&months=3'));
    expect(res.json()).toEqual({
      currency: 'EUR', otherCurrencies: [],
      points: [
        // 4000 open of 4000 sold; counting back, 30 empty days, then 1 January's 3000 and 31 December's 1000 whole.
        { asOf: '2026-01-31', standard: '90.0', countback: '32.0' },
        // 1500 open (2500 paid on 15 February) of 4000 sold: 33.75; 58 empty days then half of 1 January.
        { asOf: '2026-02-28', standard: '33.8', countback: '58.5' },
        { asOf: '2026-03-31', standard: '56.3', countback: '89.5' },
      ],
    });
    const midMonth = (await get(orgUrl(org.dso, 'dso-trend', 'asOf=2026-03-15'))).json();
    expect(midMonth.points).toHaveLength(12);
    expect(midMonth.points.map((p: { asOf: string }) => p.asOf).slice(-3)).toEqual(['2026-01-31', '2026-02-28', '2026-03-15']);
    // Before any sale: no sales to divide by, nothing outstanding to count back.
    expect(midMonth.points[0]).toEqual({ asOf: '2025-04-30', standard: null, countback: '0.0' });
  });

  it('activity: figures only the store knows (nothing recorded here)', async () => {
    const json = (await get(orgUrl(org.dso, 'activity', 'asOf=2026-03-31'))).json();
    expect(json).toEqual({
      asOf: '2026-03-31', periodDays: 90, promises: { kept: 0, broken: 0, keptRate: null },
      reminders: { sent: 0, paidWithin7: 0, paidWithin14: 0, conversion7: null, conversion14: null },
      disputes: { closed: 0, averageResolutionDays: null }, team: [],
    });
  });

  it('a bad query is 400 naming the field', async () => {
    for (const [report, query, field] of [
      ['aging', 'asOf=31-03-2026', 'asOf'],
      ['dso', 'periodDays=0', 'periodDays'],
      ['forecast', 'weeks=105', 'weeks'],
      ['figures', 'periodDays=ninety', 'periodDays'],
      ['dso-trend', 'months=0', 'months'],
      ['activity', 'asOf=2026-02-30', 'asOf'],
    ] as const) {
      const res = await get(orgUrl(org.dso, report, query));
      expect(res.statusCode, `${report}?${query}`).toBe(400);
      expect(res.json().error.field).toBe(field);
    }
  });

  it('a viewer reads them; a member limited to assigned customers gets 403; another organization 404', async () => {
    for (const report of ['aging', 'dso', 'forecast', 'figures', 'dso-trend', 'activity']) {
      const url = orgUrl(org.aging, report, 'asOf=2026-03-31');
      expect((await get(url, 'viewer')).statusCode, report).toBe(200);
      expect((await get(url, 'restricted')).statusCode, report).toBe(403);
      expect((await get(url, 'outsider')).statusCode, report).toBe(404);
      expect((await app.inject({ method: 'GET', url })).statusCode, report).toBe(401);
    }
  });
});

describe('group reports, consolidated into EUR', () => {
  const groupUrl = (report: string, query: string) => `/api/groups/${groupId}/reports/${report}?${query}`;
  const RATES = 'rate=USD=0.92&rate=GBP=1.17';

  it('aging: 1000 EUR, 500 USD × 0.92 and 100 GBP × 1.17 in their buckets', async () => {
    const res = await get(groupUrl('aging', `asOf=2026-03-31&${RATES}`));
    expect(res.statusCode, res.body).toBe(200);
    const json = res.json();
    expect(json).toMatchObject({
      currency: 'EUR', total: '1577.00', otherCurrencies: [],
      buckets: { current: '117.00', '1-30': '460.00', '31-60': '1000.00', '61-90': '0.00', '91+': '0.00' },
    });
    expect(json.byCustomer.map((c: { customerExternalId: string; total: string }) => [c.customerExternalId, c.total])).toEqual([
      ['Paris SAS/K1', '1000.00'], ['Boston Inc/K2', '577.00'],
    ]);
  });

  it('dso, forecast and figures on the converted ledgers', async () => {
    // Every invoice was issued within the 90 days and is still open: DSO is the whole period.
    expect((await get(groupUrl('dso', `asOf=2026-03-31&${RATES}`))).json()).toMatchObject({ currency: 'EUR', receivables: '1577.00', creditSales: '1577.00', dso: '90.0' });
    const forecast = (await get(groupUrl('forecast', `asOf=2026-03-31&weeks=1&${RATES}`))).json();
    expect(forecast).toMatchObject({ currency: 'EUR', weeks: [{ from: '2026-03-31', to: '2026-04-06', amount: '1577.00' }], later: '0.00', total: '1577.00' });
    expect((await get(groupUrl('figures', `asOf=2026-03-31&${RATES}`))).json()).toMatchObject({ overdueRate: '92.6', creditSales: '1577.00' }); // 1460 / 1577
  });

  it('a currency without a rate is 400 naming it; a malformed rate names the field', async () => {
    const missing = await get(groupUrl('aging', 'asOf=2026-03-31&rate=USD=0.92'));
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.message).toMatch(/no rate from GBP into EUR/);
    const malformed = await get(groupUrl('aging', 'asOf=2026-03-31&rate=USD:0.92'));
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error).toMatchObject({ field: 'rate', message: expect.stringContaining('USD:0.92') });
    expect((await get(groupUrl('dso', `periodDays=-1&${RATES}`))).json().error.field).toBe('periodDays');
  });

  it('needs read access to every member organization, whole', async () => {
    const url = groupUrl('aging', `asOf=2026-03-31&${RATES}`);
    expect((await get(url, 'parisOnly')).statusCode).toBe(403); // not a member of Boston Inc
    expect((await get(url, 'restricted')).statusCode).toBe(403); // limited to assigned customers in Boston Inc
    expect((await get(url, 'outsider')).statusCode).toBe(404); // in neither: the group does not exist for them
    expect((await get(`/api/groups/00000000-0000-4000-8000-000000000000/reports/aging?${RATES}`)).statusCode).toBe(404);
    expect((await get('/api/groups/not-a-group/reports/aging')).json().error.field).toBe('groupId');
  });

  it('the new routes are in the OpenAPI document, with the chart shapes in their summaries', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(doc.paths['/api/organizations/{orgId}/reports/dso-trend'].get.summary).toContain('points: [{ asOf, standard, countback }]');
    expect(doc.paths['/api/organizations/{orgId}/reports/forecast'].get.summary).toContain('weeks: [{ from, to, amount }]');
    expect(doc.paths['/api/groups/{groupId}/reports/figures'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['groupId', 'asOf', 'periodDays', 'rate']),
    );
  });
});
