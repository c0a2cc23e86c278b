// https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/customer
import type { QuickBooksEntitySync } from './entity-sync.ts';

export const customers: QuickBooksEntitySync = {
  stream: { name: 'customer', produces: [{ entity: 'customer', mapping: 'customer' }, { entity: 'contact', mapping: 'contact' }] },
  entity: 'Customer',
  finder: 'findCustomers',
  // A query leaves inactive (deleted) customers out unless it asks about Active.
  filter: [{ field: 'Active', value: [true, false], operator: 'IN' }],
};
