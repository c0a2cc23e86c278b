/**
 * What connect time learns once about the tenant: its name, base currency and country, from the
 * Organisation endpoint (the sandbox serves it too), with the name from the tenant list when the
 * endpoint is not there, and its own postal address for the letters' sender block and its time zone.
 * https://developer.xero.com/documentation/api/accounting/organisation
 */
import { findIana, WINDOWS_TO_IANA_MAP } from 'windows-iana';
import { z } from 'zod';
import { NotFound } from '../../core/errors.ts';
import type { PostalAddress } from '../../core/store/schema/columns.ts';
import type { AccountInfo } from '../contract.ts';
import { toStoredAddress } from '../postal-address.ts';
import { connectionsUrlFor, listTenants } from './auth.ts';
import type { XeroClient } from './client.ts';

const addressSchema = z.looseObject({
  AddressType: z.string().optional(),
  AddressLine1: z.string().optional(), AddressLine2: z.string().optional(), AddressLine3: z.string().optional(), AddressLine4: z.string().optional(),
  City: z.string().optional(), Region: z.string().optional(), PostalCode: z.string().optional(), Country: z.string().optional(),
});
const organisationSchema = z.object({
  Organisations: z.array(z.looseObject({
    Name: z.string().optional(), BaseCurrency: z.string().optional(), CountryCode: z.string().optional(), Timezone: z.string().optional(),
    Addresses: z.array(addressSchema).optional().catch(undefined),
  })).min(1),
});

/** Windows time-zone names keyed as Xero writes them: upper case, no spaces or brackets. */
const WINDOWS_NAMES = new Map(WINDOWS_TO_IANA_MAP.map((z) => [xeroZoneKey(z.windowsName), z.windowsName]));
function xeroZoneKey(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9+-]/g, '');
}

/**
 * Xero's `Timezone` is a Windows time-zone name in its own spelling (`NEWZEALANDSTANDARDTIME`,
 * `MOUNTAINSTANDARDTIME(MEXICO)`), so it is read through CLDR's Windows-to-IANA table (windows-iana),
 * for the organisation's country where the zone spans several (`GMTSTANDARDTIME` is London in GB,
 * Dublin in IE); null when it names no zone this runtime knows.
 */
export function ianaTimeZoneOf(xeroTimezone: string | undefined, country: string | null): string | null {
  const windows = xeroTimezone ? WINDOWS_NAMES.get(xeroZoneKey(xeroTimezone)) : undefined;
  if (!windows) return null;
  const candidates = [...(country ? findIana(windows, country) : []), ...findIana(windows)];
  return candidates.find((zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }) ?? null;
}

/**
 * The organisation's postal address (`POBOX`, the one Xero prints on invoices), else its `STREET`
 * one, as the letters' sender block; null when neither has a street line.
 * https://developer.xero.com/documentation/api/accounting/types#addresses
 */
export function senderAddressOf(addresses: z.infer<typeof addressSchema>[] | undefined, fallbackCountry: string | null): PostalAddress | null {
  for (const type of ['POBOX', 'STREET']) {
    const address = addresses?.find((a) => a.AddressType === type);
    if (!address) continue;
    const stored = toStoredAddress({
      lines: [address.AddressLine1, address.AddressLine2, address.AddressLine3, address.AddressLine4],
      city: address.City, postalCode: address.PostalCode, region: address.Region, country: address.Country,
    }, fallbackCountry);
    if (stored) return stored;
  }
  return null;
}

async function readOrganisation(client: XeroClient): Promise<AccountInfo | null> {
  try {
    const answer = await client.request('xero.organisation.get', (api, tenantId) => api.getOrganisations(tenantId));
    const parsed = organisationSchema.safeParse(answer.data);
    if (!parsed.success) return null;
    const org = parsed.data.Organisations[0]!;
    const country = org.CountryCode && /^[A-Z]{2}$/.test(org.CountryCode) ? org.CountryCode : null;
    return {
      displayName: org.Name ?? null,
      homeCurrency: org.BaseCurrency && /^[A-Z]{3}$/.test(org.BaseCurrency) ? org.BaseCurrency : null,
      country,
      senderAddress: senderAddressOf(org.Addresses, country),
      timezone: ianaTimeZoneOf(org.Timezone, country),
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
  return {
    displayName: name,
    homeCurrency: fromOrganisation?.homeCurrency ?? null,
    country: fromOrganisation?.country ?? null,
    senderAddress: fromOrganisation?.senderAddress ?? null,
    timezone: fromOrganisation?.timezone ?? null,
  };
}
