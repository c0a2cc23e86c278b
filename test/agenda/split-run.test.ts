/**
 * The daily run split across worker processes (issue 16): two workers share one run's parts with
 * no action lost or doubled, and a worker killed with SIGKILL in the middle of a part leaves that
 * part to be taken up again by the resumed run, which finishes it without doubling any action.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openRun, runOrganization } from '../../core/agenda/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { ROOT } from '../support/cli.ts';
import { addCustomer, addInvoice, seedOrganization, type OrgFixture } from './fixtures.ts';

const SCRIPT = path.join(ROOT, 'test/agenda/run-worker.ts');
const AS_OF = '2026-03-01';
/** The stale pending action the kill test locks (left out of the tallies). */
const STALE_KEY = 'test:stale-pending';

let t: TestDatabase;
const children: ChildProcess[] = [];
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await t?.drop();
});

interface Worker { child: ChildProcess; output: () => string; exited: Promise<number | null> }

function startWorker(f: OrgFixture, runId: string, pauseMs: number): Promise<Worker> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, DATABASE_URL: t.url, ORGANIZATION_ID: f.organizationId, RUN_ID: runId, AS_OF, PART_PAUSE_MS: String(pauseMs) },
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', () => out.includes('worker ready') && resolve({ child, output: () => out, exited }));
    void exited.then((code) => reject(new Error(`worker exited (${code}) before ready: ${err}`)));
  });
}

async function waitFor<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** An organization of `n` customers with two overdue invoices each: one action per customer. */
async function seedCustomers(n: number): Promise<{ f: OrgFixture; customers: string[] }> {
  const f = await seedOrganization(t.db);
  const customers: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = await addCustomer(t.db, f);
    await addInvoice(t.db, f, c, { dueDate: '2026-02-04' });
    await addInvoice(t.db, f, c, { dueDate: '2026-02-18' });
    customers.push(c);
  }
  return { f, customers };
}

/** Actions per customer, and link rows per (action, invoice) that appear more than once. */
async function tally(f: OrgFixture): Promise<{ perCustomer: Map<string, number>; links: number }> {
  const { rows } = await t.db.execute<{ customer_id: string; n: number }>(sql`
    SELECT customer_id, count(*)::int AS n FROM actions WHERE organization_id = ${f.organizationId} AND idempotency_key <> ${STALE_KEY}
     GROUP BY customer_id`);
  const links = await t.db.execute<{ n: number }>(sql`
    SELECT count(*)::int AS n FROM action_invoices l JOIN actions a ON a.id = l.action_id WHERE a.organization_id = ${f.organizationId}`);
  return { perCustomer: new Map(rows.map((r) => [r.customer_id, r.n])), links: links.rows[0]!.n };
}

async function runParts(runId: string) {
  const { rows } = await t.db.execute<{ part: number; finished_by: string | null }>(sql`
    SELECT part, finished_by FROM dunning_run_parts WHERE run_id = ${runId} ORDER BY part`);
  return rows;
}

describe('the daily run split across workers', () => {
  it('two worker processes share the parts of one run: every customer gets exactly one action', async () => {
    const { f, customers } = await seedCustomers(24);
    const runId = await openRun(t.db, f.organizationId, AS_OF, 3);
    expect(await runParts(runId)).toHaveLength(8);
    const workers = await Promise.all([startWorker(f, runId, 150), startWorker(f, runId, 150)]);
    for (const w of workers) w.child.stdin!.write('go\n');
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0]);
    const results = workers.map((w) => JSON.parse(w.output().trim().split('\n').pop()!) as { customers: number; inserted: number });
    // Both did some of the work, and together all of it, once.
    for (const r of results) expect(r.customers).toBeGreaterThan(0);
    expect(results[0]!.customers + results[1]!.customers).toBe(24);
    expect(results[0]!.inserted + results[1]!.inserted).toBe(24);
    const parts = await runParts(runId);
    expect(parts.every((p) => p.finished_by !== null)).toBe(true);
    expect(new Set(parts.map((p) => p.finished_by)).size).toBe(2);
    const { perCustomer, links } = await tally(f);
    expect([...perCustomer.keys()].sort()).toEqual([...customers].sort());
    expect([...perCustomer.values()].every((n) => n === 1)).toBe(true);
    expect(links).toBe(48);
    const run = await t.db.execute<{ finished: boolean; counts: { customers: number; inserted: number } }>(sql`
      SELECT finished_at IS NOT NULL AS finished, counts FROM dunning_runs WHERE id = ${runId}`);
    expect(run.rows[0]).toMatchObject({ finished: true, counts: { customers: 24, inserted: 24 } });
  });

  it('a worker killed with SIGKILL inside a part: the resumed run redoes that part only, doubling nothing', async () => {
    const { f, customers } = await seedCustomers(12);
    const runId = await openRun(t.db, f.organizationId, AS_OF, 3);
    const parts = await t.db.execute<{ part: number; first: string }>(sql`
      SELECT part, first_customer_id AS first FROM dunning_run_parts WHERE run_id = ${runId} ORDER BY part`);
    // A customer of the second part with a stale pending action, locked FOR UPDATE: the part's
    // writer cancels that action (the new plan replaces it) and waits on the lock, so the worker is
    // caught inside that part's transaction.
    const sorted = [...customers].sort();
    const blocked = sorted[3]!;
    expect(blocked >= parts.rows[1]!.first).toBe(true);
    await t.db.execute(sql`
      INSERT INTO actions (organization_id, customer_id, step, channel, status, idempotency_key, scheduled_for)
      VALUES (${f.organizationId}, ${blocked}, 1, 'email', 'planned', ${STALE_KEY}, ${AS_OF}::date)`);
    const locker = await t.pool.connect();
    let worker: Worker | undefined;
    try {
      await locker.query('BEGIN');
      await locker.query('SELECT 1 FROM actions WHERE idempotency_key = $1 FOR UPDATE', [STALE_KEY]);
      worker = await startWorker(f, runId, 0);
      worker.child.stdin!.write('go\n');
      await waitFor('the first part to commit', async () => (worker!.output().includes('part 0') ? true : null));
      const waiting = await waitFor('the worker to wait on the lock inside part 1', async () => {
        const { rows } = await t.pool.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
        return rows[0]?.pid ?? null;
      });
      worker.child.kill('SIGKILL');
      await worker.exited;
      // Its backend notices the dead client while still waiting, and rolls the part back.
      await waitFor('the killed worker\'s backend to end', async () => {
        const { rows } = await t.pool.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1`, [waiting]);
        return rows.length === 0 ? true : null;
      });
    } finally {
      await locker.query('ROLLBACK');
      locker.release();
    }
    const before = await runParts(runId);
    expect(before.filter((p) => p.finished_by !== null).map((p) => p.part)).toEqual([0]);
    const { perCustomer: partial } = await tally(f);
    expect(partial.size).toBe(3);
    // The next run of the day joins the unfinished run: parts 1 to 3, not 0 again.
    const resumed = await runOrganization(t.db, { organizationId: f.organizationId, asOf: AS_OF, lanes: 2 });
    expect(resumed).toMatchObject({ customers: 9, inserted: 9 });
    const after = await runParts(runId);
    expect(after.every((p) => p.finished_by !== null)).toBe(true);
    expect(after[0]!.finished_by).toBe(before[0]!.finished_by);
    const { perCustomer, links } = await tally(f);
    expect(perCustomer.size).toBe(12);
    expect([...perCustomer.values()].every((n) => n === 1)).toBe(true);
    expect(links).toBe(24);
    const stale = await t.db.execute<{ status: string }>(sql`SELECT status FROM actions WHERE idempotency_key = ${STALE_KEY}`);
    expect(stale.rows).toEqual([{ status: 'cancelled' }]);
    // A run repeated once all parts are done starts over, and finds every action already there.
    expect(await runOrganization(t.db, { organizationId: f.organizationId, asOf: AS_OF })).toMatchObject({ customers: 12, inserted: 0 });
  });
});
