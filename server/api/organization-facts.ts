/**
 * `PUT /api/organizations/:orgId/source-facts`: an admin corrects the base currency and the country
 * that connect read from the source (QuickBooks CompanyInfo/Preferences, Xero Organisation) when the
 * source got them wrong or gave none. Codes are checked against the real lists (ISO 4217 by the money
 * table, ISO 3166-1 by i18n-iso-countries), so a well-formed but unknown code is a 400 naming the field.
 * Audited with the values before and after.
 */
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { actorOf, recordAudit } from '../../core/access/index.ts';
import { toCountryCode } from '../../core/mapping/countries.ts';
import { isCurrency } from '../../core/money.ts';
import { organizations } from '../../core/store/schema/index.ts';
import { orgParams, requireOrg, type ApiScope } from './context.ts';
import { notFound } from './http-errors.ts';
import { defineRoute } from './route.ts';

const factsShape = z.strictObject({
  baseCurrency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code').refine(isCurrency, 'not an ISO 4217 currency').optional(),
  country: z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 code').refine((c) => toCountryCode(c) === c, 'not an ISO 3166-1 country').optional(),
}).refine((b) => b.baseCurrency !== undefined || b.country !== undefined, { message: 'give baseCurrency, country or both', path: ['baseCurrency'] });

export function organizationFactsRoutes(app: FastifyInstance, scope: ApiScope): void {
  const { db, registry } = scope;
  defineRoute(app, registry, {
    method: 'PUT', url: '/api/organizations/:orgId/source-facts', summary: 'Correct the base currency and country read from the source at connect',
    tag: 'organizations', params: orgParams, body: factsShape,
  }, async ({ principal, params, body }) => {
    requireOrg(principal, params.orgId, 'administer', 'correcting the base currency and country');
    return db.transaction(async (tx) => {
      const [before] = await tx.select({ baseCurrency: organizations.baseCurrency, country: organizations.country }).from(organizations).where(eq(organizations.id, params.orgId));
      if (!before) throw notFound('organization', 'orgId');
      const [after] = await tx.update(organizations).set({ ...body, updatedAt: new Date() }).where(eq(organizations.id, params.orgId))
        .returning({ baseCurrency: organizations.baseCurrency, country: organizations.country });
      await recordAudit(tx, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.organization.source_facts', payload: { before, after: after! } });
      return after!;
    });
  });
}
