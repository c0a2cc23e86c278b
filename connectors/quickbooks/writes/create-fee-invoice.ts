/**
 * Late fees posted as a new QuickBooks invoice to the customer: one sales line per fee (interest,
 * fixed compensation), the late invoice's number in the memo. QuickBooks requires `CustomerRef`
 * and at least one `Line`; a sales line names an Item (`extra.feeItemId`, else "1", the Services
 * item of a new company). The outbox's request key goes as `requestid`, so a push retried after a
 * lost answer gets the invoice created the first time instead of a second one.
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice#create-an-invoice
 * https://blogs.intuit.com/2015/04/06/15346/ (requestid)
 */
import { z } from 'zod';
import { InvalidInput } from '../../../core/errors.ts';
import { toMinor } from '../../../core/money.ts';
import type { ConnectionSettings, PushChange, PushResult } from '../../contract.ts';
import type { QuickBooksClient } from '../client.ts';
import { unwrapEntity } from '../schemas.ts';
import { requestIdOf } from './sparse-update-invoice.ts';

type FeeChange = Extract<PushChange, { kind: 'post_fee_invoice' }>;

const createdSchema = z.looseObject({ Id: z.string(), SyncToken: z.string(), DocNumber: z.string().optional() });

/** The invoice body QuickBooks takes for the fees. */
export function feeInvoiceBody(change: FeeChange, settings: ConnectionSettings): Record<string, unknown> {
  const itemId = typeof settings.extra?.feeItemId === 'string' && settings.extra.feeItemId ? settings.extra.feeItemId : '1';
  return {
    CustomerRef: { value: change.customerExternalId },
    CurrencyRef: { value: change.currency },
    TxnDate: change.date,
    DueDate: change.dueDate,
    PrivateNote: `Relance: late-payment fees on invoice ${change.invoiceNumber}`,
    CustomerMemo: { value: `Late-payment fees on invoice ${change.invoiceNumber}` },
    Line: change.lines.map((l) => {
      // Checked exact in minor units, then sent as QuickBooks' JSON number (exact for a 2-decimal string).
      toMinor(l.amount, change.currency, 'lines.amount');
      const amount = Number(l.amount);
      return { DetailType: 'SalesItemLineDetail', Amount: amount, Description: l.description, SalesItemLineDetail: { ItemRef: { value: itemId }, Qty: 1, UnitPrice: amount } };
    }),
  };
}

export async function createFeeInvoice(client: QuickBooksClient, settings: ConnectionSettings, change: FeeChange, requestKey?: string): Promise<PushResult> {
  // One attempt number for every push of the row: the same requestid each time.
  const answer = await client.invoke('create Invoice', 'createInvoice', [{ ...feeInvoiceBody(change, settings), ...requestIdOf(requestKey, 1) }], { retryConflicts: false });
  const created = createdSchema.safeParse(unwrapEntity(answer, 'Invoice'));
  if (!created.success) throw new InvalidInput(`quickbooks: the fee invoice answer has no ${created.error.issues[0]?.path.join('.')}`, { field: 'Invoice' });
  return { externalId: created.data.Id, version: created.data.SyncToken, attempts: 1 };
}
