/**
 * Which provider account a fresh grant is for, resolved once at connect time (STYLE principle 4):
 * QuickBooks names the company (realm) on the redirect; Xero lists the organisations the consent
 * reaches; HubSpot tells the portal in the access token's own metadata.
 */
import { z } from 'zod';
import { chooseTenant, connectionsUrlFor, listTenants } from '../../connectors/xero/index.ts';
import type { Provider } from '../../core/connections/index.ts';
import { InvalidInput } from '../../core/errors.ts';
import { ensureOk } from '../../core/http/index.ts';

const hubspotTokenInfo = z.object({ hub_id: z.number().int() });

/** https://developers.hubspot.com/docs/api/oauth/tokens — "Get OAuth 2.0 access token metadata": `hub_id` is the portal. */
async function hubspotPortal(apiUrl: string, accessToken: string): Promise<string> {
  const url = new URL(`/oauth/v1/access-tokens/${encodeURIComponent(accessToken)}`, apiUrl);
  const response = await ensureOk(await fetch(url, { headers: { accept: 'application/json' } }));
  const parsed = hubspotTokenInfo.safeParse(await response.json().catch(() => null));
  if (!parsed.success) throw new InvalidInput('hubspot access token metadata: no hub_id in the answer', { field: 'hub_id' });
  return String(parsed.data.hub_id);
}

export interface GrantedAccount {
  provider: Provider;
  /** The API base URL of the app (`RELANCE_<PROVIDER>_API_URL` or the provider's). */
  apiUrl: string;
  accessToken: string;
  /** QuickBooks' `realmId` from the redirect. */
  realmId: string | undefined;
  /** A reconnect's account: Xero picks that tenant among those the consent reaches. */
  wanted: string | null;
}

/** The account id (realm, tenant, portal) the grant reaches; InvalidInput naming the field when it cannot tell. */
export async function grantedAccount(grant: GrantedAccount): Promise<string> {
  if (grant.provider === 'quickbooks') {
    if (!grant.realmId) throw new InvalidInput('realmId: missing', { field: 'realmId' });
    return grant.realmId;
  }
  if (grant.provider === 'xero') return chooseTenant(await listTenants(grant.accessToken, connectionsUrlFor(grant.apiUrl)), grant.wanted).tenantId;
  return hubspotPortal(grant.apiUrl, grant.accessToken);
}
