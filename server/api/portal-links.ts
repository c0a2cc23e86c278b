/** Portal links of a customer: issue one (to put in a reminder or send by hand), list, revoke. */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { actorOf, recordAudit } from '../../core/access/index.ts';
import { issuePortalLink, listPortalLinks, revokePortalLinks } from '../../core/portal/index.ts';
import { requireOrg, requireVisibleCustomer, type ApiScope } from './context.ts';
import { customerParams } from './customers.ts';
import { HttpError, notFound } from './http-errors.ts';
import { defineRoute } from './route.ts';

const issueBody = z.object({ days: z.number().int().min(1).max(365).default(60) }).default({ days: 60 });

export function portalLinkRoutes(app: FastifyInstance, scope: ApiScope): void {
  const { db, registry } = scope;
  const base = '/api/organizations/:orgId/customers/:customerId/portal-links';

  defineRoute(app, registry, { method: 'GET', url: base, summary: "A customer's portal links", tag: 'portal', params: customerParams }, async ({ principal, params }) => {
    const membership = requireOrg(principal, params.orgId, 'read', 'reading portal links');
    await requireVisibleCustomer(db, principal, membership, params.customerId);
    const rows = await listPortalLinks(db, params.orgId, params.customerId);
    return { items: rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString(), expiresAt: r.expiresAt.toISOString(), revokedAt: r.revokedAt?.toISOString() ?? null, lastUsedAt: r.lastUsedAt?.toISOString() ?? null })) };
  });

  defineRoute(app, registry, { method: 'POST', url: base, summary: 'Issue a portal link (signed, expiring, revocable)', tag: 'portal', params: customerParams, body: issueBody, status: 201 }, async ({ principal, params, body }) => {
    const membership = requireOrg(principal, params.orgId, 'collect', 'issuing portal links');
    await requireVisibleCustomer(db, principal, membership, params.customerId);
    const keys = scope.keys;
    if (!keys) throw new HttpError(503, 'unavailable', 'no key ring: portal links cannot be signed in this process');
    return db.transaction(async (tx) => {
      const link = await issuePortalLink(tx, keys, { organizationId: params.orgId, customerId: params.customerId, createdBy: actorOf(principal), days: body.days, publicUrl: scope.publicUrl });
      await recordAudit(tx, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.portal_link.issue', customerId: params.customerId, payload: { linkId: link.id, expiresAt: link.expiresAt.toISOString() } });
      return { id: link.id, url: link.url, expiresAt: link.expiresAt.toISOString() };
    });
  });

  defineRoute(app, registry, { method: 'DELETE', url: `${base}/:linkId`, summary: 'Revoke a portal link', tag: 'portal', params: customerParams.extend({ linkId: z.uuid() }), status: 204 }, async ({ principal, params }) => {
    const membership = requireOrg(principal, params.orgId, 'collect', 'revoking portal links');
    await requireVisibleCustomer(db, principal, membership, params.customerId);
    await db.transaction(async (tx) => {
      const n = await revokePortalLinks(tx, params.orgId, params.customerId, params.linkId);
      if (n === 0) throw notFound('portal link', 'linkId');
      await recordAudit(tx, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.portal_link.revoke', customerId: params.customerId, payload: { linkId: params.linkId } });
    });
  });
}
