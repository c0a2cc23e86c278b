/**
 * A push repeated with the same request key — a worker that died before it heard the answer —
 * writes once at each provider, through the real connectors against the sandbox: QuickBooks by
 * `requestid`, Xero by `Idempotency-Key`, HubSpot by finding the note it already made. A new key
 * (another change) writes again, so the check can fail both ways.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorFor } from '../../connectors/index.ts';
import type { ConnectorSession, PushChange } from '../../connectors/contract.ts';
import type { Provider } from '../../core/connections/index.ts';
import { LimiterRegistry } from '../../core/http/index.ts';
import { runSync } from '../../core/sync/index.ts';
import { connectSession, requestKeyOf } from '../../jobs/outbox.ts';
import { connectSandbox } from '../../cli/demo/connect-sandbox.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { ring } from '../sync/support.ts';

let sandbox: RunningSandbox;
let db: TestDatabase;
const limiters = new LimiterRegistry();
const sessions = {} as Record<Provider, ConnectorSession>;
const invoiceOf = {} as Record<'quickbooks' | 'xero', string>;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 23, invoices: 30, asOf: '2026-03-01', port: 0, limits: false });
  db = await createTestDatabase();
  const { connections } = await connectSandbox({ pool: db.pool, keys: ring }, sandbox);
  for (const provider of ['quickbooks', 'xero', 'hubspot'] as const) {
    const connectionId = connections[provider]!.id;
    sessions[provider] = await connectSession({ store: db, keys: ring, limiters }, connectionId);
    if (provider === 'hubspot') continue;
    await runSync({ store: db, keys: ring, connectorFor, limiters }, connectionId, { streams: ['customer', 'invoice'] });
    const { rows } = await db.pool.query<{ external_id: string }>(
      "SELECT external_id FROM invoices WHERE connection_id = $1 AND status = 'open' ORDER BY external_id LIMIT 1", [connectionId]);
    invoiceOf[provider] = rows[0]!.external_id;
  }
}, 90_000);

afterAll(async () => {
  await limiters.stopAll();
  await sandbox?.close();
  await db?.drop();
});

const keyOf = (idempotencyKey: string, change: PushChange) => requestKeyOf({ idempotencyKey, kind: change.kind, payload: { ...change } });

/** Pushes `change` twice with one key, then once with another; returns the provider's writes after each. */
async function pushTwiceThenAgain(provider: Provider, change: PushChange, count: () => Promise<number>): Promise<number[]> {
  const before = await count();
  const key = keyOf(`test:${provider}:1`, change);
  const first = await sessions[provider].push(change, { requestKey: key });
  const second = await sessions[provider].push(change, { requestKey: key });
  expect(second.externalId).toBe(first.externalId);
  const afterRepeat = await count();
  await sessions[provider].push(change, { requestKey: keyOf(`test:${provider}:2`, change) });
  return [afterRepeat - before, (await count()) - before];
}

async function quickbooksNoteLines(id: string): Promise<number> {
  const qb = sandbox.quickbooks;
  const response = await fetch(`${qb.baseUrl}/v3/company/${qb.realmId}/invoice/${id}?minorversion=75`, { headers: { authorization: `Bearer ${qb.accessToken}`, accept: 'application/json' } });
  const { Invoice } = (await response.json()) as { Invoice: { PrivateNote?: string } };
  return (Invoice.PrivateNote ?? '').split('\n').filter((line) => line.includes('Reminder reminder-1 sent by email')).length;
}

async function xeroNotes(id: string): Promise<number> {
  const x = sandbox.xero;
  const response = await fetch(`${x.baseUrl}/api.xro/2.0/Invoices/${id}/History`, { headers: { authorization: `Bearer ${x.accessToken}`, 'xero-tenant-id': x.tenantId!, accept: 'application/json' } });
  const { HistoryRecords } = (await response.json()) as { HistoryRecords: { Details: string }[] };
  return HistoryRecords.filter((r) => r.Details.includes('reminder-1')).length;
}

describe('a push repeated with the same request key writes once', () => {
  it('QuickBooks: one memo line per key (requestid), and the same line is not written again under another key', async () => {
    const change: PushChange = { kind: 'reminder_sent', invoiceExternalId: invoiceOf.quickbooks, step: 'reminder-1', channel: 'email', date: '2026-03-01' };
    // Relance's block of the memo already says it: a second event with the same text writes nothing (issue 12.5).
    expect(await pushTwiceThenAgain('quickbooks', change, () => quickbooksNoteLines(invoiceOf.quickbooks))).toEqual([1, 1]);
  });

  it('Xero: one history note per key (Idempotency-Key)', async () => {
    const change: PushChange = { kind: 'reminder_sent', invoiceExternalId: invoiceOf.xero, step: 'reminder-1', channel: 'email', date: '2026-03-01' };
    expect(await pushTwiceThenAgain('xero', change, () => xeroNotes(invoiceOf.xero))).toEqual([1, 2]);
  });

  it('HubSpot: one note and one task per key (relance_key)', async () => {
    const companyId = sandbox.world.hubspot.companies[0]!.id;
    const notes = async () => sandbox.controls.hubspot.writtenBack().filter((w) => w.what === 'note').length;
    const tasks = async () => sandbox.controls.hubspot.writtenBack().filter((w) => w.what === 'task').length;
    const note: PushChange = { kind: 'add_company_note', companyExternalId: companyId, body: 'Reminder reminder-1 sent by email', timestamp: '2026-03-01T09:00:00.000Z' };
    expect(await pushTwiceThenAgain('hubspot', note, notes)).toEqual([1, 2]);
    const task: PushChange = { kind: 'create_owner_task', companyExternalId: companyId, subject: 'Call about F-1', body: 'Overdue', dueDate: '2026-03-03' };
    expect(await pushTwiceThenAgain('hubspot', task, tasks)).toEqual([1, 2]);
  });
});
