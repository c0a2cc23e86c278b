/**
 * The online invoice of one sales invoice: Xero's page where the customer can see and pay it.
 * https://developer.xero.com/documentation/api/accounting/invoices#retrieving-the-online-invoice-url
 * One call per invoice; Xero refuses it (400 ValidationException) for drafts and unapproved invoices.
 */
import { z } from 'zod';
import { isRelanceError } from '../../core/errors.ts';
import type { XeroClient } from './client.ts';

const onlineInvoicesSchema = z.looseObject({
  OnlineInvoices: z.array(z.looseObject({ OnlineInvoiceUrl: z.string().optional() })).optional(),
});

/** `OnlineInvoices[0].OnlineInvoiceUrl`, or null when Xero has none for this invoice (draft, gone). */
export async function onlineInvoiceUrl(client: XeroClient, invoiceExternalId: string): Promise<string | null> {
  let data: unknown;
  try {
    ({ data } = await client.request('xero.invoice.online.get', (api, tenantId) => api.getOnlineInvoice(tenantId, invoiceExternalId)));
  } catch (e) {
    if (isRelanceError(e) && (e.code === 'not_found' || (e.code === 'invalid' && e.details.status === 400))) return null;
    throw e;
  }
  const parsed = onlineInvoicesSchema.safeParse(data);
  return (parsed.success && parsed.data.OnlineInvoices?.[0]?.OnlineInvoiceUrl) || null;
}
