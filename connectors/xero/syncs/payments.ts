/**
 * Customer payments (ACCRECPAYMENT): each pays one invoice, which is its allocation.
 * https://developer.xero.com/documentation/api/accounting/payments#get-payments
 */
import type { XeroStream } from './stream.ts';

export const paymentsStream: XeroStream = {
  name: 'payment',
  produces: [{ entity: 'payment', mapping: 'payment' }],
  collection: 'Payments',
  idField: 'PaymentID',
  where: 'PaymentType=="ACCRECPAYMENT"',
  list: (api, tenantId, q) => api.getPayments(tenantId, q.ifModifiedSince, q.where, q.order, q.page, q.pageSize),
};
