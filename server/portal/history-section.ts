/**
 * The portal's "what you told us" section (issue 17): the customer's promises, payment plan
 * requests and plans, and disputes with their status, in the page's language. Self-contained (its
 * own words), so the portal's texts and language choice stay as they are.
 */
import type { PortalHistory } from '../../core/portal/history.ts';
import { portalAmount, portalDate } from './format.ts';

const esc = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const WORDS = {
  en: {
    title: 'What you told us', promises: 'Your promises to pay', plans: 'Payment plans', disputes: 'Your disputes',
    promise: (amount: string, date: string, on: string) => `${amount} by ${date} (promised on ${on})`,
    request: (n: number | null, on: string) => `asked on ${on} for a plan${n ? ` in ${n} instalments` : ''}: we will come back to you`,
    plan: (total: string, n: number, on: string) => `${total} in ${n} instalments, agreed on ${on}`,
    dispute: (invoices: string, reason: string, on: string) => `${invoices}, opened on ${on}: ${reason}`,
    status: { pending: 'pending', kept: 'kept', broken: 'not kept', cancelled: 'cancelled', active: 'running', completed: 'completed', defaulted: 'not kept', open: 'being looked at', resolved: 'resolved', rejected: 'not accepted' } as Record<string, string>,
  },
  fr: {
    title: 'Ce que vous nous avez dit', promises: 'Vos promesses de paiement', plans: 'Échéanciers', disputes: 'Vos contestations',
    promise: (amount: string, date: string, on: string) => `${amount} pour le ${date} (promis le ${on})`,
    request: (n: number | null, on: string) => `demandé le ${on}${n ? ` en ${n} échéances` : ''} : nous revenons vers vous`,
    plan: (total: string, n: number, on: string) => `${total} en ${n} échéances, convenu le ${on}`,
    dispute: (invoices: string, reason: string, on: string) => `${invoices}, ouverte le ${on} : ${reason}`,
    status: { pending: 'en cours', kept: 'tenue', broken: 'non tenue', cancelled: 'annulée', active: 'en cours', completed: 'terminé', defaulted: 'non tenu', open: 'en cours d’examen', resolved: 'résolue', rejected: 'non retenue' } as Record<string, string>,
  },
  es: {
    title: 'Lo que nos ha indicado', promises: 'Sus compromisos de pago', plans: 'Planes de pago', disputes: 'Sus impugnaciones',
    promise: (amount: string, date: string, on: string) => `${amount} para el ${date} (comprometido el ${on})`,
    request: (n: number | null, on: string) => `solicitado el ${on}${n ? ` en ${n} plazos` : ''}: nos pondremos en contacto con usted`,
    plan: (total: string, n: number, on: string) => `${total} en ${n} plazos, acordado el ${on}`,
    dispute: (invoices: string, reason: string, on: string) => `${invoices}, abierta el ${on}: ${reason}`,
    status: { pending: 'pendiente', kept: 'cumplido', broken: 'no cumplido', cancelled: 'cancelado', active: 'en curso', completed: 'completado', defaulted: 'no cumplido', open: 'en revisión', resolved: 'resuelta', rejected: 'no aceptada' } as Record<string, string>,
  },
  de: {
    title: 'Ihre Angaben an uns', promises: 'Ihre Zahlungszusagen', plans: 'Ratenzahlungen', disputes: 'Ihre Beanstandungen',
    promise: (amount: string, date: string, on: string) => `${amount} bis ${date} (zugesagt am ${on})`,
    request: (n: number | null, on: string) => `am ${on} angefragt${n ? `, in ${n} Raten` : ''}: wir melden uns bei Ihnen`,
    plan: (total: string, n: number, on: string) => `${total} in ${n} Raten, vereinbart am ${on}`,
    dispute: (invoices: string, reason: string, on: string) => `${invoices}, eröffnet am ${on}: ${reason}`,
    status: { pending: 'offen', kept: 'eingehalten', broken: 'nicht eingehalten', cancelled: 'storniert', active: 'laufend', completed: 'abgeschlossen', defaulted: 'nicht eingehalten', open: 'in Prüfung', resolved: 'geklärt', rejected: 'nicht anerkannt' } as Record<string, string>,
  },
};

/** The section's HTML, every text escaped; empty when the customer has told us nothing yet. */
export function historySection(history: PortalHistory | undefined, language: string): string {
  if (!history) return '';
  const w = Object.hasOwn(WORDS, language) ? WORDS[language as keyof typeof WORDS] : WORDS.en;
  const money = (amount: string, currency: string) => portalAmount(amount, currency, language);
  const day = (iso: string) => portalDate(iso, language);
  const badge = (status: string) => ` <em class="status status-${esc(status)}">(${esc(w.status[status] ?? status)})</em>`;
  const parts: string[] = [];
  if (history.promises.length) {
    parts.push(`<h3>${esc(w.promises)}</h3><ul id="portal-promises">${history.promises.map((p) => `<li data-status="${esc(p.status)}">${esc(w.promise(money(p.amount, p.currency), day(p.date), day(p.recordedOn)))}${badge(p.status)}</li>`).join('')}</ul>`);
  }
  if (history.planRequests.length || history.plans.length) {
    const items = [
      ...history.plans.map((p) => `<li data-status="${esc(p.status)}">${esc(w.plan(money(p.total, p.currency), p.installments, day(p.createdOn)))}${badge(p.status)}</li>`),
      ...history.planRequests.map((r) => `<li data-status="requested">${esc(w.request(r.installments, day(r.requestedOn)))}</li>`),
    ];
    parts.push(`<h3>${esc(w.plans)}</h3><ul id="portal-plans">${items.join('')}</ul>`);
  }
  if (history.disputes.length) {
    parts.push(`<h3>${esc(w.disputes)}</h3><ul id="portal-disputes">${history.disputes.map((d) => `<li data-status="${esc(d.status)}">${esc(w.dispute(d.invoices.join(', '), d.reason, day(d.openedOn)))}${badge(d.status)}${d.resolution ? ` — ${esc(d.resolution)}` : ''}</li>`).join('')}</ul>`);
  }
  return parts.length ? `<section id="portal-history"><h2>${esc(w.title)}</h2>${parts.join('')}</section>` : '';
}
