/**
 * The figures a credit manager reads (core/reports over the store), as the CLI prints them
 * (FORMATS.md): each report of an organization, and a group's consolidated into its currency.
 */
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { membershipIn, type Principal } from '../../core/access/index.ts';
import { todayIn } from '../../core/calendar/index.ts';
import {
  DEFAULT_DSO_PERIOD_DAYS, DEFAULT_FORECAST_WEEKS, DEFAULT_TREND_MONTHS, ledgerReportJson, type LedgerReport,
} from '../../core/reports/index.ts';
import { activityFigures, loadGroupLedgers, loadOrganization, loadOrganizationLedgers, parseRates } from '../../core/reports/store/index.ts';
import { groupMemberships } from '../../core/store/schema/index.ts';
import { orgParams, requireOrg, type ApiScope } from './context.ts';
import { forbidden, notFound } from './http-errors.ts';
import { defineRoute } from './route.ts';

const asOf = { asOf: z.iso.date().optional() };
const periodDays = { periodDays: z.coerce.number().int().min(1).max(3660).default(DEFAULT_DSO_PERIOD_DAYS) };
const QUERIES = {
  aging: z.object(asOf),
  dso: z.object({ ...asOf, ...periodDays }),
  forecast: z.object({ ...asOf, weeks: z.coerce.number().int().min(1).max(104).default(DEFAULT_FORECAST_WEEKS) }),
  figures: z.object({ ...asOf, ...periodDays }),
  'dso-trend': z.object({ ...asOf, ...periodDays, months: z.coerce.number().int().min(1).max(60).default(DEFAULT_TREND_MONTHS) }),
} satisfies Record<LedgerReport, z.ZodType>;

const SUMMARIES: Record<LedgerReport, string> = {
  aging: 'Aged balances by bucket (FORMATS.md), per currency',
  dso: 'Days sales outstanding (standard) over a period, per currency',
  forecast:
    'Weekly cash-in forecast: { asOf, currency, weeks: [{ from, to, amount }], later, total, otherCurrencies: [same without otherCurrencies] }; amounts decimal strings',
  figures: 'Overdue rate, CEI, DSO, countback DSO, best possible DSO, average days delinquent over a period, per currency',
  'dso-trend':
    'DSO at each month end, oldest first (the current month at asOf): { currency, points: [{ asOf, standard, countback }], otherCurrencies: [same] }; days as decimal strings or null',
};

const groupParams = z.object({ groupId: z.uuid() });
/** `rate=USD=0.92`, repeatable: units of the group currency per unit of USD (stored rates otherwise). */
const rateQuery = { rate: z.union([z.string(), z.array(z.string())]).optional().transform((v) => (v === undefined ? [] : [v].flat())) };
const GROUP_REPORTS = ['aging', 'dso', 'forecast', 'figures'] as const;

export function reportRoutes(app: FastifyInstance, scope: ApiScope): void {
  const { db, registry } = scope;

  /** Reports total the whole organization: a member limited to assigned customers would learn the rest. */
  function requireWholeOrganization(principal: Principal, orgId: string): void {
    const membership = requireOrg(principal, orgId, 'read', 'reading reports');
    if (membership.assignedOnly) throw forbidden('organization-wide reports to a member limited to assigned customers');
  }

  /** A group's figures are its members' together: the caller must see every one of them whole. */
  async function requireWholeGroup(principal: Principal, groupId: string): Promise<void> {
    const members = await db.select({ id: groupMemberships.organizationId }).from(groupMemberships).where(eq(groupMemberships.groupId, groupId));
    // A group none of whose members the caller belongs to does not exist for them.
    if (!members.some((m) => membershipIn(principal, m.id))) throw notFound('group', 'groupId');
    for (const m of members) {
      if (!membershipIn(principal, m.id)) throw forbidden('reports of a group holding organizations you do not belong to');
      requireWholeOrganization(principal, m.id);
    }
  }

  async function loadOrganizationReport(principal: Principal, orgId: string) {
    requireWholeOrganization(principal, orgId);
    const organization = await loadOrganization(db, orgId);
    return { organization, customers: await loadOrganizationLedgers(db, orgId), today: todayIn(organization.timezone) };
  }

  for (const name of Object.keys(QUERIES) as LedgerReport[]) {
    const spec = { method: 'GET', url: `/api/organizations/:orgId/reports/${name}`, summary: SUMMARIES[name], tag: 'reports', params: orgParams, query: QUERIES[name] } as const;
    defineRoute(app, registry, spec, async ({ principal, params, query }) => {
      const { organization, customers, today } = await loadOrganizationReport(principal, params.orgId);
      return ledgerReportJson(name, customers, organization, { ...query, asOf: query.asOf ?? today });
    });
  }

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/reports/activity', summary: 'Promise kept rate, reminder conversion, dispute resolution time and team productivity over a period', tag: 'reports', params: orgParams, query: QUERIES.dso }, async ({ principal, params, query }) => {
    requireWholeOrganization(principal, params.orgId);
    const organization = await loadOrganization(db, params.orgId);
    return activityFigures(db, params.orgId, query.asOf ?? todayIn(organization.timezone), query.periodDays);
  });

  for (const name of GROUP_REPORTS) {
    const query = QUERIES[name].extend(rateQuery);
    const spec = { method: 'GET', url: `/api/groups/:groupId/reports/${name}`, summary: `${SUMMARIES[name]}, consolidated into the group currency (rate=CUR=RATE, repeatable)`, tag: 'reports', params: groupParams, query } as const;
    defineRoute(app, registry, spec, async ({ principal, params, query }) => {
      await requireWholeGroup(principal, params.groupId);
      const rates = parseRates(query.rate);
      // A group spans time zones: its day is UTC's.
      const day = query.asOf ?? todayIn(null);
      const group = await loadGroupLedgers(db, params.groupId, day, rates);
      return ledgerReportJson(name, group.customers, group.organization, { ...query, asOf: day });
    });
  }
}
