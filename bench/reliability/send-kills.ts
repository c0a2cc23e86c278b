/**
 * The long reliability trial of the send workers (issue #14): 60 trials, each with two real worker
 * processes sending one organization's reminders while one of them is killed with SIGKILL 1–3
 * times (random moments, only while reminders are unsent) and restarted; then trials without any
 * crash against a slow SMTP server (3.5 s a message, longer than the lease). Prints the counts
 * and the targets: duplicates ≤ 1 per 20 kills, 0 without a crash, 0 lost, 0 stuck.
 * Run: `node --import tsx bench/reliability/send-kills.ts [--trials 60] [--reminders 120] [--lease 5000]` (DATABASE_URL
 * names the PostgreSQL server; a scratch database is made there and dropped, also on Ctrl-C).
 */
import { ChildProcess } from 'node:child_process';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { openStore } from '../../core/store/db.ts';
import { migrate } from '../../core/store/migrate.ts';
import { startSmtpSink } from '../../test/sending/smtp-sink.ts';
import { runSendTrial, totalOf, type SendTrialCounts } from '../../test/reliability/send-trial.ts';
import { duplicateOrigins, sumOrigins, type DuplicateOrigins } from '../../test/reliability/send-window.ts';
import { createScratchDatabase } from '../scratch-database.ts';

const { values } = parseArgs({ options: {
  trials: { type: 'string', default: '60' }, reminders: { type: 'string', default: '120' }, slow: { type: 'string', default: '2' }, lease: { type: 'string', default: '5000' },
  // The SMTP server's delay from the final dot to its 250 in the kill trials (the server's part of the window).
  'reply-delay': { type: 'string', default: '10' },
} });
const trials = Number(values.trials);
const reminders = Number(values.reminders);
const slowTrials = Number(values.slow);
const leaseMs = Number(values.lease);
const replyDelayMs = Number(values['reply-delay']);
for (const [name, v] of Object.entries({ trials, reminders, slow: slowTrials, lease: leaseMs, 'reply-delay': replyDelayMs })) {
  if (!Number.isInteger(v) || v < 0) {
    process.stderr.write(`--${name}: a whole number is required, got "${String(v)}"\n`);
    process.exit(2);
  }
}

// When each SIGKILL leaves this process (the trial kills the workers with child.kill), on the
// sink's clock: to tell a kill before a copy's 250 from one after it (test/reliability/send-window.ts).
const killedAt: number[] = [];
const kill = ChildProcess.prototype.kill;
ChildProcess.prototype.kill = function (this: ChildProcess, signal?: NodeJS.Signals | number) {
  if (signal === 'SIGKILL' && this.exitCode === null && this.signalCode === null) killedAt.push(performance.timeOrigin + performance.now());
  return kill.call(this, signal);
};

const scratch = await createScratchDatabase(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', 'send_kills');
const interrupted = () => void scratch.drop().finally(() => process.exit(130));
process.once('SIGINT', interrupted);
process.once('SIGTERM', interrupted);
const store = openStore(scratch.url, { max: 4 });
const sink = await startSmtpSink();
const log = (line: string) => process.stderr.write(line + '\n');
try {
  await migrate(store.pool);
  const loads: number[] = [];
  const killed: SendTrialCounts[] = [];
  const origins: DuplicateOrigins[] = [];
  sink.replyDelayMs = replyDelayMs;
  for (let i = 0; i < trials; i++) {
    loads.push(os.loadavg()[0]!);
    const kills = 1 + Math.floor(Math.random() * 3);
    const from = sink.accepted.length;
    const trial = await runSendTrial({ databaseUrl: scratch.url, db: store.db, sink, reminders, kills, leaseMs, batchSize: 20 });
    killed.push(trial);
    // Each trial's actions are its own (fresh idempotency keys): its copies are those answered during it.
    origins.push(duplicateOrigins(sink.accepted.slice(from), killedAt));
    const sofar = totalOf(killed);
    const o = sumOrigins(origins);
    log(`trial ${i + 1}/${trials}: ${JSON.stringify({ ...trial, origins: origins.at(-1) })} — so far ${sofar.kills} kills, ${sofar.duplicates} duplicates (server window ${o.serverWindow}, client window ${o.clientWindow}, no crash near ${o.noCrashNear}), ${sofar.lost} lost, ${sofar.stuck} stuck, load ${os.loadavg()[0]!.toFixed(1)}`);
  }
  const slow: SendTrialCounts[] = [];
  sink.replyDelayMs = 3500;
  for (let i = 0; i < slowTrials; i++) {
    loads.push(os.loadavg()[0]!);
    const trial = await runSendTrial({ databaseUrl: scratch.url, db: store.db, sink, reminders: 16, kills: 0, leaseMs: 2000, batchSize: 8 });
    slow.push(trial);
    log(`slow SMTP, no crash ${i + 1}/${slowTrials}: ${JSON.stringify(trial)}`);
  }
  const k = totalOf(killed);
  const s = totalOf(slow);
  const bound = k.kills / 20;
  const o = sumOrigins(origins);
  const per20 = (n: number) => (k.kills ? Math.round((n / k.kills) * 20 * 100) / 100 : 0);
  const report = {
    bench: 'reliability send-kills',
    leaseMs,
    replyDelayMs,
    withKills: {
      ...k, duplicatesPer20Kills: per20(k.duplicates),
      // Where they came from (test/reliability/send-window.ts): a kill between the final dot and the
      // server's 250, a kill after the 250 before the acceptance was written, or no kill near them.
      origins: { ...o, serverWindowPer20Kills: per20(o.serverWindow), clientWindowPer20Kills: per20(o.clientWindow) },
    },
    slowSmtpWithoutCrash: s,
    targets: { duplicatesAtMost: bound, duplicatesWithoutCrash: 0, lost: 0, stuck: 0 },
    met: k.duplicates <= bound && s.duplicates === 0 && k.lost + s.lost === 0 && k.stuck + s.stuck === 0 && k.extraActivities + s.extraActivities === 0,
    loadAverage: { min: Math.min(...loads), max: Math.max(...loads) },
  };
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  process.exitCode = report.met ? 0 : 1;
} finally {
  process.off('SIGINT', interrupted);
  process.off('SIGTERM', interrupted);
  await sink.close();
  await store.close();
  await scratch.drop();
}
