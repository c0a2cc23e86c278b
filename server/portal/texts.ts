/** The portal's words, in French, English, Spanish and German (the page's language: core/portal/page.ts). */
import { acceptedLanguages } from '../../core/messages/language.ts';
import { portalLanguage, type PortalLanguage } from '../../core/portal/index.ts';

export interface PortalTexts {
  title: (org: string) => string;
  greeting: (customer: string) => string;
  openInvoices: string;
  none: string;
  number: string;
  issued: string;
  due: string;
  total: string;
  balance: string;
  pay: string;
  disputed: string;
  reminders: string;
  noReminders: string;
  channel: Record<string, string>;
  promiseTitle: string;
  promiseDate: string;
  promiseAmount: string;
  disputeTitle: string;
  disputeInvoice: string;
  disputeReason: string;
  planTitle: string;
  planInstallments: string;
  planMessage: string;
  send: string;
  thanks: string;
  invalidTitle: string;
  invalidBody: string;
  badInput: (field: string) => string;
  /** Too many form posts on this link for now. */
  tooMany: string;
}

const en: PortalTexts = {
  title: (org) => `${org}: your account`,
  greeting: (c) => `Account of ${c}`,
  openInvoices: 'Open invoices',
  none: 'No open invoice. Thank you!',
  number: 'Invoice', issued: 'Issued', due: 'Due', total: 'Total', balance: 'Left to pay', pay: 'Pay online', disputed: 'in dispute',
  reminders: 'Reminders sent', noReminders: 'No reminder sent.',
  channel: { email: 'Email', sms: 'SMS', letter: 'Letter', call: 'Call', task: 'Follow-up', escalate: 'Escalation' },
  promiseTitle: 'Promise to pay', promiseDate: 'I will pay on', promiseAmount: 'Amount',
  disputeTitle: 'Dispute an invoice', disputeInvoice: 'Invoice', disputeReason: 'Reason',
  planTitle: 'Ask for a payment plan', planInstallments: 'Number of instalments', planMessage: 'Message (optional)',
  send: 'Send',
  thanks: 'Thank you: we have received your request.',
  invalidTitle: 'This link is not valid',
  invalidBody: 'This link has expired or is no longer valid. Please contact us to get a new one.',
  badInput: (f) => `Please check the field: ${f}.`,
  tooMany: 'Too many requests on this page; please try again in a few minutes.',
};

const fr: PortalTexts = {
  title: (org) => `${org} : votre compte`,
  greeting: (c) => `Compte de ${c}`,
  openInvoices: 'Factures ouvertes',
  none: 'Aucune facture ouverte. Merci !',
  number: 'Facture', issued: 'Émise le', due: 'Échéance', total: 'Total', balance: 'Reste à payer', pay: 'Payer en ligne', disputed: 'en litige',
  reminders: 'Relances envoyées', noReminders: 'Aucune relance envoyée.',
  channel: { email: 'E-mail', sms: 'SMS', letter: 'Courrier', call: 'Appel', task: 'Suivi', escalate: 'Escalade' },
  promiseTitle: 'Promesse de paiement', promiseDate: 'Je paierai le', promiseAmount: 'Montant',
  disputeTitle: 'Contester une facture', disputeInvoice: 'Facture', disputeReason: 'Motif',
  planTitle: 'Demander un échéancier', planInstallments: "Nombre d'échéances", planMessage: 'Message (facultatif)',
  send: 'Envoyer',
  thanks: 'Merci : nous avons bien reçu votre demande.',
  invalidTitle: "Ce lien n'est pas valide",
  invalidBody: "Ce lien a expiré ou n'est plus valide. Contactez-nous pour en obtenir un nouveau.",
  badInput: (f) => `Veuillez vérifier le champ : ${f}.`,
  tooMany: 'Trop de demandes sur cette page ; veuillez réessayer dans quelques minutes.',
};

const es: PortalTexts = {
  title: (org) => `${org}: su cuenta`,
  greeting: (c) => `Cuenta de ${c}`,
  openInvoices: 'Facturas pendientes',
  none: 'Ninguna factura pendiente. ¡Gracias!',
  number: 'Factura', issued: 'Emitida', due: 'Vencimiento', total: 'Importe', balance: 'Pendiente de pago', pay: 'Pagar en línea', disputed: 'en disputa',
  reminders: 'Recordatorios enviados', noReminders: 'Ningún recordatorio enviado.',
  channel: { email: 'Correo electrónico', sms: 'SMS', letter: 'Carta', call: 'Llamada', task: 'Seguimiento', escalate: 'Escalado' },
  promiseTitle: 'Compromiso de pago', promiseDate: 'Pagaré el', promiseAmount: 'Importe',
  disputeTitle: 'Impugnar una factura', disputeInvoice: 'Factura', disputeReason: 'Motivo',
  planTitle: 'Solicitar un plan de pagos', planInstallments: 'Número de plazos', planMessage: 'Mensaje (opcional)',
  send: 'Enviar',
  thanks: 'Gracias: hemos recibido su solicitud.',
  invalidTitle: 'Este enlace no es válido',
  invalidBody: 'Este enlace ha caducado o ya no es válido. Póngase en contacto con nosotros para obtener uno nuevo.',
  badInput: (f) => `Revise el campo: ${f}.`,
  tooMany: 'Demasiadas solicitudes en esta página; inténtelo de nuevo dentro de unos minutos.',
};

const de: PortalTexts = {
  title: (org) => `${org}: Ihr Kundenkonto`,
  greeting: (c) => `Konto von ${c}`,
  openInvoices: 'Offene Rechnungen',
  none: 'Keine offene Rechnung. Vielen Dank!',
  number: 'Rechnung', issued: 'Ausgestellt am', due: 'Fällig am', total: 'Betrag', balance: 'Noch zu zahlen', pay: 'Online bezahlen', disputed: 'beanstandet',
  reminders: 'Versandte Erinnerungen', noReminders: 'Keine Erinnerung versandt.',
  channel: { email: 'E-Mail', sms: 'SMS', letter: 'Brief', call: 'Anruf', task: 'Nachverfolgung', escalate: 'Eskalation' },
  promiseTitle: 'Zahlungszusage', promiseDate: 'Ich zahle am', promiseAmount: 'Betrag',
  disputeTitle: 'Rechnung beanstanden', disputeInvoice: 'Rechnung', disputeReason: 'Grund',
  planTitle: 'Ratenzahlung anfragen', planInstallments: 'Anzahl der Raten', planMessage: 'Nachricht (optional)',
  send: 'Senden',
  thanks: 'Vielen Dank: Wir haben Ihre Anfrage erhalten.',
  invalidTitle: 'Dieser Link ist ungültig',
  invalidBody: 'Dieser Link ist abgelaufen oder nicht mehr gültig. Bitte kontaktieren Sie uns, um einen neuen zu erhalten.',
  badInput: (f) => `Bitte prüfen Sie das Feld: ${f}.`,
  tooMany: 'Zu viele Anfragen auf dieser Seite; bitte versuchen Sie es in einigen Minuten erneut.',
};

export const PORTAL_TEXTS: Record<PortalLanguage, PortalTexts> = { en, fr, es, de };

/** The language of a page shown without a valid link: the browser's first Accept-Language the portal speaks, else English. */
export function languageFromHeader(header: string | undefined): PortalLanguage {
  return portalLanguage(...acceptedLanguages(header));
}
