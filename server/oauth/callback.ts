/**
 * `GET /oauth/:provider/callback`: where the provider sends the user back after consent, with
 * `code`, `state` and (QuickBooks) `realmId`. The state says which app and organization this is;
 * the code is exchanged for tokens and the connection stored.
 * https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0
 */
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { z } from 'zod';
import { connectorFor } from '../../connectors/index.ts';
import type { KeyRing } from '../../core/crypto.ts';
import { InvalidInput } from '../../core/errors.ts';
import { completeConnection } from './complete-connection.ts';
import { openState } from './state.ts';

const callbackQuery = z.object({
  code: z.string().min(1).optional(),
  state: z.string().min(1, 'missing'),
  realmId: z.string().min(1).optional(),
  error: z.string().optional(),
});

export async function oauthCallbackRoutes(app: FastifyInstance, deps: { pool: pg.Pool; keys: KeyRing }): Promise<void> {
  app.get<{ Params: { provider: string } }>('/oauth/:provider/callback', async (request, reply) => {
    const parsed = callbackQuery.safeParse(request.query);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new InvalidInput(`${issue.path.join('.')}: ${issue.message}`, { field: issue.path.join('.') });
    }
    const query = parsed.data;
    const state = openState(deps.keys, query.state);
    if (state.provider !== request.params.provider) throw new InvalidInput(`state: issued for ${state.provider}, not ${request.params.provider}`, { field: 'state' });
    if (query.error) throw new InvalidInput(`${state.provider} refused the authorization: ${query.error}`, { field: 'error' });
    if (!query.code) throw new InvalidInput('code: missing', { field: 'code' });
    // QuickBooks names the company (realm) on the redirect only.
    if (!query.realmId) throw new InvalidInput('realmId: missing', { field: 'realmId' });
    const connector = connectorFor(state.provider);
    const tokens = await connector.auth.exchangeCode({ clientId: state.clientId, clientSecret: state.clientSecret, tokenUrl: state.tokenUrl, redirectUri: state.redirectUri, code: query.code });
    const connection = await completeConnection(deps, {
      provider: state.provider,
      settings: { accountId: query.realmId, clientId: state.clientId, clientSecret: state.clientSecret, baseUrl: state.baseUrl, tokenUrl: state.tokenUrl, webhookKey: state.webhookKey, extra: state.extra },
      tokens,
      organization: state.organization,
    });
    return reply.send({ connectionId: connection.id, provider: connection.provider, accountId: connection.accountId, displayName: connection.displayName, organizationId: connection.organizationId });
  });
}
