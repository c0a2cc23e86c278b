/**
 * The weekly report email (aged balance, DSO standard and countback, 8-week cash-in forecast, for
 * each currency) as HTML and text, in the schedule's language. Amounts go through the locale
 * formatters as exact decimals; the text part is derived from the HTML so the two never differ.
 */
import type { IsoDate } from '../../calendar/index.ts';
import type { CustomerLedger, Organization } from '../../ledger/index.ts';
import { htmlToText } from '../../messages/html-to-text.ts';
import { formatAmount, formatDate, formattingLocale } from '../../messages/locale-format.ts';
import { escapeHtml } from '../../messages/placeholders.ts';
import { AGING_BUCKETS, agedBalance } from '../aging.ts';
import { DEFAULT_DSO_PERIOD_DAYS, formatTenths } from '../dso.ts';
import { dsoPoint } from '../dso-trend.ts';
import { forecast } from '../forecast.ts';
import { reportCurrencies } from '../receivables.ts';
import { LABELS, type ReportLabels, type ReportLanguage } from './labels.ts';

export const WEEKLY_FORECAST_WEEKS = 8;

export interface WeeklyReportEmail {
  subject: string;
  html: string;
  text: string;
}

interface Formatters {
  labels: ReportLabels;
  money: (minor: bigint) => string;
  date: (iso: IsoDate) => string;
  days: (tenths: bigint | null) => string;
}

const CELL = 'padding:4px 12px;border-bottom:1px solid #e5e5e5';

function table(rows: readonly (readonly [string, string])[], totalRow: readonly [string, string] | null): string {
  const tr = ([label, value]: readonly [string, string], bold: boolean) =>
    `<tr${bold ? ' style="font-weight:bold"' : ''}><td style="${CELL}">${escapeHtml(label)}</td><td style="${CELL};text-align:right">${escapeHtml(value)}</td></tr>`;
  return `<table style="border-collapse:collapse;margin:0 0 16px">${rows.map((r) => tr(r, false)).join('')}${totalRow ? tr(totalRow, true) : ''}</table>`;
}

function currencySection(customers: readonly CustomerLedger[], currency: string, asOf: IsoDate, f: Formatters): string {
  const { labels } = f;
  const aging = agedBalance(customers, currency, asOf);
  const agingRows = AGING_BUCKETS.map((b) => [labels.buckets[b], f.money(aging.buckets[b])] as const);
  const point = dsoPoint(customers, currency, asOf, DEFAULT_DSO_PERIOD_DAYS);
  const cash = forecast(customers, currency, asOf, WEEKLY_FORECAST_WEEKS);
  const weekRows = cash.weeks.map((w) => [labels.week(f.date(w.from), f.date(w.to)), f.money(w.amount)] as const);
  return [
    `<h2 style="font-size:18px;margin:24px 0 8px">${escapeHtml(labels.currency(currency))}</h2>`,
    `<h3 style="font-size:15px;margin:12px 0 4px">${escapeHtml(labels.aging)}</h3>`,
    table([...agingRows, [labels.disputed, f.money(aging.disputed)]], [labels.total, f.money(aging.total)]),
    `<h3 style="font-size:15px;margin:12px 0 4px">${escapeHtml(labels.dso)}</h3>`,
    table([[labels.dsoStandard(DEFAULT_DSO_PERIOD_DAYS), f.days(point.standardTenths)], [labels.dsoCountback, f.days(point.countbackTenths)]], null),
    `<h3 style="font-size:15px;margin:12px 0 4px">${escapeHtml(labels.forecast(WEEKLY_FORECAST_WEEKS))}</h3>`,
    table([...weekRows, [labels.later, f.money(cash.later)]], [labels.total, f.money(cash.total)]),
  ].join('\n');
}

/** The email of one organization's weekly report on `asOf`. */
export function composeWeeklyReport(
  organization: Organization,
  customers: readonly CustomerLedger[],
  asOf: IsoDate,
  language: ReportLanguage,
): WeeklyReportEmail {
  const labels = LABELS[language];
  const locale = formattingLocale(language, null, organization.country);
  // Days in the bare language: ICU formats plain numbers of some mixed locales (en-FR: "56,3") unlike
  // their amounts ("€2,500.00"), and one email must not use two decimal marks.
  const dayFormat = new Intl.NumberFormat(language, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const sections = reportCurrencies(customers, organization).map((currency) =>
    currencySection(customers, currency, asOf, {
      labels,
      money: (minor) => formatAmount(minor, currency, locale),
      date: (iso) => formatDate(iso, locale),
      // Tenths as an exact decimal string: no float between the figure and the reader.
      days: (tenths) => (tenths === null ? labels.noFigure : labels.days(dayFormat.format(formatTenths(tenths) as Intl.StringNumericLiteral))),
    }),
  );
  const date = formatDate(asOf, locale, 'long');
  const html = [
    `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><title>${escapeHtml(labels.title)}</title></head>`,
    '<body style="font-family:Helvetica,Arial,sans-serif;font-size:14px;color:#222">',
    `<h1 style="font-size:20px">${escapeHtml(labels.title)} – ${escapeHtml(organization.name)}</h1>`,
    `<p>${escapeHtml(labels.intro(date))}</p>`,
    ...sections,
    `<p style="color:#777;font-size:12px">${escapeHtml(labels.footer)}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject: labels.subject(organization.name, date), html, text: htmlToText(html) };
}
