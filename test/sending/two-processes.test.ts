/**
 * Two send worker processes (bench/send-process.ts `worker`: the real `sendDueActions` pass, its own
 * store pool and pooled SMTP transport) started at the same instant on the same due reminders: the
 * claims (`SKIP LOCKED`) split them, both send, and no reminder leaves twice or is left behind.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDueReminders } from '../../bench/send.ts';
import { closeSendTestbed, openSendTestbed, type SendTestbed } from './testbed.ts';

const SCRIPT = fileURLToPath(new URL('../../bench/send-process.ts', import.meta.url));
const REMINDERS = 600;
const BATCH = 40;

let bed: SendTestbed;
const children: ChildProcess[] = [];
beforeAll(async () => void (bed = await openSendTestbed()));
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await closeSendTestbed(bed ?? {});
});

/** A worker process and the messages it sends over IPC, in order. */
function worker(env: Record<string, string>): { next(): Promise<Record<string, unknown>>; go(): void } {
  const child = fork(SCRIPT, ['worker'], { execArgv: ['--import', 'tsx'], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.push(child);
  const inbox: Record<string, unknown>[] = [];
  const waiting: ((m: Record<string, unknown>) => void)[] = [];
  child.on('message', (m: Record<string, unknown>) => (waiting.length ? waiting.shift()!(m) : inbox.push(m)));
  child.on('exit', (code) => {
    for (const w of waiting.splice(0)) w({ error: `worker exited with ${String(code)}` });
  });
  return {
    next: () => new Promise((resolve) => (inbox.length ? resolve(inbox.shift()!) : waiting.push(resolve))),
    go: () => child.send({ go: true }),
  };
}

describe('two send worker processes', () => {
  it(`split ${REMINDERS} due reminders between them, each sent once`, { timeout: 240_000 }, async () => {
    const { t, sink } = bed;
    const org = await seedDueReminders(t, REMINDERS);
    const env = { BENCH_DATABASE_URL: t.url, BENCH_SMTP_PORT: String(sink.port), BENCH_ORGANIZATION_ID: org, BENCH_BATCH_SIZE: String(BATCH) };
    const workers = [worker({ ...env, BENCH_WORKER_ID: 'p1' }), worker({ ...env, BENCH_WORKER_ID: 'p2' })];
    expect(await Promise.all(workers.map((w) => w.next()))).toEqual([{ ready: true }, { ready: true }]);
    for (const w of workers) w.go();
    const replies = await Promise.all(workers.map((w) => w.next()));
    for (const r of replies) expect(r.error).toBeUndefined();
    const sent = replies.map((r) => Number(r.sent));
    // Both took part, and together they sent every reminder once.
    expect(sent[0]).toBeGreaterThan(0);
    expect(sent[1]).toBeGreaterThan(0);
    expect(sent[0]! + sent[1]!).toBe(REMINDERS);
    const ids = sink.accepted.map((m) => m.messageId);
    expect(ids).toHaveLength(REMINDERS);
    expect(new Set(ids).size).toBe(REMINDERS);
    const { rows: [counts] } = await t.db.execute<{ sent: number; byP1: number; byP2: number; activities: number }>(sql`
      SELECT count(*) FILTER (WHERE status = 'sent' AND finalize_pending IS NULL)::int AS sent,
             count(*) FILTER (WHERE details->>'sentBy' = 'p1')::int AS "byP1",
             count(*) FILTER (WHERE details->>'sentBy' = 'p2')::int AS "byP2",
             (SELECT count(*)::int FROM activities WHERE organization_id = ${org} AND kind = 'reminder.sent') AS activities
        FROM actions WHERE organization_id = ${org}`);
    expect(counts).toEqual({ sent: REMINDERS, byP1: sent[0], byP2: sent[1], activities: REMINDERS });
  });
});
