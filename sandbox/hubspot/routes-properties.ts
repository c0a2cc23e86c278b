/**
 * Property definitions and groups: `GET|POST /crm/v3/properties/{objectType}`, one by name, and
 * `GET|POST …/groups`. Creating a name that exists is HubSpot's 409.
 *
 * https://developers.hubspot.com/docs/api/crm/properties
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { validationError } from './errors.ts';
import { parseBody } from './routes-objects.ts';
import type { SimState } from './routes-objects.ts';
import { objectTypeOf } from './serialize.ts';

// "Property names must be lowercase, start with a letter and contain only letters, numbers and underscores."
const NAME = /^[a-z][a-z0-9_]*$/;

const optionSchema = z.object({
  label: z.string(),
  value: z.string(),
  description: z.string().optional(),
  displayOrder: z.number().int().optional(),
  hidden: z.boolean().optional(),
});

const createPropertySchema = z.object({
  name: z.string(),
  label: z.string(),
  type: z.enum(['string', 'number', 'date', 'datetime', 'enumeration', 'bool']),
  fieldType: z.string(),
  groupName: z.string(),
  description: z.string().optional(),
  options: z.array(optionSchema).optional(),
  displayOrder: z.number().int().optional(),
  hasUniqueValue: z.boolean().optional(),
  hidden: z.boolean().optional(),
  formField: z.boolean().optional(),
});

const updatePropertySchema = z.object({
  label: z.string().optional(),
  description: z.string().optional(),
  groupName: z.string().optional(),
  hidden: z.boolean().optional(),
  options: z.array(optionSchema).optional(),
});

const createGroupSchema = z.object({
  name: z.string(),
  label: z.string(),
  displayOrder: z.number().int().optional(),
});

type Req = FastifyRequest<{ Params: { objectType: string; name?: string }; Body: unknown }>;

export function registerPropertyRoutes(app: FastifyInstance, state: SimState): void {
  const registry = state.portal.properties;
  const nowIso = (): string => new Date(state.now()).toISOString();

  app.get('/crm/v3/properties/:objectType', async (request: Req) => ({
    results: registry.list(objectTypeOf(request.params.objectType)),
  }));

  app.get('/crm/v3/properties/:objectType/groups', async (request: Req) => ({
    results: registry.listGroups(objectTypeOf(request.params.objectType)),
  }));

  app.post('/crm/v3/properties/:objectType/groups', async (request: Req, reply) => {
    const type = objectTypeOf(request.params.objectType);
    const body = parseBody(createGroupSchema, request.body);
    if (!NAME.test(body.name))
      throw validationError(`Group name ${body.name} must be lowercase letters, digits and underscores`);
    const group = registry.createGroup(type, body);
    state.writes.push({
      at: nowIso(),
      entity: `properties/${type}/groups`,
      id: group.name,
      what: 'property-group',
      body,
    });
    return reply.code(201).send(group);
  });

  app.get('/crm/v3/properties/:objectType/:name', async (request: Req) =>
    registry.require(objectTypeOf(request.params.objectType), request.params.name!),
  );

  app.post('/crm/v3/properties/:objectType', async (request: Req, reply) => {
    const type = objectTypeOf(request.params.objectType);
    const body = parseBody(createPropertySchema, request.body);
    if (!NAME.test(body.name))
      throw validationError(`Property name ${body.name} must be lowercase letters, digits and underscores`);
    const def = registry.create(type, body, nowIso());
    state.writes.push({ at: nowIso(), entity: `properties/${type}`, id: def.name, what: 'property', body });
    return reply.code(201).send(def);
  });

  app.patch('/crm/v3/properties/:objectType/:name', async (request: Req) => {
    const type = objectTypeOf(request.params.objectType);
    const body = parseBody(updatePropertySchema, request.body);
    const options = body.options?.map((o, i) => ({
      ...o,
      displayOrder: o.displayOrder ?? i,
      hidden: o.hidden ?? false,
    }));
    const { options: _ignored, ...rest } = body;
    const def = registry.update(
      type,
      request.params.name!,
      { ...rest, ...(options ? { options } : {}) },
      nowIso(),
    );
    state.writes.push({
      at: nowIso(),
      entity: `properties/${type}`,
      id: def.name,
      what: 'property-update',
      body,
    });
    return def;
  });
}
