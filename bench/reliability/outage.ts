/**
 * The hour-long QuickBooks outage, at a compressed clock (issue 14 item 1; the scenario:
 * test/reliability/outage-trial.ts): QuickBooks answers 5xx to every call for --outage seconds while
 * a customer pays every --pay-every ms there; send passes run every 300 ms throughout; delays are
 * production's divided by --scale (60: the sync retries 83 ms → 5 s, the periodic sync every 15 s,
 * so a 60 s outage stands for an hour). Prints the counts and the load average; exits 1 unless no
 * reminder went to a customer who paid, every paid reminder was cancelled, and the store ended equal
 * to QuickBooks.
 *
 *   node --import tsx bench/reliability/outage.ts [--outage 60] [--scale 60] [--invoices 3000] [--pay-every 1000]
 * (DATABASE_URL names the PostgreSQL server; a scratch database is made there and dropped.)
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { openStore } from '../../core/store/db.ts';
import { migrate } from '../../core/store/migrate.ts';
import { startSandbox } from '../../sandbox/index.ts';
import { startSmtpSink } from '../../test/sending/smtp-sink.ts';
import { runOutage } from '../../test/reliability/outage-trial.ts';
import { createScratchDatabase } from '../scratch-database.ts';

const { values } = parseArgs({ options: { outage: { type: 'string', default: '60' }, scale: { type: 'string', default: '60' }, invoices: { type: 'string', default: '3000' }, 'pay-every': { type: 'string', default: '1000' } } });
const outageSeconds = Number(values.outage);
const scale = Number(values.scale);
const invoices = Number(values.invoices);
const payEveryMs = Number(values['pay-every']);
for (const [name, v] of Object.entries({ outage: outageSeconds, scale, invoices, 'pay-every': payEveryMs })) {
  if (!Number.isInteger(v) || v <= 0) {
    process.stderr.write(`--${name}: a positive whole number is required, got "${String(v)}"\n`);
    process.exit(2);
  }
}

const scratch = await createScratchDatabase(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', 'outage');
const interrupted = () => void scratch.drop().finally(() => process.exit(130));
process.once('SIGINT', interrupted);
process.once('SIGTERM', interrupted);
const store = openStore(scratch.url, { max: 10 });
const sink = await startSmtpSink();
const sandbox = await startSandbox({ seed: 93, invoices, asOf: '2026-03-01', port: 0, limits: false });
try {
  await migrate(store.pool);
  const loadBefore = os.loadavg()[0]!;
  const counts = await runOutage({ store: { ...store, url: scratch.url }, sandbox, sink, outageMs: outageSeconds * 1000, scale, payEveryMs, passEveryMs: 300, recoveryMaxMs: 300_000 });
  const met = counts.sentToPaid === 0 && counts.cancelledPaid === counts.paymentsDuringOutage && counts.storeVsSource === 0 && counts.unsettled === 0;
  const report = {
    bench: 'reliability outage',
    represents: `${Math.round((outageSeconds * scale) / 60)} minutes of outage at ${scale}× speed`,
    ...counts,
    targets: { sentToPaid: 0, cancelledPaid: counts.paymentsDuringOutage, storeVsSource: 0 },
    met,
    loadAverage: { before: loadBefore, after: os.loadavg()[0]! },
  };
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  process.exitCode = met ? 0 : 1;
} finally {
  process.off('SIGINT', interrupted);
  process.off('SIGTERM', interrupted);
  await sandbox.close();
  await sink.close();
  await store.close();
  await scratch.drop();
}
