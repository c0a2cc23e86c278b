/**
 * The send benchmark: N reminders through the real send path — claim under SKIP LOCKED, one query
 * loading the batch with its stop rules, render (MJML, the contact's language), SmtpChannel with
 * several messages in flight, the acceptance written on each 250, the batch's activities and
 * write-back in one transaction — in a scratch PostgreSQL database, to an SMTP server in its own
 * process. The limit is measured in the same run: nodemailer alone sending as many pre-rendered
 * messages the same way (a pool of the same size, as many in flight) to the same server. Then the
 * same reminders again with two worker processes at once: the ratio of their throughput to one's.
 * Every sender is its own process (bench/send-process.ts); the bench only seeds, starts and counts.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { sql } from 'drizzle-orm';
import { runOrganization } from '../core/agenda/index.ts';
import { addDays, todayIn } from '../core/calendar/index.ts';
import { saveScenario } from '../core/scenarios/index.ts';
import { openStore, type Store } from '../core/store/db.ts';
import { migrate } from '../core/store/migrate.ts';
import type { BenchResult } from './ingest.ts';
import { processCpuSeconds } from './sandbox-process.ts';
import { createScratchDatabase } from './scratch-database.ts';

export const SEND_LIMIT =
  'nodemailer alone sending the same number of pre-rendered messages, pooled and as many in flight, to the same SMTP server (its own process), same run';
/** The targets (issue #16): 500 reminders/s per worker or 0.8 of nodemailer alone; two workers 1.7× one. */
export const SEND_TARGETS = { perSecond: 500, ratio: 0.8, twoWorkers: 1.7 };
const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'send-process.ts');

export interface SendBenchOptions {
  messages: number;
  serverUrl: string;
  progress?: (line: string) => void;
}

interface Child { process: ChildProcess; next(): Promise<Record<string, unknown>> }

function start(mode: string, env: Record<string, string>): Child {
  const child = fork(SCRIPT, [mode], { execArgv: ['--import', 'tsx', ...(process.env.BENCH_PROF && mode === 'worker' ? ['--cpu-prof', '--cpu-prof-dir=/tmp/send-prof'] : [])], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const inbox: Record<string, unknown>[] = [];
  const waiting: ((m: Record<string, unknown>) => void)[] = [];
  child.on('message', (m: Record<string, unknown>) => (waiting.length ? waiting.shift()!(m) : inbox.push(m)));
  child.on('exit', (code) => {
    if (code !== 0) for (const w of waiting.splice(0)) w({ error: `${mode} process exited with ${code}` });
  });
  return {
    process: child,
    next: () => new Promise((resolve, reject) => {
      const take = (m: Record<string, unknown>) => (m.error ? reject(new Error(String(m.error))) : resolve(m));
      if (inbox.length) take(inbox.shift()!);
      else waiting.push(take);
    }),
  };
}

/** Starts the processes, lets them warm up, then says go to all at once; the time is from go to the last one done. */
async function race(children: Child[], sink: Child): Promise<{ seconds: number; replies: Record<string, unknown>[]; sinkCpuSeconds: number }> {
  await Promise.all(children.map((c) => c.next()));
  const sinkCpu = processCpuSeconds(sink.process.pid!);
  const started = process.hrtime.bigint();
  for (const c of children) c.process.send({ go: true });
  const replies = await Promise.all(children.map((c) => c.next()));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds, replies, sinkCpuSeconds: round2(processCpuSeconds(sink.process.pid!) - sinkCpu) };
}

const round2 = (x: number) => Math.round(x * 100) / 100;
/** The CPU seconds the senders of a run used, summed: their own, and their PostgreSQL backends'. */
const cpuOf = (replies: readonly Record<string, unknown>[], field: 'cpuSeconds' | 'pgCpuSeconds') => round2(replies.reduce((n, r) => n + Number(r[field] ?? NaN), 0));

/**
 * One organization open around the clock, one email step, N customers with one overdue invoice
 * each, planned by the daily run; returns the organization's id. The send tests seed with it too.
 */
export async function seedDueReminders(store: Pick<Store, 'db'>, messages: number): Promise<string> {
  const { rows } = await store.db.execute<{ id: string }>(sql`
    INSERT INTO organizations (name, base_currency, country, timezone, late_payment_policy, sending_hours)
    VALUES ('Bench SAS', 'EUR', 'FR', 'UTC', '{"policy":"NONE"}', '{"from":"00:00","to":"24:00","days":[1,2,3,4,5,6,7]}')
    RETURNING id`);
  const org = rows[0]!.id;
  await store.db.execute(sql`INSERT INTO connections (organization_id, provider, external_account_id) VALUES (${org}, 'quickbooks', 'bench')`);
  await saveScenario(store.db, org, { name: 'bench', steps: [{ offsetDays: 7, action: 'email', template: 'reminder-1' }] });
  const today = todayIn('UTC');
  await store.db.execute(sql`
    INSERT INTO customers (organization_id, connection_id, external_id, name, email, currency, country, language)
    SELECT ${org}, c.id, 'C' || g, 'Customer ' || g, 'c' || g || '@bench.example', 'EUR', 'FR', CASE WHEN g % 2 = 0 THEN 'fr' ELSE 'en' END
      FROM generate_series(1, ${messages}) g, connections c WHERE c.organization_id = ${org}`);
  await store.db.execute(sql`
    INSERT INTO invoices (organization_id, connection_id, external_id, customer_external_id, customer_id, number,
                          issue_date, due_date, currency, total_minor, balance_minor, status)
    SELECT ${org}, cu.connection_id, 'I' || cu.external_id, cu.external_id, cu.id, 'F-' || cu.external_id,
           ${addDays(today, -40)}::date, ${addDays(today, -10)}::date, 'EUR', 125050, 125050, 'open'
      FROM customers cu WHERE cu.organization_id = ${org}`);
  await store.db.execute(sql`ANALYZE`);
  await runOrganization(store.db, { organizationId: org, asOf: today });
  await store.db.execute(sql`ANALYZE`);
  return org;
}

/**
 * The client's part of the duplicate window, per message: from the sink's 250 to the acceptance
 * statement running in PostgreSQL (its `sent_at = now()`), both on this machine's wall clock.
 * A worker killed in it leaves a delivered message recorded nowhere (core/sending/README.md).
 */
async function clientWindow(store: Store, sink: Child, org: string): Promise<{ mean: number; p50: number; p99: number; max: number; n: number }> {
  sink.process.send({ answers: true });
  const { answers } = (await sink.next()) as { answers: Record<string, number> };
  const { rows } = await store.db.execute<{ key: string; at: number }>(sql`
    SELECT idempotency_key AS key, extract(epoch FROM sent_at)::float8 * 1000 AS at FROM actions WHERE organization_id = ${org} AND sent_at IS NOT NULL`);
  const gaps = rows.flatMap((r) => (answers[r.key] === undefined ? [] : [Number(r.at) - answers[r.key]!])).sort((a, b) => a - b);
  const at = (q: number) => Math.round((gaps[Math.min(gaps.length - 1, Math.floor(q * gaps.length))] ?? NaN) * 100) / 100;
  // The mean is what a kill at a random moment meets (Little's law: messages/s × mean window).
  const mean = Math.round((gaps.reduce((n, g) => n + g, 0) / gaps.length) * 100) / 100;
  return { mean, p50: at(0.5), p99: at(0.99), max: at(1), n: gaps.length };
}

/** Puts every reminder back to planned, as before the first run, for the two-worker run. */
async function reset(store: Store, org: string): Promise<void> {
  await store.db.execute(sql`DELETE FROM outbox WHERE organization_id = ${org}`);
  await store.db.execute(sql`DELETE FROM activities WHERE organization_id = ${org}`);
  await store.db.execute(sql`
    UPDATE actions SET status = 'planned', sent_at = NULL, claimed_by = NULL, claimed_at = NULL, finalize_pending = NULL,
           details = details - 'providerMessageId' - 'sentBy' WHERE organization_id = ${org}`);
  await store.db.execute(sql`VACUUM ANALYZE actions`);
}

async function sentCount(store: Store, org: string): Promise<{ sent: number; finalized: number; activities: number }> {
  const { rows } = await store.db.execute<{ sent: number; finalized: number; activities: number }>(sql`
    SELECT count(*) FILTER (WHERE status = 'sent')::int AS sent,
           count(*) FILTER (WHERE status = 'sent' AND finalize_pending IS NULL)::int AS finalized,
           (SELECT count(*)::int FROM activities WHERE organization_id = ${org} AND kind = 'reminder.sent') AS activities
      FROM actions WHERE organization_id = ${org}`);
  return rows[0]!;
}

export async function runSendBench(options: SendBenchOptions): Promise<BenchResult & { figures: Record<string, number> }> {
  const log = options.progress ?? (() => {});
  const scratch = await createScratchDatabase(options.serverUrl, 'send');
  const interrupted = () => void scratch.drop().finally(() => process.exit(130));
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  const store = openStore(scratch.url, { max: 4 });
  const sink = start('sink', {});
  try {
    const { port } = (await sink.next()) as { port: number };
    const env = { BENCH_DATABASE_URL: scratch.url, BENCH_SMTP_PORT: String(port), BENCH_MESSAGES: String(options.messages) };
    await migrate(store.pool);
    log(`send: seeding and planning ${options.messages} reminders`);
    const org = await seedDueReminders(store, options.messages);
    const worker = (id: string) => start('worker', { ...env, BENCH_ORGANIZATION_ID: org, BENCH_WORKER_ID: id });

    log('send: the limit, nodemailer alone');
    const rawRun = await race([start('raw', env)], sink);
    log('send: one worker process');
    const load1 = os.loadavg()[0]!;
    const one = await race([worker('w1')], sink);
    const afterOne = await sentCount(store, org);
    const window = await clientWindow(store, sink, org);
    await reset(store, org);
    log('send: two worker processes');
    const two = await race([worker('w1'), worker('w2')], sink);
    const afterTwo = await sentCount(store, org);
    const split = two.replies.map((r) => Number(r.sent));
    sink.process.send({ count: true });
    const { count } = (await sink.next()) as { count: number };

    const rawPerSecond = options.messages / rawRun.seconds;
    const perSecond = afterOne.sent / one.seconds;
    const twoPerSecond = afterTwo.sent / two.seconds;
    return {
      bench: 'send',
      figures: {
        records: afterOne.sent,
        seconds: Math.round(one.seconds * 1000) / 1000,
        recordsPerSecond: Math.round(perSecond),
        messagesPerSecond: Math.round(perSecond * 10) / 10,
        limitSeconds: Math.round(rawRun.seconds * 1000) / 1000,
        limitMessagesPerSecond: Math.round(rawPerSecond * 10) / 10,
        // Where the CPU went (2 cores shared by every process of the run): the sender's own, its
        // PostgreSQL backends', the SMTP sink's; per run.
        limitCpuSeconds: cpuOf(rawRun.replies, 'cpuSeconds'),
        limitSinkCpuSeconds: rawRun.sinkCpuSeconds,
        workerCpuSeconds: cpuOf(one.replies, 'cpuSeconds'),
        workerPgCpuSeconds: cpuOf(one.replies.slice(0, 1), 'pgCpuSeconds'),
        workerSinkCpuSeconds: one.sinkCpuSeconds,
        // From the 250 to the acceptance running in PostgreSQL, one worker, ms.
        clientWindowMeanMs: window.mean,
        clientWindowP50Ms: window.p50,
        clientWindowP99Ms: window.p99,
        clientWindowMaxMs: window.max,
        targetMessagesPerSecond: SEND_TARGETS.perSecond,
        twoWorkersSeconds: Math.round(two.seconds * 1000) / 1000,
        twoWorkersMessagesPerSecond: Math.round(twoPerSecond * 10) / 10,
        twoWorkersRatio: Math.round((twoPerSecond / perSecond) * 1000) / 1000,
        twoWorkersCpuSeconds: cpuOf(two.replies, 'cpuSeconds'),
        twoWorkersSplitFirst: split[0] ?? 0,
        twoWorkersSplitSecond: split[1] ?? 0,
        finalizedActivities: afterOne.activities + afterTwo.activities,
        // Every message the sink received: the raw run's, then each send-path run's.
        smtpReceived: count,
        loadAverage: Math.round(load1 * 100) / 100,
      },
      limit: SEND_LIMIT,
      ratio: Math.round((perSecond / rawPerSecond) * 1000) / 1000,
      higherIsBetter: true,
    };
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    sink.process.kill();
    await store.close();
    await scratch.drop();
  }
}
