/**
 * The long sync-under-kills trial (issue 14 item 2; the trial itself: test/reliability/sync-trial.ts):
 * per provider, TRIALS full listings by a real `relance sync` process, each killed with SIGKILL 1–3
 * times at random points while payments are recorded, invoices edited and deleted (QuickBooks) or
 * voided (Xero) at the provider, or HubSpot contacts are edited and created; resumed, the store is
 * compared with the provider's own listing record by record and version by version. Target: every
 * provider equal to the source after the resumed sync (and still after the next one). Prints the
 * counts and the load average; exits 1 when a target is missed.
 *
 *   node --import tsx bench/reliability/sync-kills.ts [--trials 10] [--invoices 8000] [--providers quickbooks,xero,hubspot]
 * (DATABASE_URL names the PostgreSQL server; a scratch database is made there and dropped.)
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { openStore } from '../../core/store/db.ts';
import { migrate } from '../../core/store/migrate.ts';
import { startSandbox } from '../../sandbox/index.ts';
import { ShiftedClock, startXero } from '../../test/connectors/xero/sandbox-support.ts';
import { hubspotLedger, quickbooksLedger, runSyncTrial, xeroLedger, type Diff, type SyncTrialCounts } from '../../test/reliability/sync-trial.ts';
import { createScratchDatabase } from '../scratch-database.ts';

const { values } = parseArgs({ options: { trials: { type: 'string', default: '10' }, invoices: { type: 'string', default: '8000' }, providers: { type: 'string', default: 'quickbooks,xero,hubspot' } } });
const PROVIDERS = ['quickbooks', 'xero', 'hubspot'] as const;
const providers = values.providers.split(',').map((p) => p.trim()).filter(Boolean);
for (const p of providers) {
  if (!(PROVIDERS as readonly string[]).includes(p)) {
    process.stderr.write(`--providers: "${p}" is not one of ${PROVIDERS.join(', ')}\n`);
    process.exit(2);
  }
}
const trials = Number(values.trials);
const invoices = Number(values.invoices);
for (const [name, v] of Object.entries({ trials, invoices })) {
  if (!Number.isInteger(v) || v <= 0) {
    process.stderr.write(`--${name}: a positive whole number is required, got "${String(v)}"\n`);
    process.exit(2);
  }
}

const scratch = await createScratchDatabase(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', 'sync_kills');
const interrupted = () => void scratch.drop().finally(() => process.exit(130));
process.once('SIGINT', interrupted);
process.once('SIGTERM', interrupted);
const store = openStore(scratch.url, { max: 4 });
const sandbox = await startSandbox({ seed: 81, invoices, asOf: '2026-03-01', port: 0, limits: false });
const xero = await startXero({ invoices: Math.max(10, Math.floor(invoices / 2)), limits: false, clock: new ShiftedClock(), seed: 82 });
const log = (line: string) => process.stderr.write(line + '\n');
const sum = (diffs: (Diff | null)[]): Diff => diffs.reduce<Diff>((t, d) => ({ missing: t.missing + (d?.missing ?? 0), stale: t.stale + (d?.stale ?? 0), ghost: t.ghost + (d?.ghost ?? 0) }), { missing: 0, stale: 0, ghost: 0 });
const total = (d: Diff) => d.missing + d.stale + d.ghost;
try {
  await migrate(store.pool);
  const loads: number[] = [];
  const runs: SyncTrialCounts[] = [];
  for (const provider of PROVIDERS.filter((p) => providers.includes(p))) {
    for (let i = 0; i < trials; i++) {
      loads.push(os.loadavg()[0]!);
      const name = `sync kills ${provider} ${i}`;
      const ledger = provider === 'quickbooks' ? await quickbooksLedger(store, sandbox, name) : provider === 'xero' ? await xeroLedger(store, xero, name) : await hubspotLedger(store, sandbox, name);
      // HubSpot's contacts list in a few pages of 200: a kill must come within them.
      const maxPagesBeforeKill = { quickbooks: 12, xero: 8, hubspot: 3 }[provider];
      const trial = await runSyncTrial({ db: store, databaseUrl: scratch.url, ledger, kills: 1 + Math.floor(Math.random() * 3), maxPagesBeforeKill, nextSync: true });
      runs.push(trial);
      log(`${provider} trial ${i + 1}/${trials}: ${JSON.stringify(trial)}`);
    }
  }
  const of = (p: string) => runs.filter((r) => r.provider === p);
  const summary = (p: string) => {
    const rs = of(p);
    return {
      trials: rs.length,
      kills: rs.reduce((n, r) => n + r.kills, 0),
      mutations: rs.reduce(
        (m, r) => ({ payments: m.payments + r.mutations.payments, edits: m.edits + r.mutations.edits, deletes: m.deletes + r.mutations.deletes, creates: m.creates + r.mutations.creates }),
        { payments: 0, edits: 0, deletes: 0, creates: 0 },
      ),
      afterResume: sum(rs.map((r) => r.afterResume)),
      afterNext: sum(rs.map((r) => r.afterNext)),
    };
  };
  const results = Object.fromEntries(PROVIDERS.filter((p) => providers.includes(p)).map((p) => [p, summary(p)]));
  const report = {
    bench: 'reliability sync-kills',
    invoices: { quickbooks: invoices, xero: Math.max(10, Math.floor(invoices / 2)), hubspot: `the sandbox world of ${invoices} invoices` },
    ...results,
    targets: { afterResume: 0, afterNext: 0 },
    met: Object.values(results).every((r) => total(r.afterResume) === 0 && total(r.afterNext) === 0),
    loadAverage: { min: Math.min(...loads), max: Math.max(...loads) },
  };
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  process.exitCode = report.met ? 0 : 1;
} finally {
  process.off('SIGINT', interrupted);
  process.off('SIGTERM', interrupted);
  await sandbox.close();
  await xero.close();
  await store.close();
  await scratch.drop();
}
