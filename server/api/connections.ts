/**
 * Connections of an organization: status and last error, disconnect, sync now, and connect or
 * reconnect from the console: the provider's consent URL, whose callback (server/oauth) stores the
 * connection and queues its first sync.
 */
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { actorOf, recordAudit } from '../../core/access/index.ts';
import { PROVIDERS, setStatus, type Provider } from '../../core/connections/index.ts';
import { PROVIDER_APP_PREFIXES } from '../../core/config.ts';
import type { KeyRing } from '../../core/crypto.ts';
import { consoleAuthorizationUrl, type ProviderApp, type ProviderApps } from '../oauth/provider-apps.ts';
import { bindBrowser } from '../oauth/binding.ts';
import { connections, syncCursors } from '../../core/store/schema/index.ts';
import { orgParams, requireOrg, type ApiScope } from './context.ts';
import { HttpError, notFound } from './http-errors.ts';
import { defineRoute } from './route.ts';
import { inPgTransaction } from './transaction.ts';
import { syncActivity } from './sync-activity.ts';
import { mappingWarnings } from './mapping-warnings.ts';
import { connectionFreshness, syncScheduleFrom } from '../../core/sync/freshness.ts';

const connectionParams = orgParams.extend({ connectionId: z.uuid() });
const syncBody = z.object({ full: z.boolean().default(false) }).default({ full: false });
const connectBody = z.object({ provider: z.string().min(1) });

const COLUMNS = {
  id: connections.id, provider: connections.provider, accountId: connections.externalAccountId, displayName: connections.displayName,
  status: connections.status, lastError: connections.lastError, tokenExpiresAt: connections.tokenExpiresAt, updatedAt: connections.updatedAt,
};
interface ConnectionRow {
  id: string;
  provider: 'quickbooks' | 'xero' | 'hubspot';
  accountId: string;
  displayName: string | null;
  status: 'active' | 'needs_reauth' | 'disconnected';
  lastError: Record<string, unknown> | null;
  tokenExpiresAt: Date | null;
  updatedAt: Date;
}
/** A connection's errors name any customer's records: a member who sees only assigned customers gets none of them. */
const scoped = <T extends { lastError: unknown }>(c: T, assignedOnly: boolean): T => (assignedOnly ? { ...c, lastError: null } : c);
const toJson = (c: ConnectionRow) => ({ ...c, tokenExpiresAt: c.tokenExpiresAt?.toISOString() ?? null, updatedAt: c.updatedAt.toISOString() });

/** The configured app of `provider`; 400 naming `provider` when it is unknown or has none. */
function appOf(apps: ProviderApps, provider: string): ProviderApp & { provider: Provider } {
  if (!(PROVIDERS as readonly string[]).includes(provider)) throw new HttpError(400, 'invalid', `provider: "${provider}" is not one of ${PROVIDERS.join(', ')}`, 'provider');
  const app = apps[provider as Provider];
  const prefix = PROVIDER_APP_PREFIXES[provider as Provider];
  if (!app) throw new HttpError(400, 'invalid', `provider: no ${provider} app is configured (RELANCE_${prefix}_CLIENT_ID and RELANCE_${prefix}_CLIENT_SECRET)`, 'provider');
  return { ...app, provider: provider as Provider };
}

function keyRing(keys: KeyRing | null): KeyRing {
  if (!keys) throw new HttpError(503, 'unavailable', 'this server has no key ring: connections cannot be stored');
  return keys;
}

export function connectionRoutes(app: FastifyInstance, scope: ApiScope, apps: ProviderApps): void {
  const { db, registry } = scope;

  /** The provider sends the user back here: the public URL when set, else the origin this request came to. */
  const secure = scope.publicUrl?.startsWith('https:') ?? false;
  function redirectUri(request: FastifyRequest, provider: Provider): string {
    const base = scope.publicUrl ?? `${request.protocol}://${request.host}`;
    return `${base.replace(/\/$/, '')}/oauth/${provider}/callback`;
  }

  async function findConnection(orgId: string, connectionId: string): Promise<ConnectionRow> {
    const [row] = await db.select(COLUMNS).from(connections).where(and(eq(connections.id, connectionId), eq(connections.organizationId, orgId)));
    if (!row) throw notFound('connection', 'connectionId');
    return row;
  }

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/connections', summary: 'Connections with status and last error', tag: 'connections', params: orgParams }, async ({ principal, params }) => {
    const membership = requireOrg(principal, params.orgId, 'read', 'reading connections');
    const rows = await db.select(COLUMNS).from(connections).where(eq(connections.organizationId, params.orgId)).orderBy(connections.provider, connections.createdAt);
    // Freshness (core/sync/freshness.ts): the last complete sync and the bound that holds reminders.
    const fresh = await connectionFreshness(scope.pool, rows.map((r) => r.id), syncScheduleFrom());
    return { items: rows.map((r) => ({ ...scoped(toJson(r), membership.assignedOnly), freshness: fresh.get(r.id) ?? null })) };
  });

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/connections/:connectionId', summary: 'One connection with its sync cursors, record counts per entity, and its newest sync job (null when none ran here)', tag: 'connections', params: connectionParams }, async ({ principal, params }) => {
    const membership = requireOrg(principal, params.orgId, 'read', 'reading connections');
    const row = await findConnection(params.orgId, params.connectionId);
    const cursors = await db.select({ entity: syncCursors.entity, updatedAt: syncCursors.updatedAt }).from(syncCursors).where(eq(syncCursors.connectionId, row.id)).orderBy(syncCursors.entity);
    const activity = await syncActivity(db, row.id);
    if (membership.assignedOnly && activity.sync) activity.sync.error = null;
    const fresh = await connectionFreshness(scope.pool, [row.id], syncScheduleFrom());
    // Issue 13.7: values the mapping kept as written (an unknown country) rather than refused.
    const warnings = await mappingWarnings(db, row.id, membership.assignedOnly);
    return { ...scoped(toJson(row), membership.assignedOnly), freshness: fresh.get(row.id) ?? null, cursors: cursors.map((c) => ({ entity: c.entity, syncedAt: c.updatedAt.toISOString() })), ...activity, mappingWarnings: warnings };
  });

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations/:orgId/connections/:connectionId/disconnect', summary: 'Disconnect (its jobs stop; data is kept)', tag: 'connections', params: connectionParams }, async ({ principal, params }) => {
    requireOrg(principal, params.orgId, 'administer', 'disconnecting');
    await findConnection(params.orgId, params.connectionId);
    await inPgTransaction(scope.pool, async (client, tx) => {
      await setStatus(client, params.connectionId, 'disconnected');
      await recordAudit(tx, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.connection.disconnect', payload: { connectionId: params.connectionId } });
    });
    return toJson(await findConnection(params.orgId, params.connectionId));
  });

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations/:orgId/connections/:connectionId/sync', summary: 'Queue a sync now', tag: 'connections', params: connectionParams, body: syncBody, status: 202 }, async ({ principal, params, body }) => {
    requireOrg(principal, params.orgId, 'collect', 'starting a sync');
    const row = await findConnection(params.orgId, params.connectionId);
    if (row.status !== 'active') throw new HttpError(409, 'conflict', `connection is ${row.status}: reconnect it first`, 'connectionId');
    if (!scope.enqueueSync) throw new HttpError(503, 'unavailable', 'no job scheduler runs in this process');
    await scope.enqueueSync({ connectionId: row.id, full: body.full });
    await recordAudit(db, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.connection.sync', payload: { connectionId: row.id, full: body.full } });
    return { queued: true };
  });

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations/:orgId/connections', summary: "Connect a provider: the consent URL to open (the callback stores the connection)", tag: 'connections', params: orgParams, body: connectBody, status: 201 }, async ({ request, reply, principal, params, body }) => {
    requireOrg(principal, params.orgId, 'administer', 'connecting providers');
    const provider = appOf(apps, body.provider);
    const binding = bindBrowser(request, reply, secure);
    const authorizeUrl = consoleAuthorizationUrl(keyRing(scope.keys), provider, { provider: provider.provider, organizationId: params.orgId, actor: actorOf(principal), redirectUri: redirectUri(request, provider.provider), binding });
    await recordAudit(db, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.connection.connect', payload: { provider: provider.provider } });
    return { authorizeUrl };
  });

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations/:orgId/connections/:connectionId/reconnect', summary: 'Reconnect (renew the consent of the same account): the consent URL to open', tag: 'connections', params: connectionParams }, async ({ request, reply, principal, params }) => {
    requireOrg(principal, params.orgId, 'administer', 'reconnecting');
    const row = await findConnection(params.orgId, params.connectionId);
    const provider = appOf(apps, row.provider);
    const binding = bindBrowser(request, reply, secure);
    const authorizeUrl = consoleAuthorizationUrl(keyRing(scope.keys), provider, { provider: row.provider, organizationId: params.orgId, actor: actorOf(principal), redirectUri: redirectUri(request, row.provider), connectionId: row.id, binding });
    await recordAudit(db, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.connection.reconnect', payload: { connectionId: row.id, provider: row.provider } });
    return { authorizeUrl };
  });
}
