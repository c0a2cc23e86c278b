/**
 * Unapplied money: payments and credit notes not yet applied to invoices, each with the invoices
 * Relance suggests applying it to, ranked and explained (`GET …/unapplied-suggestions`). A
 * collector recomputes the suggestions and accepts one; the answer says whether the provider gets
 * the application written back or the accountant must apply it there.
 */
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import { formatDate, formatMoney, t } from '../i18n.js';
import { can } from '../roles.js';
import { orgPath } from '../session.js';

const STATUSES = ['suggested', 'accepted', 'dismissed'];

function outcome(result) {
  const allocations = t('unapplied.allocations', { count: result.allocations });
  if (result.writeBack.status === 'queued') return h('p', { class: 'ok', role: 'status' }, `${allocations} ${t('unapplied.writeBackQueued')}`);
  return h('p', { class: 'warn', role: 'status' }, `${allocations} ${t('unapplied.writeBackNotPossible', { reason: result.writeBack.reason })}`);
}

export async function unappliedPage(main, _params, { errorBox }) {
  const collect = can('collect');
  let cursor = null;
  const body = h('tbody');
  const notice = h('div', { id: 'unapplied-notice' });
  const status = h('select', { id: 'unapplied-status', onchange: () => load(true) },
    STATUSES.map((s) => h('option', { value: s }, t(`unapplied.status.${s}`))));
  const more = h('button', { type: 'button', class: 'secondary', hidden: true, onclick: () => load(false) }, t('common.more'));

  async function accept(s, cell) {
    try {
      const result = await api(orgPath(`/unapplied-suggestions/${s.id}/accept`), { method: 'POST' });
      mount(notice, outcome(result));
      // The other suggestions for the same money are no longer open: show the list as it is now.
      await load(true);
    } catch (e) {
      mount(cell, errorBox(e));
    }
  }

  function row(s) {
    const m = s.money;
    const cell = h('td', { class: 'unapplied-actions' });
    if (collect && s.status === 'suggested') mount(cell, h('button', { type: 'button', 'data-accept': s.id, onclick: () => accept(s, cell) }, t('unapplied.accept')));
    return h('tr', { 'data-suggestion-id': s.id },
      h('td', {}, m.customer ? h('a', { href: `#/customers/${m.customer.id}` }, m.customer.name) : '—'),
      h('td', { class: 'wrap' }, t(`unapplied.kind.${m.kind}`), m.reference ? ` ${m.reference}` : '', h('div', { class: 'muted' }, formatDate(m.date))),
      h('td', { class: 'num' }, formatMoney(m.amount, m.currency)),
      h('td', { class: 'wrap' }, s.invoices.map((i) => h('div', {}, `${i.number ?? '—'} · ${formatMoney(i.amount, m.currency)}`))),
      h('td', { class: 'num' }, formatMoney(s.amount, m.currency)),
      h('td', { class: 'num' }, String(s.score)),
      h('td', { class: 'wrap muted' }, s.explanation),
      cell);
  }

  async function load(reset) {
    if (reset) cursor = null;
    try {
      const page = await api(orgPath('/unapplied-suggestions'), { query: { status: status.value, cursor, limit: 50 } });
      if (reset) body.replaceChildren();
      body.append(...page.items.map(row));
      if (!body.children.length) body.append(h('tr', {}, h('td', { colspan: 8, class: 'muted' }, t('unapplied.empty'))));
      cursor = page.nextCursor;
      more.hidden = !cursor;
    } catch (e) {
      mount(notice, errorBox(e));
    }
  }

  async function refresh() {
    try {
      await api(orgPath('/unapplied-suggestions/refresh'), { method: 'POST' });
      mount(notice, h('p', { class: 'ok', role: 'status' }, t('unapplied.refreshed')));
      await load(true);
    } catch (e) {
      mount(notice, errorBox(e));
    }
  }

  mount(main,
    h('div', { class: 'row-between' }, h('h1', {}, t('unapplied.title')),
      collect ? h('button', { type: 'button', class: 'secondary', id: 'unapplied-refresh', onclick: refresh }, t('unapplied.refresh')) : null),
    h('p', { class: 'muted' }, t('unapplied.intro')),
    h('div', { class: 'filters' }, h('label', { for: 'unapplied-status' }, t('unapplied.statusFilter')), status),
    notice,
    h('table', { id: 'unapplied' },
      h('thead', {}, h('tr', {}, ['unapplied.customer', 'unapplied.money', 'unapplied.unapplied', 'unapplied.invoices', 'unapplied.amount', 'unapplied.score', 'unapplied.explanation', '']
        .map((k) => h('th', { class: ['unapplied.unapplied', 'unapplied.amount', 'unapplied.score'].includes(k) ? 'num' : null }, k ? t(k) : '')))),
      body),
    more);
  await load(true);
}
