/** `relance report send-weekly`: the weekly report sent now to a real SMTP server (the mail catcher), from the store. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveReportSchedule } from '../../core/reports/weekly/index.ts';
import { startMailCatcher, type MailCatcher } from '../../sandbox/mail-catcher.ts';
import { parseRawMail } from '../channels/raw-mail.ts';
import { runCli } from '../support/cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { dsoFile } from './report-ledgers.ts';
import { storeLedgerFile } from './store-ledger.ts';

let t: TestDatabase;
let catcher: MailCatcher;
let dataDir: string;
let orgId: string;
const env = () => ({ DATABASE_URL: t.url, RELANCE_DATA_DIR: dataDir, RELANCE_SMTP_URL: `smtp://127.0.0.1:${catcher.port}`, RELANCE_MAIL_FROM: 'reports@relance.test' });

beforeAll(async () => {
  [t, catcher, dataDir] = await Promise.all([createTestDatabase(), startMailCatcher(), mkdtemp(join(tmpdir(), 'relance-weekly-'))]);
  orgId = await storeLedgerFile(t.db, dsoFile, { name: 'Atelier' });
}, 60_000);
afterAll(async () => {
  await Promise.all([t.drop(), catcher.close(), rm(dataDir, { recursive: true, force: true })]);
});

describe('relance report send-weekly', { timeout: 90_000 }, () => {
  it('without a schedule or --to, says who is missing', async () => {
    const r = await runCli(['report', 'send-weekly'], env());
    expect([r.code, r.stderr]).toEqual([1, 'relance: report send-weekly: no recipient; pass --to EMAIL or set a schedule\n']);
    expect(catcher.messages).toHaveLength(0);
  });

  it("sends to the schedule's recipients in its language, and records no week", async () => {
    await saveReportSchedule(t.db, orgId, { recipients: ['dg@atelier.test'], weekday: 1, hour: 8, language: 'fr' }, 'user:test');
    const r = await runCli(['report', 'send-weekly', '--organization', orgId, '--as-of', '2026-03-31', '--json'], env());
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ organizationId: orgId, asOf: '2026-03-31', language: 'fr', sent: [{ to: 'dg@atelier.test' }], failed: [] });
    expect(catcher.messages.map((m) => m.to)).toEqual([['dg@atelier.test']]);
    expect(parseRawMail(catcher.messages[0]!.raw).parts.get('text/plain')).toMatch(/Méthode standard \(période de 90 jours\)\s+56,3 jours/);
    const { rows } = await t.pool.query('SELECT count(*)::int AS n FROM report_sends');
    expect(rows[0].n).toBe(0);
  });

  it('--to and --language override the schedule', async () => {
    const r = await runCli(['report', 'send-weekly', '--to', 'me@example.com', '--language', 'en', '--as-of', '2026-03-31'], env());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^sent to me@example\.com <relance\..+>\n$/);
    expect(parseRawMail(catcher.messages.at(-1)!.raw).parts.get('text/plain')).toMatch(/Standard \(90-day period\)\s+56\.3 days/);
    const bad = await runCli(['report', 'send-weekly', '--to', 'me@example.com', '--language', 'it'], env());
    expect([bad.code, bad.stderr]).toEqual([1, 'relance: --language: "it" is not one of en, fr, es, de\n']);
  });
});
