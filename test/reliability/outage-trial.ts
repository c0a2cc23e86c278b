/**
 * The provider outage scenario (issue 14 item 1), shared by the short CI version
 * (test/reliability/outage.test.ts) and the long one (bench/reliability/outage.ts). In one process:
 * the real job worker (sync and dunning jobs), the real server receiving QuickBooks' webhooks, an
 * SMTP server, and the sandbox. QuickBooks answers 5xx to every API call for `outageMs` while
 * customers pay their overdue invoices at QuickBooks (each payment's webhook reaches the server,
 * whose sync fails and is retried with back-off); send passes run all along, and periodic syncs.
 * Then QuickBooks answers again. Counted:
 * - sentToPaid: reminders the SMTP server accepted after their customer had paid every invoice the
 *   reminder names at QuickBooks (the target: 0);
 * - sentDuringOutage / sentAfter: reminders accepted during and after the outage (unpaid customers);
 * - cancelledPaid: reminders cancelled because their invoices were paid (= the payments made);
 * - storeVsSource: invoices and payments whose stored version differs from QuickBooks' once recovered.
 * Time is compressed: `scale` divides the production delays (sync retries 5 s → 5 min, periodic sync
 * every 15 minutes), so an hour of outage at scale 60 takes a minute.
 */
import type { FastifyInstance } from 'fastify';
import { connectorFor } from '../../connectors/index.ts';
import { runOrganization } from '../../core/agenda/index.ts';
import { todayIn } from '../../core/calendar/index.ts';
import { SmtpChannel } from '../../core/channels/index.ts';
import { createLogger } from '../../core/logging.ts';
import { renderMessage } from '../../core/messages/index.ts';
import { saveScenario } from '../../core/scenarios/index.ts';
import type { Store } from '../../core/store/index.ts';
import { runSync } from '../../core/sync/index.ts';
import { queueSyncPull, schedulePeriodicSyncs } from '../../jobs/sync.ts';
import { createWorker, type Worker } from '../../jobs/worker.ts';
import type { RunningSandbox } from '../../sandbox/index.ts';
import { buildServer } from '../../server/app.ts';
import { connectSandbox } from '../e2e/quickbooks-support.ts';
import type { SmtpSink } from '../sending/smtp-sink.ts';
import { ring } from '../sync/support.ts';
import { qboListing, qboVersion } from './sync-trial.ts';

export interface OutageOptions {
  store: Pick<Store, 'pool' | 'db'> & { url: string };
  sandbox: RunningSandbox;
  sink: SmtpSink;
  /** How long QuickBooks answers 5xx. */
  outageMs: number;
  /** Production delays divided by this (60: an hour in a minute). */
  scale: number;
  /** One customer pays every this many ms during the outage. */
  payEveryMs: number;
  /** A send pass is queued this often. */
  passEveryMs: number;
  /** Longest wait for the store to equal the source after the outage. */
  recoveryMaxMs?: number;
  random?: () => number;
}

export interface OutageCounts {
  outageSeconds: number;
  reminders: number;
  paymentsDuringOutage: number;
  sentToPaid: number;
  sentDuringOutage: number;
  sentAfter: number;
  cancelledPaid: number;
  unsettled: number;
  failedSyncs: number;
  storeVsSource: number;
  recoverySeconds: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function storeEqualsSource(o: OutageOptions, connectionId: string): Promise<number> {
  let differing = 0;
  for (const [table, entity] of [['invoices', 'Invoice'], ['payments', 'Payment']] as const) {
    const source = await qboListing(o.sandbox, entity);
    const { rows } = await o.store.pool.query<{ id: string; v: string }>(
      `SELECT external_id AS id, raw->'MetaData'->>'LastUpdatedTime' AS v FROM ${table} WHERE connection_id = $1`, [connectionId]);
    const stored = new Map(rows.map((r) => [r.id, r.v]));
    for (const [id, r] of source) if (stored.get(id) !== qboVersion(r)) differing++;
    differing += [...stored.keys()].filter((id) => !source.has(id)).length;
  }
  return differing;
}

export async function runOutage(o: OutageOptions): Promise<OutageCounts> {
  const { store, sandbox, sink } = o;
  const random = o.random ?? Math.random;
  const logger = createLogger({ level: 'error', format: 'json' });
  const connectionId = await connectSandbox(store, ring, sandbox, `Outage ${Date.now()}`);
  await runSync({ store, keys: ring, connectorFor }, connectionId);
  const organizationId = (await store.pool.query<{ organization_id: string }>('SELECT organization_id FROM connections WHERE id = $1', [connectionId])).rows[0]!.organization_id;
  await store.pool.query(
    `UPDATE organizations SET timezone = 'UTC', late_payment_policy = '{"policy":"NONE"}',
            sending_hours = '{"from":"00:00","to":"24:00","days":[1,2,3,4,5,6,7]}' WHERE id = $1`, [organizationId]);
  await saveScenario(store.db, organizationId, { name: 'outage', steps: [{ offsetDays: 1, action: 'email', template: 'reminder-1' }] });
  await runOrganization(store.db, { organizationId: organizationId, asOf: todayIn('UTC') });
  // Held back until the outage has begun.
  await store.pool.query("UPDATE actions SET next_attempt_at = now() + interval '1 day' WHERE organization_id = $1", [organizationId]);
  const { rows: planned } = await store.pool.query<{ id: string; key: string; customer_external: string; invoices: { externalId: string; balance: string }[] }>(
    `SELECT a.id, a.idempotency_key AS key, c.external_id AS customer_external,
            json_agg(json_build_object('externalId', i.external_id, 'balance', i.balance_minor::text)) AS invoices
       FROM actions a JOIN customers c ON c.id = a.customer_id
       JOIN action_invoices ai ON ai.action_id = a.id JOIN invoices i ON i.id = ai.invoice_id
      WHERE a.organization_id = $1 AND a.status = 'planned' AND c.email IS NOT NULL
      GROUP BY a.id, c.external_id`, [organizationId]);
  if (planned.length < 4) throw new Error(`outage scenario: only ${planned.length} reminders planned`);

  // Every acceptance, timed, by action key.
  const acceptedAt = new Map<string, number[]>();
  const accepted = sink.accepted as unknown as { push: (...m: { headers: Map<string, unknown> }[]) => number };
  const push = accepted.push.bind(accepted);
  accepted.push = (...messages) => {
    for (const m of messages) {
      const key = String(m.headers.get('x-relance-action') ?? '');
      acceptedAt.set(key, [...(acceptedAt.get(key) ?? []), Date.now()]);
    }
    return push(...messages);
  };

  const smtp = new SmtpChannel({ host: '127.0.0.1', port: sink.port, from: { address: 'relances@outage.example' }, timeoutMs: 5000 });
  const worker: Worker = createWorker({
    databaseUrl: store.url, logger, concurrency: 4, processEvery: 200,
    sync: { store, keys: ring, retryBaseMs: Math.max(50, 5_000 / o.scale), retryMaxMs: Math.max(200, 300_000 / o.scale) },
    dunning: { db: store.db, send: { channels: { email: smtp }, render: (i) => renderMessage(i), workerId: `outage:${process.pid}`, leaseMs: 60_000 } },
  });
  let server: FastifyInstance | undefined;
  const control = (path: string, method: string, body?: unknown) =>
    fetch(`${sandbox.control.baseUrl}/quickbooks/${path}`, { method, ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}) });
  const failures = async () => (await store.pool.query<{ n: number }>('SELECT coalesce(max(consecutive_failures), 0)::int AS n FROM sync_state WHERE connection_id = $1', [connectionId])).rows[0]!.n;
  let maxFailures = 0;
  try {
    await worker.start();
    server = buildServer({ pool: store.pool, storeMode: 'postgres', worker, logger, keys: ring });
    const url = await server.listen({ host: '127.0.0.1', port: 0 });
    await control('webhook-target', 'PUT', { url: `${url}/webhooks/quickbooks` });
    const periodic = { intervalMinutes: 15 / o.scale, freshnessMinutes: 60 };
    const tick = setInterval(() => void worker.agenda.now('dunning.send', {}).catch(() => {}), o.passEveryMs);
    const periodicTick = setInterval(() => void schedulePeriodicSyncs(worker.agenda, store.pool, periodic).catch(() => {}), Math.max(200, (15 * 60_000) / o.scale));
    try {
      // The outage begins; the first sync that meets it fails and from then on the reminders wait.
      if ((await control('faults', 'POST', { kind: 'server_error', pathPrefix: '/v3/' })).status !== 201) throw new Error('fault refused');
      const began = Date.now();
      await queueSyncPull(worker.agenda, { connectionId }, store.pool);
      while ((await failures()) === 0 && Date.now() - began < 120_000) await sleep(100);
      await store.pool.query('UPDATE actions SET next_attempt_at = NULL WHERE organization_id = $1', [organizationId]);
      const paidAt = new Map<string, number>();
      const queue = [...planned].sort(() => random() - 0.5);
      while (Date.now() - began < o.outageMs) {
        const next = queue.pop();
        // Only a reminder not yet sent is worth paying against: the point is whether it goes out after.
        if (next && !acceptedAt.has(next.key)) {
          paidAt.set(next.key, Date.now());
          const allocations = next.invoices.filter((i) => Number(i.balance) > 0).map((i) => ({ invoiceId: i.externalId, amountMinor: Number(i.balance) }));
          const total = allocations.reduce((n, a) => n + a.amountMinor, 0);
          if (total > 0) {
            const paid = await control('payments', 'POST', { customerId: next.customer_external, amountMinor: total, date: todayIn('UTC'), allocations });
            if (paid.status !== 201) throw new Error(`payment refused: ${paid.status} ${await paid.text()}`);
          }
        }
        const nowFailing = await failures();
        maxFailures = Math.max(maxFailures, nowFailing);
        if (process.env.OUTAGE_TRACE) process.stderr.write(`t+${Date.now() - began} ms: failures ${nowFailing}, accepted ${acceptedAt.size}, paid ${paidAt.size}\n`);
        await sleep(o.payEveryMs);
      }
      const ended = Date.now();
      await control('faults', 'DELETE');
      const outstanding = async () => (await store.pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM actions WHERE organization_id = $1 AND (status IN ('planned', 'sending') OR finalize_pending IS NOT NULL)", [organizationId])).rows[0]!.n;
      let differing = Number.POSITIVE_INFINITY;
      const deadline = Date.now() + (o.recoveryMaxMs ?? 120_000);
      while (Date.now() < deadline) {
        if ((await outstanding()) === 0 && (await failures()) === 0) {
          differing = await storeEqualsSource(o, connectionId);
          if (differing === 0) break;
        }
        await sleep(300);
      }
      const recovered = Date.now();
      if (!Number.isFinite(differing)) differing = await storeEqualsSource(o, connectionId);
      const { rows: outcome } = await store.pool.query<{ key: string; status: string; reason: string | null }>(
        "SELECT idempotency_key AS key, status::text, details->>'cancelReason' AS reason FROM actions WHERE organization_id = $1", [organizationId]);
      let sentToPaid = 0;
      let sentDuringOutage = 0;
      let sentAfter = 0;
      for (const [key, times] of acceptedAt) {
        const paid = paidAt.get(key);
        if (paid !== undefined && times.some((t) => t > paid)) sentToPaid++;
        if (times[0]! < ended) sentDuringOutage++;
        else sentAfter++;
      }
      return {
        outageSeconds: Math.round((ended - began) / 100) / 10,
        reminders: planned.length,
        paymentsDuringOutage: paidAt.size,
        sentToPaid,
        sentDuringOutage,
        sentAfter,
        cancelledPaid: outcome.filter((r) => r.status === 'cancelled' && paidAt.has(r.key)).length,
        unsettled: await outstanding(),
        failedSyncs: maxFailures,
        storeVsSource: differing,
        recoverySeconds: Math.round((recovered - ended) / 100) / 10,
      };
    } finally {
      clearInterval(tick);
      clearInterval(periodicTick);
    }
  } finally {
    accepted.push = push;
    await server?.close();
    await worker.stop(2000).catch(() => {});
    await smtp.close();
  }
}
