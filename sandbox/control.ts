/**
 * The sandbox's control API: HTTP access to each simulator's `SimControl`, for end-to-end tests and
 * the demo — edit a record as a user of the provider's UI would, record a payment, inject or clear
 * faults, read what Relance wrote back, and point webhooks somewhere. It is not part of any provider's
 * API, so it listens on its own port.
 */
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { z } from 'zod';
import { isRelanceError } from '../core/errors.ts';
import type { SimControl } from './shared/contract.ts';

export const PROVIDERS = ['quickbooks', 'xero', 'hubspot'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

const PatchBody = z.record(z.string(), z.unknown());

const PaymentBody = z.object({
  customerId: z.string().min(1),
  amountMinor: z.number().int().positive(),
  date: z.string().regex(ISO_DATE, 'expected YYYY-MM-DD'),
  allocations: z.array(z.object({ invoiceId: z.string().min(1), amountMinor: z.number().int().positive() })).default([]),
});

const FaultBody = z.object({
  kind: z.enum(['server_error', 'timeout', 'rate_limit_storm', 'token_expired', 'token_revoked']),
  count: z.number().int().positive().optional(),
  pathPrefix: z.string().startsWith('/').optional(),
});

const WebhookTargetBody = z.object({ url: z.url().nullable() });

interface ProviderParams {
  provider: string;
}

/** Builds the control app over the simulators that exist; the others answer 404 like an unknown name. */
export function buildControlApp(controls: Partial<Record<ProviderName, SimControl>>): FastifyInstance {
  const app = Fastify({ logger: false });

  const controlOf = (provider: string, reply: FastifyReply): SimControl | null => {
    const control = (PROVIDERS as readonly string[]).includes(provider) ? controls[provider as ProviderName] : undefined;
    if (!control) {
      void reply.code(404).send({ error: 'unknown_provider', message: `no simulator named "${provider}"`, providers: Object.keys(controls) });
      return null;
    }
    return control;
  };

  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof z.ZodError) {
      const first = error.issues[0];
      const field = first ? first.path.join('.') || '(body)' : '(body)';
      return reply.code(400).send({ error: 'invalid', message: `${field}: ${first?.message ?? 'invalid body'}`, issues: error.issues });
    }
    if (isRelanceError(error)) {
      const status = { not_found: 404, validation: 400, conflict: 409 }[error.category as string] ?? 500;
      return reply.code(status).send({ error: error.code, message: error.message, ...error.details });
    }
    // Fastify's own errors (bad JSON, wrong content type) carry a status. A plain error comes from a
    // simulator refusing the request (no such record, a payment larger than the balance): 422.
    const status = (error as { statusCode?: number }).statusCode ?? 422;
    return reply.code(status).send({ error: status === 422 ? 'rejected' : status >= 500 ? 'internal' : 'bad_request', message: (error as Error).message });
  });

  app.get('/', async () => ({ providers: Object.keys(controls) }));

  app.patch<{ Params: ProviderParams & { entity: string; id: string } }>('/:provider/records/:entity/:id', async (request, reply) => {
    const control = controlOf(request.params.provider, reply);
    if (!control) return reply;
    const patch = PatchBody.parse(request.body ?? {});
    const result = await control.editRecord(request.params.entity, request.params.id, patch);
    return reply.send(result ?? null);
  });

  app.post<{ Params: ProviderParams }>('/:provider/payments', async (request, reply) => {
    const control = controlOf(request.params.provider, reply);
    if (!control) return reply;
    const payment = PaymentBody.parse(request.body);
    const result = await control.recordPayment(payment);
    return reply.code(201).send(result ?? null);
  });

  app.post<{ Params: ProviderParams }>('/:provider/faults', async (request, reply) => {
    const control = controlOf(request.params.provider, reply);
    if (!control) return reply;
    const fault = FaultBody.parse(request.body);
    control.injectFault(fault);
    return reply.code(201).send({ injected: fault });
  });

  app.delete<{ Params: ProviderParams }>('/:provider/faults', async (request, reply) => {
    const control = controlOf(request.params.provider, reply);
    if (!control) return reply;
    control.clearFaults();
    return reply.code(204).send();
  });

  app.get<{ Params: ProviderParams }>('/:provider/written-back', async (request, reply) => {
    const control = controlOf(request.params.provider, reply);
    if (!control) return reply;
    return control.writtenBack();
  });

  app.put<{ Params: ProviderParams }>('/:provider/webhook-target', async (request, reply) => {
    const control = controlOf(request.params.provider, reply);
    if (!control) return reply;
    const { url } = WebhookTargetBody.parse(request.body);
    control.setWebhookTarget(url);
    return reply.code(204).send();
  });

  return app;
}
