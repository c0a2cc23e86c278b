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
 * Trials are spaced so that Xero's 60 calls a minute per tenant is not what is measured: at most
 * one Xero payment every 1.3 s (each costs one or two calls), a pace a busy tenant's webhooks keep.
 */
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
import type { RunningSandbox } from '../sandbox/index.ts';
import { buildServer } from '../server/app.ts';
import type { BenchResult } from './ingest.ts';
import { ownCpuSeconds, startSandboxProcess } from './sandbox-process.ts';
import { createScratchDatabase } from './scratch-database.ts';

export const CHANGE_TO_STOP_TARGET_SECONDS = 2;
const PROVIDER_GAP_MS = 650;

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
    cpuSecondsRelance: number; cpuSecondsSandbox: number; loadAverage: number[];
  };
}

/** The q-quantile (nearest rank) of sorted seconds. */
function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

const round3 = (n: number) => Number(n.toFixed(3));

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

    const cpuStart = process.cpuUsage();
    const sandboxCpuStart = sandbox.cpuSeconds();
    const results: { provider: string; seconds: number | null }[] = [];
    const paidCustomers: string[] = [];
    const started = performance.now();
    for (let i = 0; i < options.trials; i++) {
      const provider = i % 2 === 0 ? 'quickbooks' : 'xero';
      const debtor = debtors[provider]!.shift()!;
      const invoices = await q<{ external_id: string; balance_minor: string }>(
        "SELECT external_id, balance_minor::text FROM invoices WHERE customer_id = $1 AND status = 'open' AND balance_minor > 0", [debtor.customerId]);
      const allocations = invoices.map((inv) => ({ invoiceId: inv.external_id, amountMinor: Number(inv.balance_minor) }));
      const t0 = performance.now();
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
      results.push({ provider, seconds });
      if ((i + 1) % 10 === 0) log(`trial ${i + 1}/${options.trials}: last ${seconds === null ? 'timed out' : `${seconds.toFixed(3)} s`}`);
      const wait = PROVIDER_GAP_MS - (performance.now() - t0);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    const wall = (performance.now() - started) / 1000;
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
        byProvider, timedOut, pendingOrSentForPaid: Number(left!.n),
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
