/**
 * Issue 20: `relance demo --serve` on its embedded database (PGlite behind its wire server) and on
 * PostgreSQL, 50 concurrent mixed requests as a browser fires them — invoice lists and details,
 * dispute posts, customer timelines, the approval queue and approvals. Every answer is 2xx with the
 * right data (no 500 from interleaved statements, no wrong 404 from a failed membership lookup),
 * nothing hangs, and SIGINT then stops the process within a few seconds.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { spawnCli, waitForExit } from '../support/cli.ts';

const key = `t1:${Buffer.alloc(32, 11).toString('base64')}`;
const READY = /console: (\S+)\s+user: (\S+)\s+password: (\S+)\n/;
const dirs: string[] = [];
let pgdb: TestDatabase | null = null;
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  await pgdb?.drop();
});

interface Answer { status: number; body: unknown; what: string }

async function burst(env: Record<string, string>) {
  const { child, match, output } = await spawnCli(['demo', '--serve', '--invoices', '60', '--seed', '3'], env, READY);
  let stoppedIn = Infinity;
  try {
    const [, consoleUrl, email, password] = match as unknown as string[];
    const base = new URL(consoleUrl!).origin;
    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const me = (await (await fetch(`${base}/api/auth/me`, { headers: { cookie } })).json()) as { csrfToken: string; memberships: { organizationId: string }[] };
    const headers = { cookie, 'x-csrf-token': me.csrfToken, 'content-type': 'application/json' };
    const orgId = me.memberships[0]!.organizationId;
    const api = `${base}/api/organizations/${orgId}`;
    const list = (await (await fetch(`${api}/invoices?limit=100&status=open`, { headers })).json()) as { items: { id: string; customerId: string; number: string }[] };
    const invoices = list.items;
    expect(invoices.length).toBeGreaterThan(4);
    const queue = (await (await fetch(`${api}/actions/queue?limit=200`, { headers })).json()) as { items: { id: string }[] };

    const call = async (what: string, url: string, init: RequestInit = {}): Promise<Answer> => {
      const signal = AbortSignal.timeout(30_000);
      const res = await fetch(url, { ...init, headers, signal });
      return { status: res.status, body: await res.json().catch(() => null), what };
    };
    const checks: Promise<Answer & { ok: boolean }>[] = [];
    for (let i = 0; i < 50; i++) {
      const inv = invoices[i % invoices.length]!;
      const kind = i % 5;
      const check = (what: string, url: string, init: RequestInit, right: (body: unknown) => boolean) =>
        checks.push(call(what, url, init).then((a) => ({ ...a, ok: a.status >= 200 && a.status < 300 && right(a.body) })));
      if (kind === 0) check('invoice', `${api}/invoices/${inv.id}`, {}, (b) => (b as { id: string; number: string }).id === inv.id && (b as { number: string }).number === inv.number);
      else if (kind === 1) check('invoices', `${api}/invoices?limit=100&status=open&customerId=${inv.customerId}`, {}, (b) => (b as { items: { customerId: string }[] }).items.every((x) => x.customerId === inv.customerId) && (b as { items: { id: string }[] }).items.some((x) => x.id === inv.id));
      else if (kind === 2) check('timeline', `${api}/customers/${inv.customerId}/timeline?limit=20`, {}, (b) => Array.isArray((b as { items: unknown[] }).items));
      else if (kind === 3) check('dispute', `${api}/disputes`, { method: 'POST', body: JSON.stringify({ invoiceIds: [inv.id], reason: `burst ${i}` }) }, (b) => typeof (b as { id?: unknown }).id === 'string');
      else if (queue.items.length > 0 && i % 10 === 4) {
        const action = queue.items[(i / 10) % queue.items.length | 0]!;
        check('approve', `${api}/actions/approve`, { method: 'POST', body: JSON.stringify({ ids: [action.id] }) }, (b) => (b as { results: { id: string }[] }).results[0]!.id === action.id);
      } else check('queue', `${api}/actions/queue?limit=50`, {}, (b) => Array.isArray((b as { items: unknown[] }).items));
    }
    const answers = await Promise.all(checks);
    const wrong = answers.filter((a) => !a.ok).map((a) => `${a.what} ${a.status} ${JSON.stringify(a.body).slice(0, 300)}`);
    expect(wrong).toEqual([]);
    // The disputes are all there, each once.
    const disputes = (await (await fetch(`${api}/disputes`, { headers })).json()) as { items: { reason: string }[] };
    const burstReasons = disputes.items.filter((d) => d.reason.startsWith('burst ')).map((d) => d.reason);
    expect(new Set(burstReasons).size).toBe(10);
    expect(burstReasons.length).toBe(10);

    // SIGINT with requests in flight: the process stops within a few seconds.
    const inflight = Array.from({ length: 20 }, (_, i) => fetch(`${api}/invoices/${invoices[i % invoices.length]!.id}`, { headers }).catch(() => null));
    const t0 = Date.now();
    child.kill('SIGINT');
    const bound = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still running 15 s after SIGINT:\n${output().slice(-3000)}`)), 15_000).unref());
    expect(await Promise.race([waitForExit(child), bound])).toBe(0);
    stoppedIn = Date.now() - t0;
    await Promise.all(inflight);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  return { stoppedIn };
}

describe('50 concurrent mixed requests at relance demo --serve', () => {
  it('on the embedded database: all 2xx with the right data, then SIGINT stops it', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'relance-burst-'));
    dirs.push(dataDir);
    const { stoppedIn } = await burst({ RELANCE_SECRET_KEY: key, RELANCE_DATA_DIR: dataDir, RELANCE_PORT: '0' });
    expect(stoppedIn).toBeLessThan(15_000);
  }, 240_000);

  it('on PostgreSQL: the same', async () => {
    pgdb = await createTestDatabase({ migrated: false });
    const dataDir = await mkdtemp(path.join(tmpdir(), 'relance-burst-'));
    dirs.push(dataDir);
    const { stoppedIn } = await burst({ DATABASE_URL: pgdb.url, RELANCE_SECRET_KEY: key, RELANCE_DATA_DIR: dataDir, RELANCE_PORT: '0' });
    expect(stoppedIn).toBeLessThan(15_000);
  }, 240_000);
});
