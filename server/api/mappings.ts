/**
 * Field mappings of a connection (core/mapping): the defaults and the connection's overrides,
 * validate an override, preview it on sample records, save it (the next sync uses it).
 */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { actorOf, recordAudit } from '../../core/access/index.ts';
import { compileMapping, extractRecords, mapRecords, mappingNames, parseOverride, resolveMappingName } from '../../core/mapping/index.ts';
import { connections, organizations } from '../../core/store/schema/index.ts';
import { orgParams, requireOrg, type ApiScope } from './context.ts';
import { forbidden, notFound } from './http-errors.ts';
import { defineRoute } from './route.ts';

const connectionParams = orgParams.extend({ connectionId: z.uuid() });
const entityParams = connectionParams.extend({ entity: z.string().regex(/^[a-zA-Z-]{1,40}$/) });
// Sample records are a provider response body, an array or one record (FORMATS.md); the first 500 are mapped.
const previewBody = z.object({ records: z.unknown(), override: z.unknown().optional() });
const samplesQuery = z.object({ limit: z.coerce.number().int().min(1).max(20).default(5) });
// Where the sync keeps each canonical entity's records, each with the raw source record it was mapped from.
const STORED_RAW: Record<string, SQL> = {
  customer: sql`customers`, contact: sql`contacts`, invoice: sql`invoices`, creditNote: sql`credit_notes`, payment: sql`payments`,
  company: sql`crm_records`,
};

export function mappingRoutes(app: FastifyInstance, scope: ApiScope): void {
  const { db, registry } = scope;

  async function connectionOf(orgId: string, connectionId: string) {
    const [row] = await db
      .select({ id: connections.id, provider: connections.provider, overrides: connections.mappingOverrides, homeCurrency: organizations.baseCurrency })
      .from(connections)
      .innerJoin(organizations, eq(organizations.id, connections.organizationId))
      .where(and(eq(connections.id, connectionId), eq(connections.organizationId, orgId)));
    if (!row) throw notFound('connection', 'connectionId');
    return row;
  }

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/connections/:connectionId/mappings', summary: 'Mappings in force: defaults with the overrides merged, and the overrides alone', tag: 'mappings', params: connectionParams }, async ({ principal, params }) => {
    requireOrg(principal, params.orgId, 'read', 'reading mappings');
    const c = await connectionOf(params.orgId, params.connectionId);
    const items = mappingNames(c.provider).map((name) => {
      const override = c.overrides[name] ? parseOverride(c.overrides[name], `override "${name}"`) : null;
      return { entity: name, override, mapping: compileMapping(c.provider, name, { overrides: override }) };
    });
    return { provider: c.provider, items };
  });

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/connections/:connectionId/mappings/:entity/samples', summary: "The newest raw source records this connection synced for the entity, to preview a mapping on: { entity, records }", tag: 'mappings', params: entityParams, query: samplesQuery }, async ({ principal, params, query }) => {
    const membership = requireOrg(principal, params.orgId, 'read', 'reading mappings');
    // Raw records of any customer: a member limited to assigned customers would see the others'.
    if (membership.assignedOnly) throw forbidden('sample records to a member limited to assigned customers');
    const c = await connectionOf(params.orgId, params.connectionId);
    const { name } = resolveMappingName(c.provider, params.entity);
    const { entity } = compileMapping(c.provider, name);
    const kind = entity === 'company' ? sql`AND object_type = 'company'` : sql``;
    const { rows } = await db.execute<{ raw: unknown }>(
      sql`SELECT raw FROM ${STORED_RAW[entity]} WHERE connection_id = ${c.id} AND raw IS NOT NULL ${kind} ORDER BY updated_at DESC, external_id LIMIT ${query.limit}`,
    );
    return { entity: name, records: rows.map((r) => r.raw) };
  });

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations/:orgId/connections/:connectionId/mappings/:entity/preview', summary: 'Map sample records with an optional override, saving nothing', tag: 'mappings', params: entityParams, body: previewBody }, async ({ principal, params, body }) => {
    requireOrg(principal, params.orgId, 'read', 'previewing mappings');
    const c = await connectionOf(params.orgId, params.connectionId);
    const { name } = resolveMappingName(c.provider, params.entity);
    const override = body.override === undefined ? (c.overrides[name] ? parseOverride(c.overrides[name], 'stored override') : null) : parseOverride(body.override, 'override');
    const raws = extractRecords(body.records, compileMapping(c.provider, name, { overrides: override }));
    return mapRecords(c.provider, name, raws.slice(0, 500), { overrides: override, context: { homeCurrency: c.homeCurrency } });
  });

  defineRoute(app, registry, { method: 'PUT', url: '/api/organizations/:orgId/connections/:connectionId/mappings/:entity', summary: "Save the connection's override for an entity (validated)", tag: 'mappings', params: entityParams, body: z.unknown() }, async ({ principal, params, body }) => {
    requireOrg(principal, params.orgId, 'administer', 'editing mappings');
    const c = await connectionOf(params.orgId, params.connectionId);
    const { name } = resolveMappingName(c.provider, params.entity);
    const override = parseOverride(body, 'override');
    // Compiling proves the override merges onto the default (a field the default lacks fails here).
    compileMapping(c.provider, name, { overrides: override });
    await db.transaction(async (tx) => {
      await tx
        .update(connections)
        .set({ mappingOverrides: sql`${connections.mappingOverrides} || jsonb_build_object(${name}::text, ${JSON.stringify(override)}::jsonb)`, updatedAt: new Date() })
        .where(eq(connections.id, c.id));
      await recordAudit(tx, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.mapping.save', payload: { connectionId: c.id, entity: name } });
    });
    return { entity: name, override };
  });
}
