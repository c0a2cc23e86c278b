/**
 * Where a customer can see or pay an invoice at its provider, read from the synced record. Nothing
 * here calls a provider: a link the connector did not store is simply absent.
 */
export interface InvoiceLinks {
  /** The provider's online page for the invoice, where the customer can pay it. */
  paymentUrl: string | null;
}

function httpsUrl(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  try {
    return new URL(value).protocol === 'https:' ? value : null;
  } catch {
    return null;
  }
}

/**
 * QuickBooks returns `InvoiceLink` on an invoice read or query with `include=invoiceLink`
 * (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice).
 * Xero gives the online invoice at GET /Invoices/{InvoiceID}/OnlineInvoice as `OnlineInvoiceUrl`
 * (https://developer.xero.com/documentation/api/accounting/invoices#retrieving-the-online-invoice-url);
 * a connector that fetched it keeps it in the invoice's custom fields as `onlineInvoiceUrl`.
 * Only https links are shown: a raw record is provider data, not trusted markup.
 */
export function invoiceLinks(provider: string, raw: unknown, customFields: Record<string, unknown>): InvoiceLinks {
  const record = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  if (provider === 'quickbooks') return { paymentUrl: httpsUrl(record.InvoiceLink) ?? httpsUrl(customFields.invoiceLink) };
  if (provider === 'xero') return { paymentUrl: httpsUrl(customFields.onlineInvoiceUrl) ?? httpsUrl(record.OnlineInvoiceUrl) };
  return { paymentUrl: null };
}
