/**
 * Which language a message is written in: an admin's override on the customer, else the
 * contact's, else the customer's, else the language of the customer's country, else the browser's
 * (the portal), else the organization's — the first of those a template exists in, so that a
 * Spanish-speaking contact of a French customer still gets French rather than nothing. When the
 * first language wanted has no template, the choice says so (`fallbackFrom`) and the renderer
 * logs it: a customer written to in another language is something an admin must be able to see.
 */
import { NotFound } from '../errors.ts';
import { baseLanguage } from './locale-format.ts';

export interface LanguageChoice {
  /** The template language chosen ("fr"). */
  readonly language: string;
  /** The tag it came from, with its region if it had one ("fr-CA"). */
  readonly requested: string | null;
  readonly source: 'forced' | 'override' | 'contact' | 'customer' | 'country' | 'browser' | 'organization' | 'default';
  /** The first language wanted, when it had no template and this one was used instead. */
  readonly fallbackFrom?: string | null;
}

export interface LanguageSources {
  readonly forced?: string | null;
  readonly override?: string | null;
  readonly contact?: string | null;
  readonly customer?: string | null;
  /** The customer's country (ISO alpha-2): its main language is tried after the customer's own. */
  readonly country?: string | null;
  /** An Accept-Language header ("fr-FR,fr;q=0.9,en;q=0.8"). */
  readonly browser?: string | null;
  readonly organization?: string | null;
}

/** The last resort when none of the chain has the template. */
export const DEFAULT_LANGUAGE = 'en';

// The language a business in that country is written to by default. Countries with several
// official languages (BE, CH, CA, LU) are left out: guessing would be wrong half the time.
const COUNTRY_LANGUAGE: Readonly<Record<string, string>> = {
  FR: 'fr', MC: 'fr', DE: 'de', AT: 'de', ES: 'es', MX: 'es', AR: 'es', IT: 'it', PT: 'pt', BR: 'pt', NL: 'nl',
  GB: 'en', IE: 'en', US: 'en', AU: 'en', NZ: 'en', PL: 'pl', SE: 'sv', DK: 'da', NO: 'nb', FI: 'fi',
};

/** The language usually written to businesses of `country`, or null. */
export function countryLanguage(country: string | null | undefined): string | null {
  return country ? (COUNTRY_LANGUAGE[country.toUpperCase()] ?? null) : null;
}

/** The tags of an Accept-Language header, best first (q=0 dropped). */
export function acceptedLanguages(header: string | null | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .map((part, i) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([01](?:\.\d{0,3})?)\s*$/.exec(p)).find(Boolean);
      return { tag: (tag ?? '').trim(), q: q ? Number(q[1]) : 1, i };
    })
    .filter((t) => t.tag !== '' && t.tag !== '*' && t.q > 0 && /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(t.tag))
    .sort((a, b) => b.q - a.q || a.i - b.i)
    .map((t) => t.tag);
}

/** Picks the first language of the chain that `available` holds; throws `NotFound` when none does. */
export function chooseLanguage(sources: LanguageSources, available: readonly string[], what: string): LanguageChoice {
  const order: [LanguageChoice['source'], string | null | undefined][] = [
    ['forced', sources.forced],
    ['override', sources.override],
    ['contact', sources.contact],
    ['customer', sources.customer],
    ['country', countryLanguage(sources.country)],
    ...acceptedLanguages(sources.browser).map((tag): [LanguageChoice['source'], string] => ['browser', tag]),
    ['organization', sources.organization],
    ['default', DEFAULT_LANGUAGE],
  ];
  let wanted: string | null = null;
  for (const [source, tag] of order) {
    if (!tag || !tag.trim()) continue;
    const language = baseLanguage(tag);
    wanted ??= language;
    if (available.includes(language)) {
      return { language, requested: tag.trim(), source, fallbackFrom: wanted !== language ? wanted : null };
    }
  }
  throw new NotFound(`${what}: no template in ${describeChain(sources)} nor ${DEFAULT_LANGUAGE} (has: ${available.join(', ') || 'none'})`, {
    field: 'language',
  });
}

function describeChain(sources: LanguageSources): string {
  const tags = [sources.forced, sources.override, sources.contact, sources.customer, countryLanguage(sources.country), sources.browser, sources.organization].filter(
    (t): t is string => !!t,
  );
  return tags.length ? tags.join(', ') : 'no language given';
}
