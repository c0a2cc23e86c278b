/**
 * Connects the sandbox's three accounts as a user would after the OAuth dance: the sandbox prints
 * ready tokens, so the demo stores them directly (encrypted) through the same path as the callback.
 */
import type pg from 'pg';
import { registeredProviders } from '../../connectors/index.ts';
import type { ConnectionRecord, ConnectionSettings, Provider } from '../../core/connections/index.ts';
import type { KeyRing } from '../../core/crypto.ts';
import type { RunningSandbox } from '../../sandbox/index.ts';
import { completeConnection, type ProviderApp } from '../../server/oauth/index.ts';

/** The sandbox's OAuth apps, its own URLs in place of the providers': the console's Connect buttons complete against it. */
export function sandboxProviderApps(sandbox: RunningSandbox): Record<Provider, ProviderApp> {
  const { quickbooks: q, xero: x, hubspot: h } = sandbox;
  return {
    quickbooks: {
      clientId: q.clientId!, clientSecret: q.clientSecret!, authorizeUrl: `${q.baseUrl}/connect/oauth2`,
      tokenUrl: `${q.baseUrl}/oauth2/v1/tokens/bearer`, apiUrl: q.baseUrl, webhookKey: q.webhookVerifierToken ?? null,
    },
    xero: {
      clientId: x.clientId!, clientSecret: x.clientSecret!, authorizeUrl: `${x.baseUrl}/identity/connect/authorize`,
      tokenUrl: `${x.baseUrl}/connect/token`, apiUrl: `${x.baseUrl}/api.xro/2.0`, webhookKey: x.webhookKey ?? null,
    },
    hubspot: {
      clientId: h.clientId!, clientSecret: h.clientSecret!, authorizeUrl: `${h.baseUrl}/oauth/authorize`,
      tokenUrl: `${h.baseUrl}/oauth/v1/token`, apiUrl: h.baseUrl, webhookKey: h.clientSecret ?? null,
    },
  };
}

/** The settings of each sandbox account as its connector expects them, with the tokens the sandbox printed. */
function sandboxSettings(sandbox: RunningSandbox): Record<Provider, { settings: ConnectionSettings; access: string; refresh: string }> {
  const apps = sandboxProviderApps(sandbox);
  const settingsOf = (provider: Provider, accountId: string): ConnectionSettings => {
    const app = apps[provider];
    return { accountId, clientId: app.clientId, clientSecret: app.clientSecret, baseUrl: app.apiUrl, tokenUrl: app.tokenUrl, webhookKey: app.webhookKey };
  };
  const { quickbooks: q, xero: x, hubspot: h } = sandbox;
  return {
    // The sandbox company defines these string custom fields (Dunning stage, Dunning status).
    quickbooks: { settings: { ...settingsOf('quickbooks', q.realmId!), extra: { stageFieldId: '1', disputeFieldId: '2' } }, access: q.accessToken!, refresh: q.refreshToken! },
    xero: { settings: settingsOf('xero', x.tenantId!), access: x.accessToken!, refresh: x.refreshToken! },
    hubspot: { settings: settingsOf('hubspot', h.portalId!), access: h.accessToken!, refresh: h.refreshToken ?? h.accessToken! },
  };
}

export interface SandboxConnections {
  connections: Partial<Record<Provider, ConnectionRecord>>;
  /** Providers the sandbox serves but that have no connector yet. */
  missing: Provider[];
}

/**
 * QuickBooks and HubSpot form one organization (the accounting system and its CRM); Xero is a
 * second organization, as a group with two companies would have.
 */
export async function connectSandbox(
  deps: { pool: pg.Pool; keys: KeyRing },
  sandbox: RunningSandbox,
  /** Which accounts; the browser test leaves QuickBooks to the console's Connect button. */
  providers: readonly Provider[] = ['quickbooks', 'xero', 'hubspot'],
): Promise<SandboxConnections> {
  const all = sandboxSettings(sandbox);
  const available = new Set(registeredProviders());
  const organizations: Record<Provider, string> = {
    quickbooks: sandbox.world.quickbooks.organizationName,
    hubspot: sandbox.world.quickbooks.organizationName,
    xero: sandbox.world.xero.organizationName,
  };
  const connections: SandboxConnections['connections'] = {};
  const missing: Provider[] = [];
  for (const provider of providers) {
    if (!available.has(provider)) {
      missing.push(provider);
      continue;
    }
    const { settings, access, refresh } = all[provider];
    connections[provider] = await completeConnection(deps, {
      provider,
      settings,
      tokens: { accessToken: access, refreshToken: refresh, expiresAt: new Date(Date.now() + 25 * 60 * 1000) },
      organization: organizations[provider],
    });
  }
  return { connections, missing };
}
