/**
 * Which language a message is written in: the contact's, else the customer's, else the
 * organization's — the first of those a template exists in, so that a Spanish-speaking contact of
 * a French customer still gets French rather than nothing.
 */
import { NotFound } from '../errors.ts';
import { baseLanguage } from './locale-format.ts';

export interface LanguageChoice {
  /** The template language chosen ("fr"). */
  readonly language: string;
  /** The tag it came from, with its region if it had one ("fr-CA"). */
  readonly requested: string | null;
  readonly source: 'forced' | 'contact' | 'customer' | 'organization' | 'default';
}

export interface LanguageSources {
  readonly forced?: string | null;
  readonly contact?: string | null;
  readonly customer?: string | null;
  readonly organization?: string | null;
}

/** The last resort when none of the chain has the template. */
export const DEFAULT_LANGUAGE = 'en';

/** Picks the first language of the chain that `available` holds; throws `NotFound` when none does. */
export function chooseLanguage(sources: LanguageSources, available: readonly string[], what: string): LanguageChoice {
  const order: [LanguageChoice['source'], string | null | undefined][] = [
    ['forced', sources.forced],
    ['contact', sources.contact],
    ['customer', sources.customer],
    ['organization', sources.organization],
    ['default', DEFAULT_LANGUAGE],
  ];
  for (const [source, tag] of order) {
    if (!tag || !tag.trim()) continue;
    const language = baseLanguage(tag);
    if (available.includes(language)) return { language, requested: tag.trim(), source };
  }
  throw new NotFound(`${what}: no template in ${describeChain(sources)} nor ${DEFAULT_LANGUAGE} (has: ${available.join(', ') || 'none'})`, {
    field: 'language',
  });
}

function describeChain(sources: LanguageSources): string {
  const tags = [sources.forced, sources.contact, sources.customer, sources.organization].filter((t): t is string => !!t);
  return tags.length ? tags.join(', ') : 'no language given';
}
