/** Customers: search (name or email), paused filter, keyset paging with "show more", exports. */
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import { exportButtons } from '../exports.js';
import { formatMoney, t } from '../i18n.js';
import { orgPath } from '../session.js';

function row(c) {
  return h('tr', {},
    h('td', {}, h('a', { href: `#/customers/${c.id}` }, c.name)),
    h('td', { class: 'wrap' }, c.email ?? '—'),
    h('td', { class: 'num' }, c.currency ? formatMoney(c.balance, c.currency) : '—'),
    h('td', {}, c.paused ? t('common.yes') : t('common.no')),
    h('td', {}, (c.tags ?? []).join(', ')));
}

function table(items) {
  return {
    name: 'Customers',
    columns: [
      { key: 'name', header: t('customers.name') }, { key: 'email', header: t('customers.email') },
      { key: 'currency', header: t('common.currency') }, { key: 'balance', header: t('customers.balance'), type: 'decimal' },
      { key: 'paused', header: t('customers.paused') }, { key: 'tags', header: t('customers.tags') },
    ],
    rows: items.map((c) => ({ name: c.name, email: c.email, currency: c.currency, balance: c.balance, paused: c.paused ? 'yes' : 'no', tags: (c.tags ?? []).join(', ') })),
  };
}

export async function customersPage(main, _params, { errorBox }) {
  const items = [];
  let cursor = null;
  const body = h('tbody');
  const more = h('button', { type: 'button', class: 'secondary', hidden: true, onclick: () => load(false) }, t('common.more'));
  const errors = h('div');
  const q = h('input', { type: 'search', id: 'customer-search', placeholder: t('customers.search'), 'aria-label': t('customers.search') });
  const paused = h('input', { type: 'checkbox', id: 'paused-only' });

  async function load(reset) {
    if (reset) {
      items.length = 0;
      cursor = null;
      body.replaceChildren();
    }
    try {
      const page = await api(orgPath('/customers'), { query: { q: q.value.trim(), paused: paused.checked ? 'true' : undefined, cursor, limit: 50 } });
      items.push(...page.items);
      body.append(...page.items.map(row));
      cursor = page.nextCursor;
      more.hidden = !cursor;
      mount(errors, items.length ? null : h('p', { class: 'muted' }, t('common.none')));
    } catch (e) {
      mount(errors, errorBox(e));
    }
  }

  let timer = null;
  q.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => load(true), 300);
  });
  paused.addEventListener('change', () => load(true));
  mount(main,
    h('div', { class: 'row-between' }, h('h1', {}, t('customers.title')), exportButtons(() => table(items), (e) => mount(errors, errorBox(e)))),
    h('div', { class: 'filters' }, q, h('label', {}, paused, ' ', t('customers.pausedOnly'))),
    h('table', { id: 'customers' },
      h('thead', {}, h('tr', {}, ['customers.name', 'customers.email', 'customers.balance', 'customers.paused', 'customers.tags'].map((k) => h('th', { class: k === 'customers.balance' ? 'num' : null }, t(k))))),
      body),
    errors, more);
  await load(true);
  return () => clearTimeout(timer);
}
