/** The words of the weekly report email, in the languages a schedule may choose. */
import type { AgingBucket } from '../aging.ts';

export const REPORT_LANGUAGES = ['en', 'fr'] as const;
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
};
