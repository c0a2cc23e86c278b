/**
 * Connects the sandbox's three accounts as a user would after the OAuth dance: the sandbox prints
 * ready tokens, so the demo stores them directly (encrypted) through the same path as the callback.
 */
import type pg from 'pg';
import { registeredProviders } from '../../connectors/index.ts';
import type { ConnectionRecord, ConnectionSettings, Provider } from '../../core/connections/index.ts';
import type { KeyRing } from '../../core/crypto.ts';
import type { RunningSandbox } from '../../sandbox/index.ts';
import { completeConnection } from '../../server/oauth/index.ts';

/** The settings of each sandbox account as its connector expects them. */
function sandboxSettings(sandbox: RunningSandbox): Record<Provider, { settings: ConnectionSettings; access: string; refresh: string }> {
  const { quickbooks: q, xero: x, hubspot: h } = sandbox;
  return {
    quickbooks: {
      settings: {
        accountId: q.realmId!, clientId: q.clientId!, clientSecret: q.clientSecret!, baseUrl: q.baseUrl,
        tokenUrl: `${q.baseUrl}/oauth2/v1/tokens/bearer`, webhookKey: q.webhookVerifierToken ?? null,
        // The sandbox company defines these string custom fields (Dunning stage, Dunning status).
        extra: { stageFieldId: '1', disputeFieldId: '2' },
      },
      access: q.accessToken!, refresh: q.refreshToken!,
    },
    xero: {
      settings: {
        accountId: x.tenantId!, clientId: x.clientId!, clientSecret: x.clientSecret!, baseUrl: `${x.baseUrl}/api.xro/2.0`,
        tokenUrl: `${x.baseUrl}/connect/token`, webhookKey: x.webhookKey ?? null,
      },
      access: x.accessToken!, refresh: x.refreshToken!,
    },
    hubspot: {
      settings: {
        accountId: h.portalId!, clientId: h.clientId!, clientSecret: h.clientSecret!, baseUrl: h.baseUrl,
        tokenUrl: `${h.baseUrl}/oauth/v1/token`, webhookKey: h.clientSecret ?? null,
      },
      access: h.accessToken!, refresh: h.refreshToken ?? h.accessToken!,
    },
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
export async function connectSandbox(deps: { pool: pg.Pool; keys: KeyRing }, sandbox: RunningSandbox): Promise<SandboxConnections> {
  const all = sandboxSettings(sandbox);
  const available = new Set(registeredProviders());
  const organizations: Record<Provider, string> = {
    quickbooks: sandbox.world.quickbooks.organizationName,
    hubspot: sandbox.world.quickbooks.organizationName,
    xero: sandbox.world.xero.organizationName,
  };
  const connections: SandboxConnections['connections'] = {};
  const missing: Provider[] = [];
  for (const provider of ['quickbooks', 'xero', 'hubspot'] as const) {
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
