/**
 * `relance bench sync --provider quickbooks`: a full sync of a sandbox company (100,000 invoices by
 * default) under the sandbox's real QuickBooks limits, into a scratch database. Prints the time, the
 * API calls made, and the ratio of the least time the rate limit allows for that many calls to the
 * time taken (1.0: the sync ran exactly at the limit).
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
import { createScratchDatabase } from './scratch-database.ts';

// https://developer.intuit.com/app/developer/qbo/docs/learn/limits-and-throttles
const PER_SECOND = 10;
const PER_MINUTE = 500;

export interface SyncBenchOptions {
  provider: 'quickbooks';
  invoices: number;
  serverUrl: string;
  progress?: (line: string) => void;
}

export interface SyncBenchResult extends BenchResult {
  figures: BenchResult['figures'] & {
    apiCalls: number; pages: number; leastSeconds: number; rateLimited: number; waitSeconds: number; writeSeconds: number;
    callMsMedian: number; gapMsMedian: number; cpuSecondsRelance: number; cpuSecondsSandbox: number; loadAverage: number[];
  };
}

/**
 * Where a sync's provider calls spend their time: the median call (request to parsed answer: the
 * sandbox's share, and the transfer) and the median gap between a call's answer and the next call
 * (Relance's share: the limiter's waits, and the event loop busy with mapping and writes).
 */
export function callTimes(attempts: readonly AttemptRecord[]): { callMsMedian: number; gapMsMedian: number } {
  const median = (xs: number[]) => (xs.length === 0 ? 0 : xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!);
  const sorted = [...attempts].sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
  const gaps = sorted.slice(1).map((a, i) => a.startedAt.getTime() - (sorted[i]!.startedAt.getTime() + sorted[i]!.durationMs));
  return { callMsMedian: Math.round(median(sorted.map((a) => a.durationMs))), gapMsMedian: Math.round(median(gaps)) };
}

/** The least time `calls` calls take under 10 per second and 500 per minute (rolling windows). */
export function leastSeconds(calls: number): number {
  if (calls <= 0) return 0;
  const bySecond = Math.ceil(calls / PER_SECOND) - 1;
  const byMinute = Math.ceil(calls / PER_MINUTE - 1) * 60;
  return Math.max(bySecond, byMinute, 0);
}

export async function runSyncBench(options: SyncBenchOptions): Promise<SyncBenchResult> {
  const log = options.progress ?? (() => {});
  log(`sandbox: generating ${options.invoices} invoices`);
  // Its own process: serving 1000-row pages must not run on the sync's event loop (16.6).
  const sandbox = await startSandboxProcess({ seed: 2026, invoices: options.invoices, asOf: '2026-03-01' });
  const scratch = await createScratchDatabase(options.serverUrl, 'sync');
  const store = openStore(scratch.url);
  const limiters = new LimiterRegistry();
  try {
    await migrate(store.pool);
    const keys = parseKeyRing(generateKeySpec());
    const qb = sandbox.quickbooks;
    const organizationId = await ensureOrganization(store.pool, { name: 'Bench', baseCurrency: sandbox.world.quickbooks.homeCurrency, country: 'US' });
    const connection = await createConnection(store.pool, keys, {
      organizationId, provider: 'quickbooks',
      settings: { accountId: qb.realmId!, clientId: qb.clientId!, clientSecret: qb.clientSecret!, baseUrl: qb.baseUrl, tokenUrl: `${qb.baseUrl}/oauth2/v1/tokens/bearer`, homeCurrency: sandbox.world.quickbooks.homeCurrency },
      tokens: { accessToken: qb.accessToken!, refreshToken: qb.refreshToken!, expiresAt: new Date(Date.now() + 50 * 60 * 1000) },
    });
    const attempts: AttemptRecord[] = [];
    log('sync: full, under the real QuickBooks limits');
    const cpu = process.cpuUsage();
    const sandboxCpu = sandbox.cpuSeconds();
    const report = await runSync({ store, keys, connectorFor, limiters, onAttempt: (a) => attempts.push(a) }, connection.id, {
      onPage: (stream, page) => log(`${stream}: ${page.records}`),
    });
    const calls = attempts.length;
    const rateLimited = attempts.filter((a) => a.outcome === 'rate_limited').length;
    const pages = Object.values(report.streams).reduce((n, s) => n + s.pages, 0);
    const invoices = report.streams.invoice?.pulled ?? 0;
    const least = leastSeconds(calls);
    const sum = (key: 'waitSeconds' | 'writeSeconds') => Number(Object.values(report.streams).reduce((n, s) => n + s[key], 0).toFixed(3));
    return {
      bench: 'sync',
      figures: { records: invoices, seconds: report.seconds, recordsPerSecond: Math.round(invoices / report.seconds), apiCalls: calls, pages, leastSeconds: least, rateLimited, waitSeconds: sum('waitSeconds'), writeSeconds: sum('writeSeconds'),
        ...callTimes(attempts), cpuSecondsRelance: ownCpuSeconds(cpu), cpuSecondsSandbox: Number((sandbox.cpuSeconds() - sandboxCpu).toFixed(2)), loadAverage: loadavg().map((l) => Number(l.toFixed(2))) },
      limit: `least time QuickBooks' limits (${PER_SECOND}/s, ${PER_MINUTE}/min) allow for the same API calls`,
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
