/**
 * Where a customer can see or pay an invoice at its provider: the link the portal asked the
 * connection for (payment-links.ts), else one the synced record carries. Nothing here calls a provider.
 */
export interface InvoiceLinks {
  /** The provider's online page for the invoice, where the customer can pay it. */
  paymentUrl: string | null;
}

function parsedUrl(value: unknown): URL | null {
  if (typeof value !== 'string') return null;
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

function httpsUrl(value: unknown): string | null {
  return parsedUrl(value)?.protocol === 'https:' ? (value as string) : null;
}

const isLoopback = (url: URL) => /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])$/.test(url.hostname);

/** https, or plain http to this machine's loopback, where only a connection to the sandbox gets one. */
function fetchedUrl(value: unknown): string | null {
  const url = parsedUrl(value);
  if (!url) return null;
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url)) ? (value as string) : null;
}

/**
 * Whether a link a connection answered may be kept for the portal: https; plain http only when the
 * connection's own API is on loopback too (the sandbox serves its QuickBooks links so), never from
 * a real provider.
 */
export function keptPaymentUrl(value: string | null, apiBaseUrl: string): string | null {
  if (httpsUrl(value)) return value;
  const api = parsedUrl(apiBaseUrl);
  return api && isLoopback(api) ? fetchedUrl(value) : null;
}

/**
 * QuickBooks returns `InvoiceLink` on an invoice read or query with `include=invoiceLink`
 * (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice).
 * Xero gives the online invoice at GET /Invoices/{InvoiceID}/OnlineInvoice as `OnlineInvoiceUrl`
 * (https://developer.xero.com/documentation/api/accounting/invoices#retrieving-the-online-invoice-url);
 * a connector that fetched it keeps it in the invoice's custom fields as `onlineInvoiceUrl`.
 * Only https links are shown from a record: it is provider data, not trusted markup. `fetched` is the
 * link kept by payment-links.ts (checked by `keptPaymentUrl` before it was kept) and comes first.
 */
export function invoiceLinks(provider: string, raw: unknown, customFields: Record<string, unknown>, fetched: string | null = null): InvoiceLinks {
  const kept = fetchedUrl(fetched);
  if (kept) return { paymentUrl: kept };
  const record = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  if (provider === 'quickbooks') return { paymentUrl: httpsUrl(record.InvoiceLink) ?? httpsUrl(customFields.invoiceLink) };
  if (provider === 'xero') return { paymentUrl: httpsUrl(customFields.onlineInvoiceUrl) ?? httpsUrl(record.OnlineInvoiceUrl) };
  return { paymentUrl: null };
}
