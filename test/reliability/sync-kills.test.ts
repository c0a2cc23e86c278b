/**
 * A sync killed mid-listing while the provider's records change, short version (the long one:
 * bench/reliability/sync-kills.ts; the trial: ./sync-trial.ts). A real `relance sync` process is
 * killed with SIGKILL three times at random points of a full listing while payments are recorded,
 * invoices edited and deleted (QuickBooks) or voided (Xero) at the provider; resumed, the store
 * equals what the provider lists, record by record and version by version: nothing missing,
 * nothing stale, no deletion missed. QuickBooks closes its listing with the change feed, so one
 * resumed sync suffices; Xero's watermark leaves what changed on pages already read to the next
 * sync (the periodic one), so Xero is equal after that one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { ShiftedClock, startXero, type RunningXero } from '../connectors/xero/sandbox-support.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { quickbooksLedger, runSyncTrial, xeroLedger } from './sync-trial.ts';

let sandbox: RunningSandbox;
let xero: RunningXero;
let db: TestDatabase;

beforeAll(async () => {
  [sandbox, xero, db] = await Promise.all([
    startSandbox({ seed: 71, invoices: 4_000, asOf: '2026-03-01', port: 0, limits: false }),
    startXero({ invoices: 3_000, limits: false, clock: new ShiftedClock(), seed: 72 }),
    createTestDatabase(),
  ]);
}, 120_000);
afterAll(async () => {
  await sandbox?.close();
  await xero?.close();
  await db?.drop();
});

const none = { missing: 0, stale: 0, ghost: 0 };

describe('a sync killed at random points while records change', () => {
  it('QuickBooks: resumed once, the store equals the source', async () => {
    const ledger = await quickbooksLedger(db, sandbox, 'Sync kills QuickBooks');
    const trial = await runSyncTrial({ db, databaseUrl: db.url, ledger, kills: 3, maxPagesBeforeKill: 5 });
    process.stderr.write(`sync kills: ${JSON.stringify(trial)}\n`);
    expect(trial.kills).toBeGreaterThanOrEqual(2);
    expect(trial.mutations.payments + trial.mutations.edits + trial.mutations.deletes).toBeGreaterThan(0);
    expect(trial.afterResume, trial.examples.join('; ')).toEqual(none);
  }, 240_000);

  it('Xero: resumed, then the next sync, the store equals the source', async () => {
    const ledger = await xeroLedger(db, xero, 'Sync kills Xero');
    const trial = await runSyncTrial({ db, databaseUrl: db.url, ledger, kills: 3, maxPagesBeforeKill: 4, nextSync: true });
    process.stderr.write(`sync kills: ${JSON.stringify(trial)}\n`);
    expect(trial.kills).toBeGreaterThanOrEqual(2);
    expect(trial.mutations.payments + trial.mutations.edits + trial.mutations.deletes).toBeGreaterThan(0);
    expect(trial.afterNext, trial.examples.join('; ')).toEqual(none);
  }, 240_000);
});
