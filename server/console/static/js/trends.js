/**
 * The dashboard's two trend panels, per currency: DSO at each month end (`GET …/reports/dso-trend`,
 * standard DSO drawn as a line, countback beside it in the table) and the cash-in forecast by week
 * (`GET …/reports/forecast`, drawn as bars, "later" and the total in the table). Each chart is
 * followed by a table of the same figures, so nothing is only drawn.
 */
import { api } from './api.js';
import { barChart, lineChart } from './charts.js';
import { toNumberForChart } from './decimal.js';
import { h, render } from './dom.js';
import { formatDate, formatMoney, language, t } from './i18n.js';
import { orgPath } from './session.js';

const MONTHS = 12;
const WEEKS = 8;

const shortDate = (iso, options) => new Intl.DateTimeFormat(language(), { ...options, timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`));
/** Days as the API gives them ("45.2") in the console's language: "45.2", "45,2". */
const number = (text) => new Intl.NumberFormat(language(), { maximumFractionDigits: 1 }).format(text);
/** The same with its unit; "—" for no figure. */
const days = (text) => (text === null ? '—' : t('trends.days', { days: number(text) }));

/** The report's own currency first, then the others it lists. */
const perCurrency = (report) => [report, ...(report.otherCurrencies ?? [])];

function dsoPanel(trend) {
  const title = t('trends.dso', { currency: trend.currency });
  const chart = lineChart({
    title,
    points: trend.points.map((p) => ({ label: shortDate(p.asOf, { month: '2-digit', year: '2-digit' }), value: p.standard === null ? null : toNumberForChart(p.standard), display: p.standard === null ? '—' : number(p.standard) })),
  });
  return h('div', { class: 'chart-box', 'data-chart': 'dso', 'data-currency': trend.currency },
    h('h2', {}, title), render(chart),
    h('details', {}, h('summary', {}, t('trends.table')),
      h('table', {},
        h('thead', {}, h('tr', {}, h('th', {}, t('trends.monthEnd')), h('th', { class: 'num' }, t('trends.standard')), h('th', { class: 'num' }, t('trends.countback')))),
        h('tbody', {}, trend.points.map((p) => h('tr', {}, h('td', {}, formatDate(p.asOf)), h('td', { class: 'num' }, days(p.standard)), h('td', { class: 'num' }, days(p.countback))))))));
}

function forecastPanel(forecast) {
  const title = t('trends.forecast', { currency: forecast.currency, date: formatDate(forecast.asOf) });
  const chart = barChart({
    title,
    bars: forecast.weeks.map((w) => ({ label: shortDate(w.from, { day: 'numeric', month: 'short' }), value: toNumberForChart(w.amount), display: formatMoney(w.amount, forecast.currency) })),
  });
  const row = (label, amount, cls) => h('tr', { class: cls }, h('td', {}, label), h('td', { class: 'num' }, formatMoney(amount, forecast.currency)));
  return h('div', { class: 'chart-box', 'data-chart': 'forecast', 'data-currency': forecast.currency },
    h('h2', {}, title), render(chart),
    h('details', {}, h('summary', {}, t('trends.table')),
      h('table', {},
        h('thead', {}, h('tr', {}, h('th', {}, t('trends.week')), h('th', { class: 'num' }, t('trends.expected')))),
        h('tbody', {},
          forecast.weeks.map((w) => row(t('trends.weekOf', { from: formatDate(w.from), to: formatDate(w.to) }), w.amount)),
          row(t('trends.later'), forecast.later),
          row(t('trends.total'), forecast.total, 'total')))));
}

/** The trend panels, or a note saying why there are none (a member limited to their customers gets 403). */
export async function trendsSection() {
  const [dso, forecast] = await Promise.all([
    api(orgPath('/reports/dso-trend'), { query: { months: MONTHS } }),
    api(orgPath('/reports/forecast'), { query: { weeks: WEEKS } }),
  ]).catch((e) => [e, null]);
  if (!forecast) return h('p', { class: 'muted', id: 'trends-unavailable' }, t('trends.unavailable', { message: dso.message }));
  const forecasts = new Map(perCurrency(forecast).map((f) => [f.currency, f]));
  const trends = new Map(perCurrency(dso).map((d) => [d.currency, d]));
  const currencies = [...new Set([...trends.keys(), ...forecasts.keys()])];
  return h('section', { id: 'trends' }, currencies.map((c) => h('div', { class: 'panel columns' },
    trends.has(c) ? dsoPanel(trends.get(c)) : h('div'),
    forecasts.has(c) ? forecastPanel(forecasts.get(c)) : h('div'))));
}
