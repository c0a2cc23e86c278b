/**
 * The send benchmark: N reminders through the real send path — claim under SKIP LOCKED, last
 * stop-rule check, render (MJML, the contact's language), SmtpChannel, mark sent with activity and
 * write-back in one transaction — to a local in-process SMTP server, in a scratch PostgreSQL
 * database. The limit is measured in the same run: the same number of pre-rendered messages sent
 * by nodemailer alone, the same way (a pooled transport, one message at a time, as SmtpChannel), to the
 * same server. The ratio says what the store, the rendering and the bookkeeping cost on top of SMTP.
 */
import type { AddressInfo } from 'node:net';
import nodemailer from 'nodemailer';
import { sql } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { runOrganization } from '../core/agenda/index.ts';
import { addDays, todayIn } from '../core/calendar/index.ts';
import { SmtpChannel } from '../core/channels/index.ts';
import { renderMessage, sampleMessageInput, type RenderedEmail } from '../core/messages/index.ts';
import { saveScenario } from '../core/scenarios/index.ts';
import { sendDueActions } from '../core/sending/index.ts';
import { openStore, type Store } from '../core/store/db.ts';
import { migrate } from '../core/store/migrate.ts';
import type { BenchResult } from './ingest.ts';
import { createScratchDatabase } from './scratch-database.ts';

export const SEND_LIMIT = 'nodemailer alone sending the same number of pre-rendered messages to the same SMTP server, same run';
const FROM = { address: 'relances@bench.example', name: 'Bench SAS' };

export interface SendBenchOptions {
  messages: number;
  serverUrl: string;
  progress?: (line: string) => void;
}

/** An SMTP server that accepts everything and keeps only a count. */
function startSink(): Promise<{ port: number; count: () => number; close: () => Promise<void> }> {
  let received = 0;
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false, closeTimeout: 200,
    // smtp-server looks up each client's hostname by default: a DNS round trip per connection on loopback.
    disableReverseLookup: true,
    onData(stream, _session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        received++;
        callback();
      });
    },
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({
      port: (server.server.address() as AddressInfo).port,
      count: () => received,
      close: () => new Promise<void>((r) => server.close(() => r())),
    }));
  });
}

/** One organization open around the clock, one email step, N customers with one overdue invoice each, planned. */
async function seed(store: Store, messages: number): Promise<string> {
  const { rows } = await store.db.execute<{ id: string }>(sql`
    INSERT INTO organizations (name, base_currency, country, timezone, late_payment_policy, sending_hours)
    VALUES ('Bench SAS', 'EUR', 'FR', 'UTC', '{"policy":"NONE"}', '{"from":"00:00","to":"24:00","days":[1,2,3,4,5,6,7]}')
    RETURNING id`);
  const org = rows[0]!.id;
  await store.db.execute(sql`INSERT INTO connections (organization_id, provider, external_account_id) VALUES (${org}, 'quickbooks', 'bench')`);
  await saveScenario(store.db, org, { name: 'bench', steps: [{ offsetDays: 7, action: 'email', template: 'reminder-1' }] });
  const today = todayIn('UTC');
  await store.db.execute(sql`
    INSERT INTO customers (organization_id, connection_id, external_id, name, email, currency, country, language)
    SELECT ${org}, c.id, 'C' || g, 'Customer ' || g, 'c' || g || '@bench.example', 'EUR', 'FR', CASE WHEN g % 2 = 0 THEN 'fr' ELSE 'en' END
      FROM generate_series(1, ${messages}) g, connections c WHERE c.organization_id = ${org}`);
  await store.db.execute(sql`
    INSERT INTO invoices (organization_id, connection_id, external_id, customer_external_id, customer_id, number,
                          issue_date, due_date, currency, total_minor, balance_minor, status)
    SELECT ${org}, cu.connection_id, 'I' || cu.external_id, cu.external_id, cu.id, 'F-' || cu.external_id,
           ${addDays(today, -40)}::date, ${addDays(today, -10)}::date, 'EUR', 125050, 125050, 'open'
      FROM customers cu WHERE cu.organization_id = ${org}`);
  await store.db.execute(sql`ANALYZE`);
  await runOrganization(store.db, { organizationId: org, asOf: today });
  // Statistics on the planned actions, as autovacuum would have them on a live database.
  await store.db.execute(sql`ANALYZE`);
  return org;
}

/** The real path: send passes of 500 until nothing is due. */
async function timeRealPath(store: Store, org: string, port: number, log: (l: string) => void): Promise<{ seconds: number; sent: number }> {
  const channel = new SmtpChannel({ host: '127.0.0.1', port, from: FROM, timeoutMs: 30_000 });
  const deps = { channels: { email: channel }, render: renderMessage, workerId: 'bench' };
  let sent = 0;
  const started = process.hrtime.bigint();
  for (;;) {
    const pass = await sendDueActions(store.db, deps, { organizationId: org, limit: 500 });
    if (pass.claimed === 0) break;
    sent += pass.outcomes.sent;
    log(`send: ${sent} sent`);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await channel.close();
  return { seconds, sent };
}

/** The limit: nodemailer alone, the same number of messages already rendered, over a pool as SmtpChannel's. */
async function timeRawSmtp(messages: number, port: number): Promise<number> {
  const rendered = [] as RenderedEmail[];
  for (const language of ['fr', 'en']) {
    const r = await renderMessage(sampleMessageInput('reminder-1', 'email', language));
    if (r.channel === 'email') rendered.push(r);
  }
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, pool: true, maxConnections: 2 });
  const started = process.hrtime.bigint();
  for (let i = 0; i < messages; i++) {
    const m = rendered[i % rendered.length]!;
    await transport.sendMail({ from: FROM, to: `c${i}@bench.example`, subject: m.subject, html: m.html, text: m.text, messageId: `<raw.${i}@bench.example>` });
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  transport.close();
  return seconds;
}

export async function runSendBench(options: SendBenchOptions): Promise<BenchResult & { figures: Record<string, number> }> {
  const log = options.progress ?? (() => {});
  const scratch = await createScratchDatabase(options.serverUrl, 'send');
  const store = openStore(scratch.url, { max: 4 });
  const sink = await startSink();
  try {
    await migrate(store.pool);
    log(`send: seeding and planning ${options.messages} reminders`);
    const org = await seed(store, options.messages);
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
    const real = await timeRealPath(store, org, sink.port, log);
    clearInterval(sampler);
    log('send: the limit, nodemailer alone');
    const rawSeconds = await timeRawSmtp(options.messages, sink.port);
    const perSecond = real.sent / real.seconds;
    const rawPerSecond = options.messages / rawSeconds;
    return {
      bench: 'send',
      figures: {
        records: real.sent,
        seconds: Math.round(real.seconds * 1000) / 1000,
        recordsPerSecond: Math.round(perSecond),
        messagesPerSecond: Math.round(perSecond * 10) / 10,
        limitSeconds: Math.round(rawSeconds * 1000) / 1000,
        limitMessagesPerSecond: Math.round(rawPerSecond * 10) / 10,
        smtpReceived: sink.count(),
        peakRssMb: Math.round(peak / 1048576),
      },
      limit: SEND_LIMIT,
      ratio: Math.round((perSecond / rawPerSecond) * 1000) / 1000,
      higherIsBetter: true,
    };
  } finally {
    await sink.close();
    await store.close();
    await scratch.drop();
  }
}
