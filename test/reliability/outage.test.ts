/**
 * The hour-long outage, compressed (issue 14 item 1; the scenario: ./outage-trial.ts, the long
 * version: bench/reliability/outage.ts). QuickBooks answers 5xx to everything while customers pay
 * their overdue invoices there; send passes run every 300 ms throughout. No reminder goes to a
 * customer who paid (the freshness gate holds the organization from the first failed sync until a
 * complete sync succeeds); every paid reminder is cancelled once the payments are in; the others go
 * out; the store ends equal to QuickBooks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { startSmtpSink, type SmtpSink } from '../sending/smtp-sink.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { runOutage } from './outage-trial.ts';

let sandbox: RunningSandbox;
let db: TestDatabase;
let sink: SmtpSink;

beforeAll(async () => {
  [sandbox, db, sink] = await Promise.all([
    startSandbox({ seed: 91, invoices: 400, asOf: '2026-03-01', port: 0, limits: false }),
    createTestDatabase(),
    startSmtpSink(),
  ]);
}, 120_000);
afterAll(async () => {
  await sink?.close();
  await sandbox?.close();
  await db?.drop();
});

describe('an hour of QuickBooks outage (at 180× speed) with payments during it', () => {
  it('sends no reminder to a customer who paid, and ends with the store equal to the source', async () => {
    const counts = await runOutage({ store: db, sandbox, sink, outageMs: 20_000, scale: 180, payEveryMs: 1_000, passEveryMs: 300, recoveryMaxMs: 90_000 });
    process.stderr.write(`outage: ${JSON.stringify(counts)}\n`);
    expect(counts.paymentsDuringOutage).toBeGreaterThanOrEqual(5);
    expect(counts.failedSyncs).toBeGreaterThanOrEqual(1);
    expect({ sentToPaid: counts.sentToPaid, sentDuringOutage: counts.sentDuringOutage, unsettled: counts.unsettled, storeVsSource: counts.storeVsSource })
      .toEqual({ sentToPaid: 0, sentDuringOutage: 0, unsettled: 0, storeVsSource: 0 });
    expect(counts.cancelledPaid).toBe(counts.paymentsDuringOutage);
    expect(counts.sentAfter).toBeGreaterThan(0);
  }, 240_000);
});
