/**
 * `relance bench change-to-stop` (issue 16.2): how long after a payment is recorded at the provider
 * its pending reminder is cancelled. The sandbox runs in its own process with the providers' limits
 * on; Relance's server runs here with no job worker, as `relance start` without one does: the
 * sandbox's signed webhook reaches it, the in-process sync pulls what the webhook names under the
 * account's limiter, and the sync page's commit re-plans the paid customer. Each trial pays every
 * open invoice of one customer with a pending reminder, alternately at QuickBooks and at Xero, and
 * times payment → `cancelled`. Target: p99 ≤ 2 s over 100 trials, and no reminder left pending,
 * sending or sent for a paid invoice.
 *
 * Trials are spaced so that the providers' per-minute limits are not what is measured: before each
 * trial the bench waits until the calls the provider's previous webhook sync made (counted from the
 * sync's trace) fit in 80 % of its published minute. A Xero invoice event re-reads four collections
 * (invoices, payments, overpayments, prepayments: Xero notifies money only through the invoice), so
 * one Xero payment every 5 s — 12 a minute for one tenant, a busy one. Faster than that the syncs
 * queue behind Xero's 60 calls a minute and each stop waits its turn: at one Xero payment every
 * 1.3 s (the pace before, when a payment was thought to cost one or two calls) three of 50 Xero
 * trials timed out at 30 s (load 7); at one every 4 s (the whole minute) the p99 was 12.4 s, a call
 * waiting for the window (load 18). At least 650 ms between trials either way.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { loadavg } from 'node:os';
import { connectSandbox } from '../cli/demo/connect-sandbox.ts';
import { connectorFor } from '../connectors/index.ts';
import { runOrganization } from '../core/agenda/index.ts';
import { generateKeySpec, parseKeyRing } from '../core/crypto.ts';
import { LimiterRegistry } from '../core/http/index.ts';
import { createLogger } from '../core/logging.ts';
import { installDefaultScenarios } from '../core/scenarios/index.ts';
import { migrate, openStore } from '../core/store/index.ts';
import { runSync } from '../core/sync/index.ts';
import { SYNC_TRACE_CHANNEL, type SyncStageEvent } from '../core/sync/trace.ts';
import type { RunningSandbox } from '../sandbox/index.ts';
import { buildServer } from '../server/app.ts';
import type { BenchResult } from './ingest.ts';
import { ownCpuSeconds, startSandboxProcess } from './sandbox-process.ts';
import { createScratchDatabase } from './scratch-database.ts';

export const CHANGE_TO_STOP_TARGET_SECONDS = 2;
const PROVIDER_GAP_MS = 650;
/** The share of a provider's published minute the trials' webhook syncs may use. */
const MINUTE_SHARE = 0.8;

export interface ChangeToStopOptions {
  trials: number;
  /** Invoices per ledger in the sandbox world (enough customers with a reminder for the trials). */
  invoices: number;
  serverUrl: string;
  progress?: (line: string) => void;
}

export interface ChangeToStopResult extends BenchResult {
  figures: BenchResult['figures'] & {
    trials: number; p50Seconds: number; p99Seconds: number; maxSeconds: number;
    byProvider: Record<string, { trials: number; p50Seconds: number; p99Seconds: number }>;
    timedOut: number; pendingOrSentForPaid: number;
    /** Per provider and stage: p50/p99 seconds from the payment to the stage's first occurrence. */
    stages: Record<string, Record<string, { p50: number; p99: number; trials: number }>>;
    /** Provider calls the webhook syncs made, per provider. */
    calls: Record<string, number>;
    cpuSecondsRelance: number; cpuSecondsSandbox: number; loadAverage: number[];
  };
}

/** The q-quantile (nearest rank) of sorted seconds. */
function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

const round3 = (n: number) => Number(n.toFixed(3));

interface Trial {
  provider: string;
  connectionId: string;
  t0: number;
  seconds: number | null;
}

/** The events of a trial's connection from its payment until its reminder was seen cancelled. */
function trialEvents(trial: Trial, events: readonly SyncStageEvent[]): SyncStageEvent[] {
  const end = trial.t0 + (trial.seconds ?? 30) * 1000;
  return events.filter((e) => e.connectionId === trial.connectionId && e.at >= trial.t0 && e.at <= end);
}

/**
 * The first time each stage was reached after the payment: the webhook, its sync queued (or folded
 * into one running), that sync started, its first call answered, its first page committed, the
 * re-plan that cancelled the reminder (the first with a customer to re-plan), seen cancelled.
 */
function stageOffsets(trial: Trial, events: readonly SyncStageEvent[]): Record<string, number> {
  const mine = trialEvents(trial, events);
  const out: Record<string, number> = {};
  const webhook = mine.find((e) => e.stage === 'webhook');
  if (!webhook) return out;
  const after = (from: number, test: (e: SyncStageEvent) => boolean) => mine.find((e) => e.at >= from && test(e));
  const put = (name: string, e: SyncStageEvent | undefined) => {
    if (e) out[name] = (e.at - trial.t0) / 1000;
    return e;
  };
  put('webhook', webhook);
  put('queued', after(webhook.at, (e) => e.stage === 'queued' || e.stage === 'folded'));
  const replanned = put('replanned', after(webhook.at, (e) => e.stage === 'replanned' && (e.customers ?? 0) > 0));
  // The sync that did it: the last start before that re-plan.
  const begun = replanned ? [...mine].reverse().find((e) => e.stage === 'started' && e.at <= replanned.at) : after(webhook.at, (e) => e.stage === 'started');
  put('started', begun);
  if (begun) {
    put('firstCall', after(begun.at, (e) => e.stage === 'call'));
    put('committed', after(begun.at, (e) => e.stage === 'committed'));
  }
  if (trial.seconds !== null) out.seen = trial.seconds;
  return out;
}

function timeline(trial: Trial, events: readonly SyncStageEvent[]): string {
  return trialEvents(trial, events)
    .map((e) => `${e.stage}${e.stage === 'call' ? `(${e.stream} ${Math.round(e.ms ?? 0)} ms)` : ''}${e.stage === 'replanned' ? `(${e.customers})` : ''} +${Math.round(e.at - trial.t0)}`)
    .join(', ');
}

function stageFigures(trials: readonly Trial[], events: readonly SyncStageEvent[]) {
  const stages: Record<string, Record<string, { p50: number; p99: number; trials: number }>> = {};
  const calls: Record<string, number> = {};
  for (const provider of [...new Set(trials.map((t) => t.provider))]) {
    const mine = trials.filter((t) => t.provider === provider);
    const connection = mine[0]!.connectionId;
    const from = mine[0]!.t0;
    calls[provider] = events.filter((e) => e.connectionId === connection && e.stage === 'call' && e.at >= from).length;
    const offsets = mine.map((t) => stageOffsets(t, events));
    stages[provider] = {};
    for (const name of ['webhook', 'queued', 'started', 'firstCall', 'committed', 'replanned', 'seen']) {
      const values = offsets.flatMap((o) => (o[name] === undefined ? [] : [o[name]!])).sort((a, b) => a - b);
      stages[provider][name] = { p50: round3(quantile(values, 0.5)), p99: round3(quantile(values, 0.99)), trials: values.length };
    }
  }
  return { stages, calls };
}

export async function runChangeToStopBench(options: ChangeToStopOptions): Promise<ChangeToStopResult> {
  const log = options.progress ?? (() => {});
  const today = new Date().toISOString().slice(0, 10);
  log(`sandbox: its own process, ${options.invoices} invoices per ledger, limits on`);
  const sandbox = await startSandboxProcess({ seed: 1602, invoices: options.invoices, asOf: today });
  const scratch = await createScratchDatabase(options.serverUrl, 'stop');
  const store = openStore(scratch.url);
  const limiters = new LimiterRegistry();
  const keys = parseKeyRing(generateKeySpec());
  const server = buildServer({ pool: store.pool, storeMode: 'postgres', worker: null, logger: createLogger({ level: 'error', format: 'json' }), keys });
  const q = async <T>(text: string, params: unknown[] = []) => (await store.pool.query(text, params)).rows as T[];
  try {
    await migrate(store.pool);
    const { connections } = await connectSandbox({ pool: store.pool, keys }, sandbox as unknown as RunningSandbox, ['quickbooks', 'xero']);
    const ledgers = { quickbooks: connections.quickbooks!, xero: connections.xero! };
    for (const [name, c] of Object.entries(ledgers)) {
      log(`${name}: first sync`);
      await runSync({ store, keys, connectorFor, limiters }, c.id, { full: true });
      await installDefaultScenarios(store.db, c.organizationId);
      const counts = await runOrganization(store.db, { organizationId: c.organizationId, asOf: today });
      log(`${name}: ${counts.inserted} actions planned`);
    }
    const url = await server.listen({ host: '127.0.0.1', port: 0 });
    for (const provider of ['quickbooks', 'xero'] as const) {
      const response = await fetch(`${sandbox.control.baseUrl}/${provider}/webhook-target`, {
        method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: `${url}/webhooks/${provider}` }),
      });
      if (response.status !== 204) throw new Error(`sandbox: webhook target for ${provider} refused (${response.status})`);
    }

    // One customer per trial, each with a pending reminder: half at each ledger, taken in turn.
    const perProvider = Math.ceil(options.trials / 2);
    const debtors: Record<string, { actionId: string; customerId: string; externalId: string }[]> = {};
    for (const [name, c] of Object.entries(ledgers)) {
      debtors[name] = await q(`
        SELECT DISTINCT ON (c.id) a.id AS "actionId", c.id AS "customerId", c.external_id AS "externalId"
          FROM actions a JOIN customers c ON c.id = a.customer_id
         WHERE c.connection_id = $1 AND a.status IN ('planned', 'awaiting_approval')
         ORDER BY c.id, a.id LIMIT $2`, [c.id, perProvider]);
      if (debtors[name]!.length < perProvider) {
        throw new Error(`${name}: only ${debtors[name]!.length} customers have a pending reminder; ${perProvider} trials need more (--invoices)`);
      }
    }

    // Where each trial's time goes: the sync's stage timestamps (core/sync/trace.ts), by connection.
    const events: SyncStageEvent[] = [];
    const onStage = (message: unknown) => events.push(message as SyncStageEvent);
    subscribe(SYNC_TRACE_CHANNEL, onStage);
    const cpuStart = process.cpuUsage();
    const sandboxCpuStart = sandbox.cpuSeconds();
    const results: { provider: string; seconds: number | null; t0: number; connectionId: string }[] = [];
    const paidCustomers: string[] = [];
    const started = performance.now();
    const minute = Object.fromEntries((['quickbooks', 'xero'] as const).map((p) => {
      const window = connectorFor(p).describe().profile.limits.windows.find((w) => w.perMs === 60_000);
      return [p, window ? window.perMs / (window.requests * MINUTE_SHARE) : 0];
    }));
    const previous: Record<string, number> = {};
    for (let i = 0; i < options.trials; i++) {
      const provider = i % 2 === 0 ? 'quickbooks' : 'xero';
      if (previous[provider] !== undefined) {
        const since = previous[provider];
        const calls = events.filter((e) => e.connectionId === ledgers[provider].id && e.stage === 'call' && e.at >= since).length;
        const wait = since + calls * minute[provider]! - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      const debtor = debtors[provider]!.shift()!;
      const invoices = await q<{ external_id: string; balance_minor: string }>(
        "SELECT external_id, balance_minor::text FROM invoices WHERE customer_id = $1 AND status = 'open' AND balance_minor > 0", [debtor.customerId]);
      const allocations = invoices.map((inv) => ({ invoiceId: inv.external_id, amountMinor: Number(inv.balance_minor) }));
      const t0 = performance.now();
      previous[provider] = t0;
      const paid = await fetch(`${sandbox.control.baseUrl}/${provider}/payments`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ customerId: debtor.externalId, amountMinor: allocations.reduce((s, a) => s + a.amountMinor, 0), date: today, allocations }),
      });
      if (paid.status !== 201) throw new Error(`${provider}: the sandbox refused the payment (${paid.status}): ${await paid.text()}`);
      paidCustomers.push(debtor.customerId);
      let seconds: number | null = null;
      while (performance.now() - t0 < 30_000) {
        const [row] = await q<{ status: string }>('SELECT status::text FROM actions WHERE id = $1', [debtor.actionId]);
        if (row?.status === 'cancelled') {
          seconds = (performance.now() - t0) / 1000;
          break;
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      results.push({ provider, seconds, t0, connectionId: ledgers[provider].id });
      if ((i + 1) % 10 === 0) log(`trial ${i + 1}/${options.trials}: last ${seconds === null ? 'timed out' : `${seconds.toFixed(3)} s`}`);
      const wait = PROVIDER_GAP_MS - (performance.now() - t0);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    const wall = (performance.now() - started) / 1000;
    unsubscribe(SYNC_TRACE_CHANNEL, onStage);
    const { stages, calls } = stageFigures(results, events);
    for (const r of [...results].sort((a, b) => (b.seconds ?? Infinity) - (a.seconds ?? Infinity)).slice(0, 3)) {
      log(`slow: ${r.provider} ${r.seconds === null ? 'timed out' : `${r.seconds.toFixed(3)} s`}: ${timeline(r, events)}`);
    }
    const cpuSecondsRelance = ownCpuSeconds(cpuStart);
    const cpuSecondsSandbox = Number((sandbox.cpuSeconds() - sandboxCpuStart).toFixed(2));
    // Let syncs still running settle before counting what is left for the paid customers.
    await new Promise((r) => setTimeout(r, 1_000));
    const [left] = await q<{ n: string }>(`
      SELECT count(*)::text AS n FROM actions a
       WHERE a.customer_id = ANY($1::uuid[]) AND a.status IN ('planned', 'awaiting_approval', 'sending', 'sent')
         AND EXISTS (SELECT 1 FROM action_invoices l JOIN invoices i ON i.id = l.invoice_id
                      WHERE l.action_id = a.id AND i.balance_minor = 0)`, [paidCustomers]);
    const done = results.filter((r) => r.seconds !== null).map((r) => r.seconds!).sort((a, b) => a - b);
    const timedOut = results.length - done.length;
    const byProvider: ChangeToStopResult['figures']['byProvider'] = {};
    for (const provider of ['quickbooks', 'xero']) {
      const mine = results.filter((r) => r.provider === provider && r.seconds !== null).map((r) => r.seconds!).sort((a, b) => a - b);
      byProvider[provider] = { trials: results.filter((r) => r.provider === provider).length, p50Seconds: round3(quantile(mine, 0.5)), p99Seconds: round3(quantile(mine, 0.99)) };
    }
    // A trial that never stopped counts as the worst case: it must not vanish from the p99.
    const p99 = timedOut > 0 ? Infinity : quantile(done, 0.99);
    return {
      bench: 'change-to-stop',
      figures: {
        records: results.length, seconds: round3(wall), recordsPerSecond: Math.round(results.length / wall),
        trials: results.length, p50Seconds: round3(quantile(done, 0.5)), p99Seconds: round3(p99), maxSeconds: round3(done.at(-1) ?? NaN),
        byProvider, timedOut, pendingOrSentForPaid: Number(left!.n), stages, calls,
        cpuSecondsRelance, cpuSecondsSandbox, loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
      },
      limit: `p99 of payment → reminder cancelled over ${results.length} trials (QuickBooks and Xero webhooks, sandbox limits on) against ${CHANGE_TO_STOP_TARGET_SECONDS} s; none pending or sent for a paid invoice`,
      ratio: round3(p99 / CHANGE_TO_STOP_TARGET_SECONDS),
      higherIsBetter: false,
    };
  } finally {
    await server.close();
    await limiters.stopAll();
    await store.close();
    await scratch.drop();
    await sandbox.close();
  }
}
