// https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice
import type { QuickBooksEntitySync } from './entity-sync.ts';

export const invoices: QuickBooksEntitySync = {
  stream: { name: 'invoice', produces: [{ entity: 'invoice', mapping: 'invoice' }] },
  entity: 'Invoice',
  finder: 'findInvoices',
};
