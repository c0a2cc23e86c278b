/**
 * The customer-facing link of one invoice, where the customer can see and pay it online.
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice#read-an-invoice
 * `InvoiceLink` comes only on a read or query with `include=invoiceLink` (minor version 36 and
 * later), and only when the invoice allows online payment. node-quickbooks' `getInvoice` takes no
 * query options: the parameter rides on the id, and the SDK appends `minorversion` after it.
 */
import { z } from 'zod';
import { isRelanceError } from '../../core/errors.ts';
import type { QuickBooksClient } from './client.ts';
import { unwrapEntity } from './schemas.ts';

const invoiceLinkSchema = z.looseObject({ InvoiceLink: z.string().optional() });

/** The invoice's `InvoiceLink`, or null when QuickBooks gives none (no online payment, invoice gone). */
export async function readPaymentLink(client: QuickBooksClient, invoiceId: string): Promise<string | null> {
  let body: unknown;
  try {
    body = await client.invoke('read Invoice link', 'getInvoice', [`${encodeURIComponent(invoiceId)}?include=invoiceLink`]);
  } catch (e) {
    if (isRelanceError(e) && e.code === 'not_found') return null;
    throw e;
  }
  const parsed = invoiceLinkSchema.safeParse(unwrapEntity(body, 'Invoice'));
  return parsed.success && parsed.data.InvoiceLink ? parsed.data.InvoiceLink : null;
}
