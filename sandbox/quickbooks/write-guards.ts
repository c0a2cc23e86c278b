/**
 * What every write route of the QuickBooks simulator checks first, as the Accounting API does: the
 * body against its schema (a missing or malformed field is fault 2020 naming it), and for a
 * create, the customer it names and that the transaction's currency is the customer's.
 */
import type { z } from 'zod';
import type { SimContext } from './context.ts';
import { businessValidationFault, objectNotFoundFault, requestValidationFault } from './fault-shapes.ts';
import type { Row } from './store.ts';

/** The parsed body, or fault 2020 naming the first field at fault (`fallback` when none is named). */
export function parseWriteBody<S extends z.ZodType>(schema: S, raw: unknown, fallback: string): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const field = parsed.error.issues[0]?.path.join('.') || fallback;
  throw requestValidationFault('2020', 'Required param missing, need to supply the required value for the API', `Required parameter ${field} is missing or invalid in the request`, field);
}

/** The customer a created transaction names, and its currency; 610 for none, 6000 for another currency. */
export function customerOfCreate(ctx: SimContext, customerRef: { value: string }, currencyRef: { value: string } | undefined): { customer: Row; currency: string } {
  const customer = ctx.store.get('Customer', customerRef.value);
  if (!customer) throw objectNotFoundFault('Customer', customerRef.value);
  const currency = customer.money?.currency ?? ctx.store.homeCurrency;
  if (currencyRef && currencyRef.value !== currency) {
    throw businessValidationFault('A business validation error has occurred while processing your request', `The currency of the transaction (${currencyRef.value}) must match the customer's currency (${currency})`, 'CurrencyRef');
  }
  return { customer, currency };
}
