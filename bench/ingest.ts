/**
 * The ingest benchmark: N invoices through the real repository (`savePage`, pages of 1000, cursor
 * saved with each page) against the floor PostgreSQL itself sets, a `COPY` of the same rows into a
 * scratch table with the same columns, constraints, indexes and foreign keys as `invoices` (a COPY
 * into a table without the keys would not pay the per-row checks the upsert pays), in the same run
 * and database. Target (issue 16): ingest at ≥ 0.5 of that COPY's rate. Runs in a scratch database
 * created on DATABASE_URL's server and dropped afterwards, also on SIGINT or SIGTERM.
 */
import { loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { openStore, type Store } from '../core/store/db.ts';
import { migrate } from '../core/store/migrate.ts';
import { connections, organizations } from '../core/store/schema/index.ts';
import { savePage, type CanonicalInvoice } from '../core/store/repositories/index.ts';
import { formatMinor, toMinor } from '../core/money.ts';
import { createScratchDatabase } from './scratch-database.ts';

export const PAGE_SIZE = 1000;
const CUSTOMERS = 1000;
export const TARGET_RATIO = 0.5;
export const LIMIT = 'COPY of the same rows into a scratch table with the same constraints, indexes and foreign keys as invoices, same run';

export interface BenchResult {
  bench: string;
  figures: { records: number; seconds: number; recordsPerSecond: number } & Record<string, unknown>;
  limit: string;
  ratio: number;
  higherIsBetter: boolean;
}

export interface IngestOptions {
  records: number;
  /** A PostgreSQL server URL; the scratch database is made on that server. */
  serverUrl: string;
  /** Progress lines (stderr in the CLI), so that a long run shows it is alive. */
  progress?: (line: string) => void;
}

/** The i-th invoice of the run, as the mapping engine would hand it over: deterministic and cheap. */
export function benchInvoice(i: number): CanonicalInvoice {
  const day = 1 + (i % 28);
  const month = 1 + (i % 12);
  const totalCents = 10_000 + ((i * 7919) % 990_000);
  const paid = i % 3 === 0;
  return {
    externalId: `I${String(i).padStart(8, '0')}`,
    number: `F-2026-${i}`,
    customerExternalId: `C${String(i % CUSTOMERS).padStart(6, '0')}`,
    issueDate: `2026-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    dueDate: `2026-${String(Math.min(12, month + 1)).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    currency: 'EUR',
    total: formatMinor(BigInt(totalCents), 'EUR'),
    balance: paid ? '0.00' : formatMinor(BigInt(totalCents), 'EUR'),
    status: paid ? 'paid' : 'open',
    updatedAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
    raw: { Id: String(i), SyncToken: '0', DocNumber: `F-2026-${i}` },
  };
}

/** Runs the benchmark and returns the FORMATS.md bench object. */
export async function runIngestBench(options: IngestOptions): Promise<BenchResult> {
  const log = options.progress ?? (() => {});
  const scratch = await createScratchDatabase(options.serverUrl, 'ingest');
  const store = openStore(scratch.url, { max: 2 });
  // The backends' CPU is read from /proc around each phase: keep the pool's connections open.
  (store.pool as unknown as { options: { idleTimeoutMillis: number } }).options.idleTimeoutMillis = 0;
  try {
    await migrate(store.pool);
    const { organizationId, connectionId } = await seed(store);
    log(`ingest: upserting ${options.records} invoices in pages of ${PAGE_SIZE}; load average ${loads()}`);
    const upsert = await measured(store, () => timeUpserts(store, connectionId, options.records, log));
    log(`ingest: copying the same ${options.records} rows; load average ${loads()}`);
    const copy = await measured(store, () => timeCopy(store, organizationId, connectionId, options.records));
    const recordsPerSecond = options.records / upsert.seconds;
    const limitPerSecond = options.records / copy.seconds;
    const ratio = recordsPerSecond / limitPerSecond;
    return {
      bench: 'ingest',
      figures: {
        records: options.records, seconds: round(upsert.seconds, 3), recordsPerSecond: Math.round(recordsPerSecond),
        copySeconds: round(copy.seconds, 3), copyRecordsPerSecond: Math.round(limitPerSecond),
        nodeCpuSeconds: round(upsert.nodeCpu, 2), copyNodeCpuSeconds: round(copy.nodeCpu, 2),
        ...(upsert.pgCpu !== null && copy.pgCpu !== null && { postgresCpuSeconds: round(upsert.pgCpu, 2), copyPostgresCpuSeconds: round(copy.pgCpu, 2) }),
        targetRatio: TARGET_RATIO, loadAverage1m: round(loadavg()[0]!, 2),
      },
      limit: `${LIMIT}; target ≥ ${TARGET_RATIO} of its rate (issue 16)`,
      ratio: round(ratio, 3),
      higherIsBetter: true,
    };
  } finally {
    await store.close();
    await scratch.drop();
  }
}

async function seed(store: Store): Promise<{ organizationId: string; connectionId: string }> {
  const [org] = await store.db
    .insert(organizations)
    .values({ name: 'Bench SAS', baseCurrency: 'EUR', country: 'FR' })
    .returning({ id: organizations.id });
  const [conn] = await store.db
    .insert(connections)
    .values({ organizationId: org!.id, provider: 'quickbooks', externalAccountId: 'bench' })
    .returning({ id: connections.id });
  // Customers first, so that every invoice resolves its customer inside the upsert, as in a real sync.
  const customers = Array.from({ length: CUSTOMERS }, (_, i) => ({
    externalId: `C${String(i).padStart(6, '0')}`,
    name: `Customer ${i}`,
    currency: 'EUR',
    balance: '0.00',
    updatedAt: '2026-01-01T00:00:00Z',
  }));
  await savePage(store.db, { connectionId: conn!.id, entity: 'customer', records: customers });
  return { organizationId: org!.id, connectionId: conn!.id };
}

async function timeUpserts(store: Store, connectionId: string, records: number, log: (l: string) => void): Promise<number> {
  const started = process.hrtime.bigint();
  for (let offset = 0; offset < records; offset += PAGE_SIZE) {
    const page: CanonicalInvoice[] = [];
    for (let i = offset; i < Math.min(records, offset + PAGE_SIZE); i++) page.push(benchInvoice(i));
    await savePage(store.db, { connectionId, entity: 'invoice', records: page, cursor: { position: offset + page.length } });
    if ((offset / PAGE_SIZE) % 50 === 49) log(`ingest: ${offset + page.length} upserted`);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const { rows } = await store.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM invoices');
  if (rows[0]!.n !== records) throw new Error(`ingest: ${rows[0]!.n} invoices stored, expected ${records}`);
  return seconds;
}

const COPY_COLUMNS =
  'organization_id, connection_id, external_id, customer_external_id, customer_id, currency, number, issue_date, ' +
  'due_date, total_minor, balance_minor, status, custom_fields, source_updated_at, raw';

/** The same rows in COPY text format; the customer ids come from a map read before the clock starts. */
async function timeCopy(store: Store, organizationId: string, connectionId: string, records: number): Promise<number> {
  await store.pool.query(
    'CREATE TABLE bench_copy_scratch (LIKE invoices INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)',
  );
  // LIKE copies no foreign keys: the scratch table gets invoices' own, so COPY checks each row as
  // the upsert's INSERT does (organization, connection, customer).
  const keys = await store.pool.query<{ def: string }>(
    `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'invoices'::regclass AND contype = 'f'`);
  if (keys.rows.length === 0) throw new Error('ingest: invoices has no foreign keys to copy onto the baseline table');
  for (const [i, { def }] of keys.rows.entries()) {
    await store.pool.query(`ALTER TABLE bench_copy_scratch ADD CONSTRAINT bench_copy_scratch_fk_${i} ${def}`);
  }
  const { rows } = await store.pool.query<{ id: string; external_id: string }>('SELECT id, external_id FROM customers');
  const customerIds = new Map(rows.map((r) => [r.external_id, r.id]));
  const client = await store.pool.connect();
  try {
    const started = process.hrtime.bigint();
    const lines = Readable.from(copyLines(organizationId, connectionId, records, customerIds));
    await pipeline(lines, client.query(copyFrom(`COPY bench_copy_scratch (${COPY_COLUMNS}) FROM STDIN`)));
    return Number(process.hrtime.bigint() - started) / 1e9;
  } finally {
    client.release();
  }
}

function* copyLines(organizationId: string, connectionId: string, records: number, customerIds: Map<string, string>) {
  for (let offset = 0; offset < records; offset += PAGE_SIZE) {
    let chunk = '';
    for (let i = offset; i < Math.min(records, offset + PAGE_SIZE); i++) {
      const r = benchInvoice(i);
      const fields = [
        organizationId, connectionId, r.externalId, r.customerExternalId, customerIds.get(r.customerExternalId) ?? null,
        r.currency, r.number ?? null, r.issueDate ?? null, r.dueDate ?? null,
        toMinor(r.total, r.currency).toString(), toMinor(r.balance, r.currency).toString(), r.status,
        '{}', r.updatedAt ?? null, JSON.stringify(r.raw),
      ];
      chunk += fields.map(copyText).join('\t') + '\n';
    }
    yield chunk;
  }
}

/** COPY text format: `\N` is null; backslash, tab and newlines are escaped. */
function copyText(value: string | null): string {
  if (value === null) return '\\N';
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

const loads = () => loadavg().map((x) => x.toFixed(2)).join(' ');

/** CPU seconds the server's backends on this database have used so far; null when not readable here. */
export async function backendCpuSeconds(store: Store): Promise<number | null> {
  const { rows } = await store.pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
  let ticks = 0;
  try {
    for (const { pid } of rows) {
      // After the command name: utime and stime are the 12th and 13th fields, in clock ticks (100 a second).
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    }
  } catch {
    return null;
  }
  return ticks / 100;
}

/** Wall seconds of `fn` (its own measure), with this process's CPU and the database backends' over it. */
async function measured(store: Store, fn: () => Promise<number>): Promise<{ seconds: number; nodeCpu: number; pgCpu: number | null }> {
  const pg0 = await backendCpuSeconds(store);
  const cpu0 = process.cpuUsage();
  const seconds = await fn();
  const cpu = process.cpuUsage(cpu0);
  const pg1 = await backendCpuSeconds(store);
  return { seconds, nodeCpu: (cpu.user + cpu.system) / 1e6, pgCpu: pg0 === null || pg1 === null ? null : pg1 - pg0 };
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
