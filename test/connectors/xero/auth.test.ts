/**
 * Xero's OAuth with nock: the consent URL, the code exchange, the single-use refresh grant (the new
 * refresh token replaces the old), the refused grant, and the tenant list and choice.
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthExpired, ConfigError, InvalidInput } from '../../../core/errors.ts';
import { xeroConnector } from '../../../connectors/xero/index.ts';
import { chooseTenant, connectionsUrlFor, listTenants } from '../../../connectors/xero/auth.ts';
import { BASE_URL, TENANT, TOKEN_URL } from './support.ts';

const IDENTITY = 'https://identity.xero.com';
const BASIC = `Basic ${Buffer.from('CLIENTID:secret').toString('base64')}`;
const settings = { accountId: TENANT, clientId: 'CLIENTID', clientSecret: 'secret', baseUrl: BASE_URL, tokenUrl: TOKEN_URL };

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('xero OAuth', () => {
  it('sends the user to Xero with offline_access in the scope', () => {
    const url = new URL(xeroConnector.auth.authorizationUrl({ clientId: 'CLIENTID', redirectUri: 'http://127.0.0.1:3000/oauth/xero/callback', state: 's1' }));
    expect(url.origin + url.pathname).toBe('https://login.xero.com/identity/connect/authorize');
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('scope')!.split(' ')).toContain('offline_access');
    expect(url.searchParams.get('state')).toBe('s1');
    const sandbox = xeroConnector.auth.authorizationUrl({ clientId: 'C', redirectUri: 'http://x/cb', state: 's', authorizeUrl: 'http://127.0.0.1:9/identity/connect/authorize' });
    expect(sandbox.startsWith('http://127.0.0.1:9/identity/connect/authorize?')).toBe(true);
  });

  it('exchanges the code with HTTP Basic client authentication', async () => {
    let form: URLSearchParams | null = null;
    let auth: string | undefined;
    nock(IDENTITY)
      .post('/connect/token')
      .reply(function (_uri, body) {
        form = new URLSearchParams(body as string);
        auth = this.req.headers.authorization as string;
        return [200, { access_token: 'at-1', refresh_token: 'rt-1', expires_in: 1800, token_type: 'Bearer', scope: 'offline_access' }];
      });
    const before = Date.now();
    const tokens = await xeroConnector.auth.exchangeCode({ ...settings, redirectUri: 'http://x/cb', code: 'the-code' });
    expect(auth).toBe(BASIC);
    expect(Object.fromEntries(form!)).toEqual({ grant_type: 'authorization_code', code: 'the-code', redirect_uri: 'http://x/cb' });
    expect(tokens.accessToken).toBe('at-1');
    expect(tokens.refreshToken).toBe('rt-1');
    expect(tokens.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 1_800_000);
  });

  it('refuses a used code (invalid_grant) and wrong client credentials (invalid_client) distinctly', async () => {
    nock(IDENTITY).post('/connect/token').reply(400, { error: 'invalid_grant' }).post('/connect/token').reply(400, { error: 'invalid_client' });
    await expect(xeroConnector.auth.exchangeCode({ ...settings, redirectUri: 'http://x/cb', code: 'used' })).rejects.toBeInstanceOf(AuthExpired);
    await expect(xeroConnector.auth.exchangeCode({ ...settings, redirectUri: 'http://x/cb', code: 'c' })).rejects.toBeInstanceOf(ConfigError);
  });

  it('refreshes with the single-use refresh token and returns the new one', async () => {
    let form: Record<string, string> = {};
    nock(IDENTITY)
      .post('/connect/token')
      .basicAuth({ user: 'CLIENTID', pass: 'secret' })
      .reply((_uri, body) => {
        form = Object.fromEntries(new URLSearchParams(body as string));
        return [200, { access_token: 'at-2', refresh_token: 'rt-2', expires_in: 1800, token_type: 'Bearer' }];
      });
    const tokens = await xeroConnector.auth.refreshGrant(settings)('rt-1');
    expect(form).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt-1' });
    expect(tokens).toMatchObject({ accessToken: 'at-2', refreshToken: 'rt-2' });
  });

  it('reads a refused refresh as AuthExpired (the connection then needs re-authorization)', async () => {
    nock(IDENTITY).post('/connect/token').reply(400, { error: 'invalid_grant' });
    await expect(xeroConnector.auth.refreshGrant(settings)('rt-old')).rejects.toBeInstanceOf(AuthExpired);
  });
});

describe('xero tenants', () => {
  const tenants = [
    { id: 'c1', authEventId: 'e', tenantId: TENANT, tenantType: 'ORGANISATION', tenantName: 'Fenwick Ltd', createdDateUtc: '2026-01-01T00:00:00.0000000', updatedDateUtc: '2026-01-01T00:00:00.0000000' },
    { id: 'c2', authEventId: 'e', tenantId: 'p-1', tenantType: 'PRACTICEMANAGER', tenantName: 'Practice', createdDateUtc: '', updatedDateUtc: '' },
  ];

  it('finds /connections next to the API base, for Xero and for the sandbox', () => {
    expect(connectionsUrlFor(BASE_URL)).toBe('https://api.xero.com/connections');
    expect(connectionsUrlFor('http://127.0.0.1:4567/api.xro/2.0')).toBe('http://127.0.0.1:4567/connections');
  });

  it('lists the organisations a token reaches, with the bearer token', async () => {
    nock('https://api.xero.com').get('/connections').matchHeader('authorization', 'Bearer at-1').reply(200, tenants);
    const found = await listTenants('at-1', 'https://api.xero.com/connections');
    expect(found.map((t) => t.tenantName)).toEqual(['Fenwick Ltd']);
  });

  it('refuses an answer that is not a tenant list', async () => {
    nock('https://api.xero.com').get('/connections').reply(200, { tenants: [] });
    await expect(listTenants('at-1', 'https://api.xero.com/connections')).rejects.toThrow(/xero connections: unexpected answer/);
  });

  it('picks the only tenant, or the one named, and otherwise asks', () => {
    const one = [{ tenantId: TENANT, tenantType: 'ORGANISATION', tenantName: 'Fenwick Ltd' }];
    const two = [...one, { tenantId: 't-2', tenantType: 'ORGANISATION', tenantName: 'Fenwick SAS' }];
    expect(chooseTenant(one).tenantId).toBe(TENANT);
    expect(chooseTenant(two, 'Fenwick SAS').tenantId).toBe('t-2');
    expect(() => chooseTenant(two)).toThrow(InvalidInput);
    expect(() => chooseTenant(two)).toThrow(/tenant: the consent reaches 2 organisations/);
    expect(() => chooseTenant(two, 'Nope')).toThrow(/tenant: "Nope" is not one of/);
    expect(() => chooseTenant([])).toThrow(ConfigError);
  });
});
