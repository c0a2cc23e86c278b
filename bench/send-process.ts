/**
 * The processes of the send benchmark (bench/send.ts), each its own Node process so that none
 * flatters or slows the one measured: `sink` is an SMTP server that accepts everything and keeps
 * a count; `worker` runs send passes (core/sending) until nothing is due; `raw` is nodemailer alone
 * sending as many pre-rendered messages, pooled and several in flight as the send path. Started by
 * `fork` with `--import tsx`; they talk to the bench over IPC. Not a test, not a product command.
 */
import type { AddressInfo } from 'node:net';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { SmtpChannel } from '../core/channels/index.ts';
import { renderMessage, sampleMessageInput, type RenderedEmail } from '../core/messages/index.ts';
import { sendDueActions } from '../core/sending/index.ts';
import { openStore } from '../core/store/db.ts';
import { backendCpuSeconds } from './ingest.ts';
import { ownCpuSeconds } from './sandbox-process.ts';

export const BENCH_FROM = { address: 'relances@bench.example', name: 'Bench SAS' };
/** The SMTP pool and the messages in flight, the same for the send path and for nodemailer alone. */
export const BENCH_CONNECTIONS = 4;
export const BENCH_IN_FLIGHT = 6;

type Reply = Record<string, unknown>;
const send = (m: Reply) => process.send?.(m);

function onGo(run: () => Promise<Reply>): void {
  process.on('message', (m: { go?: boolean }) => {
    if (!m.go) return;
    run().then(
      (r) => { send({ done: true, ...r }); process.exit(0); },
      (e: unknown) => { send({ error: e instanceof Error ? e.stack ?? e.message : String(e) }); process.exit(1); },
    );
  });
  send({ ready: true });
}

function startSink(): void {
  let received = 0;
  // When each send-path message was answered 250 (wall clock, ms with µs decimals), by its
  // X-Relance-Action key: the bench compares it with the acceptance's sent_at in PostgreSQL.
  const answeredAt = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false, closeTimeout: 200, disableReverseLookup: true,
    onData(stream, _session, callback) {
      // Looked for in the header block only, which may come in several chunks.
      let head = '';
      let key: string | null | undefined;
      stream.on('data', (c: Buffer) => {
        if (key !== undefined) return;
        head += c.toString('latin1');
        key = /^X-Relance-Action:\s*(\S+)/im.exec(head)?.[1] ?? (head.includes('\r\n\r\n') ? null : undefined);
      });
      stream.on('end', () => {
        received++;
        if (key) answeredAt.set(key, performance.timeOrigin + performance.now());
        callback();
      });
    },
  });
  server.on('error', () => {}); // a client's reset connection is not the server's failure
  server.listen(0, '127.0.0.1', () => send({ ready: true, port: (server.server.address() as AddressInfo).port }));
  process.on('message', (m: { count?: boolean; answers?: boolean }) => {
    if (m.count) send({ count: received });
    if (m.answers) {
      send({ answers: Object.fromEntries(answeredAt) });
      answeredAt.clear();
    }
  });
  process.on('disconnect', () => process.exit(0));
}

async function worker(): Promise<void> {
  const env = process.env;
  const store = openStore(env.BENCH_DATABASE_URL!, { max: 10 });
  const channel = new SmtpChannel({ host: '127.0.0.1', port: Number(env.BENCH_SMTP_PORT), from: BENCH_FROM, maxConnections: BENCH_CONNECTIONS });
  const deps = {
    channels: { email: channel }, render: renderMessage, workerId: env.BENCH_WORKER_ID!, inFlight: BENCH_IN_FLIGHT,
    // A test makes batches small so that two processes surely meet on the same due reminders.
    ...(env.BENCH_BATCH_SIZE ? { batchSize: Number(env.BENCH_BATCH_SIZE) } : {}),
  };
  // Warm the template cache and the pool before the clock starts.
  await renderMessage(sampleMessageInput('reminder-1', 'email', 'fr'));
  onGo(async () => {
    const started = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    const pg0 = await backendCpuSeconds(store);
    const pass = await sendDueActions(store.db, deps, { organizationId: env.BENCH_ORGANIZATION_ID });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    // Before the pool closes, while its backends are still there to be read: all of this database's
    // (with two workers, both workers' backends: their sum counts each once per worker).
    const pg1 = await backendCpuSeconds(store);
    const cpuSeconds = ownCpuSeconds(cpu);
    await channel.close();
    await store.close();
    return { seconds, sent: pass.outcomes.sent, claimed: pass.claimed, batches: pass.batches, cpuSeconds, pgCpuSeconds: pg0 === null || pg1 === null ? null : pg1 - pg0 };
  });
}

async function raw(): Promise<void> {
  const messages = Number(process.env.BENCH_MESSAGES);
  const rendered: RenderedEmail[] = [];
  for (const language of ['fr', 'en']) {
    const r = await renderMessage(sampleMessageInput('reminder-1', 'email', language));
    if (r.channel === 'email') rendered.push(r);
  }
  const transport = nodemailer.createTransport({
    host: '127.0.0.1', port: Number(process.env.BENCH_SMTP_PORT), secure: false, pool: true, maxConnections: BENCH_CONNECTIONS,
  });
  onGo(async () => {
    let next = 0;
    const started = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    await Promise.all(Array.from({ length: BENCH_IN_FLIGHT }, async () => {
      for (let i = next++; i < messages; i = next++) {
        const m = rendered[i % rendered.length]!;
        await transport.sendMail({ from: BENCH_FROM, to: `c${i}@bench.example`, subject: m.subject, html: m.html, text: m.text, messageId: `<raw.${i}@bench.example>` });
      }
    }));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpuSeconds = ownCpuSeconds(cpu);
    transport.close();
    return { seconds, sent: messages, cpuSeconds };
  });
}

const mode = process.argv[2];
if (mode === 'sink') startSink();
else if (mode === 'worker') await worker();
else if (mode === 'raw') await raw();
else throw new Error(`bench/send-process.ts: unknown mode "${mode}" (sink, worker or raw)`);
