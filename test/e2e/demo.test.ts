import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWorld } from '../../sandbox/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { runCli } from '../support/cli.ts';

const key = `t1:${Buffer.alloc(32, 9).toString('base64')}`;

describe('relance demo', () => {
  let db: TestDatabase;
  let dataDir: string;
  beforeAll(async () => {
    db = await createTestDatabase({ migrated: false });
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'relance-demo-'));
  });
  afterAll(async () => {
    await db?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('syncs the sandbox, sends reminders to its mail catcher and prints the FORMATS.md summary', async () => {
    const args = ['demo', '--json', '--seed', '7', '--invoices', '60', '--as-of', '2026-11-02'];
    const env = { DATABASE_URL: db.url, RELANCE_SECRET_KEY: key, RELANCE_DATA_DIR: dataDir };
    const r = await runCli(args, env);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(Object.keys(s)).toEqual(
      expect.arrayContaining(['synced', 'actions', 'emailsCaught', 'writtenBack', 'reports', 'consoleUrl', 'portalUrl']),
    );
    // Every invoice of the simulated QuickBooks company lands in the store, once.
    const world = generateWorld({ seed: 7, invoices: 60, asOf: '2026-11-02' });
    expect(s.synced.quickbooks.invoice).toBe(world.quickbooks.invoices.length);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM invoices`);
    expect(rows[0].n).toBe(world.quickbooks.invoices.length + s.synced.xero.invoice);
    // What was sent is what the mail catcher received plus the letters, and every action counts in one step.
    expect(s.actions.sent).toBeGreaterThan(0);
    expect(s.emailsCaught).toBe(s.actions.sent - s.letters.sent);
    // The letters: approved by the demo's admin (audited), sent to the local outbox, one PDF each,
    // and the QuickBooks organization writes back like the others.
    expect(s.letters.sent).toBeGreaterThan(0);
    expect(s.letters.approvedByDemo.count).toBeGreaterThanOrEqual(s.letters.sent);
    expect(s.letters.directory).toBe(path.join(dataDir, 'letters'));
    const pdfs = (await readdir(s.letters.directory, { recursive: true })).filter((f) => String(f).endsWith('.pdf'));
    expect(pdfs.length).toBe(s.letters.sent);
    expect(s.writtenBack.quickbooks).toBeGreaterThan(0);
    const audit = await db.pool.query(`SELECT count(*)::int AS n FROM activities WHERE kind = 'audit.action.approve' AND payload->>'via' = 'relance demo'`);
    expect(audit.rows[0].n).toBeGreaterThan(0);
    const byStep = Object.values(s.actions.byStep as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(byStep).toBeGreaterThanOrEqual(s.actions.sent + s.actions.planned + s.actions.awaitingApproval);
    expect(s.reports.aging.buckets).toBeDefined();

    // A second run changes nothing that was already done: no reminder is sent twice.
    const again = JSON.parse((await runCli(args, env)).stdout);
    expect(again.emailsCaught).toBe(0);
    expect(again.actions.sent).toBe(s.actions.sent);
  }, 240_000);

  it('names a bad option in one line', async () => {
    const r = await runCli(['demo', '--invoices', 'lots']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('relance: --invoices: expected a whole number from 10 to 100000, got "lots"');
  });
});
