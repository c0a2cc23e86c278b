/** The write-back outbox as an operator sees it: counts, parked rows with the provider's error, retry. */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { actorOf, recordAudit } from '../../core/access/index.ts';
import { listParked, outboxCounts, retryParked } from '../../core/outbox/index.ts';
import { outbox } from '../../core/store/schema/index.ts';
import { orgParams, requireOrg, visibleCustomers, type ApiScope } from './context.ts';
import { notFound } from './http-errors.ts';
import { defineRoute } from './route.ts';

/**
 * An outbox row names its record by connection and external id, not by customer: a member who sees
 * only their assigned customers sees a row only when it is about one of theirs (its invoice, the
 * customer itself, or one of the customer's CRM companies).
 */
function ofVisibleCustomers(visible: string[]): SQL {
  const ids = sql`${sql.param(visible)}::uuid[]`;
  return sql`EXISTS (
    SELECT 1 FROM invoices i WHERE i.connection_id = o.connection_id AND i.external_id = o.external_id AND i.customer_id = ANY(${ids})
    UNION ALL SELECT 1 FROM customers c WHERE c.connection_id = o.connection_id AND c.external_id = o.external_id AND c.id = ANY(${ids})
    UNION ALL SELECT 1 FROM customer_external_refs r WHERE r.connection_id = o.connection_id AND r.external_id = o.external_id AND r.customer_id = ANY(${ids}))`;
}

export function outboxRoutes(app: FastifyInstance, scope: ApiScope): void {
  const { db, registry } = scope;

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/outbox', summary: 'Outbox counts by status and the parked rows', tag: 'outbox', params: orgParams }, async ({ principal, params }) => {
    const membership = requireOrg(principal, params.orgId, 'read', 'reading the outbox');
    const visible = await visibleCustomers(db, principal, membership);
    if (visible === null) return { counts: await outboxCounts(db, params.orgId), parked: await listParked(db, params.orgId) };
    const { rows } = await db.execute<{ id: string; status: string }>(sql`
      SELECT o.id, o.status::text FROM outbox o WHERE o.organization_id = ${params.orgId}::uuid AND ${ofVisibleCustomers(visible)}`);
    const counts: Record<string, number> = { pending: 0, in_flight: 0, done: 0, parked: 0, superseded: 0 };
    for (const r of rows) counts[r.status] = (counts[r.status] ?? 0) + 1;
    const mine = new Set(rows.map((r) => r.id));
    return { counts, parked: (await listParked(db, params.orgId)).filter((p) => mine.has(p.id)) };
  });

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations/:orgId/outbox/:rowId/retry', summary: 'Put a parked row back in the queue', tag: 'outbox', params: orgParams.extend({ rowId: z.uuid() }) }, async ({ principal, params }) => {
    const membership = requireOrg(principal, params.orgId, 'collect', 'retrying write-backs');
    const visible = await visibleCustomers(db, principal, membership);
    if (visible !== null) {
      const { rows } = await db.execute(sql`SELECT 1 FROM outbox o WHERE o.id = ${params.rowId}::uuid AND ${ofVisibleCustomers(visible)}`);
      if (rows.length === 0) throw notFound('outbox row', 'rowId');
    }
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
