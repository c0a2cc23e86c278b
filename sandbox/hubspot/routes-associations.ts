/**
 * Associations between records (v4 with labels, and the v4 batch read), and owners, which Relance
 * reads to address tasks.
 *
 * https://developers.hubspot.com/docs/api/crm/associations/v4
 * https://developers.hubspot.com/docs/api/crm/owners
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { notFoundError, validationError } from './errors.ts';
import { parseBody } from './routes-objects.ts';
import type { SimState } from './routes-objects.ts';
import type { ObjectType } from './seed.ts';
import { objectTypeOf } from './serialize.ts';
import { associationKinds, compareIds } from './store.ts';

// https://developers.hubspot.com/docs/api/crm/associations/v4 (list: up to 500 per page)
const ASSOC_MAX_LIMIT = 500;
const ASSOC_BATCH_MAX = 1000;
const OWNERS_MAX_LIMIT = 500;

type Req = FastifyRequest<{
  Params: Record<string, string>;
  Querystring: Record<string, string | undefined>;
  Body: unknown;
}>;

function associationsOf(state: SimState, from: ObjectType, id: string, to: ObjectType) {
  const kinds = associationKinds(from, to);
  return state.portal.associations.targets(from, id, to).map((toId) => ({
    // v4 prints the target id as a number (an int64), not a string.
    toObjectId: Number(toId),
    associationTypes: kinds.map((k) => ({ category: k.category, typeId: k.typeId, label: k.label })),
  }));
}

const batchSchema = z.object({
  inputs: z.array(z.object({ id: z.union([z.string(), z.number()]).transform(String) })),
});

export function registerAssociationRoutes(app: FastifyInstance, state: SimState): void {
  const { portal } = state;

  app.get('/crm/v4/objects/:from/:id/associations/:to', async (request: Req) => {
    const from = objectTypeOf(request.params.from!);
    const to = objectTypeOf(request.params.to!);
    if (!portal.stores[from].get(request.params.id!)) throw notFoundError('resource not found');
    const limit = Math.min(Number(request.query.limit ?? ASSOC_MAX_LIMIT), ASSOC_MAX_LIMIT);
    if (!Number.isInteger(limit) || limit < 1) throw validationError(`limit must be a positive integer`);
    const all = associationsOf(state, from, request.params.id!, to);
    const offset = request.query.after ? Number(request.query.after) : 0;
    if (!Number.isInteger(offset) || offset < 0) throw validationError(`after must be a valid paging cursor`);
    const results = all.slice(offset, offset + limit);
    const next = offset + limit < all.length ? String(offset + limit) : null;
    return { results, ...(next ? { paging: { next: { after: next } } } : {}) };
  });

  app.post('/crm/v4/associations/:from/:to/batch/read', async (request: Req) => {
    const from = objectTypeOf(request.params.from!);
    const to = objectTypeOf(request.params.to!);
    const body = parseBody(batchSchema, request.body);
    if (body.inputs.length > ASSOC_BATCH_MAX)
      throw validationError(`Batch input size exceeds the limit of ${ASSOC_BATCH_MAX} inputs.`);
    const startedAt = new Date(state.now()).toISOString();
    const results = body.inputs
      .filter((i) => portal.stores[from].get(i.id))
      .map((i) => ({ from: { id: i.id }, to: associationsOf(state, from, i.id, to) }))
      .filter((r) => r.to.length);
    return { status: 'COMPLETE', results, startedAt, completedAt: new Date(state.now()).toISOString() };
  });

  app.get('/crm/v3/owners', async (request: Req) => {
    const limit = Math.min(Number(request.query.limit ?? 100), OWNERS_MAX_LIMIT);
    const offset = request.query.after ? Number(request.query.after) : 0;
    const email = request.query.email?.toLowerCase();
    const all = portal.owners
      .filter((o) => !email || o.email.toLowerCase() === email)
      .sort((a, b) => compareIds(a.id, b.id));
    const next = offset + limit < all.length ? String(offset + limit) : null;
    return {
      results: all.slice(offset, offset + limit).map((o) => ({ ...o, type: 'PERSON', teams: [] })),
      ...(next ? { paging: { next: { after: next } } } : {}),
    };
  });

  app.get('/crm/v3/owners/:ownerId', async (request: Req) => {
    const owner = portal.owners.find((o) => o.id === request.params.ownerId);
    if (!owner) throw notFoundError('resource not found');
    return { ...owner, type: 'PERSON', teams: [] };
  });
}
