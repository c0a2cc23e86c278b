/** Scenarios (dunning policies): read, validate, save by name. Validation is core/scenarios' own schema. */
import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { actorOf, recordAudit } from '../../core/access/index.ts';
import { checkScenarioSteps, parseScenario, saveScenario, scenarioShape } from '../../core/scenarios/index.ts';
import type { Db } from '../../core/store/index.ts';
import { scenarios } from '../../core/store/schema/index.ts';
import { orgParams, requireOrg, type ApiScope } from './context.ts';
import { HttpError, notFound } from './http-errors.ts';
import { defineRoute } from './route.ts';

const nameParams = orgParams.extend({ name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a lower-case name') });

type ScenarioRow = typeof scenarios.$inferSelect;
const toJson = (s: ScenarioRow) => ({
  id: s.id, name: s.name, priority: s.priority, segment: s.segment, steps: s.steps, stopRules: s.stopRules, active: s.active, updatedAt: s.updatedAt.toISOString(),
});

export function scenarioRoutes(app: FastifyInstance, scope: ApiScope): void {
  const { db, registry } = scope;

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/scenarios', summary: 'Scenarios in priority order, and the configured message channels', tag: 'scenarios', params: orgParams }, async ({ principal, params }) => {
    requireOrg(principal, params.orgId, 'read', 'reading scenarios');
    const rows = await db.select().from(scenarios).where(eq(scenarios.organizationId, params.orgId)).orderBy(asc(scenarios.priority), asc(scenarios.name));
    // The channels this installation sends through (null: not known here): the console's step form offers them.
    return { items: rows.map(toJson), channels: scope.channels ?? null };
  });

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/scenarios/:name', summary: 'One scenario', tag: 'scenarios', params: nameParams }, async ({ principal, params }) => {
    requireOrg(principal, params.orgId, 'read', 'reading scenarios');
    const [row] = await db.select().from(scenarios).where(and(eq(scenarios.organizationId, params.orgId), eq(scenarios.name, params.name)));
    if (!row) throw notFound('scenario', 'name');
    return toJson(row);
  });

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations/:orgId/scenarios/validate', summary: 'Validate a scenario without saving it', tag: 'scenarios', params: orgParams, body: z.unknown() }, async ({ principal, params, body }) => {
    requireOrg(principal, params.orgId, 'read', 'validating scenarios');
    const scenario = parseScenario(body);
    await checkScenarioSteps(db, params.orgId, scenario, scope.channels ?? null);
    return { valid: true, scenario };
  });

  defineRoute(app, registry, { method: 'PUT', url: '/api/organizations/:orgId/scenarios/:name', summary: 'Create or replace a scenario', tag: 'scenarios', params: nameParams, body: scenarioShape,
    // Rights before the body: a viewer learns nothing about the scenario format from the validation errors.
    before: ({ principal, params }) => void requireOrg(principal, params.orgId, 'administer', 'editing scenarios') }, async ({ principal, params, body }) => {
    requireOrg(principal, params.orgId, 'administer', 'editing scenarios');
    if (body.name !== params.name) throw new HttpError(400, 'invalid', `name: must be "${params.name}" as in the URL`, 'name');
    await checkScenarioSteps(db, params.orgId, body, scope.channels ?? null);
    return db.transaction(async (tx) => {
      // saveScenario asks for the store handle; a transaction offers the same query builder.
      const id = await saveScenario(tx as unknown as Db, params.orgId, body);
      await recordAudit(tx, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.scenario.save', payload: { scenarioId: id, name: body.name } });
      const [row] = await tx.select().from(scenarios).where(eq(scenarios.id, id));
      return toJson(row!);
    });
  });
}
