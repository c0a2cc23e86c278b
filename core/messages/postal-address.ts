/**
 * A postal address as the lines printed in a window envelope. The order of city and postal code
 * follows the country's post (UPU S42 conventions for the countries Relance's users are in):
 * "75011 PARIS" in most of Europe, "LONDON" then "SW1A 1AA" in the UK, "Boston, MA 02110" in the
 * US. The last line names the country in capitals when the letter crosses a border, never when it
 * stays inside one (the post asks for it only abroad).
 */
import countries from 'i18n-iso-countries';
import type { PostalAddress } from '../store/schema/columns.ts';

export type { PostalAddress };

/** The lines of `address`, for a letter posted from `fromCountry` (ISO alpha-2) in `language`. */
export function addressLines(address: PostalAddress, fromCountry: string | null | undefined, language = 'en'): string[] {
  const lines = address.lines.map((l) => l.trim()).filter((l) => l !== '');
  const city = address.city?.trim() ?? '';
  const code = address.postalCode?.trim() ?? '';
  const region = address.region?.trim() ?? '';
  const country = address.country?.toUpperCase() ?? null;
  if (country === 'GB' || country === 'IE') {
    if (city) lines.push(city.toUpperCase());
    if (region) lines.push(region);
    if (code) lines.push(code.toUpperCase());
  } else if (country === 'US' || country === 'CA' || country === 'AU') {
    const tail = [region, code].filter((p) => p !== '').join(' ');
    const cityLine = [city, tail].filter((p) => p !== '').join(', ');
    if (cityLine) lines.push(cityLine);
  } else {
    const cityLine = [code, city.toUpperCase()].filter((p) => p !== '').join(' ');
    if (cityLine) lines.push(cityLine);
    if (region && country !== 'FR' && country !== 'DE') lines.push(region);
  }
  const abroad = country !== null && (fromCountry ?? '').toUpperCase() !== country;
  if (abroad) lines.push((countries.getName(country, language) ?? countries.getName(country, 'en') ?? address.countryRaw ?? country).toUpperCase());
  else if (country === null && address.countryRaw) lines.push(address.countryRaw.toUpperCase());
  return lines;
}

/** What is missing for a letter to be posted to `address`, or null when it can be: "postalAddress.country". */
export function missingAddressPart(address: PostalAddress | null | undefined): string | null {
  if (!address) return 'postalAddress';
  if (address.lines.every((l) => l.trim() === '')) return 'postalAddress.lines';
  if (!address.city?.trim()) return 'postalAddress.city';
  if (!address.country) return 'postalAddress.country';
  return null;
}
