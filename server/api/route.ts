/**
 * How an admin API route is declared: its zod schemas for params, query and body (validated here,
 * before the handler runs) and who may call it. The same declaration feeds the OpenAPI document.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Principal } from '../../core/access/index.ts';
import { fromZod, unauthorized } from './http-errors.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: Method;
  url: string;
  summary: string;
  tag: string;
  params?: P;
  query?: Q;
  body?: B;
  /** `public`: no principal needed (login, the OpenAPI document). */
  auth?: 'public' | 'user';
  /** HTTP status of a success (200 unless said). */
  status?: number;
  /**
   * Checked with the principal and the parsed params before the query and body are read: a rights
   * check here answers 403/404 to a caller without the right whatever they sent.
   */
  before?: (ctx: { principal: Principal; params: z.output<P> }) => void | Promise<void>;
}

export interface RouteContext<P, Q, B> {
  request: FastifyRequest;
  reply: FastifyReply;
  principal: Principal;
  params: P;
  query: Q;
  body: B;
}

export interface DocumentedRoute {
  method: Method;
  url: string;
  summary: string;
  tag: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  auth: 'public' | 'user';
  status: number;
}

/** Every route declared through `defineRoute`, for the OpenAPI document. */
export class RouteRegistry {
  readonly routes: DocumentedRoute[] = [];
}

function parse<T extends z.ZodType>(schema: T | undefined, value: unknown, where: string): z.output<T> | undefined {
  if (!schema) return undefined;
  const result = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (!result.success) throw fromZod(result.error, where);
  return result.data;
}

export function defineRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
  app: FastifyInstance,
  registry: RouteRegistry,
  spec: RouteSpec<P, Q, B>,
  handler: (ctx: RouteContext<z.output<P>, z.output<Q>, z.output<B>>) => Promise<unknown>,
): void {
  const auth = spec.auth ?? 'user';
  const status = spec.status ?? 200;
  const { before, ...documented } = spec;
  registry.routes.push({ ...documented, auth, status });
  app.route({
    method: spec.method,
    url: spec.url,
    handler: async (request, reply) => {
      const principal = request.principal;
      if (auth === 'user' && !principal) throw unauthorized();
      const params = parse(spec.params, request.params, 'params') as z.output<P>;
      if (before) await before({ principal: principal as Principal, params });
      const query = parse(spec.query, request.query, 'query') as z.output<Q>;
      const body = parse(spec.body, request.body, 'body') as z.output<B>;
      const result = await handler({ request, reply, principal: principal as Principal, params, query, body });
      if (status === 204) return reply.status(204).send();
      return reply.status(status).send(result);
    },
  });
}
