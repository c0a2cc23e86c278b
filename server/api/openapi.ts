/** The OpenAPI 3.1 document of the admin API, built from the routes' own zod schemas. */
import { z } from 'zod';
import type { DocumentedRoute } from './route.ts';

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType): JsonSchema {
  // `io: 'input'`: what a client sends (before coercion and defaults are applied).
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const s = jsonSchema(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(s.properties ?? {}).map(([name, prop]) => ({
    name,
    in: where,
    required: where === 'path' || (s.required ?? []).includes(name),
    schema: prop,
  }));
}

const ERROR_RESPONSE = {
  description: 'error',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};

function operation(route: DocumentedRoute): JsonSchema {
  const op: JsonSchema = {
    summary: route.summary,
    tags: [route.tag],
    parameters: [...parametersOf(route.params, 'path'), ...parametersOf(route.query, 'query')],
    responses: {
      [String(route.status)]: { description: 'success' },
      '400': ERROR_RESPONSE,
      ...(route.auth === 'user' ? { '401': ERROR_RESPONSE, '403': ERROR_RESPONSE, '404': ERROR_RESPONSE } : {}),
    },
  };
  if (route.body) op.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(route.body) } } };
  if (route.auth === 'public') op.security = [];
  return op;
}

export function openApiDocument(routes: readonly DocumentedRoute[]): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}');
    (paths[path] ??= {})[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Relance admin API', version: '0.1.0' },
    security: [{ session: [] }, { apiKey: [] }],
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'relance_session' },
        apiKey: { type: 'http', scheme: 'bearer' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message', 'field'],
              properties: { code: { type: 'string' }, message: { type: 'string' }, field: { type: ['string', 'null'] } },
            },
          },
        },
      },
    },
    paths,
  };
}
