/**
 * Amounts and dates on the portal as a reader of its language writes them ("1 000,00 €",
 * "11 févr. 2026"), with the same formatters as the reminders (core/messages). The store's
 * decimal strings and ISO dates come in; a value the formatters refuse is shown as it came.
 */
import { formatAmount, formatDate } from '../../core/messages/locale-format.ts';
import { toMinor } from '../../core/money.ts';

export function portalAmount(decimal: string, currency: string, language: string): string {
  try {
    return formatAmount(toMinor(decimal, currency), currency, language);
  } catch {
    return `${decimal} ${currency}`;
  }
}

/** An ISO date (or the date part of an instant) in the page's language; empty for none. */
export function portalDate(iso: string | null | undefined, language: string): string {
  if (!iso) return '';
  try {
    return formatDate(iso.slice(0, 10), language);
  } catch {
    return iso;
  }
}
