/**
 * CRM v3 objects: list (id-ordered pages with `after`), read, update, create (notes and tasks with
 * their associations), search, batch read and batch update.
 *
 * https://developers.hubspot.com/docs/api/crm/companies
 * https://developers.hubspot.com/docs/api/crm/search
 * https://developers.hubspot.com/docs/api/crm/notes
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { WrittenBack } from '../shared/contract.ts';
import { HubspotHttpError, notFoundError, validationError, errorBody } from './errors.ts';
import { newCrmObject, MODIFIED_PROPS } from './seed.ts';
import type { ObjectType, Portal } from './seed.ts';
import { runSearch, searchRequestSchema } from './search.ts';
import { listParam, objectTypeOf, toJson } from './serialize.ts';
import { pairOfTypeId } from './store.ts';

// https://developers.hubspot.com/docs/api/crm/understanding-the-crm#paging (list pages: 100 at most)
export const LIST_MAX_LIMIT = 100;
// https://developers.hubspot.com/docs/api/crm/companies (batch endpoints: 100 inputs per call)
export const BATCH_MAX_INPUTS = 100;

export interface SimState {
  portal: Portal;
  writes: WrittenBack[];
  now: () => number;
}

type Query = Record<string, unknown>;
type Req = FastifyRequest<{ Params: { type: string; id?: string }; Querystring: Query; Body: unknown }>;

export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw validationError(`Invalid input JSON: ${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  return parsed.data;
}

const propertiesInput = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));
const updateSchema = z.object({ properties: propertiesInput });
const associationInput = z.object({
  to: z.object({ id: z.union([z.string(), z.number()]).transform(String) }),
  types: z.array(z.object({ associationCategory: z.string(), associationTypeId: z.number().int() })).min(1),
});
const createSchema = z.object({
  properties: propertiesInput,
  associations: z.array(associationInput).optional(),
});
const batchReadSchema = z.object({
  properties: z.array(z.string()).optional(),
  propertiesWithHistory: z.array(z.string()).optional(),
  idProperty: z.string().optional(),
  inputs: z.array(z.object({ id: z.union([z.string(), z.number()]).transform(String) })),
});
const batchUpdateSchema = z.object({
  inputs: z.array(
    z.object({ id: z.union([z.string(), z.number()]).transform(String), properties: propertiesInput }),
  ),
});

function pageLink(request: FastifyRequest, after: string): string {
  const url = new URL(request.url, `${request.protocol}://${request.headers.host ?? 'localhost'}`);
  url.searchParams.set('after', after);
  return url.toString();
}

function checkLimit(raw: unknown, max: number, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw validationError(`limit must be a positive integer, got ${String(raw)}`);
  if (n > max) throw validationError(`limit must be less than or equal to ${max}, got ${n}`);
  return n;
}

function requireObject(state: SimState, type: ObjectType, id: string) {
  const obj = state.portal.stores[type].get(id);
  if (!obj) throw notFoundError('resource not found');
  return obj;
}

function record(state: SimState, entity: string, id: string, what: string, body: unknown): void {
  state.writes.push({ at: new Date(state.now()).toISOString(), entity, id, what, body });
}

export function registerObjectRoutes(app: FastifyInstance, state: SimState): void {
  registerReadRoutes(app, state);
  registerWriteRoutes(app, state);
  registerBatchRoutes(app, state);
}

function registerReadRoutes(app: FastifyInstance, state: SimState): void {
  const { portal } = state;

  app.get('/crm/v3/objects/:type', async (request: Req) => {
    const type = objectTypeOf(request.params.type);
    const limit = checkLimit(request.query.limit, LIST_MAX_LIMIT, 10);
    const after = request.query.after === undefined ? undefined : String(request.query.after);
    if (after !== undefined && !/^\d+$/.test(after))
      throw validationError(`after must be a valid paging cursor, got ${after}`);
    const props = listParam(request.query.properties);
    const assoc = listParam(request.query.associations);
    const page = portal.stores[type].pageById(after, limit);
    return {
      results: page.items.map((o) => toJson(portal, type, o, props, assoc)),
      // The last page has no `paging` at all.
      ...(page.next ? { paging: { next: { after: page.next, link: pageLink(request, page.next) } } } : {}),
    };
  });

  app.get('/crm/v3/objects/:type/:id', async (request: Req) => {
    const type = objectTypeOf(request.params.type);
    const obj = requireObject(state, type, request.params.id!);
    return toJson(
      portal,
      type,
      obj,
      listParam(request.query.properties),
      listParam(request.query.associations),
    );
  });

  app.post('/crm/v3/objects/:type/search', async (request: Req) => {
    const type = objectTypeOf(request.params.type);
    const body = parseBody(searchRequestSchema, request.body);
    const page = runSearch(portal.stores[type], portal.properties, MODIFIED_PROPS[type].at(-1)!, body);
    return {
      total: page.total,
      results: page.results.map((o) => toJson(portal, type, o, body.properties)),
      // Search pages have `after` but no `link`.
      ...(page.nextAfter ? { paging: { next: { after: page.nextAfter } } } : {}),
    };
  });
}

function registerWriteRoutes(app: FastifyInstance, state: SimState): void {
  const { portal } = state;

  app.patch('/crm/v3/objects/:type/:id', async (request: Req) => {
    const type = objectTypeOf(request.params.type);
    const obj = requireObject(state, type, request.params.id!);
    const body = parseBody(updateSchema, request.body);
    const values = portal.properties.checkWritable(type, body.properties);
    portal.stores[type].touch(obj, values, state.now());
    record(state, type, obj.id, 'update', body);
    return toJson(portal, type, obj, Object.keys(values));
  });

  app.post('/crm/v3/objects/:type', async (request: Req, reply) => createObject(state, request, reply));
}

function registerBatchRoutes(app: FastifyInstance, state: SimState): void {
  const { portal } = state;

  app.post('/crm/v3/objects/:type/batch/read', async (request: Req, reply) => {
    const type = objectTypeOf(request.params.type);
    const body = parseBody(batchReadSchema, request.body);
    checkBatchSize(body.inputs.length);
    const startedAt = new Date(state.now()).toISOString();
    const found = body.inputs.map((i) => ({ id: i.id, obj: portal.stores[type].get(i.id) }));
    const missing = found.filter((f) => !f.obj).map((f) => f.id);
    const results = found.flatMap((f) => (f.obj ? [toJson(portal, type, f.obj, body.properties)] : []));
    return batchAnswer(reply, results, missing, type, 'get', startedAt, state);
  });

  app.post('/crm/v3/objects/:type/batch/update', async (request: Req, reply) => {
    const type = objectTypeOf(request.params.type);
    const body = parseBody(batchUpdateSchema, request.body);
    checkBatchSize(body.inputs.length);
    const startedAt = new Date(state.now()).toISOString();
    // Every input is checked before any is applied: a bad property fails the whole batch.
    const checked = body.inputs.map((i) => ({
      id: i.id,
      values: portal.properties.checkWritable(type, i.properties),
    }));
    const missing: string[] = [];
    const results = [];
    for (const c of checked) {
      const obj = portal.stores[type].get(c.id);
      if (!obj) {
        missing.push(c.id);
        continue;
      }
      portal.stores[type].touch(obj, c.values, state.now());
      record(state, type, obj.id, 'batch-update', { id: c.id, properties: c.values });
      results.push(toJson(portal, type, obj, Object.keys(c.values)));
    }
    return batchAnswer(reply, results, missing, type, 'update', startedAt, state);
  });
}

/** A note, task or record, with its associations checked against HubSpot's defined type ids. */
function createObject(state: SimState, request: Req, reply: FastifyReply) {
  const { portal } = state;
  const type = objectTypeOf(request.params.type);
  const body = parseBody(createSchema, request.body);
  const values = portal.properties.checkWritable(type, body.properties);
  if ((type === 'notes' || type === 'tasks') && !values.hs_timestamp) {
    throw validationError('Property values were not valid: hs_timestamp is required', {
      errors: [{ message: 'hs_timestamp is required', code: 'REQUIRED_PROPERTY' }],
    });
  }
  const links = (body.associations ?? []).flatMap((a) =>
    a.types.map((t) => {
      const to = pairOfTypeId(type, t.associationTypeId);
      if (t.associationCategory !== 'HUBSPOT_DEFINED' || !to) {
        throw validationError(
          `${t.associationCategory} ${t.associationTypeId} is not a valid association type from ${type}`,
        );
      }
      if (!portal.stores[to as ObjectType]?.get(a.to.id)) {
        throw validationError(`One or more association targets were not found: ${to} ${a.to.id}`);
      }
      return { to: to as ObjectType, id: a.to.id };
    }),
  );
  const store = portal.stores[type];
  const at = new Date(state.now()).toISOString();
  const obj = newCrmObject(store.nextId(), at, at, values, type);
  store.insert(obj);
  for (const l of links) portal.associations.link(type, obj.id, l.to, l.id);
  const what = type === 'notes' ? 'note' : type === 'tasks' ? 'task' : 'create';
  record(state, type, obj.id, what, body);
  const shown = [
    ...Object.keys(values),
    ...MODIFIED_PROPS[type],
    ...(type === 'notes' || type === 'tasks' ? ['hs_createdate'] : []),
  ];
  return reply.code(201).send(toJson(portal, type, obj, shown));
}

function checkBatchSize(n: number): void {
  if (n > BATCH_MAX_INPUTS) {
    throw new HubspotHttpError(
      400,
      errorBody('VALIDATION_ERROR', `Batch input size ${n} exceeds the limit of ${BATCH_MAX_INPUTS} inputs.`),
    );
  }
}

const SINGULAR: Record<string, string> = {
  companies: 'COMPANY',
  contacts: 'CONTACT',
  notes: 'NOTE',
  tasks: 'TASK',
  deals: 'DEAL',
};

/** 200 when every input was found; 207 with `errors` naming the missing ids otherwise. */
function batchAnswer(
  reply: FastifyReply,
  results: unknown[],
  missing: string[],
  type: ObjectType,
  verb: 'get' | 'update',
  startedAt: string,
  state: SimState,
) {
  const completedAt = new Date(state.now()).toISOString();
  if (!missing.length) return reply.code(200).send({ status: 'COMPLETE', results, startedAt, completedAt });
  return reply.code(207).send({
    status: 'COMPLETE',
    results,
    numErrors: 1,
    errors: [
      {
        status: 'error',
        category: 'OBJECT_NOT_FOUND',
        message: `Could not ${verb} some ${SINGULAR[type]} objects, they may be deleted or not exist. Check that ids are valid.`,
        context: { ids: missing },
      },
    ],
    startedAt,
    completedAt,
  });
}
