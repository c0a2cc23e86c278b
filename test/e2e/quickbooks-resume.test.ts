/**
 * The sync under duress, end to end: a real `relance sync` process killed with SIGKILL mid-way, then
 * run again, ends with the sandbox's counts and no duplicate; a 429 storm slows a sync under the
 * sandbox's real QuickBooks limits but neither fails it nor trips the limit itself.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorFor } from '../../connectors/index.ts';
import { LimiterRegistry } from '../../core/http/index.ts';
import { readCursor } from '../../core/store/index.ts';
import { runSync } from '../../core/sync/index.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { ROOT, runCli } from '../support/cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { keySpec, ring } from '../sync/support.ts';
import { connectSandbox, sandboxCount } from './quickbooks-support.ts';

const sandboxes: RunningSandbox[] = [];
const databases: TestDatabase[] = [];

afterAll(async () => {
  await Promise.all(sandboxes.map((s) => s.close()));
  await Promise.all(databases.map((d) => d.drop()));
});

async function count(db: TestDatabase, connectionId: string): Promise<{ n: number; ids: number }> {
  const { rows } = await db.pool.query<{ n: string; ids: string }>('SELECT count(*) AS n, count(DISTINCT external_id) AS ids FROM invoices WHERE connection_id = $1', [connectionId]);
  return { n: Number(rows[0]!.n), ids: Number(rows[0]!.ids) };
}

/** Starts `relance sync` and kills it with SIGKILL once `pages` invoice pages have been committed. */
function syncAndKill(env: Record<string, string>, connectionId: string, pages: number): Promise<string> {
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('RELANCE_') && k !== 'DATABASE_URL') base[k] = v;
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/relance.js'), 'sync', connectionId], { cwd: ROOT, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${pages} invoice pages in time: ${stderr}`)), 90_000);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if ((stderr.match(/^invoice: /gm) ?? []).length >= pages) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') resolve(stderr);
      else reject(new Error(`sync ended by itself (${code}) before the kill: ${stderr}`));
    });
  });
}

describe('a sync killed mid-way', () => {
  let sandbox: RunningSandbox;
  let db: TestDatabase;
  let connectionId: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 43, invoices: 10_000, asOf: '2026-03-01', port: 0, limits: false });
    sandboxes.push(sandbox);
    db = await createTestDatabase();
    databases.push(db);
    connectionId = await connectSandbox(db, ring, sandbox);
  }, 120_000);

  it('resumes from its last committed page and ends with the sandbox counts and no duplicate', async () => {
    const env = { DATABASE_URL: db.url, RELANCE_SECRET_KEY: keySpec };
    await syncAndKill(env, connectionId, 3);
    const partial = await count(db, connectionId);
    const total = await sandboxCount(sandbox, 'Invoice');
    expect(partial.n).toBeGreaterThanOrEqual(3000);
    expect(partial.n).toBeLessThan(total);
    expect(await readCursor(db.db, connectionId, 'invoice')).toMatchObject({ mode: 'full', afterId: expect.stringMatching(/^\d+$/) });

    const rerun = await runCli(['sync', connectionId, '--quiet'], env);
    expect(rerun.stderr).toBe('');
    expect(rerun.code).toBe(0);
    const report = JSON.parse(rerun.stdout) as { streams: Record<string, { pulled: number; mode: string }> };
    expect(report.streams.invoice).toMatchObject({ mode: 'full', pulled: total - partial.n });
    expect(await count(db, connectionId)).toEqual({ n: total, ids: total });
    expect(report.streams.payment!.pulled).toBe(await sandboxCount(sandbox, 'Payment'));
  }, 180_000);
});

describe('a 429 storm under the real QuickBooks limits', () => {
  it('slows the sync but neither fails it nor exceeds the limit', async () => {
    const sandbox = await startSandbox({ seed: 44, invoices: 1_500, asOf: '2026-03-01', port: 0, limits: {} });
    sandboxes.push(sandbox);
    const db = await createTestDatabase();
    databases.push(db);
    const connectionId = await connectSandbox(db, ring, sandbox);
    const storm = await fetch(`${sandbox.control.baseUrl}/quickbooks/faults`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'rate_limit_storm', count: 4, pathPrefix: `/v3/company/${sandbox.quickbooks.realmId}/query` }),
    });
    expect(storm.status).toBe(201);
    const outcomes: string[] = [];
    const limiters = new LimiterRegistry();
    const report = await runSync({ store: db, keys: ring, connectorFor, limiters, onAttempt: (a) => outcomes.push(a.outcome) }, connectionId);
    await limiters.stopAll();
    // The four injected 429s and not one more: our own pace never tripped the sandbox's limiter.
    expect(outcomes.filter((o) => o === 'rate_limited')).toHaveLength(4);
    expect(outcomes.filter((o) => o !== 'ok' && o !== 'rate_limited')).toEqual([]);
    // Each storm answer says Retry-After: 1 — the sync waited them out.
    expect(report.seconds).toBeGreaterThanOrEqual(4);
    expect(await count(db, connectionId)).toEqual({ n: await sandboxCount(sandbox, 'Invoice'), ids: await sandboxCount(sandbox, 'Invoice') });
  }, 120_000);
});
