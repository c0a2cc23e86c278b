/**
 * The cost of the worklist's marking triggers (migration 0025) on the sender's writes: 2,000
 * one-row updates of `actions` and 2,000 one-row inserts into `activities`, as acceptance and
 * finalize make them, with the triggers and without (session_replication_role = replica), on a
 * scratch database. Prints both times and the load average. Run: `npx tsx bench/worklist-triggers.ts [n]`.
 */
import { loadavg } from 'node:os';
import pg from 'pg';
import { migrate } from '../core/store/index.ts';
import { createScratchDatabase } from './scratch-database.ts';

const SERVER = process.env.RELANCE_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 2000);
  const scratch = await createScratchDatabase(SERVER, 'wltrig');
  const pool = new pg.Pool({ connectionString: scratch.url, max: 1 });
  try {
    await migrate(pool);
    const { rows: [o] } = await pool.query<{ id: string }>(`INSERT INTO organizations (name, base_currency, country) VALUES ('T', 'EUR', 'FR') RETURNING id`);
    const { rows: [k] } = await pool.query<{ id: string }>(`INSERT INTO connections (organization_id, provider, external_account_id) VALUES ($1, 'quickbooks', 't') RETURNING id`, [o!.id]);
    await pool.query(`INSERT INTO customers (organization_id, connection_id, external_id, name) SELECT $1, $2, 'C' || g, 'C' || g FROM generate_series(1, $3::int) g`, [o!.id, k!.id, n]);
    await pool.query(`INSERT INTO actions (organization_id, customer_id, step, channel, template, status, idempotency_key, scheduled_for)
      SELECT organization_id, id, 1, 'email', 'r', 'planned', 'k' || id, current_date FROM customers`);
    const { rows: actions } = await pool.query<{ id: string; customer_id: string }>(`SELECT id, customer_id FROM actions`);
    const client = await pool.connect();
    try {
      const run = async (label: string, role: 'origin' | 'replica') => {
        await client.query(`SET session_replication_role = ${role}`);
        // Consumed marks, as after a worklist read: each statement then marks anew.
        await client.query(`DELETE FROM worklist_dirty`);
        const start = process.hrtime.bigint();
        for (const a of actions) {
          await client.query(`UPDATE actions SET status = 'sent', sent_at = now(), updated_at = now() WHERE id = $1`, [a.id]);
          await client.query(`INSERT INTO activities (organization_id, customer_id, kind, actor, payload) VALUES ($1, $2, 'reminder.sent', 'system', '{}')`, [o!.id, a.customer_id]);
        }
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        await client.query(`UPDATE actions SET status = 'planned'`);
        process.stdout.write(`${label.padEnd(18)} ${ms.toFixed(0).padStart(6)} ms for ${n} updates + ${n} inserts (${(ms / (2 * n)).toFixed(3)} ms a statement)  load ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
      };
      await run('without triggers', 'replica');
      await run('with triggers', 'origin');
      await run('without triggers', 'replica');
      await run('with triggers', 'origin');
    } finally {
      await client.query(`SET session_replication_role = origin`).catch(() => {});
      client.release();
    }
  } finally {
    await pool.end();
    await scratch.drop();
  }
}

await main();
