/**
 * The providers' customer-facing payment pages, as the sandbox serves them: QuickBooks' invoice
 * link (`/comm/invoice/<realm>/<id>`) and Xero's online invoice. A stand-in so that the portal's
 * "Pay online" opens something in the demo instead of a dead link or the real internet; no money
 * moves. Every value is escaped.
 */
const esc = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export interface PayPageInvoice {
  provider: 'QuickBooks' | 'Xero';
  number: string;
  customer: string;
  amountDue: string;
  currency: string;
  dueDate: string | null;
}

export function payPage(i: PayPageInvoice): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Invoice ${esc(i.number)} — ${esc(i.provider)} (sandbox)</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;color:#1d2430}.due{font-size:2rem;font-weight:700}.note{color:#5b6575}button{font:inherit;padding:.5rem 1.2rem}</style>
</head><body><p class="note">${esc(i.provider)} payment page — sandbox stand-in</p><h1>Invoice ${esc(i.number)}</h1>
<p>${esc(i.customer)}</p><p class="due" id="amount-due">${esc(i.amountDue)} ${esc(i.currency)}</p>${i.dueDate ? `<p>Due ${esc(i.dueDate)}</p>` : ''}
<form onsubmit="return false"><button type="submit" disabled>Pay now</button></form>
<p class="note">This is the local simulator: no card is taken and no money moves.</p></body></html>`;
}
