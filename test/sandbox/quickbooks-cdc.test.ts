/**
 * The QuickBooks simulator's change data capture in Intuit's order: the active objects changed since
 * the instant, oldest first, then the deleted ones, cut at 1000 objects per entity — so a window
 * with 1000 active changes shows no deletion at all (issue 13.2).
 * https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/change-data-capture
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';

let sandbox: RunningSandbox;
// Well after the seeded world's last change, so each window holds only what a test did.
let clock = Date.parse('2026-03-03T12:00:00Z');

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 48, invoices: 1_200, asOf: '2026-03-01', port: 0, limits: false, now: () => clock });
}, 60_000);
afterAll(async () => sandbox?.close());

type CdcObject = { Id: string; status?: string; MetaData: { LastUpdatedTime: string } };

async function cdc(since: number): Promise<CdcObject[]> {
  const qb = sandbox.quickbooks;
  const url = new URL(`${qb.baseUrl}/v3/company/${qb.realmId}/cdc`);
  url.searchParams.set('entities', 'Invoice');
  url.searchParams.set('changedSince', new Date(since).toISOString());
  url.searchParams.set('minorversion', '75');
  const response = await fetch(url, { headers: { authorization: `Bearer ${qb.accessToken}`, accept: 'application/json' } });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { CDCResponse: { QueryResponse: { Invoice?: CdcObject[] }[] }[] };
  return body.CDCResponse[0]!.QueryResponse[0]!.Invoice ?? [];
}

async function invoiceIds(n: number): Promise<string[]> {
  const qb = sandbox.quickbooks;
  const ids: string[] = [];
  while (ids.length < n) {
    const url = new URL(`${qb.baseUrl}/v3/company/${qb.realmId}/query`);
    url.searchParams.set('query', `select * from Invoice where Id > '${ids.at(-1) ?? 0}' orderby Id maxresults ${Math.min(1000, n - ids.length)}`);
    url.searchParams.set('minorversion', '75');
    const response = await fetch(url, { headers: { authorization: `Bearer ${qb.accessToken}`, accept: 'application/json' } });
    ids.push(...((await response.json()) as { QueryResponse: { Invoice: { Id: string }[] } }).QueryResponse.Invoice.map((i) => i.Id));
  }
  return ids;
}

describe('QuickBooks CDC order and cap', () => {
  it('answers active objects first and deleted ones after, each oldest first, whatever their times', async () => {
    const start = clock;
    const ids = await invoiceIds(6);
    clock += 1_000;
    await sandbox.controls.quickbooks.editRecord('Invoice', ids[0]!, { status: 'Deleted' });
    clock += 1_000;
    await sandbox.controls.quickbooks.editRecord('Invoice', ids[1]!, { PrivateNote: 'edited after the deletion' });
    clock += 1_000;
    await sandbox.controls.quickbooks.editRecord('Invoice', ids[2]!, { status: 'Deleted' });
    clock += 1_000;
    await sandbox.controls.quickbooks.editRecord('Invoice', ids[3]!, { PrivateNote: 'edited last' });
    const answer = await cdc(start);
    expect(answer.map((o) => [o.Id, o.status ?? 'active'])).toEqual([[ids[1], 'active'], [ids[3], 'active'], [ids[0], 'Deleted'], [ids[2], 'Deleted']]);
  });

  it('cuts at 1000 objects per entity: 1000 active changes hide every deletion of the window', async () => {
    clock += 60_000;
    const start = clock;
    const ids = await invoiceIds(1_050);
    clock += 1_000;
    await sandbox.controls.quickbooks.editRecord('Invoice', ids[10]!, { status: 'Deleted' });
    for (const id of ids.slice(20, 1_030)) {
      clock += 10;
      await sandbox.controls.quickbooks.editRecord('Invoice', id, { PrivateNote: 'bulk edit' });
    }
    const answer = await cdc(start);
    expect(answer).toHaveLength(1000);
    expect(answer.some((o) => o.status === 'Deleted')).toBe(false);
    // The oldest active changes come first: the cut falls on the newest ones.
    expect(answer[0]!.Id).toBe(ids[20]);
    expect(answer.at(-1)!.Id).toBe(ids[1_019]);
  });
});
