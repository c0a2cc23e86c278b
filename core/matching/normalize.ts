/**
 * How names and domains are compared: a company name as a salesperson types it ("ACME Inc") and as
 * the ledger has it ("Acme, Inc.") must compare equal; a free-mail domain says nothing about which
 * company a customer is.
 */

// Legal-form words dropped from the end of a name (several may stack: "Acme Holding Co Ltd").
const LEGAL_SUFFIXES = new Set([
  'inc', 'incorporated', 'llc', 'llp', 'lp', 'corp', 'corporation', 'co', 'company', 'ltd', 'limited', 'plc',
  'sas', 'sasu', 'sarl', 'sa', 'srl', 'spa', 'gmbh', 'ag', 'kg', 'sl', 'bv', 'nv', 'oy', 'ab', 'as', 'pty',
]);

/** Lower case, no accents, no `.`/`,`, `&` as "and", legal suffixes dropped from the end, single spaces. */
export function normalizeName(name: string): string {
  const words = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[.,]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
  while (words.length > 1 && LEGAL_SUFFIXES.has(words.at(-1)!)) words.pop();
  return words.join(' ');
}

// Mailbox providers: a billing address there names a person, not a company's domain.
const FREE_MAIL = new Set([
  'gmail.com', 'googlemail.com', 'yahoo.com', 'yahoo.fr', 'yahoo.co.uk', 'ymail.com', 'hotmail.com', 'hotmail.fr', 'hotmail.co.uk',
  'outlook.com', 'outlook.fr', 'live.com', 'live.fr', 'msn.com', 'aol.com', 'icloud.com', 'me.com', 'mac.com', 'proton.me',
  'protonmail.com', 'gmx.de', 'gmx.net', 'gmx.com', 'web.de', 't-online.de', 'orange.fr', 'wanadoo.fr', 'free.fr', 'sfr.fr',
  'laposte.net', 'libero.it', 'mail.com', 'zoho.com', 'yandex.com', 'btinternet.com', 'sky.com',
]);

/** A domain as stored on a company (`www.` and case dropped); null when empty. */
export function normalizeDomain(domain: string | null | undefined): string | null {
  if (!domain) return null;
  const d = domain.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/\/.*$/, '').replace(/^www\./, '');
  return d === '' ? null : d;
}

/** The company domain of a billing e-mail; null for a free-mail box or an address without one. */
export function emailDomain(email: string | null | undefined): string | null {
  if (!email) return null;
  const at = email.lastIndexOf('@');
  if (at < 0) return null;
  const domain = normalizeDomain(email.slice(at + 1));
  return domain && !FREE_MAIL.has(domain) ? domain : null;
}
