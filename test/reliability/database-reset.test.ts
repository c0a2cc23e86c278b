/**
 * Survive the database: `relance start` (server and worker) on PostgreSQL, its connections
 * terminated by the server (pg_terminate_backend, as a failover or a proxy restart does) several
 * times while it serves and polls for jobs. The process must not exit, and must answer again on
 * new connections. Also: several `relance start` at once on a new, empty database all come up
 * (migrations and the job backend's tables under advisory locks); the long count is in
 * bench/reliability/concurrent-starts.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { spawnCli, waitForExit } from '../support/cli.ts';

const key = `t1:${Buffer.alloc(32, 9).toString('base64')}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ migrated: false });
});
afterAll(async () => db?.drop());

async function terminateOthers(): Promise<number> {
  const { rows } = await db.pool.query(
    `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n
       FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
  );
  return rows[0].n as number;
}

describe('a reset database connection', () => {
  it('never ends the server and worker; it reconnects and answers', async () => {
    const env = { DATABASE_URL: db.url, RELANCE_SECRET_KEY: key, RELANCE_PORT: '0' };
    const { child, match, output } = await spawnCli(['start'], env, /listening on (http:\/\/\S+)/);
    let exited: number | null | undefined;
    child.on('exit', (code) => (exited = code));
    try {
      const base = match[1]!;
      let terminated = 0;
      for (let round = 0; round < 5; round++) {
        // Busy and idle connections alike: health checks in flight while the backends die.
        const probes = Array.from({ length: 6 }, () => fetch(`${base}/healthz`).then((r) => r.status, () => 0));
        terminated += await terminateOthers();
        await Promise.all(probes);
        await sleep(400);
        expect(exited, output()).toBeUndefined();
      }
      expect(terminated).toBeGreaterThan(5);
      // New connections replace the terminated ones: the database and the scheduler answer.
      let body: { database?: { ok: boolean } } = {};
      for (let i = 0; i < 20 && !body.database?.ok; i++) {
        body = (await (await fetch(`${base}/healthz`)).json()) as typeof body;
        if (!body.database?.ok) await sleep(250);
      }
      expect(body.database?.ok).toBe(true);
      expect(exited, output()).toBeUndefined();
    } finally {
      child.kill('SIGTERM');
    }
    expect(await waitForExit(child)).toBe(0);
  }, 120_000);
});

describe('several relance start at once on a new database', () => {
  it('all come up, none crashes', async () => {
    const fresh = await createTestDatabase({ migrated: false });
    try {
      const env = { DATABASE_URL: fresh.url, RELANCE_SECRET_KEY: key, RELANCE_PORT: '0' };
      const started = await Promise.allSettled(Array.from({ length: 3 }, () => spawnCli(['start'], env, /listening on (http:\/\/\S+)/)));
      const up = started.filter((s) => s.status === 'fulfilled');
      for (const s of up) s.value.child.kill('SIGTERM');
      const codes = await Promise.all(up.map(async (s) => {
        const code = await waitForExit(s.value.child);
        return code === 0 ? 0 : `${code}/${s.value.child.signalCode}: ${s.value.output().slice(-3000)}`;
      }));
      const failures = started.filter((s) => s.status === 'rejected').map((s) => String(s.reason).slice(0, 2000));
      expect(failures).toEqual([]);
      expect(codes).toEqual([0, 0, 0]);
    } finally {
      await fresh.drop();
    }
  }, 180_000);
});
