/**
 * The dunning run benchmark: N open invoices of N/10 customers in a scratch PostgreSQL database
 * (on DATABASE_URL's server), one daily run over them, timed, with the peak resident memory of
 * the process that runs it. Target (issue 16): 1,000,000 invoices in ≤ 20 s and ≤ 512 MB, the time
 * scaled to N. The ratio is the lesser of the time and memory ratios (higher is better, 1 meets it).
 * The timed run is the first one over the ledger (every action new: the most it ever writes); a
 * second run over the unchanged ledger follows, the steady state of a day whose ledger did not
 * move, and is reported beside it (`rerun*` figures: it should write nothing).
 * With `workers` > 1 the run is shared by that many worker processes (bench/scenarios-worker.ts),
 * each claiming parts as the production workers do; the peak is then the largest worker's.
 * The machine's load average is printed with the figures: on a shared machine it says how much of
 * the wall time is the neighbours', and the CPU seconds of Node and of the PostgreSQL backends
 * (read from /proc when the server is local) say what the run itself cost.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { openStore, type Store } from '../core/store/db.ts';
import { migrate } from '../core/store/migrate.ts';
import { DEFAULT_PART_SIZE, openRun, runOrganization } from '../core/agenda/index.ts';
import { installDefaultScenarios } from '../core/scenarios/index.ts';
import type { BenchResult } from './ingest.ts';
import { withScratchDatabase } from './scratch-database.ts';

export const TARGET_SECONDS_PER_MILLION = 20;
export const TARGET_PEAK_RSS_MB = 512;
export const LIMIT = `≤ ${TARGET_SECONDS_PER_MILLION} s and ≤ ${TARGET_PEAK_RSS_MB} MB for 1,000,000 invoices (issue 16)`;
const AS_OF = '2026-04-15';

export interface ScenariosBenchOptions {
  invoices: number;
  serverUrl: string;
  /** Worker processes sharing the run (default 1: the run in this process). */
  workers?: number;
  progress?: (line: string) => void;
}

/** Customers and invoices made inside PostgreSQL (generate_series): no seeding traffic through Node. */
export async function seed(db: Store['db'], invoices: number): Promise<string> {
  const customers = Math.max(1, Math.floor(invoices / 10));
  const { rows } = await db.execute<{ id: string }>(sql`
    INSERT INTO organizations (name, base_currency, country, timezone, late_payment_policy)
    VALUES ('Bench SAS', 'EUR', 'FR', 'Europe/Paris', '{"policy":"FR_B2B","referenceRates":[{"from":"2025-01-01","rate":"2.15"}]}')
    RETURNING id`);
  const org = rows[0]!.id;
  await db.execute(sql`INSERT INTO connections (organization_id, provider, external_account_id) VALUES (${org}, 'quickbooks', 'bench')`);
  await installDefaultScenarios(db, org);
  await db.execute(sql`
    INSERT INTO customers (organization_id, connection_id, external_id, name, email, currency, country)
    SELECT ${org}, c.id, 'C' || g, 'Customer ' || g, 'c' || g || '@example.com', 'EUR', 'FR'
      FROM generate_series(1, ${customers}) g, connections c WHERE c.organization_id = ${org}`);
  await db.execute(sql`
    INSERT INTO invoices (organization_id, connection_id, external_id, customer_external_id, customer_id, number,
                          issue_date, due_date, currency, total_minor, balance_minor, status)
    SELECT ${org}, cu.connection_id, 'I' || g, cu.external_id, cu.id, 'F-' || g,
           DATE '2026-01-01' + (g % 60), DATE '2026-01-31' + (g % 60), 'EUR', 10000 + g % 90000, 10000 + g % 90000, 'open'
      FROM generate_series(1, ${invoices}) g
      JOIN customers cu ON cu.organization_id = ${org} AND cu.external_id = 'C' || (1 + g % ${customers})`);
  await db.execute(sql`ANALYZE`);
  return org;
}

/** CPU seconds the server's backends on this database have used so far; null when not readable here. */
async function backendCpuSeconds(store: Store): Promise<number | null> {
  const { rows } = await store.pool.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`);
  let ticks = 0;
  try {
    for (const { pid } of rows) {
      // Fields after the command name: utime and stime are the 12th and 13th, in clock ticks (100 a second).
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    }
  } catch {
    return null;
  }
  return ticks / 100;
}

/** A transaction id: the actions written after it are those whose row version is from a later one. */
async function xidMark(store: Store): Promise<number> {
  const { rows } = await store.pool.query<{ xid: string }>('SELECT (txid_current() % 4294967296)::text AS xid');
  return Number(rows[0]!.xid);
}

/** Actions inserted or updated (a new row version) by transactions after `mark` (a scratch database: no wraparound). */
async function writtenSince(store: Store, mark: number): Promise<number> {
  const { rows } = await store.pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM actions WHERE xmin::text::bigint > $1', [mark]);
  return rows[0]!.n;
}

interface RunFigures {
  seconds: number; peakRssMb: number; customers: number; inserted: number; nodeCpuSeconds: number;
  /** The workers' own backends (each reads its own before it ends); absent for the run in this process. */
  workerPostgresCpuSeconds?: number | null;
}

/** The run in this process; peak RSS is the process's own high-water mark (seeding included). */
async function runHere(store: Store, org: string): Promise<RunFigures> {
  const cpu0 = process.cpuUsage();
  const started = process.hrtime.bigint();
  const counts = await runOrganization(store.db, { organizationId: org, asOf: AS_OF });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  return {
    seconds, peakRssMb: process.resourceUsage().maxRSS / 1024, customers: counts.customers, inserted: counts.inserted,
    nodeCpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

/** The run shared by `workers` processes joining the same opened run. */
async function runInWorkers(store: Store, url: string, org: string, workers: number): Promise<RunFigures> {
  const runId = await openRun(store.db, org, AS_OF, DEFAULT_PART_SIZE);
  const entry = fileURLToPath(new URL('./scenarios-worker.ts', import.meta.url));
  const ready: Promise<void>[] = [];
  const children = Array.from({ length: workers }, () => {
    // From the repository root, where `--import tsx` resolves whatever the caller's directory.
    const child = spawn(process.execPath, ['--import', 'tsx', entry, url, org, runId, AS_OF], {
      cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    ready.push(new Promise((resolve) => child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      if (err.includes('worker ready')) resolve();
    })));
    const done = new Promise<Record<string, number>>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as Record<string, number>) : reject(new Error(`worker exited with ${code}: ${err}`))));
    });
    return { child, done };
  });
  // The clock starts when every worker has loaded its code (seconds under load), as a running
  // worker would have long before the day's run.
  await Promise.race([Promise.all(ready), Promise.all(children.map((c) => c.done))]);
  const started = process.hrtime.bigint();
  for (const { child } of children) child.stdin.write('go\n');
  const results = await Promise.all(children.map((c) => c.done));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const sum = (k: string) => results.reduce((s, r) => s + r[k]!, 0);
  return {
    seconds, peakRssMb: Math.max(...results.map((r) => r.peakRssMb!)), customers: sum('customers'), inserted: sum('inserted'),
    nodeCpuSeconds: sum('nodeCpuSeconds'),
    workerPostgresCpuSeconds: results.some((r) => r.postgresCpuSeconds === null) ? null : sum('postgresCpuSeconds'),
  };
}

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

export async function runScenariosBench(options: ScenariosBenchOptions): Promise<BenchResult & { figures: Record<string, number> }> {
  const log = options.progress ?? (() => {});
  const workers = options.workers ?? 1;
  return withScratchDatabase(options.serverUrl, 'scenarios', async (url) => {
    const store = openStore(url, { max: 6 });
    // The backends' CPU is read at the end: keep the pool's connections open until then.
    (store.pool as unknown as { options: { idleTimeoutMillis: number } }).options.idleTimeoutMillis = 0;
    try {
      await migrate(store.pool);
      log(`scenarios: seeding ${options.invoices} invoices`);
      const org = await seed(store.db, options.invoices);
      const before = loadavg();
      log(`scenarios: daily run, ${workers} worker(s); load average ${before.map((x) => x.toFixed(2)).join(' ')}`);
      const pgCpu0 = await backendCpuSeconds(store);
      const run = workers > 1 ? await runInWorkers(store, url, org, workers) : await runHere(store, org);
      const pgCpu1 = await backendCpuSeconds(store);
      const after = loadavg();
      log(`scenarios: the same run again over the unchanged ledger`);
      const mark = await xidMark(store);
      const rerun = workers > 1 ? await runInWorkers(store, url, org, workers) : await runHere(store, org);
      const pgCpu2 = await backendCpuSeconds(store);
      const rerunWritten = await writtenSince(store, mark);
      const targetSeconds = (TARGET_SECONDS_PER_MILLION * options.invoices) / 1_000_000;
      const timeRatio = targetSeconds / run.seconds;
      const memoryRatio = TARGET_PEAK_RSS_MB / run.peakRssMb;
      log(`scenarios: load average after the run ${after.map((x) => x.toFixed(2)).join(' ')}`);
      return {
        bench: 'scenarios',
        figures: {
          records: options.invoices,
          customers: run.customers,
          actions: run.inserted,
          workers,
          seconds: round(run.seconds),
          recordsPerSecond: Math.round(options.invoices / run.seconds),
          peakRssMb: Math.round(run.peakRssMb),
          timeRatio: round(timeRatio),
          memoryRatio: round(memoryRatio),
          nodeCpuSeconds: round(run.nodeCpuSeconds, 2),
          // This process's backends (the run, or opening it), plus the workers' own, each read by its worker.
          ...(pgCpu0 !== null && pgCpu1 !== null && run.workerPostgresCpuSeconds !== null && {
            postgresCpuSeconds: round(pgCpu1 - pgCpu0 + (run.workerPostgresCpuSeconds ?? 0), 2),
          }),
          ...(pgCpu0 !== null && pgCpu1 !== null && run.workerPostgresCpuSeconds !== null && {
            cpuSeconds: round(run.nodeCpuSeconds + pgCpu1 - pgCpu0 + (run.workerPostgresCpuSeconds ?? 0), 2),
          }),
          loadAverage1mBefore: round(before[0]!, 2),
          loadAverage1mAfter: round(after[0]!, 2),
          rerunSeconds: round(rerun.seconds),
          rerunNodeCpuSeconds: round(rerun.nodeCpuSeconds, 2),
          ...(pgCpu1 !== null && pgCpu2 !== null && rerun.workerPostgresCpuSeconds !== null && {
            rerunPostgresCpuSeconds: round(pgCpu2 - pgCpu1 + (rerun.workerPostgresCpuSeconds ?? 0), 2),
          }),
          rerunInserted: rerun.inserted,
          rerunRowsWritten: rerunWritten,
        },
        limit: `${LIMIT}: ${round(targetSeconds)} s for ${options.invoices}`,
        ratio: round(Math.min(timeRatio, memoryRatio)),
        higherIsBetter: true,
      };
    } finally {
      await store.close();
    }
  });
}
