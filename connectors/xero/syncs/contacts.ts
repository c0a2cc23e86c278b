/**
 * Contacts → customers and their contact persons. All contacts: Xero flags `IsCustomer` only once a
 * contact has a sales document, so a filter would drop a new customer's first sync.
 * https://developer.xero.com/documentation/api/accounting/contacts#get-contacts
 */
import type { XeroStream } from './stream.ts';

export const contactsStream: XeroStream = {
  name: 'customer',
  produces: [
    { entity: 'customer', mapping: 'customer' },
    { entity: 'contact', mapping: 'contact' },
  ],
  collection: 'Contacts',
  idField: 'ContactID',
  list: (api, tenantId, q) =>
    api.getContacts(tenantId, q.ifModifiedSince, q.where, q.order, undefined, q.page, true, false, undefined, q.pageSize),
};
