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
    // 100 invoices of seed 5: a world in which, once every payer is scored (unpaid overdue invoices
    // counted), each organization still has an email or a letter due that day, besides the
    // hand-overs that wait for a person's approval.
    const args = ['demo', '--json', '--seed', '5', '--invoices', '100', '--as-of', '2026-11-02'];
    const env = { DATABASE_URL: db.url, RELANCE_SECRET_KEY: key, RELANCE_DATA_DIR: dataDir };
    const r = await runCli(args, env);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(Object.keys(s)).toEqual(
      expect.arrayContaining(['synced', 'actions', 'emailsCaught', 'writtenBack', 'reports', 'consoleUrl', 'portalUrl']),
    );
    // Every invoice of the simulated QuickBooks company lands in the store, once.
    const world = generateWorld({ seed: 5, invoices: 100, asOf: '2026-11-02' });
    expect(s.synced.quickbooks.invoice).toBe(world.quickbooks.invoices.length);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM invoices`);
    expect(rows[0].n).toBe(world.quickbooks.invoices.length + s.synced.xero.invoice);
    // What was sent, by channel: the emails are what the mail catcher received, the letters the
    // outbox's; the rest are the steps a person does (firm-b2b's call, gentle's task), sent
    // without a message. Every action counts in one step.
    expect(s.actions.sent).toBeGreaterThan(0);
    const byChannel = s.actions.sentByChannel as Record<string, number>;
    expect(Object.values(byChannel).reduce((a, b) => a + b, 0)).toBe(s.actions.sent);
    expect(byChannel.email).toBeGreaterThan(0);
    expect(s.emailsCaught).toBe(byChannel.email);
    expect(byChannel.letter).toBe(s.letters.sent);
    expect(s.actions.sent - byChannel.email! - byChannel.letter!).toBe((byChannel.task ?? 0) + (byChannel.call ?? 0) + (byChannel.escalate ?? 0));
    // The import ends with every payer scored (the daily rescoring's code): each customer has its
    // risk class, and the month's entry of its score history, paid invoices or not.
    const scored = await db.pool.query(`
      SELECT count(*)::int AS customers, count(dp.risk_class)::int AS classed,
             count(h.customer_id)::int AS history FROM customers c
        LEFT JOIN customer_dunning_profiles dp ON dp.customer_id = c.id
        LEFT JOIN customer_score_history h ON h.customer_id = c.id AND h.month = '2026-11-01'`);
    expect(scored.rows[0]).toEqual({ customers: scored.rows[0].customers, classed: scored.rows[0].customers, history: scored.rows[0].customers });
    expect(scored.rows[0].customers).toBeGreaterThan(0);
    // The classes pick the scenarios: more than the catch-all standard one plans.
    const scenariosUsed = Object.keys(s.actions.byStep).map((k) => k.split('#')[0]);
    expect(new Set(scenariosUsed).size).toBeGreaterThan(1);
    // The letters: approved by the demo's admin (audited), sent to the local outbox, one PDF each,
    // and the QuickBooks organization writes back like the others.
    expect(s.letters.sent).toBeGreaterThan(0);
    expect(s.letters.approvedByDemo.count).toBeGreaterThanOrEqual(s.letters.sent);
    expect(s.letters.directory).toBe(path.join(dataDir, 'letters'));
    const pdfs = (await readdir(s.letters.directory, { recursive: true })).filter((f) => String(f).endsWith('.pdf'));
    expect(pdfs.length).toBe(s.letters.sent);
    expect(s.writtenBack.quickbooks).toBeGreaterThan(0);
    expect(s.writtenBack.xero).toBeGreaterThan(0);
    expect(s.writtenBack.hubspot).toBeGreaterThan(0);
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
