/**
 * The HubSpot simulator: CRM v3/v4 objects, search, batch, properties, associations, owners, notes
 * and tasks, the OAuth token endpoint, per-portal limits and signed webhooks, over a portal seeded
 * from the sandbox world. Point `@hubspot/api-client` at it with `new Client({ accessToken, basePath })`.
 *
 * Limit rules (names for `LimitSettings.overrides`), per portal: `ten-secondly` (private apps, 100 / 10 s,
 * 190 on the pro tier), `daily` (private apps, 250,000 / day, 650,000 on pro), `oauth-ten-secondly`
 * (OAuth tokens, 110 / 10 s), `search-secondly` (5 / s, search endpoints only, whatever the token).
 */
import Fastify from 'fastify';
import type { FastifyError } from 'fastify';
import type { Simulator, SimulatorOptions } from '../shared/contract.ts';
import { FaultInjector } from '../shared/faults.ts';
import { RateLimiter } from '../shared/rate-limit.ts';
import { TokenRegistry, registerOauthRoutes } from './auth.ts';
import { createControl } from './control.ts';
import type { HubspotSimControl } from './control.ts';
import { errorBody, HubspotHttpError, sendError, validationError } from './errors.ts';
import { registerGuard } from './guard.ts';
import { generalRules, oauthRules, searchRules } from './limits.ts';
import type { HubspotTier } from './limits.ts';
import { registerAssociationRoutes } from './routes-associations.ts';
import { registerObjectRoutes } from './routes-objects.ts';
import type { SimState } from './routes-objects.ts';
import { registerPropertyRoutes } from './routes-properties.ts';
import { seedPortal } from './seed.ts';
import { WebhookSender } from './webhooks.ts';

export {
  HUBSPOT_LIMIT_RULES,
  RULE_DAILY,
  RULE_OAUTH_TEN_SECONDLY,
  RULE_SEARCH,
  RULE_TEN_SECONDLY,
} from './limits.ts';
export { signatureV1, signatureV3 } from './webhooks.ts';
export type { HubspotSimControl } from './control.ts';

export interface HubspotSimulatorOptions extends SimulatorOptions {
  /** Private-app limits of Free/Starter (default) or Professional/Enterprise portals. */
  tier?: HubspotTier;
}

export interface HubspotSimulator extends Simulator {
  control: HubspotSimControl;
}

export function createHubspotSimulator(options: HubspotSimulatorOptions): HubspotSimulator {
  const now = options.now ?? Date.now;
  const portal = seedPortal(options.world);
  const tokens = new TokenRegistry(now);
  const faults = new FaultInjector();
  const state: SimState = { portal, writes: [], now };
  const webhooks = new WebhookSender(
    tokens.credentials.clientSecret,
    Number(portal.portalId),
    Number(tokens.credentials.appId),
    now,
  );

  // bodyLimit: batch calls of 100 records with many properties stay far below 10 MB.
  const app = Fastify({
    logger: false,
    routerOptions: { ignoreTrailingSlash: true },
    bodyLimit: 10 * 1024 * 1024,
  });
  app.setErrorHandler((error: FastifyError | HubspotHttpError, _request, reply) => {
    if (error instanceof HubspotHttpError) return sendError(reply, error);
    // Fastify's own body errors (bad JSON, wrong content type) in HubSpot's shape.
    if (error.statusCode && error.statusCode < 500) {
      return sendError(reply, validationError(`Invalid input JSON on line 1: ${error.message}`));
    }
    return reply.code(500).send(errorBody('INTERNAL_ERROR', 'internal error'));
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send(errorBody('OBJECT_NOT_FOUND', `Unable to route ${request.method} ${request.url.split('?')[0]}`)),
  );

  registerGuard(app, {
    tokens,
    faults,
    portalId: portal.portalId,
    now,
    general: new RateLimiter(generalRules(options.tier ?? 'starter'), options.limits, now),
    oauth: new RateLimiter(oauthRules(), options.limits, now),
    search: new RateLimiter(searchRules(), options.limits, now),
  });
  registerOauthRoutes(app, tokens, portal.portalId);
  registerObjectRoutes(app, state);
  registerPropertyRoutes(app, state);
  registerAssociationRoutes(app, state);

  const c = tokens.credentials;
  return {
    app,
    control: createControl(state, faults, webhooks, tokens),
    credentials: {
      accessToken: c.privateAppToken,
      clientId: c.clientId,
      clientSecret: c.clientSecret,
      refreshToken: c.refreshToken,
      portalId: portal.portalId,
      appId: c.appId,
    },
  };
}
