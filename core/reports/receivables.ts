import { toDayNumber, type IsoDate } from '../calendar/index.ts';
import { isOpenOn } from '../ledger/balance.ts';
import type { CustomerLedger, Invoice, Organization } from '../ledger/index.ts';

/**
 * An invoice is a receivable on `asOf` when it is open then and was already issued: a report dated
 * in the past must not count invoices that did not exist yet.
 */
export function isReceivableOn(invoice: Invoice, asOf: IsoDate): boolean {
  return toDayNumber(invoice.issueDate) <= toDayNumber(asOf) && isOpenOn(invoice, asOf);
}

/**
 * The currencies a report covers: the organization's own first (always, even with nothing open),
 * then every other currency found, alphabetically. Reports are per currency: no amounts in two
 * currencies are ever added, since Relance holds no exchange rates.
 */
export function reportCurrencies(customers: Iterable<CustomerLedger>, organization: Organization): string[] {
  const others = new Set<string>();
  for (const c of customers) for (const inv of c.invoices) if (inv.currency !== organization.currency) others.add(inv.currency);
  return [organization.currency, ...[...others].sort()];
}

/**
 * A per-currency report as one JSON object: the organization's currency at the top level, the
 * others in `otherCurrencies`, each of the same shape, so a script reading the documented fields
 * keeps working on a multi-currency ledger.
 */
export function withOtherCurrencies(reports: readonly Record<string, unknown>[]): Record<string, unknown> {
  const [main, ...others] = reports;
  // reportCurrencies always lists the organization's own currency.
  if (!main) throw new RangeError('a report has at least the organization currency');
  return { ...main, otherCurrencies: others };
}
