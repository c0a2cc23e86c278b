/** `relance user add` as a user runs it: generated password printed once, stdin password, bad input in one line. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate } from '../../core/access/index.ts';
import { organizations } from '../../core/store/schema/index.ts';
import { ROOT, runCli } from '../support/cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

let db: TestDatabase;
let dataDir: string;
let orgId: string;
beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = mkdtempSync(path.join(tmpdir(), 'relance-user-'));
  const [org] = await db.db.insert(organizations).values({ name: 'Atelier Dupont SAS', baseCurrency: 'EUR', country: 'FR' }).returning();
  orgId = org!.id;
}, 60_000);
afterAll(async () => {
  await db.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

const env = () => ({ DATABASE_URL: db.url, RELANCE_DATA_DIR: dataDir, RELANCE_LOG_LEVEL: 'error' });

function runWithStdin(args: string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/relance.js'), ...args], { cwd: ROOT, env: { PATH: process.env.PATH, ...env() } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('relance user add', () => {
  it('generates a password, prints it once in the JSON, and keeps only its hash', async () => {
    const res = await runCli(['user', 'add', '--email', 'Marie@Dupont.example', '--role', 'admin', '--organization', 'Atelier Dupont SAS'], env());
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout) as { id: string; email: string; role: string; organizationId: string; created: boolean; password: string };
    expect(out).toMatchObject({ email: 'marie@dupont.example', role: 'admin', organizationId: orgId, created: true });
    expect(out.password).toMatch(/^[\w-]{20}$/);
    const { rows } = await db.pool.query('SELECT password_hash FROM users WHERE id = $1', [out.id]);
    expect(rows[0].password_hash).toMatch(/^scrypt\$/);
    expect(rows[0].password_hash).not.toContain(out.password);
    expect(await authenticate(db.db, 'marie@dupont.example', out.password)).not.toBeNull();
    const audit = await db.pool.query(`SELECT actor FROM activities WHERE organization_id = $1 AND kind = 'audit.membership.grant'`, [orgId]);
    expect(audit.rows).toEqual([{ actor: 'cli' }]);
  }, 60_000);

  it('takes the password from stdin and prints none', async () => {
    const res = await runWithStdin(['user', 'add', '--email', 'paul@dupont.example', '--role', 'viewer', '--organization', orgId, '--password-stdin'], 'a long enough secret\n');
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout).password).toBeNull();
    expect(await authenticate(db.db, 'paul@dupont.example', 'a long enough secret')).not.toBeNull();
  }, 60_000);

  it('fails in one line naming the problem, with nothing written', async () => {
    const cases: [string[], RegExp][] = [
      [['--email', 'x@dupont.example', '--role', 'owner', '--organization', orgId], /^relance: role: "owner" is not one of admin, collector, viewer\n$/],
      [['--email', 'not-an-email', '--role', 'viewer', '--organization', orgId], /^relance: email: "not-an-email" is not an email address\n$/],
      [['--email', 'x@dupont.example', '--role', 'viewer', '--organization', 'Nobody Ltd'], /^relance: --organization: no organization "Nobody Ltd"\n$/],
    ];
    for (const [args, message] of cases) {
      const res = await runCli(['user', 'add', ...args], env());
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(message);
    }
    const short = await runWithStdin(['user', 'add', '--email', 'x@dupont.example', '--role', 'viewer', '--organization', orgId, '--password-stdin'], 'short\n');
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/^relance: password: must be at least 12 characters\n$/);
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM users WHERE email = 'x@dupont.example'`)).rows[0].n).toBe(0);
  }, 120_000);
});
