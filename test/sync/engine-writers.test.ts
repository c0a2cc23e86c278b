/**
 * The sync engine with several pages written at once (16.3): each page in its own transaction, but
 * committed in page order, so a failure leaves a prefix of the pages and the cursor of its last one;
 * two pages naming the same record are never written at once; the next streams are fetched while
 * the current one is written. On a real PostgreSQL, with a scripted source and a database handle
 * that can hold or fail one page's transaction (a stand-in for a slow or failing write).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../core/store/index.ts';
import { readCursor } from '../../core/store/index.ts';
import { syncConnection, type PulledPage, type StreamSpec, type SyncSource } from '../../core/sync/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { qboSettings, seedQuickBooksConnection } from './support.ts';

const STREAMS: StreamSpec[] = [
  { name: 'customer', produces: [{ entity: 'customer', mapping: 'customer' }, { entity: 'contact', mapping: 'contact' }] },
  { name: 'invoice', produces: [{ entity: 'invoice', mapping: 'invoice' }] },
];

const rawCustomer = { Id: '1', DisplayName: 'Hollis Garden Supply', Active: true, MetaData: { LastUpdatedTime: '2026-01-01T00:00:00Z' } };

function rawInvoice(id: number, updated = '2026-01-05T10:00:00Z', total = 100): Record<string, unknown> {
  return {
    Id: String(id), DocNumber: `F-${id}`, TxnDate: '2026-01-05', DueDate: '2026-02-04', TotalAmt: total, Balance: total,
    CustomerRef: { value: '1' }, MetaData: { LastUpdatedTime: updated },
  };
}

/** Invoice pages as given (cursor: the page's number), after one customer page; `opened` logs each pull as it starts. */
function pagedSource(pages: Record<string, unknown>[][], opened: string[] = []): SyncSource {
  return {
    provider: 'quickbooks',
    streams: STREAMS,
    async *pull(stream): AsyncGenerator<PulledPage> {
      opened.push(stream);
      if (stream === 'customer') {
        yield { records: [rawCustomer], deleted: [], cursor: 'customers-done', mode: 'full' };
        return;
      }
      for (const [i, records] of pages.entries()) yield { records, deleted: [], cursor: i + 1, mode: 'full' };
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The test database, with its invoice-page transactions numbered: `hold(n)` runs before page n's
 * work (a slow write), `fail(n)` after it (a write that fails once its rows are in).
 */
function scriptedDb(real: Db, script: { hold?: Record<number, number>; fail?: number }): Db {
  let n = 0;
  const transaction = (async (fn: (tx: unknown) => Promise<unknown>) => {
    // Numbered when asked for, in page order (the engine asks in page order); the transactions
    // themselves may start in any order, as their connections come.
    const page = ++n;
    return real.transaction(async (tx) => {
      const hold = script.hold?.[page];
      if (hold) await sleep(hold);
      const result = await fn(tx);
      if (script.fail === page) {
        // Long enough for the next pages to have written their rows and to wait for this commit.
        await sleep(150);
        throw new Error(`page ${page} failed`);
      }
      return result;
    });
  }) as Db['transaction'];
  return new Proxy(real, { get: (target, key) => (key === 'transaction' ? transaction : Reflect.get(target, key)) });
}

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

async function storedInvoices(connectionId: string): Promise<string[]> {
  const { rows } = await db.pool.query<{ external_id: string }>('SELECT external_id FROM invoices WHERE connection_id = $1 ORDER BY external_id::int', [connectionId]);
  return rows.map((r) => r.external_id);
}

describe('syncConnection with several writers', () => {
  it('rolls back the pages after a failed one, however far they got: the cursor stays at the last page of the committed prefix', async () => {
    const connectionId = await seedQuickBooksConnection(db, qboSettings({ accountId: 'writers-fail' }));
    const pages = [1, 2, 3, 4].map((p) => [rawInvoice(2 * p - 1), rawInvoice(2 * p)]);
    // Transaction 1 is the customer page; 2, 3, 4, 5 the invoice pages. The second invoice page fails
    // after writing its rows, while the third and fourth have written theirs and wait to commit.
    const flaky = scriptedDb(db.db, { fail: 3 });
    await expect(syncConnection({ db: flaky, connectionId, source: pagedSource(pages), writers: 3, context: { homeCurrency: 'USD' } })).rejects.toThrow('page 3 failed');
    expect(await storedInvoices(connectionId)).toEqual(['1', '2']);
    expect(await readCursor(db.db, connectionId, 'invoice')).toBe(1);
    // Resumed from there: everything, once.
    const report = await syncConnection({ db: db.db, connectionId, source: pagedSource(pages), context: { homeCurrency: 'USD' } });
    expect(report.streams.invoice!.written).toEqual({ invoice: 8 });
    expect(await storedInvoices(connectionId)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
    expect(await readCursor(db.db, connectionId, 'invoice')).toBe(4);
  });

  it('commits in page order when a later page finishes first, and reports each page once it committed', async () => {
    const connectionId = await seedQuickBooksConnection(db, qboSettings({ accountId: 'writers-order' }));
    const pages = [1, 2, 3].map((p) => [rawInvoice(2 * p - 1), rawInvoice(2 * p)]);
    const slowFirst = scriptedDb(db.db, { hold: { 2: 200 } });
    const committed: number[] = [];
    const report = await syncConnection({
      db: slowFirst, connectionId, source: pagedSource(pages), writers: 3, context: { homeCurrency: 'USD' },
      onCommitted: async (changes) => {
        const ids = changes.get('invoice');
        if (ids) committed.push(Number(ids[0]));
        // Every page before this one, and none after: its commit waited for this call.
        const stored = await storedInvoices(connectionId);
        if (ids) expect(stored.length).toBe(Number(ids[1]));
      },
    });
    expect(committed).toEqual([1, 3, 5]);
    expect(report.streams.invoice).toMatchObject({ pages: 3, pulled: 6, written: { invoice: 6 } });
  });

  it('never writes two pages naming the same record at once: the newer version wins, and nothing waits on itself', async () => {
    const connectionId = await seedQuickBooksConnection(db, qboSettings({ accountId: 'writers-overlap' }));
    // Invoice 2 is listed twice (a provider paging over a moving listing), newer on the second page,
    // whose transaction would take its row first if the first page's were not waited for.
    const pages = [
      [rawInvoice(1), rawInvoice(2, '2026-01-05T10:00:00Z', 100)],
      [rawInvoice(2, '2026-01-06T10:00:00Z', 250), rawInvoice(3)],
    ];
    const slowFirst = scriptedDb(db.db, { hold: { 2: 300 } });
    await syncConnection({ db: slowFirst, connectionId, source: pagedSource(pages), writers: 3, context: { homeCurrency: 'USD' } });
    const { rows } = await db.pool.query('SELECT total_minor FROM invoices WHERE connection_id = $1 AND external_id = $2', [connectionId, '2']);
    expect(rows).toEqual([{ total_minor: '25000' }]);
  });

  it('fetches the next stream while the current one is still being written', async () => {
    const connectionId = await seedQuickBooksConnection(db, qboSettings({ accountId: 'writers-ahead' }));
    const opened: string[] = [];
    // The customer page's transaction is held: the invoice stream's pull starts meanwhile.
    const slowCustomers = scriptedDb(db.db, { hold: { 1: 300 } });
    const seenAtFirstCommit: string[][] = [];
    await syncConnection({
      db: slowCustomers, connectionId, source: pagedSource([[rawInvoice(1)]], opened), context: { homeCurrency: 'USD' },
      onCommitted: async () => void seenAtFirstCommit.push([...opened]),
    });
    expect(seenAtFirstCommit[0]).toEqual(['customer', 'invoice']);
    expect(await storedInvoices(connectionId)).toEqual(['1']);
  });
});
