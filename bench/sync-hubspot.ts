/**
 * `relance bench sync --provider hubspot`: a full sync of a sandbox HubSpot portal (companies, deals,
 * contacts) under the simulator's real limits, into a scratch database. Prints the time, the API
 * calls made, and the ratio of the least time HubSpot's limits allow for those calls to the time
 * taken (1.0: the sync ran exactly at the limit).
 */
import { loadavg } from 'node:os';
import { CRM_STREAMS } from '../connectors/hubspot/index.ts';
import { connectorFor } from '../connectors/index.ts';
import { createConnection, ensureOrganization } from '../core/connections/index.ts';
import { runCrmSync } from '../core/crm-control/index.ts';
import { generateKeySpec, parseKeyRing } from '../core/crypto.ts';
import { LimiterRegistry, type AttemptRecord } from '../core/http/index.ts';
import { migrate, openStore } from '../core/store/index.ts';
import { runSync } from '../core/sync/index.ts';
import type { BenchResult } from './ingest.ts';
import { ownCpuSeconds, startSandboxProcess } from './sandbox-process.ts';
import { createScratchDatabase } from './scratch-database.ts';

// https://developers.hubspot.com/docs/api/usage-details — 100 requests per 10 s (Free/Starter private apps).
const PER_TEN_SECONDS = 100;
// https://developers.hubspot.com/docs/api/crm/search#limitations — 5 search requests per second.
const SEARCH_PER_SECOND = 5;

export interface HubSpotSyncBenchResult extends BenchResult {
  figures: BenchResult['figures'] & {
    apiCalls: number; searchCalls: number; leastSeconds: number; rateLimited: number;
    cpuSecondsRelance: number; cpuSecondsSandbox: number; loadAverage: number[];
  };
}

export interface HubSpotSyncBenchOptions {
  invoices: number;
  serverUrl: string;
  progress?: (line: string) => void;
}

/** The least time `calls` calls take, `searches` of them search calls, under HubSpot's rolling windows. */
export function hubspotLeastSeconds(calls: number, searches: number): number {
  const bySearch = searches > 0 ? Math.ceil(searches / SEARCH_PER_SECOND) - 1 : 0;
  const byTen = calls > 0 ? Math.ceil(calls / PER_TEN_SECONDS - 1) * 10 : 0;
  return Math.max(bySearch, byTen, 0);
}

export async function runHubSpotSyncBench(options: HubSpotSyncBenchOptions): Promise<HubSpotSyncBenchResult> {
  const log = options.progress ?? (() => {});
  log(`sandbox: generating a world of ${options.invoices} invoices per ledger`);
  // Its own process, with HubSpot's published limits (16.6).
  const sandbox = await startSandboxProcess({ seed: 2026, invoices: options.invoices, asOf: '2026-03-01' });
  const scratch = await createScratchDatabase(options.serverUrl, 'hubspot');
  const store = openStore(scratch.url);
  const limiters = new LimiterRegistry();
  try {
    await migrate(store.pool);
    const keys = parseKeyRing(generateKeySpec());
    const c = sandbox.hubspot;
    const organizationId = await ensureOrganization(store.pool, { name: 'Bench', baseCurrency: 'USD', country: 'US' });
    const connection = await createConnection(store.pool, keys, {
      organizationId, provider: 'hubspot',
      settings: { accountId: c.portalId!, clientId: c.clientId!, clientSecret: c.clientSecret!, baseUrl: c.baseUrl, tokenUrl: `${c.baseUrl}/oauth/v1/token` },
      tokens: { accessToken: c.accessToken!, refreshToken: 'private-app', expiresAt: new Date(Date.now() + 365 * 86_400_000) },
    });
    const attempts: AttemptRecord[] = [];
    const deps = { store, keys, connectorFor, limiters, onAttempt: (a: AttemptRecord) => attempts.push(a) };
    const started = performance.now();
    const cpu = process.cpuUsage();
    const sandboxCpu = sandbox.cpuSeconds();
    log('sync: companies, deals and the invoices object, under the real HubSpot limits');
    const crm = await runCrmSync(deps, connection.id, { streams: CRM_STREAMS });
    log('sync: contacts');
    const ledger = await runSync(deps, connection.id);
    const seconds = Number(((performance.now() - started) / 1000).toFixed(3));
    const records = Object.values(crm.streams).reduce((n, s) => n + s.pulled, 0) + (ledger.streams.contact?.pulled ?? 0);
    const searches = attempts.filter((a) => a.operation.startsWith('search ')).length;
    const least = hubspotLeastSeconds(attempts.length, searches);
    return {
      bench: 'sync',
      figures: { records, seconds, recordsPerSecond: Math.round(records / seconds), apiCalls: attempts.length, searchCalls: searches, leastSeconds: least, rateLimited: attempts.filter((a) => a.outcome === 'rate_limited').length,
        cpuSecondsRelance: ownCpuSeconds(cpu), cpuSecondsSandbox: Number((sandbox.cpuSeconds() - sandboxCpu).toFixed(2)), loadAverage: loadavg().map((l) => Number(l.toFixed(2))) },
      limit: `least time HubSpot's limits (${PER_TEN_SECONDS}/10 s, search ${SEARCH_PER_SECOND}/s) allow for the same API calls`,
      ratio: Number((least / seconds).toFixed(3)),
      higherIsBetter: true,
    };
  } finally {
    await limiters.stopAll();
    await store.close();
    await scratch.drop();
    await sandbox.close();
  }
}
