/**
 * Countries and languages as data. Providers write a country as free text ("United Kingdom",
 * "France"), alpha-3 ("USA") or alpha-2; Relance stores ISO 3166-1 alpha-2 and keeps the provider's
 * text beside it. The names come from i18n-iso-countries (every locale it ships), not a hand list.
 */
import countries from 'i18n-iso-countries';

/** Names some ledgers use that are no country's name in any locale. */
const COLLOQUIAL: Readonly<Record<string, string>> = { UK: 'GB', ENGLAND: 'GB', SCOTLAND: 'GB', WALES: 'GB', 'NORTHERN IRELAND': 'GB' };

// The locales tried for a name: the ones Relance writes in first, then every other the library has.
const NAME_LOCALES = [...new Set(['en', 'fr', 'de', 'es', 'it', 'nl', 'pt', ...countries.getSupportedLanguages()])];

/** The ISO 3166-1 alpha-2 code of a provider's country text, or null when it names no country. */
export function toCountryCode(text: string): string | null {
  const value = text.trim().replace(/\s+/g, ' ');
  if (value === '') return null;
  const upper = value.toUpperCase();
  const colloquial = COLLOQUIAL[upper.replace(/\./g, '')];
  if (colloquial) return colloquial;
  if (/^[A-Z]{2}$/.test(upper)) return countries.isValid(upper) ? upper : null;
  if (/^[A-Z]{3}$/.test(upper) && countries.isValid(upper)) return countries.alpha3ToAlpha2(upper) ?? null;
  if (/^\d{3}$/.test(upper)) return countries.numericToAlpha2(upper) ?? null;
  for (const locale of NAME_LOCALES) {
    const code = countries.getAlpha2Code(value, locale) ?? countries.getSimpleAlpha2Code(value, locale);
    if (code) return code;
  }
  return null;
}

/**
 * The main language of a country (ISO 639-1), for a customer whose source names none. A country not
 * listed gives null, so the message falls back to the organization's language (core/messages/language.ts)
 * rather than to a guess; a listed language without templates falls back the same way.
 */
const COUNTRY_LANGUAGE: Readonly<Record<string, string>> = {
  US: 'en', GB: 'en', IE: 'en', CA: 'en', AU: 'en', NZ: 'en', ZA: 'en', SG: 'en', IN: 'en', NG: 'en', KE: 'en',
  FR: 'fr', BE: 'fr', LU: 'fr', MC: 'fr', SN: 'fr', CI: 'fr', MA: 'fr', TN: 'fr', DZ: 'fr', CM: 'fr',
  DE: 'de', AT: 'de', CH: 'de', LI: 'de',
  ES: 'es', MX: 'es', AR: 'es', CO: 'es', CL: 'es', PE: 'es', VE: 'es', EC: 'es', UY: 'es', PY: 'es', BO: 'es',
  CR: 'es', PA: 'es', DO: 'es', GT: 'es', HN: 'es', SV: 'es', NI: 'es', CU: 'es',
  IT: 'it', SM: 'it', NL: 'nl', PT: 'pt', BR: 'pt', SE: 'sv', DK: 'da', NO: 'nb', FI: 'fi', PL: 'pl', CZ: 'cs',
};

/** The main language of a country, or null when the country is unknown or not listed. */
export function languageOfCountry(country: string | null): string | null {
  return country === null ? null : (COUNTRY_LANGUAGE[country] ?? null);
}

/** A language tag as written by a provider (`fr`, `fr-CA`, `pt_BR`, `French`) to its ISO 639-1 code, or null. */
export function toLanguageCode(text: string): string | null {
  const value = text.trim().toLowerCase().replace('_', '-');
  const primary = /^([a-z]{2})(?:-[a-z0-9]{2,8})*$/.exec(value);
  if (primary) return primary[1]!;
  return LANGUAGE_NAMES[value] ?? null;
}

const LANGUAGE_NAMES: Readonly<Record<string, string>> = {
  english: 'en', french: 'fr', 'français': 'fr', francais: 'fr', german: 'de', deutsch: 'de',
  spanish: 'es', 'español': 'es', espanol: 'es', italian: 'it', italiano: 'it', dutch: 'nl', portuguese: 'pt',
};
