/**
 * Credit notes given to customers (ACCRECCREDIT) with their allocations to invoices.
 * https://developer.xero.com/documentation/api/accounting/creditnotes#get-creditnotes
 */
import type { XeroStream } from './stream.ts';

export const creditNotesStream: XeroStream = {
  name: 'creditNote',
  produces: [{ entity: 'creditNote', mapping: 'creditNote' }],
  collection: 'CreditNotes',
  idField: 'CreditNoteID',
  where: 'Type=="ACCRECCREDIT"',
  list: (api, tenantId, q) => api.getCreditNotes(tenantId, q.ifModifiedSince, q.where, q.order, q.page, undefined, q.pageSize),
};
