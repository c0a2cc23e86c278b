/**
 * The providers this installation can connect (an OAuth app configured for each, server/oauth's
 * provider apps): what the console's "connect" buttons offer. Any logged-in user may ask.
 */
import type { FastifyInstance } from 'fastify';
import { PROVIDERS } from '../../core/connections/index.ts';
import type { ProviderApps } from '../oauth/provider-apps.ts';
import type { ApiScope } from './context.ts';
import { defineRoute } from './route.ts';

export function providerRoutes(app: FastifyInstance, scope: ApiScope, apps: ProviderApps): void {
  defineRoute(app, scope.registry, { method: 'GET', url: '/api/providers', summary: 'Providers and whether an app is configured to connect each', tag: 'connections' }, async () => ({
    items: PROVIDERS.map((provider) => ({ provider, configured: apps[provider] !== undefined })),
  }));
}
