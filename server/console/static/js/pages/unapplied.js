/**
 * Unapplied money: payments and credit notes not yet applied to invoices, each with the invoices
 * Relance suggests applying it to, ranked and explained (`GET …/unapplied-suggestions`). A
 * collector recomputes the suggestions, accepts one or dismisses one; an acceptance says whether
 * the provider gets the application written back or the accountant must apply it there.
 */
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import { formatDate, formatMoney, t } from '../i18n.js';
import { can } from '../roles.js';
import { orgPath } from '../session.js';
import { unappliedMoneySection } from './unapplied-money.js';

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

  /** Accepting or dismissing one changes the others for the same money: the list is read again. */
  async function decide(s, decision, cell) {
    try {
      const result = await api(orgPath(`/unapplied-suggestions/${s.id}/${decision}`), { method: 'POST' });
      mount(notice, decision === 'accept' ? outcome(result) : h('p', { class: 'ok', role: 'status' }, t('unapplied.dismissed')));
      await load(true);
    } catch (e) {
      mount(cell, errorBox(e));
    }
  }

  function row(s) {
    const m = s.unapplied;
    const cell = h('td', { class: 'unapplied-actions' });
    if (collect && s.status === 'suggested') {
      mount(cell,
        h('button', { type: 'button', 'data-accept': s.id, onclick: () => decide(s, 'accept', cell) }, t('unapplied.accept')),
        h('button', { type: 'button', class: 'secondary', 'data-dismiss': s.id, onclick: () => decide(s, 'dismiss', cell) }, t('unapplied.dismiss')));
    }
    return h('tr', { 'data-suggestion-id': s.id, 'data-rank': s.rank },
      h('td', {}, h('a', { href: `#/customers/${s.customer.id}` }, s.customer.name)),
      h('td', { class: 'wrap' }, t(`unapplied.kind.${m.kind}`), ` ${m.reference ?? m.providerReference}`,
        h('div', { class: 'muted' }, `${m.provider} · ${formatDate(m.date)}`)),
      h('td', { class: 'num' }, formatMoney(m.amount, m.currency)),
      h('td', { class: 'wrap' }, s.invoices.map((i) => h('div', {}, `${i.number ?? '—'} · ${formatMoney(i.amount, s.currency)}`))),
      h('td', { class: 'num' }, formatMoney(s.amount, s.currency)),
      h('td', { class: 'num' }, String(s.score), s.rank > 1 ? h('div', { class: 'muted' }, t('unapplied.rank', { rank: s.rank })) : null),
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

  // Every unapplied item first, suggestions or not (the demo computes none); the stored suggestions below.
  const money = await unappliedMoneySection(errorBox);
  mount(main,
    h('div', { class: 'row-between' }, h('h1', {}, t('unapplied.title')),
      collect ? h('button', { type: 'button', class: 'secondary', id: 'unapplied-refresh', onclick: refresh }, t('unapplied.refresh')) : null),
    money,
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
