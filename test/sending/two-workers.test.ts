import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { runOrganization } from '../../core/agenda/index.ts';
import { addDays, todayIn } from '../../core/calendar/index.ts';
import { createLogger } from '../../core/logging.ts';
import { renderMessage } from '../../core/messages/index.ts';
import { openStore, type Store } from '../../core/store/db.ts';
import { createWorker, type Worker } from '../../jobs/worker.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { addCustomer, addInvoice, seedOrganization } from '../agenda/fixtures.ts';
import { SmtpChannel } from '../../core/channels/index.ts';
import { startSmtpSink, type SmtpSink } from './smtp-sink.ts';

const logger = createLogger({ level: 'error', format: 'json' });
const ACTIONS = 40;

describe('two Agenda workers racing over the same actions', () => {
  let t: TestDatabase;
  const workers: Worker[] = [];
  const stores: Store[] = [];
  const channels: SmtpChannel[] = [];
  let sink: SmtpSink;
  beforeAll(async () => {
    t = await createTestDatabase();
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    for (const w of workers) await w.stop(5000).catch(() => {});
    for (const s of stores) await s.close();
    for (const c of channels) await c.close();
    await sink?.close();
    await t?.drop();
  });

  it('send each action exactly once', { timeout: 60_000 }, async () => {
    // Always inside sending hours, so the test does not depend on when it runs.
    const f = await seedOrganization(t.db, { timezone: 'UTC', sendingHours: { from: '00:00', to: '24:00', days: [1, 2, 3, 4, 5, 6, 7] } });
    const dueDate = addDays(todayIn('UTC'), -10);
    for (let i = 0; i < ACTIONS; i++) await addInvoice(t.db, f, await addCustomer(t.db, f), { dueDate });
    await runOrganization(t.db, { organizationId: f.organizationId });

    for (let k = 0; k < 2; k++) {
      // Each worker has its own SMTP connection to the same real server.
      const channel = new SmtpChannel({ host: '127.0.0.1', port: sink.port, from: { address: 'relances@atelier-dupont.example' }, timeoutMs: 5000 });
      channels.push(channel);
      // Each worker has its own pool, as two processes would.
      const store = openStore(t.url, { max: 4 });
      stores.push(store);
      const worker = createWorker({
        databaseUrl: t.url, logger, concurrency: 4, processEvery: 100, name: `w${k}`,
        dunning: { db: store.db, send: { channels: { email: channel }, render: (i) => renderMessage(i), workerId: `w${k}` } },
      });
      workers.push(worker);
      // One after the other: the first creates Agenda's table, which two at once would race on.
      await worker.start();
    }
    // Many small send passes on both workers at once: they overlap on the same due actions.
    for (let i = 0; i < 8; i++) {
      for (const w of workers) await w.agenda.now('dunning.send', { organizationId: f.organizationId, limit: 5 });
    }
    const deadline = Date.now() + 30_000;
    for (;;) {
      // Sent, and finalized: the activity and write-back follow the acceptance, batch by batch.
      const { rows } = await t.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM actions WHERE status = 'sent' AND finalize_pending IS NULL`);
      if (rows[0]!.n === ACTIONS) break;
      if (Date.now() > deadline) throw new Error(`only ${rows[0]!.n} of ${ACTIONS} sent`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const keys = sink.accepted.map((m) => m.headers.get('x-relance-action'));
    expect(keys).toHaveLength(ACTIONS);
    expect(new Set(keys).size).toBe(ACTIONS);
    const { rows } = await t.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM activities WHERE kind = 'reminder.sent'`);
    expect(rows[0]!.n).toBe(ACTIONS);
  });
});
