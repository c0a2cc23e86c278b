/**
 * Customer prepayments (RECEIVE-PREPAYMENT): money received before its invoice, unapplied until it
 * is allocated, fed to the payments like overpayments. Xero sends no webhook for prepayments
 * (xero-webhooks.yaml has CONTACT, INVOICE, SUBSCRIPTION, CREDITNOTE): an allocation shows through
 * the INVOICE event of the invoice it pays, and every sync's `If-Modified-Since` pull reads them.
 * https://developer.xero.com/documentation/api/accounting/prepayments#get-prepayments
 */
import type { XeroStream } from './stream.ts';

export const prepaymentsStream: XeroStream = {
  name: 'prepayment',
  produces: [{ entity: 'payment', mapping: 'prepayment' }],
  collection: 'Prepayments',
  idField: 'PrepaymentID',
  where: 'Type=="RECEIVE-PREPAYMENT"',
  // getPrepayments(tenant, ifModifiedSince, where, order, page, unitdp, pageSize, invoiceNumbers)
  list: (api, tenantId, q) => api.getPrepayments(tenantId, q.ifModifiedSince, q.where, q.order, q.page, undefined, q.pageSize),
};
