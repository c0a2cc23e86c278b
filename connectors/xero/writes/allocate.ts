/**
 * Unapplied money applied to invoices in Xero: `PUT /{CreditNotes|Overpayments|Prepayments}/{id}/Allocations`
 * with `{Allocations: [{Amount, Date, Invoice: {InvoiceID}}]}`, one call for every invoice of the
 * change, under the outbox's `Idempotency-Key`. A Xero payment pays exactly one invoice and cannot
 * be re-allocated through the API: that source is refused, naming it.
 * https://developer.xero.com/documentation/api/accounting/creditnotes#allocate-credit-notes
 * https://developer.xero.com/documentation/api/accounting/overpayments#allocate-overpayments
 * https://developer.xero.com/documentation/api/accounting/prepayments#allocate-prepayments
 */
import { Allocations } from 'xero-node';
import { InvalidInput } from '../../../core/errors.ts';
import { toMinor } from '../../../core/money.ts';
import type { PushChange, PushResult } from '../../contract.ts';
import type { XeroClient } from '../client.ts';

type ApplyChange = Extract<PushChange, { kind: 'apply_payment' }>;

/** The allocations body as xero-node sends it (its model names, camelCase). */
export function allocationsBody(change: ApplyChange, date: string): Allocations {
  const body = new Allocations();
  body.allocations = change.applications.map((a) => {
    // Checked exact in minor units, then sent as Xero's JSON number (exact for a 2-decimal string).
    toMinor(a.amount, change.currency, 'applications.amount');
    return { amount: Number(a.amount), date, invoice: { invoiceID: a.invoiceExternalId } } as never;
  });
  return body;
}

export async function allocate(client: XeroClient, change: ApplyChange, today: string, idempotencyKey?: string): Promise<PushResult> {
  const body = allocationsBody(change, today);
  const key = idempotencyKey?.slice(0, 128);
  const id = change.sourceExternalId;
  switch (change.source) {
    case 'credit_note':
      await client.request('xero.creditnote.allocations.put', (api, tenantId) => api.createCreditNoteAllocation(tenantId, id, body, undefined, key));
      break;
    case 'overpayment':
      await client.request('xero.overpayment.allocations.put', (api, tenantId) => api.createOverpaymentAllocations(tenantId, id, body, undefined, key));
      break;
    case 'prepayment':
      await client.request('xero.prepayment.allocations.put', (api, tenantId) => api.createPrepaymentAllocations(tenantId, id, body, undefined, key));
      break;
    case 'payment':
      throw new InvalidInput('xero: apply_payment from a payment is not possible (a Xero payment pays one invoice); apply an overpayment, prepayment or credit note', { field: 'source' });
  }
  return { externalId: id, version: null, attempts: 1 };
}
