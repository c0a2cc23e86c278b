/**
 * What connect reads of the company: its name, country, home currency and postal address.
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/companyinfo
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/preferences
 * `GET /companyinfo/{realmId}` gives `CompanyName`, `Country` ("US" in Intuit's sample; a name or an
 * alpha-3 code is read too) and the addresses (`CompanyAddr`, `LegalAddr`, `CustomerCommunicationAddr`:
 * `PhysicalAddress` with Line1…Line5, City, CountrySubDivisionCode, PostalCode, Country); the home
 * currency is `Preferences.CurrencyPrefs.HomeCurrency`. Neither names a time zone: it stays as set.
 */
import { z } from 'zod';
import { toCountryCode } from '../../core/mapping/countries.ts';
import type { PostalAddress } from '../../core/store/schema/columns.ts';
import type { AccountInfo } from '../contract.ts';
import { toStoredAddress } from '../postal-address.ts';
import type { QuickBooksClient } from './client.ts';
import { unwrapEntity } from './schemas.ts';

const physicalAddress = z.looseObject({
  Line1: z.string().optional(), Line2: z.string().optional(), Line3: z.string().optional(), Line4: z.string().optional(), Line5: z.string().optional(),
  City: z.string().optional(), CountrySubDivisionCode: z.string().optional(), PostalCode: z.string().optional(), Country: z.string().optional(),
});
const companyInfoSchema = z.looseObject({
  CompanyName: z.string().optional(),
  LegalName: z.string().optional(),
  Country: z.string().optional(),
  CompanyAddr: physicalAddress.optional(),
  LegalAddr: physicalAddress.optional(),
  CustomerCommunicationAddr: physicalAddress.optional(),
});
const preferencesSchema = z.looseObject({ CurrencyPrefs: z.looseObject({ HomeCurrency: z.looseObject({ value: z.string() }).optional() }).optional() });

type Physical = z.infer<typeof physicalAddress>;

/** A QuickBooks `PhysicalAddress` as the store's `PostalAddress`, or null when it has no street line. */
export function toPostalAddress(address: Physical | undefined, fallbackCountry: string | null): PostalAddress | null {
  if (!address) return null;
  return toStoredAddress({
    lines: [address.Line1, address.Line2, address.Line3, address.Line4, address.Line5],
    city: address.City, postalCode: address.PostalCode, region: address.CountrySubDivisionCode, country: address.Country,
  }, fallbackCountry);
}

export async function readAccountInfo(client: QuickBooksClient, realmId: string): Promise<AccountInfo> {
  const info = companyInfoSchema.safeParse(unwrapEntity(await client.invoke('read CompanyInfo', 'getCompanyInfo', [realmId]), 'CompanyInfo'));
  const prefs = preferencesSchema.safeParse(unwrapEntity(await client.invoke('read Preferences', 'getPreferences', []), 'Preferences'));
  const company = info.success ? info.data : null;
  const country = company?.Country ? toCountryCode(company.Country) : null;
  // The address the company gives its customers first: that is the letters' sender block.
  const senderAddress = toPostalAddress(company?.CustomerCommunicationAddr, country)
    ?? toPostalAddress(company?.CompanyAddr, country) ?? toPostalAddress(company?.LegalAddr, country);
  return {
    displayName: company?.CompanyName ?? company?.LegalName ?? null,
    homeCurrency: prefs.success ? (prefs.data.CurrencyPrefs?.HomeCurrency?.value ?? null) : null,
    country,
    senderAddress,
    timezone: null,
  };
}
