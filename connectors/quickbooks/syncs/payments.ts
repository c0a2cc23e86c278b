// https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/payment
// A payment's allocations are its Line[].LinkedTxn to invoices; applied credit memos come as payments too.
import type { QuickBooksEntitySync } from './entity-sync.ts';

export const payments: QuickBooksEntitySync = {
  stream: { name: 'payment', produces: [{ entity: 'payment', mapping: 'payment' }] },
  entity: 'Payment',
  finder: 'findPayments',
};
