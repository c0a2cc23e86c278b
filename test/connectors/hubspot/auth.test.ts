/** HubSpot OAuth with nock: authorization URL, code exchange (client credentials in the body), refresh, and a dead refresh token. */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthExpired } from '../../../core/errors.ts';
import { hubspotConnector } from '../../../connectors/hubspot/index.ts';
import { API, PORTAL } from './support.ts';

const settings = { accountId: PORTAL, clientId: 'client-id', clientSecret: 'client-secret', baseUrl: API, tokenUrl: `${API}/oauth/v1/token` };

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('hubspot oauth', () => {
  it('builds the authorization URL with the scopes, state and redirect', () => {
    const url = new URL(hubspotConnector.auth.authorizationUrl({ clientId: 'client-id', redirectUri: 'https://relance.example/oauth/hubspot/callback', state: 's1' }));
    expect(url.origin + url.pathname).toBe('https://app.hubspot.com/oauth/authorize');
    expect(url.searchParams.get('state')).toBe('s1');
    expect(url.searchParams.get('scope')).toContain('crm.objects.companies.write');
  });

  it('trades a code for tokens, the client credentials in the form body', async () => {
    let form: URLSearchParams | undefined;
    nock(API).post('/oauth/v1/token').reply(200, (_uri, body) => {
      form = new URLSearchParams(String(body));
      return { access_token: 'at-1', refresh_token: 'rt-1', expires_in: 1800, token_type: 'bearer' };
    });
    const tokens = await hubspotConnector.auth.exchangeCode({ clientId: 'client-id', clientSecret: 'client-secret', tokenUrl: settings.tokenUrl, redirectUri: 'https://relance.example/cb', code: 'code-1' });
    expect(tokens).toMatchObject({ accessToken: 'at-1', refreshToken: 'rt-1' });
    expect(Object.fromEntries(form!)).toMatchObject({ grant_type: 'authorization_code', code: 'code-1', client_id: 'client-id', client_secret: 'client-secret' });
  });

  it('refreshes, keeping the refresh token HubSpot does not rotate', async () => {
    nock(API).post('/oauth/v1/token').reply(200, { access_token: 'at-2', expires_in: 1800 });
    const tokens = await hubspotConnector.auth.refreshGrant(settings)('rt-1');
    expect(tokens).toMatchObject({ accessToken: 'at-2', refreshToken: 'rt-1' });
  });

  it("reads HubSpot's BAD_REFRESH_TOKEN (a 400, not invalid_grant) as a grant that is gone", async () => {
    nock(API).post('/oauth/v1/token').reply(400, { status: 'BAD_REFRESH_TOKEN', message: 'missing or unknown refresh token', correlationId: 'c' });
    await expect(hubspotConnector.auth.refreshGrant(settings)('rt-dead')).rejects.toBeInstanceOf(AuthExpired);
  });
});
