/**
 * Postal addresses for the simulators. The world knows only a customer's country; street, city and
 * postal code are made up from its id. Countries are written as the providers' users type them —
 * QuickBooks US companies mostly "USA", both ledgers otherwise the country's English name — so that
 * Relance has to resolve free text to ISO codes as it must with the real APIs.
 */
import countries from 'i18n-iso-countries';

const CITIES: Record<string, [string, string]> = {
  US: ['Portland', '97201'],
  CA: ['Toronto', 'M5H 2N2'],
  GB: ['Leeds', 'LS1 4DY'],
  IE: ['Dublin', 'D02 X285'],
  FR: ['Lyon', '69002'],
  BE: ['Liège', '4000'],
  DE: ['Köln', '50667'],
  AT: ['Graz', '8010'],
  ES: ['Valencia', '46002'],
  SE: ['Stockholm', '111 57'],
};

// Names as a user would type them, not the ISO official form ("United States of America").
const SHORT_NAMES: Record<string, string> = { US: 'United States', GB: 'United Kingdom' };

/** How a ledger user writes the country `code` (ISO alpha-2) in an address. */
export function countryAsTyped(code: string, style: 'quickbooks' | 'xero'): string {
  if (style === 'quickbooks' && code === 'US') return countries.alpha2ToAlpha3(code) ?? code;
  return SHORT_NAMES[code] ?? countries.getName(code, 'en', { select: 'alias' }) ?? code;
}

/** A street line, city and postal code for the customer `id` in `country`. */
export function streetAddress(id: string, country: string): { line1: string; city: string; postalCode: string } {
  const [city, postalCode] = CITIES[country] ?? ['Springfield', '00000'];
  const number = (Number(id.replace(/\D/g, '')) % 190) + 10;
  return { line1: `${number} Market Street`, city, postalCode };
}
