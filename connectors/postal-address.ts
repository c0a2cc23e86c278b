/**
 * A provider's postal address as the store's `PostalAddress`: its street lines trimmed and the empty
 * ones dropped, the country as ISO 3166-1 alpha-2 with the text as written kept beside it when they
 * differ, and the given fallback country when the address names none. Null when no street line is
 * left: such an address cannot take a letter.
 */
import { toCountryCode } from '../core/mapping/countries.ts';
import type { PostalAddress } from '../core/store/schema/columns.ts';

export interface AddressParts {
  lines: readonly (string | undefined)[];
  city?: string | undefined;
  postalCode?: string | undefined;
  region?: string | undefined;
  country?: string | undefined;
}

export function toStoredAddress(parts: AddressParts, fallbackCountry: string | null): PostalAddress | null {
  const lines = parts.lines.map((l) => l?.trim() ?? '').filter((l) => l !== '');
  if (lines.length === 0) return null;
  const raw = parts.country?.trim() || null;
  const country = raw === null ? fallbackCountry : toCountryCode(raw);
  return {
    lines,
    ...(parts.city ? { city: parts.city } : {}),
    ...(parts.postalCode ? { postalCode: parts.postalCode } : {}),
    ...(parts.region ? { region: parts.region } : {}),
    ...(country ? { country } : {}),
    ...(raw !== null && raw !== country ? { countryRaw: raw } : {}),
  };
}
