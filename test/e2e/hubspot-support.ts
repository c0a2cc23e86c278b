/** A HubSpot connection to a running HubSpot simulator, next to a ledger whose customers come from the same world. */
import { sql } from 'drizzle-orm';
import { connectorFor } from '../../connectors/index.ts';
import { connectHubSpot, type HubSpotSession } from '../../connectors/hubspot/index.ts';
import { ConnectionTokenStore, createConnection, loadCredentials } from '../../core/connections/index.ts';
import { LimiterRegistry, TokenRefresher, accountKey, defaultRetryPolicy, type AttemptRecord } from '../../core/http/index.ts';
import { hubspotProfile } from '../../connectors/hubspot/profile.ts';
import type { Store } from '../../core/store/index.ts';
import type { World } from '../../sandbox/shared/contract.ts';
import type { RunningHubspotSimulator } from '../../sandbox/hubspot/listen.ts';
import { qboSettings, ring, seedQuickBooksConnection } from '../sync/support.ts';

export interface Seeded {
  organizationId: string;
  ledgerConnectionId: string;
  hubspotConnectionId: string;
}

/** An organization with the world's QuickBooks customers (as a ledger sync would leave them) and a HubSpot connection. */
export async function seedHubSpot(store: Pick<Store, 'pool' | 'db'>, world: World, sim: RunningHubspotSimulator): Promise<Seeded> {
  const ledgerConnectionId = await seedQuickBooksConnection(store, qboSettings({ accountId: `realm-${world.seed}` }));
  const { rows } = await store.pool.query<{ organization_id: string }>('SELECT organization_id FROM connections WHERE id = $1', [ledgerConnectionId]);
  const organizationId = rows[0]!.organization_id;
  const customers = world.quickbooks.customers;
  await store.db.execute(sql`
    INSERT INTO customers (organization_id, connection_id, external_id, name, email, currency)
    SELECT ${organizationId}::uuid, ${ledgerConnectionId}::uuid, c.id, c.name, c.email, c.currency
    FROM unnest(${sql.param(customers.map((c) => c.id))}::text[], ${sql.param(customers.map((c) => c.name))}::text[],
                ${sql.param(customers.map((c) => c.email))}::text[], ${sql.param(customers.map((c) => c.currency))}::text[]) AS c(id, name, email, currency)`);
  const c = sim.credentials;
  const connection = await createConnection(store.pool, ring, {
    organizationId,
    provider: 'hubspot',
    displayName: 'Sandbox HubSpot',
    settings: {
      accountId: c.portalId!, clientId: c.clientId!, clientSecret: c.clientSecret!, baseUrl: sim.baseUrl,
      tokenUrl: `${sim.baseUrl}/oauth/v1/token`, webhookKey: c.clientSecret!,
    },
    // A private-app token: a static bearer, stored as a token that does not expire for a year.
    tokens: { accessToken: c.accessToken!, refreshToken: 'private-app', expiresAt: new Date(Date.now() + 365 * 86_400_000) },
  });
  return { organizationId, ledgerConnectionId, hubspotConnectionId: connection.id };
}

/** The connector session of a stored HubSpot connection (for connect-time and write-back calls). */
export async function hubspotSession(store: Pick<Store, 'pool'>, connectionId: string, limiters: LimiterRegistry, attempts: AttemptRecord[] = []): Promise<HubSpotSession> {
  const { settings } = await loadCredentials(store.pool, ring, connectionId);
  const refresher = new TokenRefresher(new ConnectionTokenStore(store.pool, ring));
  return connectHubSpot({
    connectionId,
    settings,
    tokens: refresher.forConnection(connectionId, connectorFor('hubspot').auth.refreshGrant(settings)),
    limiter: limiters.forAccount(accountKey('hubspot', settings.accountId), hubspotProfile),
    policy: defaultRetryPolicy(),
    onAttempt: (a) => attempts.push(a),
  });
}
