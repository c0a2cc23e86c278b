/**
 * Bad input from QuickBooks (issue 13): an answer that breaks the documented shape — a record
 * without Id, a date that does not parse, an amount that is not a number, a status QuickBooks does
 * not document (only "Deleted" exists), a deletion notice without
 * Id — is recorded as a rejected record naming the provider's id (or its place in the page) and the
 * field, and the sync goes on: the page's other records are stored and the cursor moves on.
 * QuickBooks answers are faked with nock; the store is a real PostgreSQL.
 */
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorFor } from '../../../connectors/index.ts';
import { LimiterRegistry } from '../../../core/http/index.ts';
import { listRejected, readCursor } from '../../../core/store/index.ts';
import { runSync } from '../../../core/sync/index.ts';
import { createTestDatabase, type TestDatabase } from '../../support/db.ts';
import { qboSettings, ring, seedQuickBooksConnection } from '../../sync/support.ts';

const settings = qboSettings({ accountId: '9341000000000777' });
const API = `/v3/company/${settings.accountId}`;
let db: TestDatabase;
let connectionId: string;
const limiters = new LimiterRegistry();

function invoice(id: string | undefined, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...(id === undefined ? {} : { Id: id }), DocNumber: `F-${id ?? 'x'}`, TxnDate: '2026-01-05', DueDate: '2026-02-04', TotalAmt: 100.5, Balance: 100.5,
    CustomerRef: { value: '1' }, MetaData: { LastUpdatedTime: '2026-01-05T10:00:00-08:00' }, ...overrides,
  };
}

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  db = await createTestDatabase();
  connectionId = await seedQuickBooksConnection(db, settings);
}, 60_000);
afterAll(async () => {
  nock.cleanAll();
  nock.enableNetConnect();
  await limiters.stopAll();
  await db?.drop();
});

describe('a QuickBooks page with broken records', () => {
  it('stores the good ones, rejects each bad one naming its id and field, and finishes the sync', async () => {
    const page = [
      invoice('10'),
      invoice(undefined),
      invoice('12', { DueDate: '2026-02-31' }),
      invoice('13', { TotalAmt: 'a lot' }),
      invoice('14', { TxnDate: 'yesterday' }),
      invoice('16', { status: 'Archived' }),
      invoice('15'),
      // A voided invoice is no bad input: "Voided" prepended to its PrivateNote, amounts zeroed.
      invoice('17', { PrivateNote: 'Voided - duplicate', TotalAmt: 0, Balance: 0 }),
    ];
    nock(settings.baseUrl).get(`${API}/query`).query(true).reply(200, { QueryResponse: { Invoice: page, startPosition: 1, maxResults: page.length }, time: '2026-03-01T04:00:00.000-08:00' });
    const report = await runSync({ store: db, keys: ring, connectorFor, limiters }, connectionId, { streams: ['invoice'] });
    expect(report.streams.invoice).toMatchObject({ pages: 1, pulled: 8, rejected: 5, written: { invoice: 3 } });
    const { rows } = await db.pool.query('SELECT external_id, status FROM invoices WHERE connection_id = $1 ORDER BY external_id', [connectionId]);
    expect(rows.map((r) => [r.external_id, r.status])).toEqual([['10', 'open'], ['15', 'open'], ['17', 'void']]);
    const rejected = await listRejected(db.db, connectionId, 'invoice');
    const reasons = Object.fromEntries(rejected.map((r) => [r.externalId, r.reason]));
    expect(Object.keys(reasons).sort()).toEqual(['#1', '12', '13', '14', '16']);
    expect(reasons['16']).toMatch(/status.*"Archived" is not one QuickBooks documents/);
    expect(reasons['#1']).toMatch(/externalId: missing \(Id\)/);
    expect(reasons['12']).toMatch(/dueDate/);
    expect(reasons['13']).toMatch(/total/);
    expect(reasons['14']).toMatch(/issueDate/);
    // The raw record is kept for a replay, and the cursor moved on to CDC.
    expect(rejected.find((r) => r.externalId === '13')!.raw).toMatchObject({ Id: '13', TotalAmt: 'a lot' });
    expect(await readCursor(db.db, connectionId, 'invoice')).toEqual({ mode: 'incremental', since: '2026-03-01T12:00:00.000Z' });
  });

  it('a CDC deletion notice without an Id is rejected, the notice with one still voids its invoice', async () => {
    nock(settings.baseUrl).get(`${API}/cdc`).query(true).reply(200, {
      CDCResponse: [{ QueryResponse: [{ Invoice: [
        { status: 'Deleted', domain: 'QBO', MetaData: { LastUpdatedTime: '2026-03-01T04:10:00-08:00' } },
        { status: 'Deleted', domain: 'QBO', Id: '10', MetaData: { LastUpdatedTime: '2026-03-01T04:11:00-08:00' } },
      ] }] }],
      time: '2026-03-01T04:12:00.000-08:00',
    });
    // The cursor is days old on the real clock: it must not be past CDC's 30 days for this call.
    await db.pool.query("UPDATE sync_cursors SET cursor = jsonb_build_object('mode', 'incremental', 'since', $2::text) WHERE connection_id = $1 AND entity = 'invoice'", [connectionId, new Date(Date.now() - 3_600_000).toISOString()]);
    const report = await runSync({ store: db, keys: ring, connectorFor, limiters }, connectionId, { streams: ['invoice'] });
    expect(report.streams.invoice).toMatchObject({ mode: 'incremental', rejected: 1, voided: 1 });
    const { rows } = await db.pool.query("SELECT status FROM invoices WHERE connection_id = $1 AND external_id = '10'", [connectionId]);
    expect(rows[0].status).toBe('void');
    expect((await listRejected(db.db, connectionId, 'invoice')).some((r) => r.externalId === '#0' && /missing \(Id\)/.test(r.reason))).toBe(true);
  });
});
