/**
 * Killing the inbox reader mid-read (SIGKILL, a real process) and starting it again files every
 * message exactly once: one row per UID, one timeline activity per message, one hold. Each
 * message's row, effects and the mailbox's read position commit together, so a kill leaves each
 * message either wholly filed or not at all.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { generateKeySpec, parseKeyRing } from '../../core/crypto.ts';
import { saveMailbox } from '../../core/inbox/index.ts';
import { addCustomer, seedOrganization, type OrgFixture } from '../agenda/fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { startDovecot, type Dovecot } from './dovecot.ts';
import { rawMessage } from './mail.ts';

const SCRIPT = path.join(import.meta.dirname, 'reader-process.ts');
const MESSAGES = 60;
const spec = generateKeySpec();
let t: TestDatabase;
let dovecot: Dovecot;
let f: OrgFixture;
let customerId: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  [t, dovecot] = await Promise.all([createTestDatabase(), startDovecot({ relances: 'secret' })]);
  f = await seedOrganization(t.db);
  customerId = await addCustomer(t.db, f, { email: 'paul@client.test' });
  await saveMailbox(t.db, parseKeyRing(spec), f.organizationId, { host: '127.0.0.1', port: dovecot.imapPort, tls: false, username: 'relances', password: 'secret', address: 'relances@relance.test' });
  await Promise.all(Array.from({ length: MESSAGES }, (_x, i) =>
    dovecot.deliver(rawMessage({ From: 'paul@client.test', To: 'relances@relance.test', Subject: `Réponse ${i}`, 'Message-ID': `<r-${i}@client.test>` }, `Message ${i}: nous payerons le 20.`), 'relances@relance.test')));
}, 90_000);
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await dovecot?.stop();
  await t?.drop();
});

function startReader(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
    env: { ...process.env, DATABASE_URL: t.url, RELANCE_SECRET_KEY: spec, ORGANIZATION_ID: f.organizationId }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return child;
}

async function filed(): Promise<number> {
  const { rows: [r] } = await t.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM inbox_messages`);
  return r!.n;
}

async function until(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

it('a reader killed mid-read and restarted files every message exactly once', async () => {
  const first = startReader();
  await until(async () => (await filed()) > 0, 60_000, 'the first message filed');
  first.kill('SIGKILL');
  await new Promise((r) => first.once('exit', r));
  const atKill = await filed();
  // Killed mid-read: some filed, not all.
  expect(atKill).toBeGreaterThan(0);
  expect(atKill).toBeLessThan(MESSAGES);
  const second = startReader();
  await until(async () => (await filed()) >= MESSAGES, 60_000, 'every message filed');
  // A few more read passes, to see nothing comes twice.
  await new Promise((r) => setTimeout(r, 500));
  second.kill('SIGKILL');
  await new Promise((r) => second.once('exit', r));
  const { rows: [c] } = await t.db.execute<{ rows: number; uids: number; ids: number; replies: number; holds: number; last: string }>(sql`
    SELECT (SELECT count(*)::int FROM inbox_messages) AS rows, (SELECT count(DISTINCT uid)::int FROM inbox_messages) AS uids,
           (SELECT count(DISTINCT message_id)::int FROM inbox_messages) AS ids,
           (SELECT count(*)::int FROM activities WHERE kind = 'inbox.reply' AND customer_id = ${customerId}) AS replies,
           (SELECT count(*)::int FROM dunning_holds WHERE customer_id = ${customerId} AND reason = 'inbox.reply') AS holds,
           (SELECT last_uid::text FROM inbox_mailboxes) AS last`);
  expect(c).toEqual({ rows: MESSAGES, uids: MESSAGES, ids: MESSAGES, replies: MESSAGES, holds: 1, last: String(MESSAGES) });
}, 120_000);
