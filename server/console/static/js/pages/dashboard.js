/**
 * The dashboard: aged balance per currency, computed from the open invoices the API lists (as
 * core/reports defines it), drawn as bars, with the largest balances and their exports; then the
 * DSO trend and the cash-in forecast from the reports API (trends.js).
 */
import { allPages } from '../api.js';
import { agedBalances, BUCKETS } from '../aging.js';
import { barChart } from '../charts.js';
import { sumDecimals, toNumberForChart } from '../decimal.js';
import { h, mount, render } from '../dom.js';
import { exportButtons } from '../exports.js';
import { formatDate, formatMoney, t } from '../i18n.js';
import { orgPath, session } from '../session.js';
import { trendsSection } from '../trends.js';
import { insuranceCards } from './credit.js';

const BUCKET_COLORS = { current: '#6b8fb5', '1-30': '#e0a030', '31-60': '#d9772b', '61-90': '#c4502a', '91+': '#9b1c1c' };
const TOP = 10;

/** Today in the organization's time zone, as YYYY-MM-DD. */
function today(timezone) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: timezone || 'UTC' }).format(new Date());
}

function card(label, value, id) {
  return h('div', { class: 'card', 'data-figure': id }, h('div', { class: 'card-label' }, label), h('div', { class: 'card-value' }, value));
}

function agingTable(aging, names, asOf) {
  return {
    name: `Aging ${aging.currency} ${asOf}`,
    columns: [
      { key: 'customer', header: t('customers.name'), type: 'text' },
      ...BUCKETS.map((b) => ({ key: b, header: t(`bucket.${b}`), type: 'decimal' })),
      { key: 'total', header: t('dashboard.total'), type: 'decimal' },
    ],
    rows: aging.byCustomer.map((c) => ({ customer: names.get(c.customerId) ?? c.customerId, ...c.buckets, total: c.total })),
  };
}

function currencySection(aging, names, asOf, errorBox) {
  const overdue = sumDecimals(BUCKETS.filter((b) => b !== 'current').map((b) => aging.buckets[b]));
  const chart = barChart({
    title: t('dashboard.aging', { currency: aging.currency, date: formatDate(asOf) }),
    bars: BUCKETS.map((b) => ({ label: t(`bucket.${b}`), value: toNumberForChart(aging.buckets[b]), display: formatMoney(aging.buckets[b], aging.currency), color: BUCKET_COLORS[b] })),
  });
  const top = aging.byCustomer.slice(0, TOP);
  const section = h('section', { class: 'panel', 'data-currency': aging.currency });
  const errors = h('div');
  mount(section,
    h('div', { class: 'cards' },
      card(t('dashboard.total'), formatMoney(aging.total, aging.currency), 'total'),
      card(t('dashboard.overdue'), formatMoney(overdue, aging.currency), 'overdue'),
      card(t('dashboard.disputed'), formatMoney(aging.disputed, aging.currency), 'disputed'),
      card(t('dashboard.customers'), String(aging.byCustomer.length), 'customers')),
    h('div', { class: 'columns' },
      h('div', { class: 'chart-box' }, h('h2', {}, t('dashboard.aging', { currency: aging.currency, date: formatDate(asOf) })), render(chart)),
      h('div', { class: 'table-box' },
        h('div', { class: 'row-between' }, h('h2', {}, t('dashboard.byCustomer')), exportButtons(() => agingTable(aging, names, asOf), (e) => mount(errors, errorBox(e)))),
        errors,
        h('table', {},
          h('thead', {}, h('tr', {}, h('th', {}, t('customers.name')), h('th', { class: 'num' }, t('dashboard.overdue')), h('th', { class: 'num' }, t('dashboard.total')))),
          h('tbody', {}, top.map((c) => h('tr', {},
            h('td', {}, h('a', { href: `#/customers/${c.customerId}` }, names.get(c.customerId) ?? '…')),
            h('td', { class: 'num' }, formatMoney(sumDecimals(BUCKETS.filter((b) => b !== 'current').map((b) => c.buckets[b])), aging.currency)),
            h('td', { class: 'num' }, formatMoney(c.total, aging.currency)))))))));
  return section;
}

export async function dashboardPage(main, _params, { errorBox }) {
  const asOf = today(session.organization.timezone);
  const [open, people, trends, insurance] = await Promise.all([allPages(orgPath('/invoices'), { status: 'open' }), allPages(orgPath('/customers')), trendsSection(),
    // Insured and uninsured outstanding (core/credit); the dashboard stands without it.
    insuranceCards().catch(() => null)]);
  const names = new Map(people.items.map((c) => [c.id, c.name]));
  const agings = agedBalances(open.items, asOf);
  // The organization's own currency first, then the others.
  agings.sort((a, b) => (b.currency === session.organization.baseCurrency) - (a.currency === session.organization.baseCurrency));
  mount(main,
    h('h1', {}, t('dashboard.title')),
    open.partial ? h('p', { class: 'muted' }, t('dashboard.partial', { count: open.items.length })) : null,
    agings.length ? agings.map((a) => currencySection(a, names, asOf, errorBox)) : h('p', { class: 'muted' }, t('dashboard.noInvoices')),
    insurance,
    h('h2', {}, t('trends.title')),
    trends);
}
