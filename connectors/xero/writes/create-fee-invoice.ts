/**
 * Late fees posted as a new Xero sales invoice (ACCREC, AUTHORISED) to the contact: one line per
 * fee on the revenue account `extra.feeAccountCode` (else "260", Other Revenue in Xero's default
 * chart), without tax — statutory interest and the fixed compensation are not a supply. The
 * outbox's request key goes as the `Idempotency-Key` header: Xero answers a repeated key with the
 * first response instead of creating a second invoice.
 * https://developer.xero.com/documentation/api/accounting/invoices#post-invoices
 * https://developer.xero.com/documentation/guides/idempotent-requests/idempotency
 */
import { Invoices } from 'xero-node';
import { z } from 'zod';
import { InvalidInput } from '../../../core/errors.ts';
import { toMinor } from '../../../core/money.ts';
import type { ConnectionSettings, PushChange, PushResult } from '../../contract.ts';
import type { XeroClient } from '../client.ts';

type FeeChange = Extract<PushChange, { kind: 'post_fee_invoice' }>;

const answerSchema = z.looseObject({ Invoices: z.array(z.looseObject({ InvoiceID: z.string(), InvoiceNumber: z.string().optional() })).min(1) });

/** The body as xero-node sends it (its model names, camelCase; the SDK writes Xero's PascalCase). */
export function feeInvoicesBody(change: FeeChange, settings: ConnectionSettings): Invoices {
  const accountCode = typeof settings.extra?.feeAccountCode === 'string' && settings.extra.feeAccountCode ? settings.extra.feeAccountCode : '260';
  const body = new Invoices();
  body.invoices = [{
    type: 'ACCREC', contact: { contactID: change.customerExternalId }, date: change.date, dueDate: change.dueDate,
    reference: `Late-payment fees on ${change.invoiceNumber}`, currencyCode: change.currency, status: 'AUTHORISED', lineAmountTypes: 'NoTax',
    lineItems: change.lines.map((l) => {
      toMinor(l.amount, change.currency, 'lines.amount');
      return { description: l.description, quantity: 1, unitAmount: Number(l.amount), accountCode };
    }),
  } as never];
  return body;
}

export async function createFeeInvoice(client: XeroClient, settings: ConnectionSettings, change: FeeChange, idempotencyKey?: string): Promise<PushResult> {
  const body = feeInvoicesBody(change, settings);
  const key = idempotencyKey?.slice(0, 128);
  const answer = await client.request('xero.invoices.put', (api, tenantId) => api.createInvoices(tenantId, body, true, undefined, key));
  const parsed = answerSchema.safeParse(answer.data);
  if (!parsed.success) throw new InvalidInput(`xero: the fee invoice answer has no ${parsed.error.issues[0]?.path.join('.')}`, { field: 'Invoices' });
  return { externalId: parsed.data.Invoices[0]!.InvoiceID, version: null, attempts: 1 };
}
