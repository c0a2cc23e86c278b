/**
 * Disputes: the organization's disputes by status (open first), each with its customer, invoices,
 * reason, owner, where it was opened and its age; a collector resolves or rejects one with the
 * resolution written down (`POST …/disputes/:id/close`).
 */
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import { fieldErrors } from '../field-errors.js';
import { formatInstant, t } from '../i18n.js';
import { lookup } from '../lookups.js';
import { can } from '../roles.js';
import { orgPath } from '../session.js';

const STATUSES = ['open', 'resolved', 'rejected'];
const DAY_MS = 86_400_000;

/** Whole days since `iso`. */
export function ageInDays(iso, now = Date.now()) {
  return Math.max(0, Math.floor((now - Date.parse(iso)) / DAY_MS));
}

function closeForm(dispute, onClosed) {
  const outcome = h('select', { id: `outcome-${dispute.id}`, name: 'outcome' },
    h('option', { value: 'resolved' }, t('disputes.resolve')), h('option', { value: 'rejected' }, t('disputes.reject')));
  const resolution = h('textarea', { id: `resolution-${dispute.id}`, name: 'resolution', rows: 2 });
  const general = h('div');
  const errors = fieldErrors({ outcome, resolution }, general);
  return h('form', { class: 'close-dispute', 'data-dispute-id': dispute.id, novalidate: true, onsubmit: async (ev) => {
    ev.preventDefault();
    try {
      errors.clear();
      await api(orgPath(`/disputes/${dispute.id}/close`), { method: 'POST', body: { outcome: outcome.value, resolution: resolution.value } });
      await onClosed();
    } catch (e) {
      errors.show(e);
    }
  } },
  h('label', { for: outcome.id }, t('disputes.outcome')), outcome,
  h('label', { for: resolution.id }, t('disputes.resolution')), resolution,
  general,
  h('button', { type: 'submit' }, t('disputes.close')));
}

export async function disputesPage(main, _params, { errorBox }) {
  const collect = can('collect');
  const customerNames = lookup('/customers', (c) => c.name);
  const invoiceNumbers = lookup('/invoices', (i) => i.number ?? i.externalId);
  const status = h('select', { id: 'dispute-status', onchange: () => load() },
    h('option', { value: '' }, t('disputes.allStatuses')), STATUSES.map((s) => h('option', { value: s, selected: s === 'open' }, t(`disputes.status.${s}`))));
  const body = h('tbody');
  const notice = h('div');

  function row(d, names, numbers) {
    const cell = h('td', { class: 'dispute-actions' });
    if (collect && d.status === 'open') {
      mount(cell, h('button', { type: 'button', class: 'secondary', 'data-close': d.id, onclick: () => mount(cell, closeForm(d, load)) }, t('disputes.close')));
    }
    return h('tr', { 'data-dispute-id': d.id, 'data-status': d.status },
      h('td', {}, h('a', { href: `#/customers/${d.customerId}` }, names.get(d.customerId))),
      h('td', { class: 'wrap' }, d.invoiceIds.map((id) => numbers.get(id)).join(', ')),
      h('td', { class: 'wrap' }, d.reason, d.resolution ? h('div', { class: 'muted' }, `${t('disputes.resolution')}: ${d.resolution}`) : null),
      h('td', { class: 'wrap' }, d.owner ?? '—'),
      h('td', {}, t(`disputes.via.${d.openedVia}`)),
      h('td', { title: formatInstant(d.openedAt) }, t('disputes.days', { count: ageInDays(d.openedAt) })),
      h('td', {}, h('span', { class: `badge dispute-${d.status}` }, t(`disputes.status.${d.status}`))),
      cell);
  }

  async function load() {
    try {
      const { items } = await api(orgPath('/disputes'), { query: { status: status.value } });
      const [names, numbers] = await Promise.all([customerNames(items.map((d) => d.customerId)), invoiceNumbers(items.flatMap((d) => d.invoiceIds))]);
      mount(body, items.length ? items.map((d) => row(d, names, numbers)) : h('tr', {}, h('td', { colspan: 8, class: 'muted' }, t('disputes.empty'))));
      mount(notice);
    } catch (e) {
      mount(notice, errorBox(e));
    }
  }

  mount(main,
    h('h1', {}, t('disputes.title')),
    h('div', { class: 'filters' }, h('label', { for: 'dispute-status' }, t('disputes.statusFilter')), status),
    notice,
    h('table', { id: 'disputes' },
      h('thead', {}, h('tr', {}, ['disputes.customer', 'disputes.invoices', 'disputes.reason', 'disputes.owner', 'disputes.openedVia', 'disputes.age', 'disputes.statusColumn', ''].map((k) => h('th', {}, k ? t(k) : '')))),
      body));
  await load();
}
