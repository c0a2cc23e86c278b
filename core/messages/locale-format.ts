/**
 * Amounts and dates in the reader's locale. Amounts go to `Intl.NumberFormat` as exact decimal
 * strings (ES2023 Intl.NumberFormat v3 accepts them), so a bigint never passes through a float.
 */
import { InvalidInput } from '../errors.ts';
import { exponentOf, formatMinor } from '../money.ts';
import { isIsoDate } from '../calendar/index.ts';

const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** 123456n EUR in "fr-FR" → "1 234,56 €". */
export function formatAmount(minor: bigint, currency: string, locale: string): string {
  const key = `${locale}|${currency}`;
  let format = numberFormats.get(key);
  if (!format) {
    const digits = exponentOf(currency);
    format = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    numberFormats.set(key, format);
  }
  return format.format(formatMinor(minor, currency) as Intl.StringNumericLiteral);
}

/** "2026-02-04" in "fr-FR" → "4 févr. 2026"; the calendar day, whatever the machine's zone. */
export function formatDate(isoDate: string, locale: string, style: 'medium' | 'long' = 'medium'): string {
  if (!isIsoDate(isoDate)) throw new InvalidInput(`"${isoDate}" is not a date (YYYY-MM-DD)`, { field: 'date' });
  const key = `${locale}|${style}`;
  let format = dateFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { dateStyle: style, timeZone: 'UTC' });
    dateFormats.set(key, format);
  }
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  return format.format(new Date(Date.UTC(y, m - 1, d)));
}

/**
 * The formatting locale: the language's own region when it has one ("en-GB"), else the language
 * with the organization's country ("fr" + "BE" → "fr-BE"), else the bare language.
 */
export function formattingLocale(language: string, requested: string | null, country: string | null | undefined): string {
  const candidates: string[] = [];
  if (requested && baseLanguage(requested) === language && requested.includes('-')) candidates.push(requested);
  if (country) candidates.push(`${language}-${country.toUpperCase()}`);
  candidates.push(language);
  for (const candidate of candidates) {
    try {
      const [canonical] = Intl.getCanonicalLocales(candidate);
      if (canonical) return canonical;
    } catch {
      // An ill-formed tag from the data (a stray "english" in a CRM field): try the next one.
    }
  }
  return 'en';
}

/** "fr-CA" → "fr", "EN" → "en". */
export function baseLanguage(tag: string): string {
  return tag.trim().toLowerCase().split(/[-_]/)[0] ?? '';
}
