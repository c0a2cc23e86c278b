/**
 * Xero's OAuth 2.0: the consent URL, the code exchange and the refresh grant against a configurable
 * token URL (xero-node's own OAuth client discovers `https://identity.xero.com` and cannot be pointed
 * at the sandbox), and the tenant list that tells which organisation the user connected.
 */
import { ConfigError, InvalidInput } from '../../core/errors.ts';
import { ensureOk, oauthRefreshGrant, type OAuthClient, type RefreshGrant, type TokenSet } from '../../core/http/index.ts';
import { exchangeAuthorizationCode } from '../../core/http/oauth-code-exchange.ts';
import type { AuthorizationRequest, CodeExchange, ConnectionSettings, ConnectorAuth } from '../contract.ts';
import { XERO_AUTHORIZE_URL, XERO_SCOPES } from './profile.ts';
import { tenantsSchema, type XeroTenant } from './schemas.ts';

// https://developer.xero.com/documentation/guides/oauth2/auth-flow#3-exchange-the-code — the client
// authenticates with HTTP Basic.
function client(settings: Pick<ConnectionSettings, 'clientId' | 'clientSecret' | 'tokenUrl'>): OAuthClient {
  return { provider: 'xero', tokenUrl: settings.tokenUrl, clientId: settings.clientId, clientSecret: settings.clientSecret, clientAuth: 'basic' };
}

/** https://developer.xero.com/documentation/guides/oauth2/auth-flow#1-send-a-user-to-authorize-your-app */
export function authorizationUrl(request: AuthorizationRequest): string {
  const url = new URL(request.authorizeUrl ?? XERO_AUTHORIZE_URL);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', request.clientId);
  url.searchParams.set('redirect_uri', request.redirectUri);
  url.searchParams.set('scope', XERO_SCOPES.join(' '));
  url.searchParams.set('state', request.state);
  return url.toString();
}

export function exchangeCode(exchange: CodeExchange): Promise<TokenSet> {
  return exchangeAuthorizationCode(client(exchange), { code: exchange.code, redirectUri: exchange.redirectUri });
}

/**
 * https://developer.xero.com/documentation/guides/oauth2/auth-flow#refreshing-access-tokens — the
 * refresh token is single-use and every refresh returns a new one; core/http's `TokenRefresher`
 * serializes refreshes per connection and stores the new pair before anyone uses it.
 */
export function refreshGrant(settings: ConnectionSettings): RefreshGrant {
  return oauthRefreshGrant(client(settings));
}

/** Where the tenant list lives for an API base URL: `<origin>/connections`, beside `/api.xro/2.0`. */
export function connectionsUrlFor(baseUrl: string): string {
  return new URL('/connections', baseUrl).toString();
}

/**
 * The organisations a fresh token may reach; the user picks one (Relance stores it as the
 * connection's `accountId`, sent as `xero-tenant-id` on every call).
 * https://developer.xero.com/documentation/guides/oauth2/auth-flow#5-check-the-tenants-youre-authorized-to-access
 */
export async function listTenants(accessToken: string, connectionsUrl: string): Promise<XeroTenant[]> {
  const response = await ensureOk(await fetch(connectionsUrl, { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } }));
  const parsed = tenantsSchema.safeParse(await response.json().catch(() => null));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidInput(`xero connections: unexpected answer at ${issue?.path.join('.') || 'body'}: ${issue?.message ?? ''}`, { field: 'connections' });
  }
  return parsed.data.filter((t) => t.tenantType === 'ORGANISATION');
}

/** The tenant to connect: the one asked for, or the only one; anything else is a choice the user must make. */
export function chooseTenant(tenants: readonly XeroTenant[], wanted?: string | null): XeroTenant {
  if (wanted) {
    const found = tenants.find((t) => t.tenantId === wanted || t.tenantName === wanted);
    if (!found) throw new InvalidInput(`tenant: "${wanted}" is not one of the organisations this consent reaches (${tenants.map((t) => t.tenantName ?? t.tenantId).join(', ') || 'none'})`, { field: 'tenant' });
    return found;
  }
  if (tenants.length === 1) return tenants[0]!;
  if (tenants.length === 0) throw new ConfigError('xero: the consent reaches no organisation: connect again and pick one', { field: 'tenant' });
  throw new InvalidInput(`tenant: the consent reaches ${tenants.length} organisations; name one (${tenants.map((t) => t.tenantName ?? t.tenantId).join(', ')})`, { field: 'tenant' });
}

export const xeroAuth: ConnectorAuth = { authorizationUrl, exchangeCode, refreshGrant };
