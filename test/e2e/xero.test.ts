/**
 * End to end against the Xero simulator with its published limits on (60 a minute, 5 at once, 5000
 * a day), through the sync engine into PostgreSQL: a full sync, exactly the changes incrementally,
 * a sync killed mid-stream that resumes without duplicates, a 429 storm survived, and a daily
 * allowance that runs out mid-sync and resumes after the reset. Write-back lands as history notes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorFor } from '../../connectors/index.ts';
import { ConnectionTokenStore, loadCredentials } from '../../core/connections/index.ts';
import { DailyAllowanceExhausted, LimiterRegistry, TokenRefresher, accountKey, defaultRetryPolicy, type AttemptRecord } from '../../core/http/index.ts';
import { runSync } from '../../core/sync/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { ring } from '../sync/support.ts';
import { ShiftedClock, connectXero, simulatorList, startXero, type RunningXero } from '../connectors/xero/sandbox-support.ts';

const clock = new ShiftedClock();
const limiters = new LimiterRegistry(clock);
let xero: RunningXero;
let db: TestDatabase;
let connectionId: string;
const attempts: AttemptRecord[] = [];

async function count(table: string, id: string): Promise<{ rows: number; ids: number }> {
  const { rows } = await db.pool.query<{ n: string; ids: string }>(`SELECT count(*) AS n, count(DISTINCT external_id) AS ids FROM ${table} WHERE connection_id = $1`, [id]);
  return { rows: Number(rows[0]!.n), ids: Number(rows[0]!.ids) };
}

const deps = (registry = limiters) => ({
  store: db, keys: ring, connectorFor, limiters: registry,
  policy: defaultRetryPolicy(),
  onAttempt: (a: AttemptRecord) => attempts.push(a),
});

beforeAll(async () => {
  xero = await startXero({ invoices: 1500, limits: {}, clock });
  db = await createTestDatabase();
  connectionId = await connectXero(db, ring, xero, 'Xero e2e');
}, 120_000);

afterAll(async () => {
  await limiters.stopAll();
  await xero?.close();
  await db?.drop();
});

describe('Xero end to end', () => {
  it('syncs everything: the simulator\'s counts, nothing rejected, every document linked', async () => {
    const report = await runSync(deps(), connectionId);
    const sales = await simulatorList(xero, 'Invoices', 'Type=="ACCREC"');
    const contacts = await simulatorList(xero, 'Contacts');
    const payments = await simulatorList(xero, 'Payments', 'PaymentType=="ACCRECPAYMENT"');
    const credits = await simulatorList(xero, 'CreditNotes', 'Type=="ACCRECCREDIT"');
    const overpayments = await simulatorList(xero, 'Overpayments', 'Type=="RECEIVE-OVERPAYMENT"');
    expect(report.streams.invoice).toMatchObject({ mode: 'full', pulled: sales.length, rejected: 0, pages: Math.ceil((sales.length + 1) / 1000) });
    expect(report.streams.customer).toMatchObject({ pulled: contacts.length, rejected: 0 });
    expect(report.streams.payment).toMatchObject({ pulled: payments.length, rejected: 0 });
    expect(report.streams.creditNote).toMatchObject({ pulled: credits.length, rejected: 0 });
    expect(report.streams.overpayment).toMatchObject({ pulled: overpayments.length, rejected: 0 });
    expect(await count('invoices', connectionId)).toEqual({ rows: sales.length, ids: sales.length });
    expect(await count('payments', connectionId)).toEqual({ rows: payments.length + overpayments.length, ids: payments.length + overpayments.length });
    const { rows } = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM invoices WHERE connection_id = $1 AND customer_id IS NULL', [connectionId]);
    expect(Number(rows[0]!.n)).toBe(0);
    // Within the limits: not one 429 in steady state.
    expect(attempts.filter((a) => a.outcome === 'rate_limited')).toEqual([]);
  }, 120_000);

  it('brings back exactly the invoices edited in Xero, and nothing else', async () => {
    const { rows } = await db.pool.query<{ external_id: string }>("SELECT external_id FROM invoices WHERE connection_id = $1 AND status = 'open' ORDER BY external_id LIMIT 25", [connectionId]);
    for (const { external_id: id } of rows) await xero.sim.control.editRecord('Invoice', id, { Reference: 'PO changed' });
    const report = await runSync(deps(), connectionId);
    expect(report.streams.invoice).toMatchObject({ mode: 'incremental', pulled: 25, written: { invoice: 25 } });
    for (const stream of ['customer', 'payment', 'creditNote', 'overpayment']) expect(report.streams[stream]!.pulled).toBe(0);
    const changed = await db.pool.query("SELECT 1 FROM invoices WHERE connection_id = $1 AND raw->>'Reference' = 'PO changed'", [connectionId]);
    expect(changed.rowCount).toBe(25);
  }, 60_000);

  it('survives a 429 storm: waits out Retry-After and completes', async () => {
    const before = attempts.length;
    xero.sim.control.injectFault({ kind: 'rate_limit_storm', count: 3 });
    const report = await runSync(deps(), connectionId);
    const mine = attempts.slice(before);
    expect(mine.filter((a) => a.outcome === 'rate_limited')).toHaveLength(3);
    expect(Object.values(report.streams).every((s) => s.mode === 'incremental')).toBe(true);
  }, 60_000);

  it('resumes a sync killed after its first invoice page, refetching at most the one page read ahead, with no duplicate', async () => {
    const second = await connectXero(db, ring, xero, 'Xero e2e, killed');
    const before = attempts.length;
    const kill = new Error('killed');
    await expect(runSync(deps(), second, {
      onPage: (stream) => {
        if (stream === 'invoice') throw kill;
      },
    })).rejects.toBe(kill);
    expect((await count('invoices', second)).rows).toBe(1000);
    const report = await runSync(deps(), second);
    const sales = (await simulatorList(xero, 'Invoices', 'Type=="ACCREC"')).length;
    expect(report.streams.invoice!.pulled).toBe(sales - 1000);
    expect(await count('invoices', second)).toEqual({ rows: sales, ids: sales });
    const invoicePages = attempts.slice(before).filter((a) => a.operation === 'xero.list.Invoices' && a.outcome === 'ok');
    // The engine reads one page ahead while it commits the current one: the page read ahead when the
    // sync died may be fetched again, never more, and never the committed one. The resumed run
    // ends with one more call, the closing run from its watermark (nothing changed: it pulled none).
    const least = Math.ceil((sales + 1) / 1000) + 1;
    expect(invoicePages.length).toBeGreaterThanOrEqual(least);
    expect(invoicePages.length).toBeLessThanOrEqual(least + 1);
  }, 120_000);

  it('writes a dispute back as an invoice history note', async () => {
    const id = String((await simulatorList(xero, 'Invoices', 'Type=="ACCREC"'))[0]!.InvoiceID);
    const connector = connectorFor('xero');
    const { settings } = await loadCredentials(db.pool, ring, connectionId);
    const session = connector.connect({
      connectionId,
      settings,
      tokens: new TokenRefresher(new ConnectionTokenStore(db.pool, ring)).forConnection(connectionId, connector.auth.refreshGrant(settings)),
      limiter: limiters.forAccount(accountKey('xero', settings.accountId), connector.describe().profile),
      policy: defaultRetryPolicy(),
    });
    const result = await session.push({ kind: 'set_disputed', invoiceExternalId: id, disputed: true, note: 'Goods damaged' });
    expect(result).toMatchObject({ externalId: id, attempts: 1 });
    const notes = xero.sim.control.writtenBack().filter((w) => w.what === 'history' && w.id === id);
    expect(notes).toHaveLength(1);
    expect(JSON.stringify(notes[0]!.body)).toContain('dispute opened');
  }, 30_000);
});

describe('Xero daily allowance end to end', () => {
  it('stops cleanly when the day is nearly spent mid-sync and resumes after the reset, without duplicates', async () => {
    const dayClock = new ShiftedClock();
    const registry = new LimiterRegistry(dayClock);
    // 502 calls a day, as if the user's other apps had spent the rest: after the contacts page and
    // one invoice page, X-DayLimit-Remaining says 500, the 10 % Relance leaves alone.
    const small = await startXero({ invoices: 1500, limits: { overrides: { day: { limit: 502 } } }, clock: dayClock, seed: 9 });
    try {
      const id = await connectXero(db, ring, small, 'Xero e2e, daily');
      const before = attempts.length;
      const error = await runSync(deps(registry), id).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DailyAllowanceExhausted);
      const resetAt = (error as DailyAllowanceExhausted).resetAt.getTime();
      expect(resetAt).toBeGreaterThan(dayClock.now() + 23 * 3_600_000);
      expect((await count('invoices', id)).rows).toBe(1000);
      // Stopped before Xero had to refuse anything: no 429 came back.
      expect(attempts.slice(before).map((a) => a.outcome)).toEqual(['ok', 'ok', 'daily_allowance_exhausted']);
      const { rows } = await db.pool.query<{ status: string; last_error: { code: string } }>('SELECT status, last_error FROM connections WHERE id = $1', [id]);
      expect(rows[0]).toMatchObject({ status: 'active', last_error: { code: 'daily_allowance_exhausted' } });
      // Still refused before the reset, without a call to Xero.
      const again = attempts.length;
      await expect(runSync(deps(registry), id)).rejects.toBeInstanceOf(DailyAllowanceExhausted);
      expect(attempts.slice(again).map((a) => a.outcome)).toEqual(['daily_allowance_exhausted']);
      // After the reset. The access token expired meanwhile: the single-use refresh runs first.
      dayClock.offsetMs = resetAt - Date.now() + 1000;
      const resumedAt = attempts.length;
      // At 502 calls a day the rest of the sync takes days: the invoices are what this test follows.
      const resumed = await runSync(deps(registry), id, { streams: ['invoice'] });
      expect(resumed.streams.invoice).toMatchObject({ pulled: small.world.xero.invoices.length - 1000 });
      expect(attempts.slice(resumedAt)[0]).toMatchObject({ operation: 'xero.list.Invoices', outcome: 'auth_expired', decision: { reason: 'token_refreshed' } });
      const invoices = await count('invoices', id);
      expect(invoices).toEqual({ rows: small.world.xero.invoices.length, ids: small.world.xero.invoices.length });
      const { rows: after } = await db.pool.query<{ last_error: unknown }>('SELECT last_error FROM connections WHERE id = $1', [id]);
      expect(after[0]!.last_error).toBeNull();
    } finally {
      await registry.stopAll();
      await small.close();
    }
  }, 120_000);
});
