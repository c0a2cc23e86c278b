/**
 * Unapplied money to allocate (`GET …/unapplied`): every unapplied payment, overpayment,
 * prepayment and credit note with its age and amount, the suggestions ranked beneath it (weak ones
 * marked), and a manual allocation — an amount per open invoice, the remainder shown as it is
 * typed, applied and written back through `POST …/unapplied/<source>/<id>/allocate`.
 */
import { api } from '../api.js';
import { compareDecimals, sumDecimals } from '../decimal.js';
import { h, mount } from '../dom.js';
import { fieldErrors } from '../field-errors.js';
import { formatDate, formatMoney, t } from '../i18n.js';
import { tw } from '../messages/workspace.js';
import { can } from '../roles.js';
import { orgPath } from '../session.js';
import { decimalInput } from './customer-collections.js';

/** "1000.00" − "600.00" exactly, as decimal strings (the API's amounts), through decimal.js sums. */
function minus(a, b) {
  const negated = b.startsWith('-') ? b.slice(1) : `-${b}`;
  return sumDecimals([a, negated]);
}

function allocationForm(item, onApplied) {
  const inputs = Object.fromEntries(item.openInvoices.map((i) => [i.id, h('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off', size: 9, 'data-invoice': i.id, 'aria-label': `${tw('um.invoice')} ${i.number ?? i.id}` })]));
  const remainder = h('p', { class: 'muted', 'data-remainder': item.id });
  const general = h('div');
  const status = h('div', { role: 'status' });
  const fields = Object.fromEntries(item.openInvoices.map((inv, k) => [`allocations.${k}.amount`, inputs[inv.id]]));
  const errors = fieldErrors({ ...fields, allocations: remainder, currency: remainder }, general);
  const typed = () => item.openInvoices.map((inv) => ({ invoiceId: inv.id, amount: decimalInput(inputs[inv.id].value) })).filter((x) => x.amount !== '');
  function update() {
    const amounts = typed().map((x) => x.amount).filter((a) => /^\d+(\.\d+)?$/.test(a));
    const left = minus(item.amount, sumDecimals(amounts.length ? amounts : ['0']));
    remainder.textContent = tw('um.remainder', { amount: formatMoney(left, item.currency) });
    remainder.className = compareDecimals(left, '0') < 0 ? 'error' : 'muted';
  }
  for (const input of Object.values(inputs)) input.addEventListener('input', update);
  // One id per form shown: a double click or a retried request applies once.
  const requestId = crypto.randomUUID();
  const form = h('form', { class: 'allocation', 'data-allocate': item.id, novalidate: true, onsubmit: async (ev) => {
    ev.preventDefault();
    errors.clear();
    try {
      const chosen = typed();
      const result = await api(orgPath(`/unapplied/${item.source}/${item.id}/allocate`), { method: 'POST', body: { currency: item.currency, requestId, allocations: chosen } });
      const done = tw('um.applied', { count: result.allocations, remaining: formatMoney(result.remaining, result.currency) });
      mount(status, h('p', { class: 'ok' }, `${done} ${result.writeBack.status === 'queued' ? tw('um.queued') : tw('um.notPossible', { reason: result.writeBack.reason })}`));
      await onApplied(status);
    } catch (e) {
      // The API names the line: allocations.<k>.amount lands under that invoice's input.
      errors.show(e);
    }
  } },
  h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, tw('um.invoice')), h('th', {}, tw('task.due')), h('th', { class: 'num' }, tw('um.balance')), h('th', { class: 'num' }, tw('um.apply')))),
    h('tbody', {}, item.openInvoices.map((i) => h('tr', {}, h('td', {}, i.number ?? '—'), h('td', {}, formatDate(i.dueDate)), h('td', { class: 'num' }, formatMoney(i.balance, item.currency)), h('td', { class: 'num' }, inputs[i.id]))))),
  remainder, general, h('button', { type: 'submit' }, tw('um.apply')), status);
  update();
  return { form, fill(allocations) {
    for (const input of Object.values(inputs)) input.value = '';
    for (const a of allocations) if (inputs[a.invoiceId]) inputs[a.invoiceId].value = a.amount;
    update();
  } };
}

function itemCard(item, reload) {
  const collect = can('collect') && item.openInvoices.length > 0;
  const alloc = collect ? allocationForm(item, reload) : null;
  const suggestions = item.suggestions.length
    ? h('ol', { class: 'suggestions' }, item.suggestions.map((s) => h('li', { 'data-rank': s.rank, class: s.weak ? 'weak' : null },
      s.weak ? h('span', { class: 'badge' }, tw('um.weak')) : null, ' ',
      s.allocations.map((a) => `${a.number ?? '—'} · ${formatMoney(a.amount, item.currency)}`).join(', '), ' — ', h('span', { class: 'muted' }, s.explanation), ' ',
      alloc ? h('button', { type: 'button', class: 'secondary', 'data-use': s.rank, onclick: () => alloc.fill(s.allocations) }, tw('um.use')) : null)))
    : h('p', { class: 'muted' }, tw('um.noSuggestion'));
  return h('div', { class: 'panel unapplied-item', 'data-money-id': item.id },
    h('div', { class: 'row-between' },
      h('div', {}, h('strong', {}, `${tw(`um.kind.${item.kind}`)} ${item.reference ?? item.providerReference}`), ' · ',
        h('a', { href: `#/customers/${item.customer.id}` }, item.customer.name),
        h('div', { class: 'muted' }, `${item.provider} · ${formatDate(item.date)}${item.ageDays === null ? '' : ` · ${tw('um.age', { days: item.ageDays })}`}`)),
      h('div', { class: 'card-value num' }, formatMoney(item.amount, item.currency))),
    h('h4', {}, tw('um.suggestions')), suggestions,
    alloc ? h('details', { open: true }, h('summary', {}, tw('um.allocate')), alloc.form) : null);
}

/** The section, loaded and reloaded after each allocation. */
export async function unappliedMoneySection(errorBox) {
  const list = h('div', { id: 'unapplied-money' });
  const notice = h('div', { id: 'unapplied-money-notice' });
  let cursor = null;
  const more = h('button', { type: 'button', class: 'secondary', hidden: true, onclick: () => load(false) }, t('common.more'));
  async function load(reset) {
    if (reset) cursor = null;
    try {
      const page = await api(orgPath('/unapplied'), { query: { cursor, limit: 50 } });
      const cards = page.items.map((item) => itemCard(item, async (status) => {
        mount(notice, status.firstChild?.cloneNode(true) ?? null);
        await load(true);
      }));
      if (reset) list.replaceChildren();
      list.append(...cards);
      if (!list.children.length) list.append(h('p', { class: 'muted' }, tw('um.none')));
      cursor = page.nextCursor;
      more.hidden = !cursor;
    } catch (e) {
      mount(notice, errorBox(e));
    }
  }
  await load(true);
  return h('section', {}, h('h2', {}, tw('um.title')), h('p', { class: 'muted' }, tw('um.intro')), notice, list, more);
}
