/**
 * One CRM-records sync of a stored connection, wired as core/sync's `runSync` wires the ledger
 * sync: credentials, the token refresher over the connection store, the account's limiter, the
 * mapping overrides; then matching, so that links follow what the CRM now says. The connector is
 * handed in by the caller: core/ imports no connector.
 */
import { ConnectionTokenStore, getConnection, loadCredentials, recordLastError } from '../connections/index.ts';
import { AuthExpired } from '../errors.ts';
import { LimiterRegistry, TokenRefresher, accountKey, defaultRetryPolicy } from '../http/index.ts';
import { runMatching, type MatchReport } from '../matching/index.ts';
import { parseOverrides, type SyncDeps } from '../sync/run.ts';
import { enqueueCompanyBalances } from './company-balances.ts';
import { enqueueCompanyPlans } from './company-plans.ts';
import { fillAddressesFromCompanies } from './company-addresses.ts';
import { todayIn } from '../calendar/index.ts';
import { repairDrift, syncCrmRecords, type CrmStreamReport } from './sync.ts';

export interface RunCrmSyncOptions {
  /** CRM stream names of the connector (HubSpot: `company`, `deal`, `hubspotInvoice`). */
  streams: readonly string[];
  full?: boolean;
  onCustomersChanged?: (customerIds: string[]) => Promise<void>;
}

export interface CrmSyncReport {
  streams: Record<string, CrmStreamReport>;
  matching: MatchReport;
}

const processLimiters = new LimiterRegistry();

/** Syncs the connection's CRM records, then re-runs matching; the outcome lands on the connection. */
export async function runCrmSync(deps: SyncDeps, connectionId: string, options: RunCrmSyncOptions): Promise<CrmSyncReport> {
  const { pool, db } = deps.store;
  const connection = await getConnection(pool, connectionId);
  if (connection.status !== 'active') throw new AuthExpired(`connection ${connectionId} is ${connection.status}: connect it again`, { connectionId, status: connection.status });
  const { settings } = await loadCredentials(pool, deps.keys, connectionId);
  const connector = deps.connectorFor(connection.provider);
  const description = connector.describe();
  const refresher = new TokenRefresher(new ConnectionTokenStore(pool, deps.keys));
  const session = connector.connect({
    connectionId,
    settings,
    tokens: refresher.forConnection(connectionId, connector.auth.refreshGrant(settings)),
    limiter: (deps.limiters ?? processLimiters).forAccount(accountKey(description.provider, settings.accountId), description.profile),
    policy: deps.policy ?? defaultRetryPolicy(),
    ...(deps.onAttempt ? { onAttempt: deps.onAttempt } : {}),
  });
  try {
    const streams = await syncCrmRecords({
      db,
      organizationId: connection.organizationId,
      connectionId,
      source: { provider: description.provider, pull: (s, c) => session.pull(s, c) },
      streams: options.streams,
      linkProperty: settings.extra?.customerIdProperty ?? null,
      overrides: parseOverrides(connectionId, connection.mappingOverrides),
      ...(options.full ? { full: true } : {}),
      ...(options.onCustomersChanged ? { onCustomersChanged: options.onCustomersChanged } : {}),
    });
    const matching = await runMatching(db, connection.organizationId, connectionId);
    // Issue 13.9: companies just linked get their customer's overdue figures and plan now, not at
    // the accounting connection's next sync.
    const { rows: org } = await pool.query<{ timezone: string | null }>('SELECT timezone FROM organizations WHERE id = $1', [connection.organizationId]);
    await enqueueCompanyBalances(db, connection.organizationId, todayIn(org[0]?.timezone ?? 'UTC', new Date()));
    await enqueueCompanyPlans(db, connection.organizationId);
    // Issue 13.7: the company's address where the ledger gave the customer none.
    await fillAddressesFromCompanies(db, connectionId, { provider: description.provider, override: parseOverrides(connectionId, connection.mappingOverrides).company ?? null });
    // Matching may have linked customers to companies whose boxes are ticked: they follow them now.
    if (options.streams.includes('company')) {
      const linked = await repairDrift({ db, connectionId, ...(options.onCustomersChanged ? { onCustomersChanged: options.onCustomersChanged } : {}) });
      const company = streams.company;
      if (company && linked.length) {
        company.driftRepaired = (company.driftRepaired ?? 0) + linked.length;
        company.customersChanged += linked.length;
      }
    }
    await recordLastError(pool, connectionId, null);
    return { streams, matching };
  } catch (error) {
    await recordLastError(pool, connectionId, error).catch(() => {});
    throw error;
  }
}
