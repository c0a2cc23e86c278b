/**
 * Intuit's OAuth 2.0: the authorization URL, the code exchange, and the refresh grant (core/http's
 * standard one, with HTTP Basic client authentication). The refresh token may change on every
 * refresh: the token refresher always stores the newest.
 * https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0
 */
import { z } from 'zod';
import { AuthExpired, InvalidInput } from '../../core/errors.ts';
import { failureFromResponse, classifyHttpFailure, oauthRefreshGrant, type TokenSet } from '../../core/http/index.ts';
import type { ConnectorAuth } from '../contract.ts';
import { QUICKBOOKS_AUTHORIZE_URL, QUICKBOOKS_SCOPE } from './profile.ts';

const tokenAnswer = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.coerce.number().positive(),
});

export const quickbooksAuth: ConnectorAuth = {
  authorizationUrl({ clientId, redirectUri, state, authorizeUrl }) {
    const url = new URL(authorizeUrl ?? QUICKBOOKS_AUTHORIZE_URL);
    url.searchParams.set('client_id', clientId);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('scope', QUICKBOOKS_SCOPE);
    url.searchParams.set('redirect_uri', redirectUri);
    url.searchParams.set('state', state);
    return url.toString();
  },

  async exchangeCode({ clientId, clientSecret, tokenUrl, redirectUri, code }): Promise<TokenSet> {
    const response = await fetch(tokenUrl, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }),
    });
    if (!response.ok) {
      const failure = await failureFromResponse(response);
      const oauthError = (failure.body as { error?: unknown } | null)?.error;
      // An unknown, used or expired code: the user has to start the connection again.
      if (oauthError === 'invalid_grant') throw new AuthExpired('quickbooks: the authorization code was refused (invalid_grant): connect again', { provider: 'quickbooks' });
      throw classifyHttpFailure(failure, { provider: 'quickbooks' });
    }
    const parsed = tokenAnswer.safeParse(await response.json().catch(() => null));
    if (!parsed.success) throw new InvalidInput(`quickbooks token endpoint: unexpected answer (${parsed.error.issues[0]?.path.join('.') || 'body'})`, { field: 'token response' });
    return { accessToken: parsed.data.access_token, refreshToken: parsed.data.refresh_token, expiresAt: new Date(Date.now() + parsed.data.expires_in * 1000) };
  },

  refreshGrant(settings) {
    return oauthRefreshGrant({ provider: 'quickbooks', tokenUrl: settings.tokenUrl, clientId: settings.clientId, clientSecret: settings.clientSecret, clientAuth: 'basic' });
  },
};
