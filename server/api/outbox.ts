/** The write-back outbox as an operator sees it: counts, parked rows with the provider's error, retry. */
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { actorOf, recordAudit } from '../../core/access/index.ts';
import { listParked, outboxCounts, retryParked } from '../../core/outbox/index.ts';
import { outbox } from '../../core/store/schema/index.ts';
import { orgParams, requireOrg, type ApiScope } from './context.ts';
import { notFound } from './http-errors.ts';
import { defineRoute } from './route.ts';

export function outboxRoutes(app: FastifyInstance, scope: ApiScope): void {
  const { db, registry } = scope;

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/outbox', summary: 'Outbox counts by status and the parked rows', tag: 'outbox', params: orgParams }, async ({ principal, params }) => {
    requireOrg(principal, params.orgId, 'read', 'reading the outbox');
    return { counts: await outboxCounts(db, params.orgId), parked: await listParked(db, params.orgId) };
  });

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations/:orgId/outbox/:rowId/retry', summary: 'Put a parked row back in the queue', tag: 'outbox', params: orgParams.extend({ rowId: z.uuid() }) }, async ({ principal, params }) => {
    requireOrg(principal, params.orgId, 'collect', 'retrying write-backs');
    await db.transaction(async (tx) => {
      // retryParked knows rows by id only: the organization check is ours, and answers 404 across the boundary.
      const [row] = await tx.select({ id: outbox.id }).from(outbox).where(and(eq(outbox.id, params.rowId), eq(outbox.organizationId, params.orgId))).for('update');
      if (!row) throw notFound('outbox row', 'rowId');
      await retryParked(tx, row.id);
      await recordAudit(tx, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.outbox.retry', payload: { rowId: row.id } });
    });
    return { retried: true };
  });
}
