/**
 * One customer: details, contacts, open balances and invoices, promises and the collection forms
 * (customer-collections.js), and the timeline (newest first, paged).
 */
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import { formatDate, formatInstant, formatMoney, t } from '../i18n.js';
import { orgPath } from '../session.js';
import { collectionsPanel } from './customer-collections.js';

/** A one-line reading of an activity's payload: its well-known fields, else nothing. */
function summary(payload) {
  if (!payload || typeof payload !== 'object') return '';
  const parts = [];
  for (const key of ['template', 'step', 'channel', 'reason', 'amount', 'date', 'status', 'message', 'number']) {
    const v = payload[key];
    if (v !== undefined && v !== null && typeof v !== 'object') parts.push(`${key}: ${v}`);
  }
  return parts.join(' · ');
}

function timelineItem(a) {
  return h('li', { 'data-kind': a.kind },
    h('time', { datetime: a.occurredAt }, formatInstant(a.occurredAt)),
    h('span', { class: 'kind' }, a.kind),
    a.actor ? h('span', { class: 'muted' }, ` ${t('timeline.by', { actor: a.actor })}`) : null,
    h('div', { class: 'muted wrap' }, summary(a.payload)));
}

export async function customerPage(main, [customerId], { errorBox }) {
  const base = orgPath(`/customers/${customerId}`);
  const [c, invoices] = await Promise.all([api(base), api(orgPath('/invoices'), { query: { customerId, status: 'open', limit: 200 } })]);
  const list = h('ol', { class: 'timeline', id: 'timeline' });
  const errors = h('div');
  let cursor = null;
  const more = h('button', { type: 'button', class: 'secondary', hidden: true, onclick: () => loadTimeline() }, t('common.more'));
  async function loadTimeline() {
    try {
      const page = await api(`${base}/timeline`, { query: { cursor, limit: 50 } });
      list.append(...page.items.map(timelineItem));
      cursor = page.nextCursor;
      more.hidden = !cursor;
      if (!list.children.length) list.append(h('li', { class: 'muted' }, t('common.none')));
    } catch (e) {
      mount(errors, errorBox(e));
    }
  }
  mount(main,
    h('h1', {}, c.name, c.paused ? h('span', { class: 'badge' }, t('customers.paused')) : null),
    h('p', {}, h('a', { id: 'conversation-link', href: `#/customers/${customerId}/conversation` }, t('inbox.conversation'))),
    h('p', { class: 'muted' }, [c.email, c.phone, c.language ? `${t('customer.language')}: ${c.language}` : null].filter(Boolean).join(' · ')),
    h('div', { class: 'cards' }, c.open.map((o) => h('div', { class: 'card' },
      h('div', { class: 'card-label' }, `${t('customer.open')} · ${t('customer.openInvoices', { count: o.invoices })}`),
      h('div', { class: 'card-value' }, formatMoney(o.balance, o.currency))))),
    h('div', { class: 'columns' },
      h('section', {},
        h('h2', {}, t('customer.invoices')),
        h('table', { id: 'invoices' },
          h('thead', {}, h('tr', {}, ['invoice.number', 'invoice.dueDate', 'invoice.total', 'invoice.balance'].map((k) => h('th', { class: k.endsWith('total') || k.endsWith('balance') ? 'num' : null }, t(k))))),
          h('tbody', {}, invoices.items.map((i) => h('tr', { class: i.disputed ? 'disputed' : null },
            h('td', {}, i.number ?? i.externalId, i.disputed ? h('span', { class: 'badge' }, t('invoice.disputed')) : null),
            h('td', {}, formatDate(i.dueDate)),
            h('td', { class: 'num' }, formatMoney(i.total, i.currency)),
            h('td', { class: 'num' }, formatMoney(i.balance, i.currency)))))),
        h('h2', {}, t('customer.contacts')),
        h('table', {}, h('tbody', {}, c.contacts.map((p) => h('tr', {}, h('td', {}, p.name ?? '—'), h('td', { class: 'wrap' }, p.email ?? '—'), h('td', {}, p.phone ?? ''), h('td', {}, p.role ?? ''))))),
        collectionsPanel({ customerId, invoices: invoices.items, errorBox, onDisputed: () => customerPage(main, [customerId], { errorBox }) })),
      h('section', {}, h('h2', {}, t('customer.timeline')), errors, list, more)));
  await loadTimeline();
}
