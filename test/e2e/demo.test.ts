import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWorld } from '../../sandbox/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { runCli } from '../support/cli.ts';

const key = `t1:${Buffer.alloc(32, 9).toString('base64')}`;

describe('relance demo', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrated: false });
  });
  afterAll(async () => db?.drop());

  it('syncs the sandbox, sends reminders to its mail catcher and prints the FORMATS.md summary', async () => {
    const args = ['demo', '--json', '--seed', '7', '--invoices', '60', '--as-of', '2026-11-02'];
    const r = await runCli(args, { DATABASE_URL: db.url, RELANCE_SECRET_KEY: key });
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
    // What was sent is what the mail catcher received, and every action counts in one step.
    expect(s.actions.sent).toBeGreaterThan(0);
    expect(s.emailsCaught).toBe(s.actions.sent);
    const byStep = Object.values(s.actions.byStep as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(byStep).toBeGreaterThanOrEqual(s.actions.sent + s.actions.planned + s.actions.awaitingApproval);
    expect(s.reports.aging.buckets).toBeDefined();

    // A second run changes nothing that was already done: no reminder is sent twice.
    const again = JSON.parse((await runCli(args, { DATABASE_URL: db.url, RELANCE_SECRET_KEY: key })).stdout);
    expect(again.emailsCaught).toBe(0);
    expect(again.actions.sent).toBe(s.actions.sent);
  }, 240_000);

  it('names a bad option in one line', async () => {
    const r = await runCli(['demo', '--invoices', 'lots']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('relance: --invoices: expected a whole number from 10 to 100000, got "lots"');
  });
});
