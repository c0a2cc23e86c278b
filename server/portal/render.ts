/**
 * The portal's HTML, server-rendered with no script: every value from the store is escaped, the
 * colour is the #RRGGBB the store's CHECK allows, the logo an https URL or nothing.
 */
import type { PortalPage } from '../../core/portal/index.ts';
import type { PortalTexts } from './texts.ts';
import { historySection } from './history-section.ts';
import { portalAmount, portalDate } from './format.ts';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function layout(lang: string, title: string, color: string, body: string): string {
  const safeColor = /^#[0-9a-fA-F]{6}$/.test(color) ? color : '#1f4e79';
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:56rem;margin:2rem auto;padding:0 1rem;color:#222}
h1,h2{color:${safeColor}}table{border-collapse:collapse;width:100%}td,th{padding:.4rem;border-bottom:1px solid #ddd;text-align:left}
.num{text-align:right}form{margin:1rem 0;padding:1rem;border:1px solid #ddd}label{display:block;margin:.4rem 0}
button{background:${safeColor};color:#fff;border:0;padding:.5rem 1rem}.notice{padding:.6rem;background:#eef6ee}.error{padding:.6rem;background:#fbeaea}</style>
</head><body>${body}</body></html>`;
}

export function renderInvalid(lang: string, t: PortalTexts): string {
  return layout(lang, t.invalidTitle, '#444444', `<h1>${escapeHtml(t.invalidTitle)}</h1><p>${escapeHtml(t.invalidBody)}</p>`);
}

function invoiceTable(page: PortalPage, t: PortalTexts): string {
  if (!page.invoices.length) return `<p>${escapeHtml(t.none)}</p>`;
  const rows = page.invoices.map((i) => {
    const pay = i.paymentUrl ? `<a href="${escapeHtml(i.paymentUrl)}" rel="noopener noreferrer">${escapeHtml(t.pay)}</a>` : '';
    const flag = i.disputed ? ` <em>(${escapeHtml(t.disputed)})</em>` : '';
    const lang = page.language;
    return `<tr><td>${escapeHtml(i.number ?? '')}${flag}</td><td>${escapeHtml(portalDate(i.issueDate, lang))}</td><td>${escapeHtml(portalDate(i.dueDate, lang))}</td>
<td class="num">${escapeHtml(portalAmount(i.total, i.currency, lang))}</td><td class="num">${escapeHtml(portalAmount(i.balance, i.currency, lang))}</td><td>${pay}</td></tr>`;
  });
  return `<table><thead><tr><th>${escapeHtml(t.number)}</th><th>${escapeHtml(t.issued)}</th><th>${escapeHtml(t.due)}</th><th class="num">${escapeHtml(t.total)}</th><th class="num">${escapeHtml(t.balance)}</th><th></th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function reminderList(page: PortalPage, t: PortalTexts): string {
  if (!page.reminders.length) return `<p>${escapeHtml(t.noReminders)}</p>`;
  return `<ul>${page.reminders.map((r) => `<li>${escapeHtml(portalDate(r.sentAt, page.language))}: ${escapeHtml(t.channel[r.channel] ?? r.channel)}</li>`).join('')}</ul>`;
}

export interface FormsOffered {
  promise: boolean;
  dispute: boolean;
  plan: boolean;
}

function forms(page: PortalPage, t: PortalTexts, action: string, csrf: string, offered: FormsOffered): string {
  const hidden = `<input type="hidden" name="csrf" value="${escapeHtml(csrf)}">`;
  const button = `<button type="submit">${escapeHtml(t.send)}</button>`;
  const out: string[] = [];
  if (offered.promise && page.invoices.length) {
    out.push(`<form method="post" action="${action}/promise"><h2>${escapeHtml(t.promiseTitle)}</h2>${hidden}
<label>${escapeHtml(t.promiseDate)} <input type="date" name="date" required></label>
<label>${escapeHtml(t.promiseAmount)} <input name="amount" inputmode="decimal" required pattern="[0-9]+([.,][0-9]{1,2})?"></label>${button}</form>`);
  }
  if (offered.dispute && page.invoices.length) {
    const options = page.invoices.map((i) => `<option value="${escapeHtml(i.id)}">${escapeHtml(i.number ?? i.id)}</option>`).join('');
    out.push(`<form method="post" action="${action}/dispute"><h2>${escapeHtml(t.disputeTitle)}</h2>${hidden}
<label>${escapeHtml(t.disputeInvoice)} <select name="invoiceId">${options}</select></label>
<label>${escapeHtml(t.disputeReason)} <textarea name="reason" required maxlength="2000"></textarea></label>${button}</form>`);
  }
  if (offered.plan && page.invoices.length) {
    out.push(`<form method="post" action="${action}/payment-plan"><h2>${escapeHtml(t.planTitle)}</h2>${hidden}
<label>${escapeHtml(t.planInstallments)} <input type="number" name="installments" min="2" max="24" value="3" required></label>
<label>${escapeHtml(t.planMessage)} <textarea name="message" maxlength="2000"></textarea></label>${button}</form>`);
  }
  return out.join('\n');
}

export function renderPortal(
  page: PortalPage,
  t: PortalTexts,
  opts: { action: string; csrf: string; offered: FormsOffered; notice: 'thanks' | null; error: string | null },
): string {
  const logo = page.organization.logoUrl ? `<img src="${escapeHtml(page.organization.logoUrl)}" alt="${escapeHtml(page.organization.name)}" style="max-height:64px">` : '';
  const notice = opts.notice ? `<p class="notice">${escapeHtml(t.thanks)}</p>` : '';
  const error = opts.error ? `<p class="error">${escapeHtml(opts.error === 'rate_limited' ? t.tooMany : t.badInput(opts.error))}</p>` : '';
  const body = `${logo}<h1>${escapeHtml(page.organization.name)}</h1><p>${escapeHtml(t.greeting(page.customer.name))}</p>${notice}${error}
<h2>${escapeHtml(t.openInvoices)}</h2>${invoiceTable(page, t)}
<h2>${escapeHtml(t.reminders)}</h2>${reminderList(page, t)}
${historySection(page.history, page.language)}
${forms(page, t, opts.action, opts.csrf, opts.offered)}`;
  return layout(page.language, t.title(page.organization.name), page.organization.primaryColor, body);
}
