/**
 * Connections of an organization: status and last error, disconnect, sync now. Connecting and
 * reconnecting go through the providers' OAuth flows (server/oauth, another part): not here.
 */
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { actorOf, recordAudit } from '../../core/access/index.ts';
import { setStatus } from '../../core/connections/index.ts';
import { connections, syncCursors } from '../../core/store/schema/index.ts';
import { orgParams, requireOrg, type ApiScope } from './context.ts';
import { HttpError, notFound } from './http-errors.ts';
import { defineRoute } from './route.ts';
import { inPgTransaction } from './transaction.ts';
import { syncActivity } from './sync-activity.ts';

const connectionParams = orgParams.extend({ connectionId: z.uuid() });
const syncBody = z.object({ full: z.boolean().default(false) }).default({ full: false });

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
const toJson = (c: ConnectionRow) => ({ ...c, tokenExpiresAt: c.tokenExpiresAt?.toISOString() ?? null, updatedAt: c.updatedAt.toISOString() });

export function connectionRoutes(app: FastifyInstance, scope: ApiScope): void {
  const { db, registry } = scope;

  async function findConnection(orgId: string, connectionId: string): Promise<ConnectionRow> {
    const [row] = await db.select(COLUMNS).from(connections).where(and(eq(connections.id, connectionId), eq(connections.organizationId, orgId)));
    if (!row) throw notFound('connection', 'connectionId');
    return row;
  }

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/connections', summary: 'Connections with status and last error', tag: 'connections', params: orgParams }, async ({ principal, params }) => {
    requireOrg(principal, params.orgId, 'read', 'reading connections');
    const rows = await db.select(COLUMNS).from(connections).where(eq(connections.organizationId, params.orgId)).orderBy(connections.provider, connections.createdAt);
    return { items: rows.map(toJson) };
  });

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/connections/:connectionId', summary: 'One connection with its sync cursors, record counts per entity, and its newest sync job (null when none ran here)', tag: 'connections', params: connectionParams }, async ({ principal, params }) => {
    requireOrg(principal, params.orgId, 'read', 'reading connections');
    const row = await findConnection(params.orgId, params.connectionId);
    const cursors = await db.select({ entity: syncCursors.entity, updatedAt: syncCursors.updatedAt }).from(syncCursors).where(eq(syncCursors.connectionId, row.id)).orderBy(syncCursors.entity);
    return { ...toJson(row), cursors: cursors.map((c) => ({ entity: c.entity, syncedAt: c.updatedAt.toISOString() })), ...(await syncActivity(db, row.id)) };
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
}
