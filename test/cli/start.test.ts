import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { runCli, spawnCli, waitForExit } from '../support/cli.ts';

const key = `t1:${Buffer.alloc(32, 7).toString('base64')}`;

async function startAndProbe(env: Record<string, string>) {
  const { child, match } = await spawnCli(['start'], { ...env, RELANCE_PORT: '0' }, /listening on (http:\/\/\S+)/);
  try {
    const res = await fetch(`${match[1]}/healthz`);
    const body = (await res.json()) as {
      status: string;
      database: { ok: boolean; mode: string };
      scheduler: { ok: boolean; running: boolean };
    };
    return { status: res.status, body, child };
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
}

describe('relance migrate and start on PostgreSQL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrated: false });
  });
  afterAll(async () => db?.drop());

  it('migrates an empty database, twice without harm', async () => {
    const env = { DATABASE_URL: db.url, RELANCE_SECRET_KEY: key };
    for (let i = 0; i < 2; i++) {
      const r = await runCli(['migrate'], env);
      expect(r.stderr).not.toMatch(/error/i);
      expect(r.code).toBe(0);
    }
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name IN ('invoices', 'customers', 'connections')`,
    );
    expect(rows[0].n).toBe(3);
  }, 120_000);

  it('serves /healthz with the database and the scheduler up, and stops cleanly on SIGTERM', async () => {
    const { status, body, child } = await startAndProbe({ DATABASE_URL: db.url, RELANCE_SECRET_KEY: key });
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.database).toMatchObject({ ok: true, mode: 'postgres' });
    expect(body.scheduler).toMatchObject({ ok: true, running: true });
    child.kill('SIGTERM');
    expect(await waitForExit(child)).toBe(0);
  }, 120_000);
});

describe('relance on the embedded database (PGlite smoke test)', () => {
  const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'relance-embedded-')), 'data');

  it('migrates, then starts and answers /healthz with no DATABASE_URL', async () => {
    const env = { RELANCE_DATA_DIR: dataDir };
    const m = await runCli(['migrate'], env);
    expect(m.stderr).not.toMatch(/error/i);
    expect(m.code).toBe(0);
    expect(m.stdout).toContain('embedded');
    const { status, body, child } = await startAndProbe(env);
    expect(status).toBe(200);
    expect(body.database).toMatchObject({ ok: true, mode: 'embedded' });
    expect(body.scheduler.running).toBe(true);
    // A second process must not open the same PGlite files.
    const clash = await runCli(['migrate'], env);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toMatch(/in use by process/);
    child.kill('SIGTERM');
    expect(await waitForExit(child)).toBe(0);
  }, 120_000);
});
