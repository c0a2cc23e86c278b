/**
 * The sync engine on a real PostgreSQL, fed by a scripted source (a stand-in for a provider, not for
 * Relance): pages and cursors commit together, a crash resumes without duplicate or gap, bad records
 * are set aside with their reason, deletions become void.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRejected, readCursor, type JsonValue } from '../../core/store/index.ts';
import { syncConnection, type PulledPage, type StreamSpec, type SyncSource } from '../../core/sync/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { qboSettings, seedQuickBooksConnection } from './support.ts';

const STREAMS: StreamSpec[] = [
  { name: 'customer', produces: [{ entity: 'customer', mapping: 'customer' }, { entity: 'contact', mapping: 'contact' }] },
  { name: 'invoice', produces: [{ entity: 'invoice', mapping: 'invoice' }] },
];

function rawInvoice(id: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Id: String(id), DocNumber: `F-${id}`, TxnDate: '2026-01-05', DueDate: '2026-02-04', TotalAmt: 100.5, Balance: 100.5,
    CustomerRef: { value: '1' }, MetaData: { LastUpdatedTime: '2026-01-05T10:00:00Z' }, ...overrides,
  };
}

const rawCustomer = { Id: '1', DisplayName: 'Hollis Garden Supply', PrimaryEmailAddr: { Address: 'ap@hollis.test' }, Active: true, MetaData: { LastUpdatedTime: '2026-01-01T00:00:00Z' } };

/** A source that lists `invoices` in pages of `pageSize` by position, and can fail after some pages. */
function scriptedSource(invoices: Record<string, unknown>[], pageSize: number, failAfterPages: number | null = null, pulls: JsonValue[] = []): SyncSource {
  return {
    provider: 'quickbooks',
    streams: STREAMS,
    async *pull(stream, cursor): AsyncGenerator<PulledPage> {
      pulls.push(cursor);
      if (stream === 'customer') {
        yield { records: [rawCustomer], deleted: [], cursor: { done: true }, mode: 'full' };
        return;
      }
      let position = typeof cursor === 'number' ? cursor : 0;
      for (let served = 0; position < invoices.length; served++) {
        if (failAfterPages !== null && served >= failAfterPages) throw new Error('killed mid-sync');
        const records = invoices.slice(position, position + pageSize);
        position += records.length;
        yield { records, deleted: [], cursor: position, mode: 'full' };
      }
    },
  };
}

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

async function count(table: string, connectionId: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE connection_id = $1`, [connectionId]);
  return Number(rows[0]!.n);
}

describe('syncConnection', () => {
  it('maps and stores every page, customers with their contacts, and saves each stream cursor', async () => {
    const connectionId = await seedQuickBooksConnection(db, qboSettings({ accountId: 'full-1' }));
    const invoices = Array.from({ length: 25 }, (_, i) => rawInvoice(i + 1));
    const report = await syncConnection({ db: db.db, connectionId, source: scriptedSource(invoices, 10), context: { homeCurrency: 'USD' } });
    expect(report.streams.customer).toMatchObject({ pages: 1, pulled: 1, written: { customer: 1, contact: 1 }, rejected: 0 });
    expect(report.streams.invoice).toMatchObject({ mode: 'full', pages: 3, pulled: 25, written: { invoice: 25 }, rejected: 0 });
    expect(await count('invoices', connectionId)).toBe(25);
    expect(await count('contacts', connectionId)).toBe(1);
    expect(await readCursor(db.db, connectionId, 'invoice')).toBe(25);
    const { rows } = await db.pool.query('SELECT total_minor, currency, status, raw->>\'DocNumber\' AS doc FROM invoices WHERE connection_id = $1 AND external_id = $2', [connectionId, '7']);
    expect(rows[0]).toEqual({ total_minor: '10050', currency: 'USD', status: 'open', doc: 'F-7' });
  });

  it('resumes a sync that died mid-way from the last committed page: no duplicate, no gap', async () => {
    const connectionId = await seedQuickBooksConnection(db, qboSettings({ accountId: 'crash-1' }));
    const invoices = Array.from({ length: 35 }, (_, i) => rawInvoice(i + 1));
    await expect(syncConnection({ db: db.db, connectionId, source: scriptedSource(invoices, 10, 2), context: { homeCurrency: 'USD' } })).rejects.toThrow('killed mid-sync');
    // Two pages committed with their cursor, nothing of the third.
    expect(await count('invoices', connectionId)).toBe(20);
    expect(await readCursor(db.db, connectionId, 'invoice')).toBe(20);
    const pulls: JsonValue[] = [];
    const report = await syncConnection({ db: db.db, connectionId, source: scriptedSource(invoices, 10, null, pulls), context: { homeCurrency: 'USD' } });
    expect(pulls).toEqual([{ done: true }, 20]);
    expect(report.streams.invoice!.pulled).toBe(15);
    expect(await count('invoices', connectionId)).toBe(35);
  });

  it('sets a record the mapping cannot read aside with its reason; the rest of the page goes in', async () => {
    const connectionId = await seedQuickBooksConnection(db, qboSettings({ accountId: 'reject-1' }));
    const invoices = [rawInvoice(1), rawInvoice(2, { DueDate: undefined }), rawInvoice(3, { TotalAmt: 'lots' })];
    const report = await syncConnection({ db: db.db, connectionId, source: scriptedSource(invoices, 10), streams: ['invoice'], context: { homeCurrency: 'USD' } });
    expect(report.streams.invoice).toMatchObject({ written: { invoice: 1 }, rejected: 2 });
    const rejected = await listRejected(db.db, connectionId, 'invoice');
    expect(rejected.map((r) => r.externalId)).toEqual(['2', '3']);
    expect(rejected[0]!.reason).toMatch(/invoice.*2.*dueDate.*missing/i);
    expect(rejected[1]!.reason).toMatch(/total/);
    expect(rejected[1]!.raw).toMatchObject({ Id: '3', TotalAmt: 'lots' });
    // Fixed at the source: stored, and no longer rejected.
    await syncConnection({ db: db.db, connectionId, source: scriptedSource([rawInvoice(2)], 10), streams: ['invoice'], full: true, context: { homeCurrency: 'USD' } });
    expect((await listRejected(db.db, connectionId, 'invoice')).map((r) => r.externalId)).toEqual(['3']);
  });

  it('turns deletions into void invoices and inactive customers instead of dropping them', async () => {
    const connectionId = await seedQuickBooksConnection(db, qboSettings({ accountId: 'delete-1' }));
    await syncConnection({ db: db.db, connectionId, source: scriptedSource([rawInvoice(1), rawInvoice(2)], 10), context: { homeCurrency: 'USD' } });
    const deletions: SyncSource = {
      provider: 'quickbooks',
      streams: STREAMS,
      async *pull(stream) {
        const notice = { status: 'Deleted', Id: stream === 'customer' ? '1' : '2', MetaData: { LastUpdatedTime: '2026-02-01T00:00:00Z' } };
        yield { records: [], deleted: [{ externalId: notice.Id, raw: notice }], cursor: 'after-delete', mode: 'incremental' };
      },
    };
    const report = await syncConnection({ db: db.db, connectionId, source: deletions });
    expect(report.streams.invoice!.voided).toBe(1);
    expect(report.streams.customer!.voided).toBe(1);
    const { rows } = await db.pool.query('SELECT external_id, status, balance_minor, total_minor FROM invoices WHERE connection_id = $1 ORDER BY external_id', [connectionId]);
    expect(rows).toEqual([
      { external_id: '1', status: 'open', balance_minor: '10050', total_minor: '10050' },
      { external_id: '2', status: 'void', balance_minor: '0', total_minor: '10050' },
    ]);
    const customers = await db.pool.query('SELECT active FROM customers WHERE connection_id = $1', [connectionId]);
    expect(customers.rows).toEqual([{ active: false }]);
  });

  it('hands each committed page\'s written ids to onCommitted; a named sync runs the document streams first (16.2)', async () => {
    const connectionId = await seedQuickBooksConnection(db, qboSettings({ accountId: 'committed-1' }));
    const invoices = Array.from({ length: 15 }, (_, i) => rawInvoice(i + 1));
    const pulls: JsonValue[] = [];
    const seen: { entities: string[]; invoices: number; stored: number }[] = [];
    await syncConnection({
      db: db.db, connectionId, source: scriptedSource(invoices, 10, null, pulls), context: { homeCurrency: 'USD' }, streams: ['customer', 'invoice'],
      onCommitted: async (changes) => {
        // Called after the commit: what it names is in the store already.
        seen.push({ entities: [...changes.keys()], invoices: changes.get('invoice')?.length ?? 0, stored: await count('invoices', connectionId) });
      },
    });
    expect(seen).toEqual([
      { entities: ['invoice'], invoices: 10, stored: 10 },
      { entities: ['invoice'], invoices: 5, stored: 15 },
      { entities: ['customer', 'contact'], invoices: 0, stored: 15 },
    ]);
    // The invoices came in before their customer, and were linked to it when it was committed.
    const { rows } = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM invoices WHERE connection_id = $1 AND customer_id IS NOT NULL', [connectionId]);
    expect(Number(rows[0]!.n)).toBe(15);
  });

  it('refuses a stream the connector does not have, naming it', async () => {
    const connectionId = await seedQuickBooksConnection(db, qboSettings({ accountId: 'bad-stream' }));
    await expect(syncConnection({ db: db.db, connectionId, source: scriptedSource([], 10), streams: ['estimate'] })).rejects.toThrow(/stream "estimate"/);
  });
});
