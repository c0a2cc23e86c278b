/**
 * The send workers' reliability trial, shared by the short CI version
 * (test/reliability/send-kills.test.ts) and the long one (bench/reliability/send-kills.ts): two real
 * worker processes (test/sending/worker-process.ts: the Agenda worker with the dunning jobs) send
 * one organization's due reminders to a real SMTP server in this process, while the trial kills one
 * of them with SIGKILL at random moments (1–3 times, only while reminders are still unsent) and
 * starts it again. Then it counts, from the SMTP server's side and the store's:
 * - duplicates: copies answered 250 beyond the first, per action (by its X-Relance-Action key), and
 *   of those, the ones a kill explains (a kill between the first copy's final dot, less a margin,
 *   and the second copy): split into kills before the first copy's 250 (the server's reply window,
 *   which no client shortens) and after it (the worker's own window, 250 → acceptance written);
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
/**
 * How long before the server read a copy's final dot a kill still counts as its cause: a worker
 * killed right after writing the dot leaves it in the kernel's buffer, which the server (in this
 * process, on a loaded machine) may read a while later.
 */
const KILL_BEFORE_DOT_MS = 1000;

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
  /** Of the duplicates, those a kill explains: one between the first copy's final dot and the second copy. */
  duplicatesAcrossKill: number;
  /** Of those, the kill came before the first copy's 250: the server's reply window (dot → 250). */
  duplicatesInReplyWindow: number;
  /** Of those, the kill came after the first copy's 250: the worker's window (250 → acceptance written). */
  duplicatesAfter250: number;
  /** For those after the 250, the longest time from the first copy's 250 to the kill, ms. */
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
  // Each copy's final dot and 250, timed, to tell a duplicate across a kill from one without a crash.
  const acceptedAt: number[] = [];
  const dotAt = new WeakMap<object, number>();
  const sinkAccepted = o.sink.accepted as unknown as { push: (...m: object[]) => number };
  const sinkReceived = o.sink.received as unknown as { push: (...m: object[]) => number };
  const push = sinkAccepted.push.bind(sinkAccepted);
  const pushReceived = sinkReceived.push.bind(sinkReceived);
  const firstIndex = o.sink.accepted.length;
  sinkAccepted.push = (...m: object[]) => {
    for (let i = 0; i < m.length; i++) acceptedAt.push(Date.now());
    return push(...m);
  };
  sinkReceived.push = (...m: object[]) => {
    for (const message of m) dotAt.set(message, Date.now());
    return pushReceived(...m);
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
    sinkReceived.push = pushReceived;
  }
  const copies = new Map<string, number>();
  const times = new Map<string, { dot: number; answered: number }[]>();
  o.sink.accepted.forEach((m, i) => {
    const key = m.headers.get('x-relance-action');
    if (!key || !keys.has(key)) return;
    copies.set(key, (copies.get(key) ?? 0) + 1);
    const answered = i >= firstIndex ? acceptedAt[i - firstIndex] : undefined;
    if (answered !== undefined) times.set(key, [...(times.get(key) ?? []), { dot: dotAt.get(m) ?? answered, answered }]);
  });
  let duplicatesAcrossKill = 0;
  let duplicatesInReplyWindow = 0;
  let duplicatesAfter250 = 0;
  let windowMaxMs = 0;
  for (const copies of times.values()) {
    const first = copies[0]!;
    for (let j = 1; j < copies.length; j++) {
      // The server has the message from its final dot and answers 250 up to its reply delay later,
      // also to a sender already dead: a kill from just before the dot to the re-send made the copy.
      const kill = killedAt.find((k) => k >= first.dot - KILL_BEFORE_DOT_MS && k <= copies[j]!.answered);
      if (kill === undefined) continue;
      duplicatesAcrossKill++;
      if (kill < first.answered) duplicatesInReplyWindow++;
      else {
        duplicatesAfter250++;
        windowMaxMs = Math.max(windowMaxMs, kill - first.answered);
      }
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
    duplicatesInReplyWindow,
    duplicatesAfter250,
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
    duplicatesAcrossKill: sum((t) => t.duplicatesAcrossKill), duplicatesInReplyWindow: sum((t) => t.duplicatesInReplyWindow),
    duplicatesAfter250: sum((t) => t.duplicatesAfter250), windowMaxMs: Math.max(0, ...trials.map((t) => t.windowMaxMs)),
    lost: sum((t) => t.lost), stuck: sum((t) => t.stuck), extraActivities: sum((t) => t.extraActivities),
  };
}
