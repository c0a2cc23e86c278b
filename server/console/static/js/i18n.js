/* global document */
/**
 * fr and en catalogs; the language is the one the user chose here (kept in localStorage), else the
 * browser's. Numbers, amounts and dates are formatted by Intl in that language. Amounts arrive as
 * decimal strings and Intl formats a string exactly (Intl.NumberFormat v3), without a float.
 */
import en from './messages/en.js';
import fr from './messages/fr.js';

export const CATALOGS = { en, fr };
export const LANGUAGES = ['en', 'fr'];
const STORAGE_KEY = 'relance.language';

let current = 'en';

/** The language to start in: a stored choice, else the first supported browser language. */
export function initialLanguage(stored, browserLanguages) {
  if (LANGUAGES.includes(stored)) return stored;
  for (const tag of browserLanguages ?? []) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (LANGUAGES.includes(base)) return base;
  }
  return 'en';
}

export function startLanguage() {
  setLanguage(initialLanguage(localStorage.getItem(STORAGE_KEY), navigator.languages), false);
}

export function setLanguage(language, remember = true) {
  current = LANGUAGES.includes(language) ? language : 'en';
  if (remember) localStorage.setItem(STORAGE_KEY, current);
  document.documentElement.lang = current;
}

export function language() {
  return current;
}

/** The message `key` with `{name}` placeholders filled; the key itself when it has no message. */
export function translate(catalog, key, vars = {}) {
  const text = catalog[key] ?? en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}

export function t(key, vars) {
  return translate(CATALOGS[current], key, vars);
}

export function formatMoney(amount, currency) {
  if (amount === null || amount === undefined) return '—';
  try {
    return new Intl.NumberFormat(current, { style: 'currency', currency }).format(amount);
  } catch {
    return `${amount} ${currency}`;
  }
}

export function formatDate(iso) {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(current, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${iso.slice(0, 10)}T00:00:00Z`));
}

export function formatInstant(iso) {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(current, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}
