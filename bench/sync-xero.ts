/**
 * `relance bench sync --provider xero`: a full sync of a sandbox Xero organisation under the
 * simulator's real Xero limits, into a scratch database. Prints the time, the API calls made, and
 * the ratio of the least time Xero's limits allow for those calls to the time taken (1.0: the sync
 * ran exactly at the limit).
 *
 * Xero's 60 calls a minute per tenant is the tightest of the three providers, but with pages of
 * 1,000 a sync makes about 2 calls per 1,000 invoices (invoices, payments, contacts, credit notes,
 * overpayments). The default of 50,000 invoices (~100 calls, about 2 minutes) is the smallest that
 * needs more than one minute's allowance: at 5,000 the 13 calls fit in one minute, the least time
 * is 0 s and the ratio says nothing.
 */
import { loadavg } from 'node:os';
import { connectorFor } from '../connectors/index.ts';
import { createConnection, ensureOrganization } from '../core/connections/index.ts';
import { generateKeySpec, parseKeyRing } from '../core/crypto.ts';
import { LimiterRegistry, type AttemptRecord } from '../core/http/index.ts';
import { migrate, openStore } from '../core/store/index.ts';
import { runSync } from '../core/sync/index.ts';
import type { BenchResult } from './ingest.ts';
import { ownCpuSeconds, startSandboxProcess } from './sandbox-process.ts';
import { callTimes } from './sync.ts';
import { createScratchDatabase } from './scratch-database.ts';

// https://developer.xero.com/documentation/guides/oauth2/limits/#api-rate-limits — per tenant:
// 60 calls in a rolling minute, 5,000 in a rolling day (and 5 in progress, which bounds no time by itself).
const PER_MINUTE = 60;
const PER_DAY = 5000;

export const XERO_BENCH_DEFAULT_INVOICES = 50_000;

export interface XeroSyncBenchOptions {
  invoices: number;
  serverUrl: string;
  progress?: (line: string) => void;
}

export interface XeroSyncBenchResult extends BenchResult {
  figures: BenchResult['figures'] & {
    apiCalls: number; pages: number; leastSeconds: number; rateLimited: number; waitSeconds: number; writeSeconds: number;
    callMsMedian: number; gapMsMedian: number; cpuSecondsRelance: number; cpuSecondsSandbox: number; loadAverage: number[];
  };
}

/**
 * The least time `calls` calls take under 60 a rolling minute and 5,000 a rolling day: the first
 * 60 at once, then one more window per further 60 (so 61 calls need 60 s, 60 calls none).
 */
export function xeroLeastSeconds(calls: number): number {
  if (calls <= 0) return 0;
  const byMinute = (Math.ceil(calls / PER_MINUTE) - 1) * 60;
  const byDay = (Math.ceil(calls / PER_DAY) - 1) * 86_400;
  return Math.max(byMinute, byDay);
}

export async function runXeroSyncBench(options: XeroSyncBenchOptions): Promise<XeroSyncBenchResult> {
  const log = options.progress ?? (() => {});
  log(`sandbox: generating a world of ${options.invoices} invoices per ledger`);
  // Its own process, with the simulator's defaults, which are Xero's published limits (16.6).
  const sandbox = await startSandboxProcess({ seed: 2026, invoices: options.invoices, asOf: '2026-03-01' });
  const world = sandbox.world;
  const baseUrl = sandbox.xero.baseUrl;
  const scratch = await createScratchDatabase(options.serverUrl, 'xero');
  const store = openStore(scratch.url);
  const limiters = new LimiterRegistry();
  try {
    await migrate(store.pool);
    const keys = parseKeyRing(generateKeySpec());
    const c = sandbox.xero;
    const homeCurrency = world.xero.homeCurrency;
    const organizationId = await ensureOrganization(store.pool, { name: 'Bench', baseCurrency: homeCurrency, country: 'GB' });
    const connection = await createConnection(store.pool, keys, {
      organizationId, provider: 'xero', displayName: world.xero.organizationName,
      settings: {
        accountId: c.tenantId!, clientId: c.clientId!, clientSecret: c.clientSecret!, baseUrl: `${baseUrl}/api.xro/2.0`,
        tokenUrl: `${baseUrl}/connect/token`, webhookKey: c.webhookKey!, homeCurrency,
      },
      // Xero's access tokens live 30 minutes; a longer run refreshes through the simulator.
      tokens: { accessToken: c.accessToken!, refreshToken: c.refreshToken!, expiresAt: new Date(Date.now() + 25 * 60_000) },
    });
    const attempts: AttemptRecord[] = [];
    log(`sync: full, under the real Xero limits (${PER_MINUTE}/min, ${PER_DAY}/day)`);
    const cpu = process.cpuUsage();
    const sandboxCpu = sandbox.cpuSeconds();
    const report = await runSync({ store, keys, connectorFor, limiters, onAttempt: (a) => attempts.push(a) }, connection.id, {
      onPage: (stream, page) => log(`${stream}: ${page.records}`),
    });
    const pages = Object.values(report.streams).reduce((n, s) => n + s.pages, 0);
    const invoices = report.streams.invoice?.pulled ?? 0;
    const least = xeroLeastSeconds(attempts.length);
    const sum = (key: 'waitSeconds' | 'writeSeconds') => Number(Object.values(report.streams).reduce((n, s) => n + s[key], 0).toFixed(3));
    return {
      bench: 'sync',
      figures: {
        records: invoices, seconds: report.seconds, recordsPerSecond: Math.round(invoices / report.seconds), apiCalls: attempts.length, pages,
        leastSeconds: least, rateLimited: attempts.filter((a) => a.outcome === 'rate_limited').length, waitSeconds: sum('waitSeconds'), writeSeconds: sum('writeSeconds'),
        ...callTimes(attempts), cpuSecondsRelance: ownCpuSeconds(cpu), cpuSecondsSandbox: Number((sandbox.cpuSeconds() - sandboxCpu).toFixed(2)), loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
      },
      limit: `least time Xero's limits (${PER_MINUTE}/min, ${PER_DAY}/day per tenant) allow for the same API calls`,
      ratio: Number((least / report.seconds).toFixed(3)),
      higherIsBetter: true,
    };
  } finally {
    await limiters.stopAll();
    await store.close();
    await scratch.drop();
    await sandbox.close();
  }
}
