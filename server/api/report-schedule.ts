/**
 * The weekly report schedule of an organization (core/reports/weekly): who receives it, on which
 * weekday and hour (the organization's time zone), in which language. Read to see, admin to change.
 * Every answer is `{ schedule: {...} | null }`.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { actorOf, recordAudit } from '../../core/access/index.ts';
import { REPORT_LANGUAGES, deleteReportSchedule, getReportSchedule, saveReportSchedule } from '../../core/reports/weekly/index.ts';
import { orgParams, requireOrg, type ApiScope } from './context.ts';
import { defineRoute } from './route.ts';

const scheduleShape = z
  .object({
    recipients: z
      .array(z.string().trim().toLowerCase().pipe(z.email()))
      .min(1)
      .max(50)
      .transform((list) => [...new Set(list)]),
    weekday: z.number().int().min(1).max(7),
    hour: z.number().int().min(0).max(23),
    language: z.enum(REPORT_LANGUAGES),
  })
  .strict();

const URL = '/api/organizations/:orgId/report-schedule';

export function reportScheduleRoutes(app: FastifyInstance, scope: ApiScope): void {
  const { db, registry } = scope;

  defineRoute(app, registry, { method: 'GET', url: URL, summary: 'The weekly report schedule: { schedule: { recipients, weekday, hour, language, updatedAt, lastSentAt } | null }', tag: 'reports', params: orgParams }, async ({ principal, params }) => {
    requireOrg(principal, params.orgId, 'read', 'reading the report schedule');
    return { schedule: await getReportSchedule(db, params.orgId) };
  });

  defineRoute(app, registry, { method: 'PUT', url: URL, summary: 'Set the weekly report: recipients (emails), ISO weekday 1–7, hour 0–23 in the organization time zone, language fr or en', tag: 'reports', params: orgParams, body: scheduleShape }, async ({ principal, params, body }) => {
    requireOrg(principal, params.orgId, 'administer', 'changing the report schedule');
    return db.transaction(async (tx) => {
      const schedule = await saveReportSchedule(tx, params.orgId, body, actorOf(principal));
      await recordAudit(tx, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.report_schedule.update', payload: body });
      return { schedule };
    });
  });

  defineRoute(app, registry, { method: 'DELETE', url: URL, summary: 'Stop the weekly report', tag: 'reports', params: orgParams }, async ({ principal, params }) => {
    requireOrg(principal, params.orgId, 'administer', 'changing the report schedule');
    await db.transaction(async (tx) => {
      if (await deleteReportSchedule(tx, params.orgId)) {
        await recordAudit(tx, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.report_schedule.delete', payload: {} });
      }
    });
    return { schedule: null };
  });
}
