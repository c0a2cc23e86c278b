/**
 * A worker process killed with SIGKILL in the middle of an SMTP send: the server has the whole
 * message (DATA) and holds its reply. The restarted worker takes the claim over once the lease
 * ran out and sends again, with the same Message-ID; the server had never answered 250 for the
 * first copy, so the reminder is delivered once and recorded sent once (core/sending/README.md).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { runOrganization } from '../../core/agenda/index.ts';
import { addDays, todayIn } from '../../core/calendar/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { ROOT } from '../support/cli.ts';
import { addCustomer, addInvoice, seedOrganization } from '../agenda/fixtures.ts';
import { startSmtpSink, type SmtpSink } from './smtp-sink.ts';

const SCRIPT = path.join(ROOT, 'test/sending/worker-process.ts');
const LEASE_MS = 2000;

let t: TestDatabase;
let sink: SmtpSink;
const children: ChildProcess[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  sink = await startSmtpSink();
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await sink?.close();
  await t?.drop();
});

function startWorker(organizationId: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH, DATABASE_URL: t.url, ORGANIZATION_ID: organizationId, SEND_LEASE_MS: String(LEASE_MS),
      RELANCE_SMTP_URL: `smtp://127.0.0.1:${sink.port}`, RELANCE_MAIL_FROM: 'Atelier Dupont <relances@atelier-dupont.example>',
    },
  });
  children.push(child);
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => c.toString().includes('worker ready') && resolve(child));
    child.on('exit', (code) => reject(new Error(`worker exited (${code}) before ready: ${err}`)));
  });
}

async function waitFor<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a send worker killed with SIGKILL during DATA', () => {
  it('is taken over after the lease and the reminder is delivered and recorded once', { timeout: 60_000 }, async () => {
    const f = await seedOrganization(t.db, { timezone: 'UTC', sendingHours: { from: '00:00', to: '24:00', days: [1, 2, 3, 4, 5, 6, 7] } });
    const customerId = await addCustomer(t.db, f, { email: 'claire@martin.example' });
    await addInvoice(t.db, f, customerId, { dueDate: addDays(todayIn('UTC'), -10) });
    await runOrganization(t.db, { organizationId: f.organizationId });

    sink.holdData = true;
    const held = sink.nextData();
    const first = await startWorker(f.organizationId);
    const firstCopy = await held;
    // The message is on the server, its 250 not sent: the worker dies here.
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const { rows: [mid] } = await t.db.execute<{ status: string; claimed_by: string }>(sql`
      SELECT status::text AS status, claimed_by FROM actions WHERE organization_id = ${f.organizationId}`);
    expect(mid).toEqual({ status: 'sending', claimed_by: `pid:${first.pid}` });

    sink.holdData = false;
    const second = await startWorker(f.organizationId);
    const done = await waitFor('the action to be sent', async () => {
      const { rows } = await t.db.execute<{ status: string; attempts: number; mid: string | null }>(sql`
        SELECT status::text AS status, send_attempts AS attempts, details->>'providerMessageId' AS mid
          FROM actions WHERE organization_id = ${f.organizationId} AND finalize_pending IS NULL`);
      return rows[0]?.status === 'sent' ? rows[0] : null;
    });
    second.kill('SIGTERM');

    // Twice on the wire, the same Message-ID both times; answered (delivered) once.
    expect(sink.received.map((m) => m.messageId)).toEqual([firstCopy.messageId, firstCopy.messageId]);
    expect(sink.accepted).toHaveLength(1);
    expect(sink.accepted[0]!.messageId).toBe(done.mid);
    // The worker's death is no failed attempt: nothing counts against the retry policy.
    expect(done.attempts).toBe(0);
    // One activity, and the write-back of one send: each kind of outbox row once.
    const { rows: [counts] } = await t.db.execute<{ sent: number; rows: number; kinds: number }>(sql`
      SELECT (SELECT count(*)::int FROM activities WHERE customer_id = ${customerId} AND kind = 'reminder.sent') AS sent,
             (SELECT count(*)::int FROM outbox WHERE organization_id = ${f.organizationId}) AS rows,
             (SELECT count(DISTINCT kind)::int FROM outbox WHERE organization_id = ${f.organizationId}) AS kinds`);
    expect(counts!.sent).toBe(1);
    expect(counts!.rows).toBeGreaterThan(0);
    expect(counts!.rows).toBe(counts!.kinds);
  });
});
