/**
 * The weekly report on a real PostgreSQL and a real SMTP server (the demo's mail catcher): sent
 * once per due schedule and week, in the schedule's language with the figures worked out by hand,
 * never twice in a week, nothing before its slot; a dead worker's claim is taken over, a failure
 * that may pass is retried and a refusal is final. Then once through the real job worker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostname } from 'node:os';
import { SmtpChannel } from '../../core/channels/index.ts';
import { createLogger } from '../../core/logging.ts';
import { sendDueWeeklyReports, saveReportSchedule, type WeeklyReportDeps } from '../../core/reports/weekly/index.ts';
import { REPORTS_SEND_WEEKLY } from '../../jobs/reports.ts';
import { createWorker, type Worker } from '../../jobs/worker.ts';
import { startMailCatcher, type MailCatcher } from '../../sandbox/mail-catcher.ts';
import { parseRawMail } from '../channels/raw-mail.ts';
import { agingFile, dsoFile } from '../reports/report-ledgers.ts';
import { storeLedgerFile } from '../reports/store-ledger.ts';
import { startSmtpSink, type SmtpSink } from '../sending/smtp-sink.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

let t: TestDatabase;
let catcher: MailCatcher;
let sink: SmtpSink;
let email: SmtpChannel;
let atelier: string;
let workshop: string;
const channels: SmtpChannel[] = [];

function smtp(port: number): SmtpChannel {
  const channel = new SmtpChannel({ host: '127.0.0.1', port, from: { address: 'reports@relance.test' }, timeoutMs: 5_000 });
  channels.push(channel);
  return channel;
}
const deps = (over: Partial<WeeklyReportDeps> = {}): WeeklyReportDeps => ({ email, workerId: 'worker-1', ...over });

/** Tuesday 31 March 2026, 08:30 in Paris (summer time since the 29th). */
const TUESDAY_0830 = new Date('2026-03-31T06:30:00Z');

async function sends(): Promise<{ organization: string; week: string; status: string; error: string | null; message_id: string | null; claimed_by: string | null }[]> {
  const { rows } = await t.pool.query(
    `SELECT o.name AS organization, r.week::text, r.status, r.error, r.message_id, r.claimed_by FROM report_sends r
       JOIN report_schedules s ON s.id = r.schedule_id JOIN organizations o ON o.id = s.organization_id ORDER BY o.name, r.week`,
  );
  return rows;
}

beforeAll(async () => {
  t = await createTestDatabase();
  [catcher, sink] = await Promise.all([startMailCatcher(), startSmtpSink()]);
  email = smtp(catcher.port);
  atelier = await storeLedgerFile(t.db, dsoFile, { name: 'Atelier' });
  workshop = await storeLedgerFile(t.db, agingFile, { name: 'Workshop', country: 'GB' });
  await saveReportSchedule(t.db, atelier, { recipients: ['dg@atelier.test', 'compta@atelier.test'], weekday: 2, hour: 8, language: 'fr' }, 'user:test');
  await saveReportSchedule(t.db, workshop, { recipients: ['cfo@workshop.test'], weekday: 3, hour: 9, language: 'en' }, 'user:test');
}, 60_000);
afterAll(async () => {
  await Promise.all(channels.map((c) => c.close()));
  await Promise.all([catcher.close(), sink.close()]);
  await t.drop();
});

describe('sendDueWeeklyReports', () => {
  it('sends nothing before a schedule’s weekday and hour', async () => {
    const result = await sendDueWeeklyReports(t.db, deps(), new Date('2026-03-31T05:59:00Z')); // 07:59 in Paris
    expect(result).toEqual({ claimed: 0, sent: 0, retry: 0, failed: 0, lost: 0 });
    expect(catcher.messages).toHaveLength(0);
    expect(await sends()).toEqual([]);
  });

  it('sends a due schedule to each recipient, in French, with the figures of the day', async () => {
    const result = await sendDueWeeklyReports(t.db, deps(), TUESDAY_0830);
    expect(result).toEqual({ claimed: 1, sent: 1, retry: 0, failed: 0, lost: 0 });
    expect(catcher.messages.map((m) => m.to)).toEqual([['dg@atelier.test'], ['compta@atelier.test']]);
    const mail = parseRawMail(catcher.messages[0]!.raw);
    const text = mail.parts.get('text/plain')!;
    const html = mail.parts.get('text/html')!;
    // dsoFile as of 31 March: S3 1000 not yet due, S1 1000 and S2's open 500 between 31 and 60 days.
    expect(text).toContain('Chiffres au 31 mars 2026.');
    expect(text).toMatch(/Non échu\s+1\u202f000,00\u00a0€/);
    expect(text).toMatch(/31 à 60 jours\s+1\u202f500,00\u00a0€/);
    expect(text).toMatch(/Total\s+2\u202f500,00\u00a0€/);
    // DSO 2500 / 4000 × 90 = 56.25; countback 89.5 days (test/api/reports.test.ts works both out).
    expect(text).toMatch(/Méthode standard \(période de 90 jours\)\s+56,3 jours/);
    expect(text).toMatch(/Méthode par épuisement \(countback\)\s+89,5 jours/);
    // Forecast: the overdue 1500 in the first week, S3 on its due date in the fifth.
    expect(text).toMatch(/du 31 mars 2026 au 6 avr\. 2026\s+1\u202f500,00\u00a0€/);
    expect(text).toMatch(/du 28 avr\. 2026 au 4 mai 2026\s+1\u202f000,00\u00a0€/);
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('56,3 jours');
    expect(await sends()).toEqual([
      expect.objectContaining({ organization: 'Atelier', week: '2026-03-30', status: 'sent', error: null, message_id: expect.stringMatching(/^<relance\..+> <relance\..+>$/) }),
    ]);
  });

  it('does not send the same week twice, however often it runs', async () => {
    const before = catcher.messages.length;
    expect(await sendDueWeeklyReports(t.db, deps(), TUESDAY_0830)).toMatchObject({ claimed: 0 });
    expect(await sendDueWeeklyReports(t.db, deps({ workerId: 'worker-2' }), new Date('2026-04-05T21:00:00Z'))).toMatchObject({ claimed: 1 }); // Sunday: only Workshop's
    expect(catcher.messages.length).toBe(before + 1);
    const workshopMail = parseRawMail(catcher.messages.at(-1)!.raw).parts.get('text/plain')!;
    expect(catcher.messages.at(-1)!.to).toEqual(['cfo@workshop.test']);
    // agingFile as of 5 April in English: 580 + 380 EUR open, 75 USD apart.
    expect(workshopMail).toContain('Figures as of 5 April 2026.');
    expect(workshopMail).toMatch(/Receivables in USD/);
    expect(workshopMail).toMatch(/of which disputed\s+€200\.00/);
  });

  it('sends again the next week', async () => {
    const before = catcher.messages.length;
    expect(await sendDueWeeklyReports(t.db, deps(), new Date('2026-04-07T07:00:00Z'))).toMatchObject({ claimed: 1, sent: 1 });
    expect(catcher.messages.length).toBe(before + 2);
    expect((await sends()).filter((s) => s.organization === 'Atelier').map((s) => s.week)).toEqual(['2026-03-30', '2026-04-06']);
  });

  it("takes over a dead worker's claim once its lease has run out, not before", async () => {
    const week = '2026-04-13';
    const claimedAt = new Date('2026-04-14T06:01:00Z');
    await t.pool.query(
      `INSERT INTO report_sends (schedule_id, week, status, claimed_by, claimed_at)
       SELECT id, $2, 'sending', 'dead-worker', $3 FROM report_schedules WHERE organization_id = $1`,
      [atelier, week, claimedAt],
    );
    const before = catcher.messages.length;
    // Ten minutes later the claim may still be a live worker's: left alone.
    expect(await sendDueWeeklyReports(t.db, deps(), new Date(claimedAt.getTime() + 10 * 60_000))).toMatchObject({ claimed: 0 });
    expect(catcher.messages.length).toBe(before);
    // An hour later the worker is presumed dead: the week is sent, not lost.
    expect(await sendDueWeeklyReports(t.db, deps(), new Date(claimedAt.getTime() + 60 * 60_000))).toMatchObject({ claimed: 1, sent: 1 });
    expect(catcher.messages.length).toBe(before + 2);
    expect((await sends()).find((s) => s.week === week)).toMatchObject({ status: 'sent', claimed_by: 'worker-1' });
  });

  it('retries next pass when nobody got it for a reason that may pass, with the error on the row', async () => {
    const down = smtp(1); // nothing listens there: connection refused
    const wednesday = new Date('2026-04-22T07:00:00Z'); // 09:00 in Paris: both schedules due
    expect(await sendDueWeeklyReports(t.db, deps({ email: down }), wednesday)).toMatchObject({ claimed: 2, sent: 0, retry: 2 });
    const waiting = (await sends()).filter((s) => s.week === '2026-04-20');
    expect(waiting).toHaveLength(2);
    for (const s of waiting) expect(s).toMatchObject({ status: 'sending', claimed_by: null, error: expect.stringContaining('smtp') });
    // No channel at all is the same: the row waits with its reason.
    expect(await sendDueWeeklyReports(t.db, deps({ email: undefined }), wednesday)).toMatchObject({ claimed: 2, retry: 2 });
    expect((await sends()).find((s) => s.week === '2026-04-20')!.error).toContain('no email channel configured');
    expect(await sendDueWeeklyReports(t.db, deps(), new Date('2026-04-22T08:00:00Z'))).toMatchObject({ claimed: 2, sent: 2 });
    expect((await sends()).filter((s) => s.week === '2026-04-20').map((s) => [s.status, s.error])).toEqual([['sent', null], ['sent', null]]);
  });

  it('a refusal by the mail server is final for the week; a recipient refused among others is named', async () => {
    const refusing = smtp(sink.port);
    sink.refuse.set('cfo@workshop.test', [550, '5.1.1 no such user']);
    sink.refuse.set('compta@atelier.test', [550, '5.1.1 no such user']);
    const now = new Date('2026-04-29T08:00:00Z');
    expect(await sendDueWeeklyReports(t.db, deps({ email: refusing }), now)).toMatchObject({ claimed: 2, sent: 1, failed: 1 });
    const week = (await sends()).filter((s) => s.week === '2026-04-27');
    expect(week).toEqual([
      expect.objectContaining({ organization: 'Atelier', status: 'sent', error: expect.stringMatching(/^compta@atelier\.test: smtp: recipient refused/) }),
      expect.objectContaining({ organization: 'Workshop', status: 'failed', error: expect.stringMatching(/^cfo@workshop\.test: smtp: recipient refused/) }),
    ]);
    expect(sink.accepted.map((m) => m.to)).toEqual([['dg@atelier.test']]);
    // Failed stays failed: no retry storm against a refusing server.
    expect(await sendDueWeeklyReports(t.db, deps({ email: refusing }), new Date('2026-04-29T09:00:00Z'))).toMatchObject({ claimed: 0 });
  });
});

describe('a claim taken over while sending', () => {
  it('is not marked by the worker that lost it', async () => {
    // The SMTP channel, preceded by what another worker does when our lease has run out mid-send.
    const slow = {
      kind: 'email' as const,
      close: async () => {},
      send: async (message: Parameters<SmtpChannel['send']>[0]) => {
        await t.pool.query(`UPDATE report_sends SET claimed_by = 'worker-2', claimed_at = now() WHERE week = '2026-05-04'`);
        return email.send(message);
      },
    };
    const result = await sendDueWeeklyReports(t.db, deps({ email: slow }), new Date('2026-05-05T07:00:00Z'));
    expect(result).toMatchObject({ claimed: 1, sent: 0, lost: 1 });
    expect((await sends()).find((s) => s.week === '2026-05-04')).toMatchObject({ status: 'sending', claimed_by: 'worker-2', message_id: null });
  });
});

describe('the reports.sendWeekly job', () => {
  let worker: Worker;
  afterAll(async () => {
    await worker?.stop(5_000);
  });

  it('runs in the worker with the dunning email channel and sends a due schedule once', async () => {
    await t.pool.query('DELETE FROM report_schedules');
    // Monday 00:00 has always come by now in any week: due whenever the test runs.
    await saveReportSchedule(t.db, atelier, { recipients: ['now@atelier.test'], weekday: 1, hour: 0, language: 'en' }, 'user:test');
    const logger = createLogger({ level: 'error', format: 'json' });
    worker = createWorker({
      databaseUrl: t.url, logger, concurrency: 1, processEvery: 200,
      dunning: { db: t.db, send: { channels: { email }, render: () => Promise.reject(new Error('no reminder here')), workerId: `${hostname()}:test` } },
    });
    await worker.start();
    const before = catcher.messages.length;
    await worker.agenda.now(REPORTS_SEND_WEEKLY, {});
    await waitFor(async () => (await sends()).some((s) => s.status === 'sent'));
    await worker.agenda.now(REPORTS_SEND_WEEKLY, {});
    await waitFor(async () => (await t.pool.query(`SELECT 1 FROM agenda_jobs WHERE name = $1 AND last_finished_at IS NOT NULL`, [REPORTS_SEND_WEEKLY])).rowCount === 2);
    expect(catcher.messages.slice(before).map((m) => m.to)).toEqual([['now@atelier.test']]);
  }, 60_000);
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not met in time');
}
