/** The words of the weekly report email, in the languages a schedule may choose. */
import type { AgingBucket } from '../aging.ts';

export const REPORT_LANGUAGES = ['en', 'fr', 'es', 'de'] as const;
export type ReportLanguage = (typeof REPORT_LANGUAGES)[number];

export interface ReportLabels {
  subject: (organization: string, date: string) => string;
  title: string;
  intro: (date: string) => string;
  currency: (currency: string) => string;
  aging: string;
  buckets: Record<AgingBucket, string>;
  total: string;
  disputed: string;
  dso: string;
  dsoStandard: (periodDays: number) => string;
  dsoCountback: string;
  days: (days: string) => string;
  noFigure: string;
  forecast: (weeks: number) => string;
  week: (from: string, to: string) => string;
  later: string;
  footer: string;
}

export const LABELS: Record<ReportLanguage, ReportLabels> = {
  en: {
    subject: (org, date) => `Weekly receivables report, ${org}, ${date}`,
    title: 'Weekly receivables report',
    intro: (date) => `Figures as of ${date}.`,
    currency: (c) => `Receivables in ${c}`,
    aging: 'Aged balance',
    buckets: { current: 'Not yet due', '1-30': '1–30 days past due', '31-60': '31–60 days', '61-90': '61–90 days', '91+': 'Over 90 days' },
    total: 'Total',
    disputed: 'of which disputed',
    dso: 'Days sales outstanding',
    dsoStandard: (n) => `Standard (${n}-day period)`,
    dsoCountback: 'Countback',
    days: (d) => `${d} days`,
    noFigure: 'n/a',
    forecast: (n) => `Expected cash-in, next ${n} weeks`,
    week: (from, to) => `${from} – ${to}`,
    later: 'Later',
    footer: 'Sent by Relance each week; an administrator of the organization chooses the recipients.',
  },
  fr: {
    subject: (org, date) => `Rapport hebdomadaire des créances, ${org}, ${date}`,
    title: 'Rapport hebdomadaire des créances',
    intro: (date) => `Chiffres au ${date}.`,
    currency: (c) => `Créances en ${c}`,
    aging: 'Balance âgée',
    buckets: { current: 'Non échu', '1-30': 'Échu de 1 à 30 jours', '31-60': '31 à 60 jours', '61-90': '61 à 90 jours', '91+': 'Plus de 90 jours' },
    total: 'Total',
    disputed: 'dont en litige',
    dso: 'Délai moyen de paiement clients (DSO)',
    dsoStandard: (n) => `Méthode standard (période de ${n} jours)`,
    dsoCountback: 'Méthode par épuisement (countback)',
    days: (d) => `${d} jours`,
    noFigure: 'n.d.',
    forecast: (n) => `Encaissements attendus, ${n} prochaines semaines`,
    week: (from, to) => `du ${from} au ${to}`,
    later: 'Au-delà',
    footer: 'Envoyé par Relance chaque semaine ; un administrateur de l’organisation choisit les destinataires.',
  },
  es: {
    subject: (org, date) => `Informe semanal de cuentas por cobrar, ${org}, ${date}`,
    title: 'Informe semanal de cuentas por cobrar',
    intro: (date) => `Cifras a ${date}.`,
    currency: (c) => `Cuentas por cobrar en ${c}`,
    aging: 'Antigüedad de saldos',
    buckets: { current: 'No vencido', '1-30': 'Vencido de 1 a 30 días', '31-60': '31 a 60 días', '61-90': '61 a 90 días', '91+': 'Más de 90 días' },
    total: 'Total',
    disputed: 'de los cuales en disputa',
    dso: 'Periodo medio de cobro (DSO)',
    dsoStandard: (n) => `Método estándar (periodo de ${n} días)`,
    dsoCountback: 'Método de agotamiento (countback)',
    days: (d) => `${d} días`,
    noFigure: 'n/d',
    forecast: (n) => `Cobros previstos, próximas ${n} semanas`,
    week: (from, to) => `del ${from} al ${to}`,
    later: 'Más adelante',
    footer: 'Enviado por Relance cada semana; un administrador de la organización elige los destinatarios.',
  },
  de: {
    subject: (org, date) => `Wöchentlicher Forderungsbericht, ${org}, ${date}`,
    title: 'Wöchentlicher Forderungsbericht',
    intro: (date) => `Stand: ${date}.`,
    currency: (c) => `Forderungen in ${c}`,
    aging: 'Altersstruktur der offenen Posten',
    buckets: { current: 'Noch nicht fällig', '1-30': '1–30 Tage überfällig', '31-60': '31–60 Tage', '61-90': '61–90 Tage', '91+': 'Über 90 Tage' },
    total: 'Gesamt',
    disputed: 'davon strittig',
    dso: 'Forderungslaufzeit (DSO)',
    dsoStandard: (n) => `Standardmethode (Zeitraum von ${n} Tagen)`,
    dsoCountback: 'Countback-Methode',
    days: (d) => `${d} Tage`,
    noFigure: 'k. A.',
    forecast: (n) => `Erwartete Zahlungseingänge, nächste ${n} Wochen`,
    week: (from, to) => `${from} – ${to}`,
    later: 'Später',
    footer: 'Wöchentlich von Relance versandt; die Empfänger legt ein Administrator der Organisation fest.',
  },
};
