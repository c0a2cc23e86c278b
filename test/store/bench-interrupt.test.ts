/**
 * Benchmarks on a shared server (issue 16): each makes its scratch database on DATABASE_URL's
 * server and drops it when interrupted, by SIGINT (Ctrl-C) or SIGTERM, in the middle of its work,
 * exiting as the signal would have.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.ts';
import { testServerUrl } from '../support/pg-url.ts';

async function benchDatabases(label: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: testServerUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`relance_bench_${label}_%`]);
    return rows.map((r) => r.datname);
  } finally {
    await client.end();
  }
}

/** Starts `relance bench <args>`, sends `signal` once stderr shows `cue`; its exit code, stderr and the database it made. */
async function interrupt(args: string[], cue: RegExp, signal: NodeJS.Signals, label: string) {
  const before = new Set(await benchDatabases(label));
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/relance.js'), 'bench', ...args], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH, DATABASE_URL: testServerUrl() },
  });
  let err = '';
  let made: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      if (cue.test(err)) resolve();
    });
    void exited.then((code) => reject(new Error(`bench exited (${code}) before "${cue}": ${err}`)));
  });
  // The database exists while the bench works in it: on DATABASE_URL's server.
  made = (await benchDatabases(label)).filter((d) => !before.has(d));
  child.kill(signal);
  const code = await exited;
  return { code, err, made, after: (await benchDatabases(label)).filter((d) => !before.has(d)) };
}

describe('an interrupted benchmark', () => {
  it('drops its scratch database on SIGINT during the daily run bench, and exits 130', async () => {
    const r = await interrupt(['scenarios', '--invoices', '200000'], /seeding/, 'SIGINT', 'scenarios');
    expect(r.made).toHaveLength(1);
    expect(r.err).toMatch(/SIGINT: dropping 1 scratch database/);
    expect(r.code).toBe(130);
    expect(r.after).toEqual([]);
  }, 120_000);

  it('drops its scratch database on SIGTERM during the ingest bench, and exits 143', async () => {
    const r = await interrupt(['ingest', '--records', '500000'], /upserting/, 'SIGTERM', 'ingest');
    expect(r.made).toHaveLength(1);
    expect(r.code).toBe(143);
    expect(r.after).toEqual([]);
  }, 120_000);
});
