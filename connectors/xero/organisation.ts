/**
 * What connect time learns once about the tenant: its name, base currency and country, from the
 * Organisation endpoint (the sandbox serves it too), with the name from the tenant list when the
 * endpoint is not there.
 * https://developer.xero.com/documentation/api/accounting/organisation
 */
import { z } from 'zod';
import { NotFound } from '../../core/errors.ts';
import type { AccountInfo } from '../contract.ts';
import { connectionsUrlFor, listTenants } from './auth.ts';
import type { XeroClient } from './client.ts';

const organisationSchema = z.object({
  Organisations: z.array(z.looseObject({ Name: z.string().optional(), BaseCurrency: z.string().optional(), CountryCode: z.string().optional() })).min(1),
});

async function readOrganisation(client: XeroClient): Promise<AccountInfo | null> {
  try {
    const answer = await client.request('xero.organisation.get', (api, tenantId) => api.getOrganisations(tenantId));
    const parsed = organisationSchema.safeParse(answer.data);
    if (!parsed.success) return null;
    const org = parsed.data.Organisations[0]!;
    return {
      displayName: org.Name ?? null,
      homeCurrency: org.BaseCurrency && /^[A-Z]{3}$/.test(org.BaseCurrency) ? org.BaseCurrency : null,
      country: org.CountryCode && /^[A-Z]{2}$/.test(org.CountryCode) ? org.CountryCode : null,
    };
  } catch (error) {
    if (error instanceof NotFound) return null;
    throw error;
  }
}

/** The tenant's account info; `accessToken` and `baseUrl` reach the tenant list for its name. */
export async function accountInfo(client: XeroClient, accessToken: () => Promise<string>, baseUrl: string): Promise<AccountInfo> {
  const fromOrganisation = await readOrganisation(client);
  if (fromOrganisation?.displayName) return fromOrganisation;
  const tenants = await listTenants(await accessToken(), connectionsUrlFor(baseUrl));
  const name = tenants.find((t) => t.tenantId === client.tenantId)?.tenantName ?? null;
  return { displayName: name, homeCurrency: fromOrganisation?.homeCurrency ?? null, country: fromOrganisation?.country ?? null };
}
