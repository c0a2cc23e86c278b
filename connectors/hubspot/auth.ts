/**
 * HubSpot's OAuth 2.0: the authorization URL, the code exchange and the refresh grant (core/http's
 * standard ones, client credentials in the form body). Refresh tokens are long-lived and do not
 * rotate; access tokens last 30 minutes. A private-app token needs none of this: it is a static
 * bearer stored as the access token with no expiry to speak of.
 * https://developers.hubspot.com/docs/api/oauth-quickstart-guide
 * https://developers.hubspot.com/docs/api/oauth/tokens
 */
import { exchangeAuthorizationCode } from '../../core/http/oauth-code-exchange.ts';
import { AuthExpired, InvalidInput } from '../../core/errors.ts';
import { oauthRefreshGrant, type RefreshGrant } from '../../core/http/index.ts';
import type { ConnectorAuth } from '../contract.ts';
import { HUBSPOT_AUTHORIZE_URL, HUBSPOT_SCOPES } from './profile.ts';

export const hubspotAuth: ConnectorAuth = {
  authorizationUrl({ clientId, redirectUri, state, authorizeUrl }) {
    const url = new URL(authorizeUrl ?? HUBSPOT_AUTHORIZE_URL);
    url.searchParams.set('client_id', clientId);
    url.searchParams.set('redirect_uri', redirectUri);
    url.searchParams.set('scope', HUBSPOT_SCOPES.join(' '));
    url.searchParams.set('state', state);
    return url.toString();
  },

  exchangeCode({ clientId, clientSecret, tokenUrl, redirectUri, code }) {
    return exchangeAuthorizationCode({ provider: 'hubspot', tokenUrl, clientId, clientSecret, clientAuth: 'body' }, { code, redirectUri });
  },

  refreshGrant(settings): RefreshGrant {
    const grant = oauthRefreshGrant({ provider: 'hubspot', tokenUrl: settings.tokenUrl, clientId: settings.clientId, clientSecret: settings.clientSecret, clientAuth: 'body' });
    return async (refreshToken) => {
      try {
        return await grant(refreshToken);
      } catch (error) {
        // HubSpot answers a dead grant with 400 `{"status": "BAD_REFRESH_TOKEN"}`, not RFC 6749's
        // `invalid_grant`: a 400 from the token endpoint means the user must reconnect.
        if (error instanceof InvalidInput && error.details.status === 400) throw new AuthExpired(error.message, { ...error.details }, { cause: error });
        throw error;
      }
    };
  },
};
