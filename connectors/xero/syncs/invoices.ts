/**
 * Sales invoices (ACCREC) in every status: voided and deleted ones become `void`, drafts `draft`.
 * https://developer.xero.com/documentation/api/accounting/invoices#get-invoices
 */
import type { XeroStream } from './stream.ts';

export const invoicesStream: XeroStream = {
  name: 'invoice',
  produces: [{ entity: 'invoice', mapping: 'invoice' }],
  collection: 'Invoices',
  idField: 'InvoiceID',
  // ACCPAY invoices are the company's bills: not receivables.
  where: 'Type=="ACCREC"',
  list: (api, tenantId, q) =>
    api.getInvoices(tenantId, q.ifModifiedSince, q.where, q.order, undefined, undefined, undefined, undefined, q.page, undefined, undefined, undefined, undefined, q.pageSize),
};
