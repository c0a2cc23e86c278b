/**
 * The customer page's collection panel: the customer's promises to pay with their status, and for
 * a collector the forms that record a promise, a payment plan or a dispute on chosen open
 * invoices. The API's refusals (a date in the past, an amount that is not one) show under the
 * field they name.
 */
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import { fieldErrors } from '../field-errors.js';
import { formatDate, formatMoney, t } from '../i18n.js';
import { can } from '../roles.js';
import { orgPath } from '../session.js';

/** "1 250,50" as typed in French → "1250.50": the API takes decimal strings with a point. */
export function decimalInput(value) {
  return value.trim().replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
}

function field(id, label, input) {
  input.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), input);
}

/** A form posting `body()` to `path`; errors by field; `done()` after a success. */
function apiForm({ id, title, fields, extra, body, path, submit, done }) {
  const general = h('div');
  const status = h('p', { role: 'status' });
  const errors = fieldErrors(fields(), general);
  const form = h('form', { id, class: 'panel collect-form', novalidate: true, onsubmit: async (ev) => {
    ev.preventDefault();
    status.textContent = '';
    try {
      errors.clear();
      await api(path, { method: 'POST', body: body() });
      status.className = 'ok';
      status.textContent = t('collect.saved');
      await done(form);
    } catch (e) {
      errors.show(e);
    }
  } });
  mount(form, h('h3', {}, title), extra(), general, status, h('button', { type: 'submit' }, submit));
  return form;
}

function promiseForm(customerId, onSaved) {
  const date = h('input', { type: 'date', name: 'date' });
  const amount = h('input', { type: 'text', name: 'amount', inputmode: 'decimal', autocomplete: 'off' });
  const note = h('input', { type: 'text', name: 'note' });
  return apiForm({
    id: 'promise-form', title: t('collect.promiseTitle'), submit: t('collect.recordPromise'),
    fields: () => ({ date, amount, note }),
    extra: () => h('div', { class: 'field-row' }, field('promise-date', t('collect.date'), date), field('promise-amount', t('collect.amount'), amount), field('promise-note', t('collect.note'), note)),
    path: orgPath(`/customers/${customerId}/promises`),
    body: () => ({ date: date.value, amount: decimalInput(amount.value), ...(note.value.trim() && { note: note.value.trim() }) }),
    done: async () => {
      date.value = amount.value = note.value = '';
      await onSaved();
    },
  });
}

function planForm(customerId, onSaved) {
  const rows = h('div', { class: 'installments' });
  const inputs = [];
  const note = h('input', { type: 'text', name: 'note' });
  function addRow() {
    const i = inputs.length;
    const date = h('input', { type: 'date' });
    const amount = h('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off' });
    inputs.push({ date, amount });
    rows.append(h('div', { class: 'field-row' },
      field(`plan-date-${i}`, t('collect.installmentDate', { n: i + 1 }), date),
      field(`plan-amount-${i}`, t('collect.amount'), amount)));
  }
  addRow();
  addRow();
  // The field map is read at each error: rows added later are found too.
  const fields = {};
  const form = apiForm({
    id: 'plan-form', title: t('collect.planTitle'), submit: t('collect.createPlan'),
    fields: () => fields,
    extra: () => [rows, h('button', { type: 'button', class: 'secondary', id: 'plan-add', onclick: () => { addRow(); index(); } }, t('collect.addInstallment')), field('plan-note', t('collect.note'), note)],
    path: orgPath(`/customers/${customerId}/payment-plans`),
    body: () => ({
      installments: inputs.filter((r) => r.date.value || r.amount.value).map((r) => ({ date: r.date.value, amount: decimalInput(r.amount.value) })),
      ...(note.value.trim() && { note: note.value.trim() }),
    }),
    done: onSaved,
  });
  function index() {
    for (const key of Object.keys(fields)) delete fields[key];
    inputs.forEach((r, i) => Object.assign(fields, { [`installments.${i}.date`]: r.date, [`installments.${i}.amount`]: r.amount }));
    Object.assign(fields, { installments: rows, note });
  }
  index();
  return form;
}

function disputeForm(invoices, onSaved) {
  const boxes = invoices.map((i) => h('input', { type: 'checkbox', value: i.id, 'data-invoice': i.number ?? i.externalId }));
  const list = h('fieldset', { class: 'invoice-choice' }, h('legend', {}, t('collect.disputeInvoices')),
    invoices.map((inv, n) => h('label', {}, boxes[n], ` ${inv.number ?? inv.externalId} · ${formatMoney(inv.balance, inv.currency)}`)));
  const reason = h('textarea', { name: 'reason', rows: 2 });
  return apiForm({
    id: 'dispute-form', title: t('collect.disputeTitle'), submit: t('collect.openDispute'),
    fields: () => ({ invoiceIds: list, reason }),
    extra: () => [list, field('dispute-reason', t('collect.reason'), reason)],
    path: orgPath('/disputes'),
    body: () => ({ invoiceIds: boxes.filter((b) => b.checked).map((b) => b.value), reason: reason.value }),
    done: onSaved,
  });
}

function promiseRow(p) {
  return h('tr', { 'data-status': p.status },
    h('td', {}, formatDate(p.date)),
    h('td', { class: 'num' }, formatMoney(p.amount, p.currency)),
    h('td', {}, h('span', { class: `badge promise-${p.status}` }, t(`collect.status.${p.status}`))),
    h('td', { class: 'wrap muted' }, p.note ?? ''));
}

/**
 * The panel for one customer; `invoices` are its open invoices, `onDisputed` redraws the page
 * (the disputed invoices change).
 */
export function collectionsPanel({ customerId, invoices, errorBox, onDisputed }) {
  const body = h('tbody');
  const errors = h('div');
  async function loadPromises() {
    try {
      const { items } = await api(orgPath(`/customers/${customerId}/promises`));
      mount(body, items.length ? items.map(promiseRow) : h('tr', {}, h('td', { colspan: 4, class: 'muted' }, t('collect.noPromises'))));
    } catch (e) {
      mount(errors, errorBox(e));
    }
  }
  const open = invoices.filter((i) => !i.disputed);
  const panel = h('section', { id: 'collections' },
    h('h2', {}, t('collect.promises')), errors,
    h('table', { id: 'promises' },
      h('thead', {}, h('tr', {}, h('th', {}, t('collect.date')), h('th', { class: 'num' }, t('collect.amount')), h('th', {}, t('collect.statusColumn')), h('th', {}, t('collect.note')))),
      body),
    can('collect') ? [
      promiseForm(customerId, loadPromises),
      planForm(customerId, loadPromises),
      open.length ? disputeForm(open, onDisputed) : null,
    ] : null);
  loadPromises();
  return panel;
}
