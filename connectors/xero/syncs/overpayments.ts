/**
 * Customer overpayments (RECEIVE-OVERPAYMENT): payments with unapplied credit and their allocations.
 * https://developer.xero.com/documentation/api/accounting/overpayments#get-overpayments
 */
import type { XeroStream } from './stream.ts';

export const overpaymentsStream: XeroStream = {
  name: 'overpayment',
  produces: [{ entity: 'payment', mapping: 'overpayment' }],
  collection: 'Overpayments',
  idField: 'OverpaymentID',
  where: 'Type=="RECEIVE-OVERPAYMENT"',
  list: (api, tenantId, q) => api.getOverpayments(tenantId, q.ifModifiedSince, q.where, q.order, q.page, undefined, q.pageSize),
};
