/** The figures a credit manager reads (core/reports over the store): aging and DSO, as FORMATS.md prints them. */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_DSO_PERIOD_DAYS, agedBalances, agingToJson, dsoReports, dsoToJson } from '../../core/reports/index.ts';
import { loadOrganization, loadOrganizationLedgers } from '../../core/reports/store/index.ts';
import { orgParams, requireOrg, type ApiScope } from './context.ts';
import { forbidden } from './http-errors.ts';
import { defineRoute } from './route.ts';

const reportQuery = z.object({
  asOf: z.iso.date().optional(),
  periodDays: z.coerce.number().int().min(1).max(3660).default(DEFAULT_DSO_PERIOD_DAYS),
});

export function reportRoutes(app: FastifyInstance, scope: ApiScope): void {
  const { db, registry } = scope;

  async function load(principal: Parameters<typeof requireOrg>[0], orgId: string) {
    const membership = requireOrg(principal, orgId, 'read', 'reading reports');
    // Reports total the whole organization: a member limited to assigned customers would learn the rest.
    if (membership.assignedOnly) throw forbidden('organization-wide reports to a member limited to assigned customers');
    const organization = await loadOrganization(db, orgId);
    return { organization, customers: await loadOrganizationLedgers(db, orgId) };
  }
  const today = () => new Date().toISOString().slice(0, 10);

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/reports/aging', summary: 'Aged balances by bucket (FORMATS.md)', tag: 'reports', params: orgParams, query: reportQuery }, async ({ principal, params, query }) => {
    const { organization, customers } = await load(principal, params.orgId);
    return agingToJson(agedBalances(customers, organization, query.asOf ?? today()));
  });

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/reports/dso', summary: 'Days sales outstanding over a period', tag: 'reports', params: orgParams, query: reportQuery }, async ({ principal, params, query }) => {
    const { organization, customers } = await load(principal, params.orgId);
    return dsoToJson(dsoReports(customers, organization, query.asOf ?? today(), query.periodDays));
  });
}
