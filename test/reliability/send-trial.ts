/**
 * The send workers' reliability trial, shared by the short CI version
 * (test/reliability/send-kills.test.ts) and the long one (bench/reliability/send-kills.ts): two real
 * worker processes (test/sending/worker-process.ts: the Agenda worker with the dunning jobs) send
 * one organization's due reminders to a real SMTP server in this process, while the trial kills one
 * of them with SIGKILL at random moments (1–3 times, only while reminders are still unsent) and
 * starts it again. Then it counts, from the SMTP server's side and the store's:
 * - duplicates: copies answered 250 beyond the first, per action (by its X-Relance-Action key);
 * - lost: actions not `sent` once the trial settled;
 * - stuck: actions still `sending`, or sent and never finalized (no activity);
 * - activities: `reminder.sent` timeline entries beyond one per action (a doubled finalization).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Db } from '../../core/store/db.ts';
import { seedDueReminders } from '../../bench/send.ts';
import { ROOT } from '../support/cli.ts';
import type { SmtpSink } from '../sending/smtp-sink.ts';

const SCRIPT = path.join(ROOT, 'test/sending/worker-process.ts');
/** How long before a copy's 250 a kill still counts as its cause (the server's reply delay, with margin). */
const KILL_BEFORE_250_MS = 100;

export interface SendTrialOptions {
  databaseUrl: string;
  db: Db;
  sink: SmtpSink;
  reminders: number;
  /** Kills in this trial (0 for a trial without a crash). */
  kills: number;
  leaseMs: number;
  batchSize?: number;
  /** Longest wait for everything to be sent and finalized after the last kill. */
  settleMs?: number;
  random?: () => number;
}

export interface SendTrialCounts {
  reminders: number;
  kills: number;
  duplicates: number;
  /** Of the duplicates, those whose first copy was accepted before a kill and the second after it (the crash window). */
  duplicatesAcrossKill: number;
  /** For those, the longest time from the first copy's 250 to the kill, ms. */
  windowMaxMs: number;
  lost: number;
  stuck: number;
  extraActivities: number;
  seconds: number;
}

interface RunningWorker { child: ChildProcess; exited: Promise<void> }

function startWorker(o: SendTrialOptions, organizationId: string): Promise<RunningWorker> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH, DATABASE_URL: o.databaseUrl, ORGANIZATION_ID: organizationId, SEND_LEASE_MS: String(o.leaseMs),
      ...(o.batchSize && { SEND_BATCH_SIZE: String(o.batchSize) }),
      RELANCE_SMTP_URL: `smtp://127.0.0.1:${o.sink.port}`, RELANCE_MAIL_FROM: 'Bench SAS <relances@bench.example>',
    },
  });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => c.toString().includes('worker ready') && resolve({ child, exited }));
    child.once('exit', (code, signal) => reject(new Error(`send worker exited (${code ?? signal}) before ready: ${err.slice(-2000)}`)));
  });
}

async function progress(db: Db, organizationId: string): Promise<{ unsent: number; open: number }> {
  const { rows } = await db.execute<{ unsent: number; open: number }>(sql`
    SELECT count(*) FILTER (WHERE status <> 'sent')::int AS unsent,
           count(*) FILTER (WHERE status <> 'sent' OR finalize_pending IS NOT NULL)::int AS open
      FROM actions WHERE organization_id = ${organizationId}`);
  return rows[0]!;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One trial; the workers are gone when it returns. */
export async function runSendTrial(o: SendTrialOptions): Promise<SendTrialCounts> {
  const random = o.random ?? Math.random;
  const started = Date.now();
  // Send passes queued by the previous trial's workers (every 300 ms each, faster than a starved
  // worker runs them) would be run first, for an organization already done: a backlog that grew
  // with every trial at load 28 until no pass reached the current one in time (all "lost").
  await o.db.execute(sql`DELETE FROM agenda_jobs WHERE name = 'dunning.send'`).catch(() => {});
  const organizationId = await seedDueReminders({ db: o.db }, o.reminders);
  // Each copy's 250, timed, to tell a duplicate across a kill from one without a crash.
  const acceptedAt: number[] = [];
  const sinkAccepted = o.sink.accepted as unknown as { push: (...m: unknown[]) => number };
  const push = sinkAccepted.push.bind(sinkAccepted);
  const firstIndex = o.sink.accepted.length;
  sinkAccepted.push = (...m: unknown[]) => {
    for (let i = 0; i < m.length; i++) acceptedAt.push(Date.now());
    return push(...m);
  };
  const killedAt: number[] = [];
  const { rows: keyRows } = await o.db.execute<{ key: string }>(sql`SELECT idempotency_key AS key FROM actions WHERE organization_id = ${organizationId}`);
  const keys = new Set(keyRows.map((r) => r.key));
  // Held back until both workers are up, so that both send from the start.
  await o.db.execute(sql`UPDATE actions SET next_attempt_at = now() + interval '1 day' WHERE organization_id = ${organizationId}`);
  // One after the other: two Agenda backends creating their tables at once race (issue #14, item 3).
  const workers: RunningWorker[] = [await startWorker(o, organizationId)];
  workers.push(await startWorker(o, organizationId));
  await o.db.execute(sql`UPDATE actions SET next_attempt_at = NULL WHERE organization_id = ${organizationId}`);
  let kills = 0;
  try {
    // Kill only while reminders are unsent: a kill after the end proves nothing.
    while (kills < o.kills) {
      await sleep(50 + random() * 600);
      if ((await progress(o.db, organizationId)).unsent === 0) break;
      const k = random() < 0.5 ? 0 : 1;
      killedAt.push(Date.now());
      workers[k]!.child.kill('SIGKILL');
      await workers[k]!.exited;
      kills++;
      workers[k] = await startWorker(o, organizationId);
    }
    const deadline = Date.now() + (o.settleMs ?? 120_000);
    while ((await progress(o.db, organizationId)).open > 0 && Date.now() < deadline) await sleep(200);
  } finally {
    for (const w of workers) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    sinkAccepted.push = push;
  }
  const copies = new Map<string, number>();
  const times = new Map<string, number[]>();
  o.sink.accepted.forEach((m, i) => {
    const key = m.headers.get('x-relance-action');
    if (!key || !keys.has(key)) return;
    copies.set(key, (copies.get(key) ?? 0) + 1);
    const at = i >= firstIndex ? acceptedAt[i - firstIndex] : undefined;
    if (at !== undefined) times.set(key, [...(times.get(key) ?? []), at]);
  });
  let duplicatesAcrossKill = 0;
  let windowMaxMs = 0;
  for (const ts of times.values()) {
    for (let j = 1; j < ts.length; j++) {
      // The server answers up to its reply delay after the final dot, also to a sender already dead:
      // a kill that short a time before the first 250 is the crash that made the copy.
      const kill = killedAt.find((k) => k >= ts[0]! - KILL_BEFORE_250_MS && k <= ts[j]!);
      if (kill === undefined) continue;
      duplicatesAcrossKill++;
      windowMaxMs = Math.max(windowMaxMs, Math.max(0, kill - ts[0]!));
    }
  }
  const { rows } = await o.db.execute<{ key: string; status: string; pending: boolean }>(sql`
    SELECT idempotency_key AS key, status::text AS status, finalize_pending IS NOT NULL AS pending
      FROM actions WHERE organization_id = ${organizationId}`);
  const { rows: [logged] } = await o.db.execute<{ n: number }>(sql`
    SELECT count(*)::int AS n FROM activities WHERE organization_id = ${organizationId} AND kind = 'reminder.sent'`);
  const sent = rows.filter((r) => r.status === 'sent').length;
  return {
    reminders: o.reminders,
    kills,
    duplicates: [...copies.values()].reduce((n, c) => n + c - 1, 0),
    duplicatesAcrossKill,
    windowMaxMs,
    // Given up (not sent, not being sent), or recorded sent with no copy ever answered 250.
    lost: rows.filter((r) => (r.status !== 'sent' && r.status !== 'sending') || (r.status === 'sent' && !copies.has(r.key))).length,
    stuck: rows.filter((r) => r.status === 'sending' || r.pending).length,
    extraActivities: Math.max(0, logged!.n - sent),
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
}

/** Sums trials' counts. */
export function totalOf(trials: readonly SendTrialCounts[]): Omit<SendTrialCounts, 'seconds'> & { trials: number } {
  const sum = (f: (t: SendTrialCounts) => number) => trials.reduce((n, t) => n + f(t), 0);
  return {
    trials: trials.length, reminders: sum((t) => t.reminders), kills: sum((t) => t.kills), duplicates: sum((t) => t.duplicates),
    duplicatesAcrossKill: sum((t) => t.duplicatesAcrossKill), windowMaxMs: Math.max(0, ...trials.map((t) => t.windowMaxMs)),
    lost: sum((t) => t.lost), stuck: sum((t) => t.stuck), extraActivities: sum((t) => t.extraActivities),
  };
}
