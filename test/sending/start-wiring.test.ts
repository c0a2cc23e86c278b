/**
 * The sending side wired into the product: mail and SMS settings (validated, one line each), the
 * channels built from them, and `relance start` running the dunning jobs with the SMTP channel —
 * a due reminder reaches a real in-process SMTP server through the recurring `dunning.send`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../../core/config.ts';
import { ConfigError } from '../../core/errors.ts';
import { runOrganization } from '../../core/agenda/index.ts';
import { addDays, todayIn } from '../../core/calendar/index.ts';
import { channelsFromConfig } from '../../core/sending/channels-from-config.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { runCli, spawnCli, waitForExit } from '../support/cli.ts';
import { addCustomer, addInvoice, seedOrganization } from '../agenda/fixtures.ts';
import { startSmtpSink, type SmtpSink } from './smtp-sink.ts';

const key = `t1:${Buffer.alloc(32, 7).toString('base64')}`;

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env, '/x');
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('mail and SMS settings', () => {
  it('reads an SMTP URL (credentials, STARTTLS or TLS ports) and a sender with a name', () => {
    const c = loadConfig({ RELANCE_SMTP_URL: 'smtp://relance%40ad.example:s%3Acret@mail.ad.example', RELANCE_MAIL_FROM: 'Atelier Dupont <relances@ad.example>' }, '/x');
    expect(c.mail).toEqual({ host: 'mail.ad.example', port: 587, secure: false, user: 'relance@ad.example', password: 's:cret', from: { name: 'Atelier Dupont', address: 'relances@ad.example' } });
    const tls = loadConfig({ RELANCE_SMTP_URL: 'smtps://mail.ad.example', RELANCE_MAIL_FROM: 'relances@ad.example' }, '/x');
    expect(tls.mail).toMatchObject({ port: 465, secure: true, user: null, from: { name: null, address: 'relances@ad.example' } });
    expect(loadConfig({}, '/x')).toMatchObject({ mail: null, sms: null });
  });

  it('names each wrong or missing setting on its own line, never echoing a secret', () => {
    const lines = configError({ RELANCE_SMTP_URL: 'http://mail', RELANCE_MAIL_FROM: 'not an address', RELANCE_SMS_FROM: '0612' }).split('\n');
    expect(lines).toEqual([
      'RELANCE_SMTP_URL: expected smtp://[user:password@]host[:port] or smtps://…',
      'RELANCE_MAIL_FROM: expected an address, or a name and <address> (got "not an address")',
      'RELANCE_SMS_FROM: expected an E.164 number like +33612345678 (got "0612")',
    ]);
    expect(configError({ RELANCE_SMTP_URL: 'smtp://mail' })).toBe('RELANCE_MAIL_FROM: required with RELANCE_SMTP_URL (the sender of reminders)');
    const sms = configError({ RELANCE_SMS_AUTH_TOKEN: 'tok-very-secret' });
    expect(sms.split('\n')).toEqual([
      'RELANCE_SMS_ACCOUNT_SID: required with the other RELANCE_SMS_* settings',
      'RELANCE_SMS_FROM: required (or RELANCE_SMS_MESSAGING_SERVICE_SID) with RELANCE_SMS_ACCOUNT_SID',
    ]);
    expect(sms).not.toContain('tok-very-secret');
  });

  it('builds only the configured channels (letters always)', async () => {
    const none = channelsFromConfig(loadConfig({}, '/x'));
    expect(none.configured).toEqual(['letter']);
    const all = channelsFromConfig(loadConfig({
      RELANCE_SMTP_URL: 'smtp://127.0.0.1:2525', RELANCE_MAIL_FROM: 'relances@ad.example',
      RELANCE_SMS_ACCOUNT_SID: 'AC1', RELANCE_SMS_AUTH_TOKEN: 'x', RELANCE_SMS_FROM: '+33612345678',
    }, '/x'));
    expect(all.configured).toEqual(['email', 'sms', 'letter']);
    await none.close();
    await all.close();
  });
});

describe('relance start with RELANCE_SMTP_URL', () => {
  let t: TestDatabase;
  let sink: SmtpSink;
  beforeAll(async () => {
    t = await createTestDatabase();
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink?.close();
    await t?.drop();
  });

  it('refuses a malformed SMTP URL with one line and status 1', async () => {
    const r = await runCli(['start'], { DATABASE_URL: t.url, RELANCE_SECRET_KEY: key, RELANCE_SMTP_URL: 'mail.example:25', RELANCE_MAIL_FROM: 'a@b.example' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('relance: RELANCE_SMTP_URL: expected smtp://[user:password@]host[:port] or smtps://…');
  }, 60_000);

  it('schedules the dunning jobs and sends a due reminder over SMTP', async () => {
    const f = await seedOrganization(t.db, { timezone: 'UTC', sendingHours: { from: '00:00', to: '24:00', days: [1, 2, 3, 4, 5, 6, 7] } });
    const customerId = await addCustomer(t.db, f, { email: 'claire@martin.example' });
    await addInvoice(t.db, f, customerId, { dueDate: addDays(todayIn('UTC'), -10) });
    await runOrganization(t.db, { organizationId: f.organizationId });
    const { child } = await spawnCli(['start'], {
      DATABASE_URL: t.url, RELANCE_SECRET_KEY: key, RELANCE_PORT: '0', RELANCE_LOG_LEVEL: 'error',
      RELANCE_SMTP_URL: `smtp://127.0.0.1:${sink.port}`, RELANCE_MAIL_FROM: 'Atelier Dupont <relances@atelier-dupont.example>',
    }, /listening on/);
    try {
      const { rows: jobs } = await t.db.execute<{ name: string }>(sql`SELECT name FROM agenda_jobs WHERE name LIKE 'dunning.%' ORDER BY name`);
      expect(jobs.map((j) => j.name)).toEqual(['dunning.schedule', 'dunning.send']);
      // The recurring send pass runs every 5 minutes: bring its next run forward.
      await t.db.execute(sql`UPDATE agenda_jobs SET next_run_at = now() WHERE name = 'dunning.send'`);
      const statuses = async () =>
        (await t.db.execute<{ status: string }>(sql`SELECT status::text AS status FROM actions WHERE customer_id = ${customerId}`)).rows.map((r) => r.status);
      const deadline = Date.now() + 30_000;
      while ((await statuses())[0] !== 'sent' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(await statuses()).toEqual(['sent']);
      expect(sink.accepted.map((m) => m.to)).toEqual([['claire@martin.example']]);
      expect(sink.accepted[0]!.headers.get('from')).toBe('Atelier Dupont <relances@atelier-dupont.example>');
    } finally {
      child.kill('SIGTERM');
      expect(await waitForExit(child)).toBe(0);
    }
  }, 90_000);
});
