/**
 * The worklist on 100,000 customers (issue 17): one organization, 100,000 customers with 4 invoices
 * each (half of them overdue), an action for one in five, holds, promises and assignments, on a
 * scratch database of the benchmark's PostgreSQL. Times the first page sorted by overdue amount, by
 * name, a search, the filtered "mine" list and the whole list for an export, and prints the plan of
 * the overdue sort (EXPLAIN ANALYZE). Run: `npx tsx bench/worklist.ts [customers]` (a benchmark, not
 * a test; figures are noisy on a shared machine — compare ratios of the same run).
 */
import { drizzle } from 'drizzle-orm/node-postgres';
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { migrate } from '../core/store/index.ts';
import * as schema from '../core/store/schema/index.ts';
import { listWorklist, type WorklistQuery } from '../core/worklist/index.ts';
import { createScratchDatabase } from './scratch-database.ts';

// DATABASE_URL's server, as every other bench (RELANCE_BENCH_DATABASE_URL first, as before).
const SERVER = process.env.RELANCE_BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** What a collector waits for at most, per page, on the list of 100,000 customers. */
const LIMIT_MS = 1000;

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

async function main(): Promise<void> {
  const customers = Number(process.argv[2] ?? 100_000);
  const scratch = await createScratchDatabase(SERVER, 'worklist');
  const pool = new pg.Pool({ connectionString: scratch.url, max: 2 });
  try {
    await migrate(pool);
    const [{ org, user }, seedMs] = await timed(() => seed(pool, customers));
    const db = drizzle(pool, { schema });
    const today = new Date().toISOString().slice(0, 10);
    const base: WorklistQuery = { organizationId: org, today, visible: null, filter: {}, sort: 'overdue', direction: 'desc', limit: 51, offset: 0 };
    const cases: [string, WorklistQuery][] = [
      ['overdue, largest first, page 1', base],
      ['overdue, page 100', { ...base, offset: 50 * 99 }],
      ['name A–Z, page 1', { ...base, sort: 'name', direction: 'asc' }],
      ['search "Customer 0421"', { ...base, filter: { q: 'Customer 0421' } }],
      ['my customers, oldest overdue', { ...base, sort: 'oldestDays', filter: { collector: user } }],
      ['paused only', { ...base, filter: { flags: { paused: true } } }],
      ['export: whole list', { ...base, limit: null }],
    ];
    const figures: Record<string, number> = {};
    // One warm-up: the first query of a fresh database reads its pages from disk.
    await listWorklist(db, base);
    for (const [name, q] of cases) {
      const [{ items, total }, ms] = await timed(() => listWorklist(db, q));
      figures[name] = ms;
      process.stdout.write(`${name.padEnd(32)} ${ms.toFixed(0).padStart(6)} ms  (${items.length} rows of ${total})  ratio to ${LIMIT_MS} ms: ${(ms / LIMIT_MS).toFixed(2)}\n`);
    }
    process.stdout.write(`\nseeded ${customers} customers in ${(seedMs / 1000).toFixed(1)} s\n\nEXPLAIN ANALYZE of "overdue, largest first, page 1":\n`);
    // The very statement listWorklist sends, captured, then run under EXPLAIN ANALYZE.
    const captured: { text: string; params: unknown[] }[] = [];
    const spy = {
      execute: async (query: SQL) => {
        const { sql: text, params } = new PgDialect().sqlToQuery(query);
        captured.push({ text, params });
        return { rows: [] };
      },
    };
    await listWorklist(spy as unknown as Parameters<typeof listWorklist>[0], base);
    const { rows } = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${captured[0]!.text}`, captured[0]!.params);
    for (const r of rows) process.stdout.write(`${r['QUERY PLAN']}\n`);
  } finally {
    await pool.end();
    await scratch.drop();
  }
}

await main();
