/**
 * The worklist on 100,000 customers (issue 17): one organization, 100,000 customers with 4 invoices
 * each (half of them overdue), an action for one in five, holds, promises and assignments, on a
 * scratch database of the benchmark's PostgreSQL. The worklist reads per-customer summaries
 * (core/worklist/summary.ts); the bench times the first, full build of the summaries, then p50/p95
 * of each sort in both directions (page 1 and page 100), searches, filters and the whole list for an
 * export, an incremental refresh after a sync touched 500 customers, the triggers' cost on a bulk
 * invoice update, and prints EXPLAIN ANALYZE of the page and count statements of the overdue sort.
 * The load average is printed next to the figures. Run: `npx tsx bench/worklist.ts [customers] [runs]`
 * (a benchmark, not a test; figures are noisy on a shared machine).
 */
import { drizzle } from 'drizzle-orm/node-postgres';
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { migrate } from '../core/store/index.ts';
import * as schema from '../core/store/schema/index.ts';
import { loadavg } from 'node:os';
import { listWorklist, liveWorklistSql, refreshWorklist, worklistStatements, WORKLIST_SORTS, type WorklistQuery } from '../core/worklist/index.ts';
import { createScratchDatabase } from './scratch-database.ts';

// DATABASE_URL's server, as every other bench (RELANCE_BENCH_DATABASE_URL first, as before).
const SERVER = process.env.RELANCE_BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** What a collector should wait for at most, per page, on the list of 100,000 customers. */
const TARGET_MS = 300;

async function seed(pool: pg.Pool, customers: number): Promise<{ org: string; user: string }> {
  const { rows: [o] } = await pool.query<{ id: string }>(`INSERT INTO organizations (name, base_currency, country) VALUES ('Bench SA', 'EUR', 'FR') RETURNING id`);
  const org = o!.id;
  const { rows: [k] } = await pool.query<{ id: string }>(`INSERT INTO connections (organization_id, provider, external_account_id) VALUES ($1, 'quickbooks', 'bench') RETURNING id`, [org]);
  const { rows: [u] } = await pool.query<{ id: string }>(`INSERT INTO users (email) VALUES ('collector@bench.example') RETURNING id`);
  await pool.query(`INSERT INTO memberships (user_id, organization_id, role) VALUES ($1, $2, 'collector')`, [u!.id, org]);
  await pool.query(`
    INSERT INTO customers (organization_id, connection_id, external_id, name, email, currency)
    SELECT $1, $2, 'C' || g, 'Customer ' || lpad(g::text, 6, '0'), 'ap' || g || '@bench.example', CASE WHEN g % 10 = 0 THEN 'USD' ELSE 'EUR' END
      FROM generate_series(1, $3::int) g`, [org, k!.id, customers]);
  await pool.query(`
    INSERT INTO invoices (organization_id, connection_id, external_id, customer_external_id, customer_id, currency, number, issue_date, due_date, total_minor, balance_minor, status)
    SELECT c.organization_id, c.connection_id, c.external_id || '-' || n, c.external_id, c.id, c.currency, 'F' || c.external_id || '-' || n,
           current_date - (n * 40 + (hashtext(c.id::text) & 63)), current_date - (n * 40 + (hashtext(c.id::text) & 63)) + 30,
           10000 + (abs(hashtext(c.id::text || n)) % 900000), 10000 + (abs(hashtext(c.id::text || n)) % 900000),
           CASE WHEN n = 4 THEN 'paid'::invoice_status ELSE 'open'::invoice_status END
      FROM customers c CROSS JOIN generate_series(0, 4) n WHERE c.organization_id = $1`, [org]);
  await pool.query(`
    INSERT INTO actions (organization_id, customer_id, step, channel, template, status, idempotency_key, scheduled_for, sent_at)
    SELECT c.organization_id, c.id, s, 'email', 'reminder-' || s, CASE WHEN s = 1 THEN 'sent'::action_status ELSE 'planned'::action_status END,
           'bench-' || c.id || '-' || s, current_date + s, CASE WHEN s = 1 THEN now() - interval '3 days' END
      FROM customers c CROSS JOIN generate_series(1, 2) s WHERE c.organization_id = $1 AND abs(hashtext(c.id::text)) % 5 = 0`, [org]);
  await pool.query(`INSERT INTO dunning_holds (organization_id, customer_id, reason, until) SELECT organization_id, id, 'bench', current_date + 10 FROM customers WHERE organization_id = $1 AND abs(hashtext(id::text)) % 50 = 1`, [org]);
  await pool.query(`INSERT INTO promises_to_pay (organization_id, customer_id, currency, amount_minor, promised_date) SELECT organization_id, id, currency, 1000, current_date + 5 FROM customers WHERE organization_id = $1 AND abs(hashtext(id::text)) % 40 = 2`, [org]);
  await pool.query(`INSERT INTO customer_assignments (user_id, customer_id) SELECT $2, id FROM customers WHERE organization_id = $1 AND abs(hashtext(id::text)) % 20 = 3`, [org, u!.id]);
  await pool.query('ANALYZE');
  return { org, user: u!.id };
}

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const result = await run();
  return [result, Number(process.hrtime.bigint() - start) / 1e6];
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

async function explain(pool: pg.Pool, statement: SQL): Promise<void> {
  const { sql: text, params } = new PgDialect().sqlToQuery(statement);
  const { rows } = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, params);
  // Plans quoting 500 ids are cut at 240 characters a line.
  for (const r of rows) process.stdout.write(`  ${r['QUERY PLAN'].length > 240 ? `${r['QUERY PLAN'].slice(0, 240)}…` : r['QUERY PLAN']}\n`);
}

async function main(): Promise<void> {
  const customers = Number(process.argv[2] ?? 100_000);
  const runs = Number(process.argv[3] ?? 15);
  const scratch = await createScratchDatabase(SERVER, 'worklist');
  const pool = new pg.Pool({ connectionString: scratch.url, max: 2 });
  try {
    await migrate(pool);
    const [{ org, user }, seedMs] = await timed(() => seed(pool, customers));
    const db = drizzle(pool, { schema });
    const today = new Date().toISOString().slice(0, 10);
    process.stdout.write(`seeded ${customers} customers in ${(seedMs / 1000).toFixed(1)} s (load ${load()})\n`);
    const [built, buildMs] = await timed(() => refreshWorklist(db, org, today));
    process.stdout.write(`first build of the summaries: ${built} customers in ${buildMs.toFixed(0)} ms (load ${load()})\n`);
    await pool.query('ANALYZE worklist_summaries');

    const base: WorklistQuery = { organizationId: org, today, visible: null, filter: {}, sort: 'overdue', direction: 'desc', limit: 51, offset: 0 };
    const cases: [string, WorklistQuery][] = [];
    for (const sort of WORKLIST_SORTS) {
      for (const direction of ['desc', 'asc'] as const) cases.push([`sort ${sort} ${direction}, page 1`, { ...base, sort, direction }]);
    }
    cases.push(
      ['sort overdue desc, page 100', { ...base, offset: 50 * 99 }],
      ['sort name asc, page 100', { ...base, sort: 'name', direction: 'asc', offset: 50 * 99 }],
      ['search "Customer 0421"', { ...base, filter: { q: 'Customer 0421' } }],
      ['search invoice "FC4242-1"', { ...base, filter: { q: 'FC4242-1' } }],
      ['my customers, oldest overdue', { ...base, sort: 'oldestDays', filter: { collector: user } }],
      ['paused only', { ...base, filter: { flags: { paused: true } } }],
      ['overdue at least 5000, USD', { ...base, filter: { minOverdue: '5000', currency: 'USD' } }],
      ['restricted collector (5,000 visible)', { ...base, visible: (await pool.query<{ customer_id: string }>(`SELECT customer_id FROM customer_assignments WHERE user_id = $1`, [user])).rows.map((r) => r.customer_id) }],
    );
    await listWorklist(db, base);
    process.stdout.write(`\n${'case'.padEnd(40)}   p50 ms   p95 ms  rows/total   (${runs} runs each)\n`);
    for (const [name, q] of cases) {
      const times: number[] = [];
      let shown = '';
      for (let i = 0; i < runs; i++) {
        const [{ items, total }, ms] = await timed(() => listWorklist(db, q));
        times.push(ms);
        shown = `${items.length}/${total}`;
      }
      const p95 = pct(times, 95);
      process.stdout.write(`${name.padEnd(40)} ${pct(times, 50).toFixed(1).padStart(8)} ${p95.toFixed(1).padStart(8)}  ${shown.padEnd(12)} load ${load()}${p95 > TARGET_MS ? `  over ${TARGET_MS} ms` : ''}\n`);
    }
    const exportTimes: number[] = [];
    for (let i = 0; i < 3; i++) exportTimes.push((await timed(() => listWorklist(db, { ...base, limit: null })))[1]);
    process.stdout.write(`${'export: whole list (3 runs)'.padEnd(40)} ${pct(exportTimes, 50).toFixed(1).padStart(8)} ${pct(exportTimes, 95).toFixed(1).padStart(8)}  ${customers}        load ${load()}\n`);

    // A sync lowers the balance of 500 customers' invoices: the triggers mark them, the next read recomputes them.
    const touched = `UPDATE invoices SET balance_minor = balance_minor - 1 WHERE organization_id = $1 AND status = 'open' AND customer_id IN (SELECT id FROM customers WHERE organization_id = $1 ORDER BY id LIMIT 500)`;
    const [, withTriggers] = await timed(() => pool.query(touched, [org]));
    const [, refreshMs] = await timed(() => refreshWorklist(db, org, today));
    const [, readAfter] = await timed(() => listWorklist(db, base));
    process.stdout.write(`\nsync touching 500 customers (1,500 invoices): update ${withTriggers.toFixed(0)} ms with triggers, incremental refresh ${refreshMs.toFixed(0)} ms, next page ${readAfter.toFixed(0)} ms (load ${load()})\n`);
    // The triggers' cost on a bulk write: the same update of every open invoice, with and without them.
    const all = `UPDATE invoices SET balance_minor = balance_minor + 1 WHERE organization_id = $1 AND status = 'open'`;
    const [, bulkWith] = await timed(() => pool.query(all, [org]));
    const client = await pool.connect();
    let bulkWithout = 0;
    try {
      await client.query(`SET session_replication_role = replica`);
      [, bulkWithout] = await timed(() => client.query(all, [org]));
      await client.query(`SET session_replication_role = origin`);
    } finally {
      client.release();
    }
    const [rebuilt, rebuildMs] = await timed(() => refreshWorklist(db, org, today));
    process.stdout.write(`bulk update of every open invoice: ${bulkWith.toFixed(0)} ms with the triggers, ${bulkWithout.toFixed(0)} ms without; refresh of the ${rebuilt} customers marked: ${rebuildMs.toFixed(0)} ms (load ${load()})\n`);

    const { page, count } = worklistStatements(base);
    process.stdout.write(`\nEXPLAIN ANALYZE, page 1 sorted by overdue amount:\n`);
    await explain(pool, page);
    process.stdout.write(`\nEXPLAIN ANALYZE, the count of the filtered list:\n`);
    await explain(pool, count);
    const touchedIds = (await pool.query<{ id: string }>(`SELECT id FROM customers WHERE organization_id = $1 ORDER BY id LIMIT 500`, [org])).rows.map((r) => r.id);
    process.stdout.write(`\nEXPLAIN ANALYZE, the recomputation of 500 customers (an incremental refresh):\n`);
    await explain(pool, liveWorklistSql(org, today, touchedIds));
    const { page: search } = worklistStatements({ ...base, filter: { q: 'Customer 0421' } });
    process.stdout.write(`\nEXPLAIN ANALYZE, a search:\n`);
    await explain(pool, search);
    process.stdout.write(`\n${new Date().toISOString()} load ${load()}\n`);
  } finally {
    await pool.end();
    await scratch.drop();
  }
}

await main();
