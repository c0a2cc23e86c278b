/**
 * Issue 14.2: no row missed by a listing. Invoices deleted in QuickBooks while a full sync pages
 * through them must not shift the pages: offset paging skipped one live invoice per deletion; the
 * listing keyed by Id skips none, and the change-data-capture pass that follows voids the deleted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorFor } from '../../connectors/index.ts';
import { LimiterRegistry } from '../../core/http/index.ts';
import { runSync } from '../../core/sync/index.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { ring } from '../sync/support.ts';
import { connectSandbox } from './quickbooks-support.ts';

let sandbox: RunningSandbox;
let db: TestDatabase;
let connectionId: string;
const limiters = new LimiterRegistry();

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 47, invoices: 3_500, asOf: '2026-03-01', port: 0, limits: false });
  db = await createTestDatabase();
  connectionId = await connectSandbox(db, ring, sandbox);
}, 120_000);

afterAll(async () => {
  await limiters.stopAll();
  await sandbox?.close();
  await db?.drop();
});

/** Every invoice Id the sandbox serves, listed by key in pages of 1000. */
async function sandboxInvoiceIds(): Promise<string[]> {
  const qb = sandbox.quickbooks;
  const ids: string[] = [];
  for (let after = 0; ;) {
    const url = new URL(`${qb.baseUrl}/v3/company/${qb.realmId}/query`);
    url.searchParams.set('query', `select * from Invoice where Id > '${after}' orderby Id maxresults 1000`);
    url.searchParams.set('minorversion', '75');
    const response = await fetch(url, { headers: { authorization: `Bearer ${qb.accessToken}`, accept: 'application/json' } });
    const page = ((await response.json()) as { QueryResponse: { Invoice?: { Id: string }[] } }).QueryResponse.Invoice ?? [];
    ids.push(...page.map((i) => i.Id));
    if (page.length < 1000) return ids;
    after = Number(page.at(-1)!.Id);
  }
}

async function stored(): Promise<Map<string, { status: string; deleted: boolean }>> {
  const { rows } = await db.pool.query<{ external_id: string; status: string; deleted: boolean }>(
    "SELECT external_id, status, coalesce(raw->>'status' = 'Deleted', false) AS deleted FROM invoices WHERE connection_id = $1",
    [connectionId],
  );
  return new Map(rows.map((r) => [r.external_id, { status: r.status, deleted: r.deleted }]));
}

describe('a full QuickBooks listing with deletions under way', () => {
  it('ends equal to the source: nothing skipped, the deleted voided', async () => {
    const before = await sandboxInvoiceIds();
    // Invoices already listed by the first page: deleting them moved every later offset back.
    const doomed = before.slice(100, 105);
    let deleted = false;
    await runSync({ store: db, keys: ring, connectorFor, limiters }, connectionId, {
      streams: ['customer', 'invoice'],
      onPage: (stream) => {
        if (stream !== 'invoice' || deleted) return;
        deleted = true;
        for (const id of doomed) void sandbox.controls.quickbooks.editRecord('Invoice', id, { status: 'Deleted' });
      },
    });
    expect(deleted).toBe(true);
    const source = await sandboxInvoiceIds();
    expect(source).toHaveLength(before.length - doomed.length);
    // Every live invoice reached the store (offset paging lost five here).
    const listed = await stored();
    expect(source.filter((id) => !listed.has(id))).toEqual([]);

    // The change feed from the listing's start voids what was deleted behind it.
    await runSync({ store: db, keys: ring, connectorFor, limiters }, connectionId, { streams: ['invoice'] });
    const after = await stored();
    expect(doomed.map((id) => after.get(id))).toEqual(doomed.map(() => ({ status: 'void', deleted: true })));
    const live = [...after].filter(([, r]) => !r.deleted).map(([id]) => id);
    expect(live.sort()).toEqual([...source].sort());
  }, 120_000);
});
