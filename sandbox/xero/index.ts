/**
 * The Xero simulator: Xero's identity service and the accounting endpoints Relance uses, over a
 * Xero organisation seeded from the sandbox's world, with Xero's tokens, limits, errors and
 * webhooks. xero-node 20 works against it unchanged once its API class's `basePath` is
 * `<baseUrl>/api.xro/2.0`.
 *
 * Rate-limit rule names (for `LimitSettings.overrides`): `concurrent`, `minute`, `day` (per tenant)
 * and `appminute` (per app) — the values Xero puts in `X-Rate-Limit-Problem`.
 */
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { Simulator, SimulatorOptions, WrittenBack } from '../shared/contract.ts';
import { FaultInjector } from '../shared/faults.ts';
import { createControl } from './control.ts';
import { notFound, validationError } from './errors.ts';
import { guidFor } from './format.ts';
import { makeGate } from './gate.ts';
import { addFormParser, registerIdentity, type AppIdentity } from './identity.ts';
import { registerAccounting } from './accounting.ts';
import { XeroLimits } from './limits.ts';
import { prepaymentFor, seedStore } from './seed.ts';
import type { XeroPrepayment } from './types.ts';
import { TokenIssuer } from './tokens.ts';
import { WebhookSender, type IntentResult } from './webhooks.ts';
import { payPage } from '../shared/pay-page.ts';

export { XERO_RULE_NAMES, TENANT_RULES, APP_RULES } from './limits.ts';
export { signBody } from './webhooks.ts';
export type { IntentResult } from './webhooks.ts';

/** The scopes the sandbox's initial token carries (what Relance asks for). */
export const DEFAULT_SCOPE = 'openid profile email offline_access accounting.transactions accounting.contacts accounting.settings.read';

export interface XeroSimulatorOptions extends SimulatorOptions {
  /** How long a `timeout` fault holds a request; 30 s unless a test wants it shorter. */
  timeoutHoldMs?: number;
}

export interface XeroSimulator extends Simulator {
  /** Runs Xero's intent-to-receive check against a webhook endpoint. */
  intentToReceive(url: string): Promise<IntentResult>;
  /** The one organisation's tenant id (also in `credentials`). */
  tenantId: string;
  /**
   * Money a customer paid before any invoice (a RECEIVE-PREPAYMENT), as a Xero user records it;
   * `customerId` is the world's id or the ContactID. The world seeds none.
   */
  recordPrepayment(input: { customerId: string; amountMinor: number; date: string; reference?: string }): XeroPrepayment;
}

export function createXeroSimulator(options: XeroSimulatorOptions): XeroSimulator {
  const now = options.now ?? Date.now;
  const store = seedStore(options.world);
  const seed = options.world.seed;
  const ident: AppIdentity = {
    // Xero client ids are 32 upper-case hex characters.
    clientId: guidFor(seed, 'client', 'id').replace(/-/g, '').toUpperCase(),
    clientSecret: guidFor(seed, 'client', 'secret').replace(/-/g, '') + guidFor(seed, 'client', 'secret2').slice(0, 16),
    tenantId: store.tenantId,
    tenantName: store.organisationName,
    connectionId: guidFor(seed, 'connection', 'xero'),
    authEventId: guidFor(seed, 'auth-event', 'xero'),
    createdMs: now(),
  };
  const webhookKey = Buffer.from(guidFor(seed, 'webhook', 'key') + guidFor(seed, 'webhook', 'key2')).toString('base64').slice(0, 88);
  const tokens = new TokenIssuer(seed, now);
  const initial = tokens.issue(DEFAULT_SCOPE);
  const faults = new FaultInjector();
  const written: WrittenBack[] = [];
  const holds = new Set<() => void>();

  const app = Fastify({ logger: false, forceCloseConnections: true });
  const webhooks = new WebhookSender(webhookKey, store.tenantId, () => baseUrlOf(app));
  addFormParser(app);
  registerIdentity(app, ident, tokens);
  // The online invoice's page (GET …/OnlineInvoice), so the portal's "Pay online" opens in the demo.
  app.get<{ Params: { id: string } }>('/in.xero.com/:id', async (req, reply) => {
    const inv = [...store.invoices.since(null)].map((r) => r.json).find((i) => i.InvoiceID.replace(/-/g, '') === req.params.id);
    if (!inv) return reply.code(404).type('text/plain').send('no such invoice');
    return reply.type('text/html; charset=utf-8').send(payPage({
      provider: 'Xero', number: inv.InvoiceNumber, customer: inv.Contact?.Name ?? '', amountDue: String(inv.AmountDue), currency: inv.CurrencyCode, dueDate: inv.DueDateString?.slice(0, 10) ?? null,
    }));
  });
  app.register(
    async (api) => {
      api.addHook('onRequest', makeGate({ faults, tokens, limits: new XeroLimits(options.limits, now), tenantId: store.tenantId, now, timeoutHoldMs: options.timeoutHoldMs ?? 30_000, holds }));
      api.setNotFoundHandler((_request, reply) => notFound(reply));
      api.setErrorHandler((error: FastifyError, _request, reply) => {
        // A body Xero cannot read is a validation failure in Xero's shape, not Fastify's.
        if (error.statusCode && error.statusCode < 500) return validationError(reply, [error.message]);
        return reply.code(500).send({ ErrorNumber: 500, Type: 'UnknownErrorException', Message: error.message });
      });
      registerAccounting(api, { store, now, written, webhooks });
    },
    { prefix: '/api.xro/2.0' },
  );
  app.addHook('onClose', async () => {
    for (const release of [...holds]) release();
  });

  const control = createControl({ store, faults, webhooks, written, now });
  return {
    app,
    control,
    tenantId: store.tenantId,
    credentials: {
      tenantId: store.tenantId,
      clientId: ident.clientId,
      clientSecret: ident.clientSecret,
      accessToken: initial.access_token,
      refreshToken: initial.refresh_token ?? '',
      webhookKey,
    },
    intentToReceive: (url) => webhooks.intentToReceive(url),
    recordPrepayment(input) {
      const contactId = store.xeroId('contact', input.customerId);
      const contact = store.contacts.get(contactId.toLowerCase());
      if (!contact) throw new Error(`no Xero contact ${input.customerId}`);
      if (!Number.isInteger(input.amountMinor) || input.amountMinor <= 0) throw new Error('amountMinor must be a positive integer');
      const row = prepaymentFor(store, `run:${store.next()}`, contact.id, input.amountMinor, contact.json.DefaultCurrency, input.date, input.reference ?? '', now());
      store.prepayments.put(row);
      return row.json;
    },
  };
}

function baseUrlOf(app: FastifyInstance): string {
  const address = app.server.address();
  if (address && typeof address === 'object') return `http://127.0.0.1:${address.port}`;
  return 'https://api.xero.com';
}
