/**
 * The OAuth apps this installation holds (core/config's `RELANCE_<PROVIDER>_*` settings) with each
 * provider's own URLs where no override is set, and how a connect from the console starts: the
 * provider's consent URL carrying a sealed state that names the organization and who asked.
 */
import { connectorFor } from '../../connectors/index.ts';
import { HUBSPOT_API_URL, HUBSPOT_AUTHORIZE_URL, HUBSPOT_TOKEN_URL } from '../../connectors/hubspot/profile.ts';
import { QUICKBOOKS_API_URL, QUICKBOOKS_AUTHORIZE_URL, QUICKBOOKS_TOKEN_URL } from '../../connectors/quickbooks/profile.ts';
import { XERO_API_BASE_URL, XERO_AUTHORIZE_URL, XERO_TOKEN_URL } from '../../connectors/xero/profile.ts';
import type { Config } from '../../core/config.ts';
import type { Provider } from '../../core/connections/index.ts';
import type { KeyRing } from '../../core/crypto.ts';
import { sealState } from './state.ts';

export interface ProviderApp {
  clientId: string;
  clientSecret: string;
  authorizeUrl: string;
  tokenUrl: string;
  apiUrl: string;
  webhookKey: string | null;
}

/** The configured apps; a provider absent here cannot be connected from the console. */
export type ProviderApps = Partial<Record<Provider, ProviderApp>>;

const PROVIDER_URLS: Record<Provider, Pick<ProviderApp, 'authorizeUrl' | 'tokenUrl' | 'apiUrl'>> = {
  quickbooks: { authorizeUrl: QUICKBOOKS_AUTHORIZE_URL, tokenUrl: QUICKBOOKS_TOKEN_URL, apiUrl: QUICKBOOKS_API_URL },
  xero: { authorizeUrl: XERO_AUTHORIZE_URL, tokenUrl: XERO_TOKEN_URL, apiUrl: XERO_API_BASE_URL },
  hubspot: { authorizeUrl: HUBSPOT_AUTHORIZE_URL, tokenUrl: HUBSPOT_TOKEN_URL, apiUrl: HUBSPOT_API_URL },
};

/** The settings' apps with the providers' own URLs filled in. */
export function providerAppsFrom(settings: Config['providerApps']): ProviderApps {
  const apps: ProviderApps = {};
  for (const [provider, app] of Object.entries(settings) as [Provider, NonNullable<Config['providerApps'][Provider]>][]) {
    const urls = PROVIDER_URLS[provider];
    apps[provider] = {
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      authorizeUrl: app.authorizeUrl ?? urls.authorizeUrl,
      tokenUrl: app.tokenUrl ?? urls.tokenUrl,
      apiUrl: (app.apiUrl ?? urls.apiUrl).replace(/\/$/, ''),
      webhookKey: app.webhookKey,
    };
  }
  return apps;
}

export interface ConsoleAuthorization {
  provider: Provider;
  organizationId: string;
  /** Who asked (`user:<id>`): the callback's audit row names them. */
  actor: string;
  redirectUri: string;
  /** A reconnect: the callback renews this connection and refuses another account. */
  connectionId?: string;
  /** The starting browser's binding (binding.ts): only that browser's callback is accepted. */
  binding?: string;
}

/** The provider's consent URL for a connect started from the console. */
export function consoleAuthorizationUrl(keys: KeyRing, app: ProviderApp, request: ConsoleAuthorization): string {
  const state = sealState(keys, {
    provider: request.provider,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    baseUrl: app.apiUrl,
    tokenUrl: app.tokenUrl,
    redirectUri: request.redirectUri,
    webhookKey: app.webhookKey,
    organization: null,
    organizationId: request.organizationId,
    actor: request.actor,
    ...(request.connectionId ? { connectionId: request.connectionId } : {}),
    ...(request.binding ? { binding: request.binding } : {}),
    extra: {},
  });
  return connectorFor(request.provider).auth.authorizationUrl({ clientId: app.clientId, redirectUri: request.redirectUri, state, authorizeUrl: app.authorizeUrl });
}
