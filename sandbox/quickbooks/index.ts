/**
 * The QuickBooks Online simulator: Intuit's OAuth 2.0 endpoints and the parts of the Accounting API
 * Relance uses, served over the world's QuickBooks ledger. node-quickbooks reaches it unchanged by
 * setting `QuickBooks.V3_ENDPOINT_BASE_URL = baseUrl + '/v3/company/'` (with `useSandbox = true`)
 * and `QuickBooks.TOKEN_URL = baseUrl + '/oauth2/v1/tokens/bearer'`.
 */
import { createHash } from 'node:crypto';
import Fastify, { type FastifyError } from 'fastify';
import type { Simulator, SimulatorOptions } from '../shared/contract.ts';
import { FaultInjector } from '../shared/faults.ts';
import { RateLimiter } from '../shared/rate-limit.ts';
import { apiRoutes } from './api-routes.ts';
import type { SimContext } from './context.ts';
import { createControl } from './control.ts';
import { QboFault, requestValidationFault, systemFault } from './fault-shapes.ts';
import { QBO_LIMIT_RULES } from './limits.ts';
import { registerOAuthRoutes } from './oauth-routes.ts';
import { requestGuard } from './request-guard.ts';
import { seedCompany } from './seed.ts';
import { TokenBook } from './tokens.ts';
import { WebhookSender, type WebhookFormat } from './webhooks.ts';
import { payPage } from '../shared/pay-page.ts';

export { QBO_LIMIT_RULES, QBO_RULES } from './limits.ts';
export { CUSTOM_FIELDS } from './seed.ts';
export { intuitSignature, type WebhookFormat } from './webhooks.ts';

/** Stable per seed, so a demo prints the same realm and app ids each run. */
function derived(seed: number, what: string, length: number): string {
  return createHash('sha256').update(`quickbooks:${seed}:${what}`).digest('hex').slice(0, length);
}

function realmIdFor(seed: number): string {
  const digits = BigInt(`0x${derived(seed, 'realm', 12)}`).toString().padStart(12, '0').slice(-12);
  return `9341${digits}`;
}

export interface QuickBooksSimulator extends Simulator {
  /** Resolves once every webhook already sent has been delivered or has failed. */
  settled(): Promise<void>;
  /** The webhook payload format the app chose in Intuit's portal (default: 'legacy'). */
  setWebhookFormat(format: WebhookFormat): void;
}

export function createQuickBooksSimulator(options: SimulatorOptions): QuickBooksSimulator {
  const now = options.now ?? Date.now;
  const seed = options.world.seed;
  const realmId = realmIdFor(seed);
  const credentials = {
    realmId,
    clientId: `AB${derived(seed, 'client', 40)}`,
    clientSecret: derived(seed, 'secret', 40),
    accessToken: '',
    refreshToken: '',
    webhookVerifierToken: derived(seed, 'verifier', 36),
  };
  const book = new TokenBook(now);
  const first = book.issue();
  credentials.accessToken = first.access_token;
  credentials.refreshToken = first.refresh_token;

  const ctx: SimContext = {
    store: seedCompany(options.world, realmId),
    now,
    webhooks: new WebhookSender(realmId, credentials.webhookVerifierToken, now),
    written: [],
    pending: new Set(),
  };
  const faults = new FaultInjector();
  const limiter = new RateLimiter(QBO_LIMIT_RULES, options.limits, now);
  const held = new Set<() => void>();

  // Closing the simulator ends held and keep-alive connections at once instead of waiting on clients.
  const app = Fastify({ logger: false, forceCloseConnections: true });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  // Queries may be POSTed as plain text (application/text, as QuickBooks documents it).
  app.addContentTypeParser(['application/text', 'text/plain'], { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.setErrorHandler((err: FastifyError, _req, reply) => {
    let fault: QboFault;
    if (err instanceof QboFault) fault = err;
    else if (err.statusCode && err.statusCode < 500) fault = requestValidationFault('2500', 'Invalid Request', err.message);
    else fault = systemFault();
    if (fault.status === 500 && !(err instanceof QboFault)) app.log.error(err);
    void reply.code(fault.status).headers(fault.headers).send(fault.body(now()));
  });
  app.addHook('onClose', async () => {
    for (const release of [...held]) release();
    await Promise.allSettled([...ctx.pending]);
  });

  registerOAuthRoutes(app, book, { clientId: credentials.clientId, clientSecret: credentials.clientSecret, realmId });
  const guard = requestGuard({ realmId, book, limiter, faults, held });
  void app.register(apiRoutes(ctx, guard), { prefix: '/v3/company/:realmId' });
  // The invoice link's page (include=invoiceLink), so the portal's "Pay online" opens in the demo.
  app.get<{ Params: { realm: string; id: string } }>('/comm/invoice/:realm/:id', async (req, reply) => {
    const row = req.params.realm === realmId ? ctx.store.get('Invoice', req.params.id) : undefined;
    if (!row) return reply.code(404).type('text/plain').send('no such invoice');
    const b = row.body as { DocNumber?: string; Balance?: number; DueDate?: string; CurrencyRef?: { value?: string }; CustomerRef?: { name?: string } };
    return reply.type('text/html; charset=utf-8').send(payPage({
      provider: 'QuickBooks', number: b.DocNumber ?? row.id, customer: b.CustomerRef?.name ?? '', amountDue: String(b.Balance ?? ''), currency: b.CurrencyRef?.value ?? '', dueDate: b.DueDate ?? null,
    }));
  });

  return {
    app,
    control: createControl(ctx, faults),
    credentials,
    setWebhookFormat: (format) => {
      ctx.webhooks.format = format;
    },
    settled: async () => {
      await Promise.allSettled([...ctx.pending]);
    },
  };
}
