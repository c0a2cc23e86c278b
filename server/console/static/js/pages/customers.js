/**
 * The worklist: every customer with what a collector acts on — open and overdue amounts, oldest
 * overdue days, stage, next action, last contact, risk, collector, flags — sorted by any column
 * (click its header), filtered, searched by name, number or email, paged on the server. "My
 * customers", a saved view per user, bulk pause of a selection, the user's own tasks, and exports
 * of the whole filtered list (not only the page on screen).
 */
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import { download } from '../exports.js';
import { formatDate, formatInstant, formatMoney, t } from '../i18n.js';
import { tw } from '../messages/workspace.js';
import { can } from '../roles.js';
import { orgPath } from '../session.js';

const FLAGS = ['disputed', 'promised', 'paused', 'onHold'];
/** Columns: their sort key (null: not sortable) and whether they hold amounts. */
const COLUMNS = [
  { key: 'name', sort: 'name' }, { key: 'open', sort: 'open', num: true }, { key: 'overdue', sort: 'overdue', num: true },
  { key: 'oldestDays', sort: 'oldestDays', num: true }, { key: 'stage', sort: 'stage' }, { key: 'nextDate', sort: 'nextDate' },
  { key: 'lastContact', sort: 'lastContact' }, { key: 'risk', sort: 'risk' }, { key: 'collector', sort: 'collector' }, { key: 'flags', sort: null },
];
// Amounts and ages read best largest first; names and numbers A to Z.
const defaultDirection = (sort) => (sort === 'name' || sort === 'number' || sort === 'risk' || sort === 'collector' || sort === 'nextDate' ? 'asc' : 'desc');

function stageText(c) {
  return c.stage ? tw('wl.stage', { step: c.stage.step }) : tw('wl.noStage');
}

function nextText(c) {
  if (!c.nextAction && c.forecast) {
    // Nothing planned yet: what the plan holds for a later day, the ledger as it stands.
    const f = c.forecast;
    return h('span', { class: 'muted', 'data-forecast': f.date }, tw('wl.forecast', { channel: f.channel, step: f.step, date: formatDate(f.date) }) + (f.needsApproval ? ` (${tw('wl.forecast.approval')})` : ''));
  }
  if (!c.nextAction) return '—';
  const n = c.nextAction;
  return tw('wl.next', { channel: n.channel, step: n.step, date: formatDate(n.date) });
}

function flagBadges(c) {
  return FLAGS.filter((f) => c.flags[f]).map((f) => h('span', { class: `badge flag-${f}`, 'data-flag': f }, tw(`wl.flag.${f}`)));
}

function row(c, selected, onSelect) {
  const box = h('input', { type: 'checkbox', 'aria-label': `${tw('wl.select')} ${c.name}`, 'data-select': c.id, checked: selected.has(c.id), onchange: (ev) => onSelect(c.id, ev.target.checked) });
  const held = c.nextAction?.heldBy ? h('div', { class: 'muted' }, tw(`wl.held.${c.nextAction.heldBy}`)) : null;
  return h('tr', { 'data-customer-id': c.id },
    h('td', {}, box),
    h('td', {}, h('a', { href: `#/customers/${c.id}` }, c.name), h('div', { class: 'muted' }, [c.number, c.email].filter(Boolean).join(' · '))),
    h('td', { class: 'num' }, formatMoney(c.open, c.currency)),
    h('td', { class: 'num', 'data-overdue': c.overdue }, formatMoney(c.overdue, c.currency)),
    h('td', { class: 'num' }, c.oldestOverdueDays ?? '—'),
    h('td', {}, stageText(c)),
    h('td', {}, nextText(c), held),
    h('td', {}, c.lastContact ? formatInstant(c.lastContact) : '—'),
    h('td', {}, c.riskClass ?? '—'),
    h('td', {}, c.collectors.map((x) => x.name).join(', ') || '—'),
    h('td', { class: 'wrap' }, flagBadges(c), c.hold?.until ? h('div', { class: 'muted' }, tw('hold.activeUntil', { date: formatDate(c.hold.until), reason: c.hold.reason })) : null));
}

function exportTable(items) {
  return {
    name: 'Worklist',
    columns: [
      { key: 'name', header: tw('wl.col.name') }, { key: 'number', header: 'Number' }, { key: 'email', header: t('customers.email') },
      { key: 'currency', header: t('common.currency') }, { key: 'open', header: tw('wl.col.open'), type: 'decimal' }, { key: 'overdue', header: tw('wl.col.overdue'), type: 'decimal' },
      { key: 'oldestDays', header: tw('wl.col.oldestDays') }, { key: 'stage', header: tw('wl.col.stage') }, { key: 'next', header: tw('wl.col.nextDate') },
      { key: 'lastContact', header: tw('wl.col.lastContact') }, { key: 'risk', header: tw('wl.col.risk') }, { key: 'collector', header: tw('wl.col.collector') },
      { key: 'flags', header: tw('wl.col.flags') },
    ],
    rows: items.map((c) => ({
      name: c.name, number: c.number, email: c.email, currency: c.currency, open: c.open, overdue: c.overdue,
      oldestDays: c.oldestOverdueDays === null ? null : String(c.oldestOverdueDays), stage: c.stage ? String(c.stage.step) : null,
      next: c.nextAction ? `${c.nextAction.date} ${c.nextAction.channel} ${c.nextAction.step}` : null, lastContact: c.lastContact, risk: c.riskClass,
      collector: c.collectors.map((x) => x.name).join(', ') || null, flags: FLAGS.filter((f) => c.flags[f]).join(', ') || null,
    })),
  };
}

/** The user's open tasks, each with a link to its customer and a "done" button. */
async function tasksPanel(errorBox) {
  const list = h('ul', { id: 'my-tasks', class: 'tasks' });
  const section = h('section', { class: 'panel' }, h('h2', {}, tw('wl.myTasks')), list);
  async function load() {
    try {
      const { items } = await api(orgPath('/tasks'));
      mount(list, items.length ? items.map((task) => h('li', { 'data-task-id': task.id },
        h('span', {}, `${formatDate(task.dueDate)} · `), h('a', { href: `#/customers/${task.customer.id}` }, task.customer.name), ` — ${task.title} `,
        can('collect') ? h('button', { type: 'button', class: 'secondary', onclick: async () => { await api(orgPath(`/tasks/${task.id}/done`), { method: 'POST' }); await load(); } }, tw('wl.done')) : null))
        : h('li', { class: 'muted' }, tw('wl.noTasks')));
    } catch (e) {
      mount(list, errorBox(e));
    }
  }
  await load();
  return section;
}

export async function customersPage(main, _params, { errorBox }) {
  const items = [];
  const selected = new Set();
  let cursor = null;
  const saved = (await api(orgPath('/worklist-view')).catch(() => ({ view: null }))).view ?? {};
  const state = { sort: saved.sort ?? 'name', direction: saved.direction ?? defaultDirection(saved.sort ?? 'name') };
  const body = h('tbody');
  const more = h('button', { type: 'button', class: 'secondary', hidden: true, onclick: () => load(false) }, t('common.more'));
  const errors = h('div');
  const notice = h('div', { id: 'worklist-notice' });
  const count = h('span', { id: 'worklist-count', class: 'muted' });
  const q = h('input', { type: 'search', id: 'customer-search', placeholder: tw('wl.search'), 'aria-label': tw('wl.search'), value: saved.q ?? '' });
  const mine = h('input', { type: 'checkbox', id: 'mine-only', checked: saved.mine ?? false });
  const overdueOnly = h('input', { type: 'checkbox', id: 'overdue-only', checked: saved.overdueOnly ?? false });
  const flagBoxes = Object.fromEntries(FLAGS.map((f) => [f, h('input', { type: 'checkbox', id: `flag-${f}`, checked: saved.flags?.[f] ?? false })]));
  // The first customers list's "paused only" box, kept for those who know it.
  const paused = flagBoxes.paused;
  paused.id = 'paused-only';
  const risk = h('input', { type: 'text', id: 'risk-filter', placeholder: tw('wl.risk'), 'aria-label': tw('wl.risk'), size: 6, value: saved.riskClass ?? '' });
  const headRow = h('tr');

  function query(extra = {}) {
    const flags = Object.fromEntries(FLAGS.filter((f) => flagBoxes[f].checked).map((f) => [f, 'true']));
    return {
      q: q.value.trim(), sort: state.sort, direction: state.direction, mine: mine.checked ? 'true' : undefined,
      overdueOnly: overdueOnly.checked ? 'true' : undefined, riskClass: risk.value.trim() || undefined, ...flags, ...extra,
    };
  }

  function view() {
    const flags = Object.fromEntries(FLAGS.filter((f) => flagBoxes[f].checked).map((f) => [f, true]));
    return { q: q.value.trim() || undefined, sort: state.sort, direction: state.direction, mine: mine.checked, overdueOnly: overdueOnly.checked, flags, riskClass: risk.value.trim() || undefined };
  }

  function drawHead() {
    mount(headRow, h('th', {}, ''), COLUMNS.map((col) => {
      const label = tw(`wl.col.${col.key}`);
      if (!col.sort) return h('th', {}, label);
      const active = state.sort === col.sort;
      const arrow = active ? (state.direction === 'asc' ? ' ▲' : ' ▼') : '';
      return h('th', { class: col.num ? 'num' : null, 'aria-sort': active ? (state.direction === 'asc' ? 'ascending' : 'descending') : null },
        h('button', { type: 'button', class: 'link sort', id: `sort-${col.sort}`, onclick: () => {
          state.direction = active ? (state.direction === 'asc' ? 'desc' : 'asc') : defaultDirection(col.sort);
          state.sort = col.sort;
          drawHead();
          load(true);
        } }, label + arrow));
    }));
  }

  const onSelect = (id, on) => {
    if (on) selected.add(id);
    else selected.delete(id);
    bulkCount.textContent = tw('wl.selected', { count: selected.size });
  };

  async function load(reset) {
    if (reset) {
      items.length = 0;
      cursor = null;
      body.replaceChildren();
    }
    try {
      const page = await api(orgPath('/customers'), { query: { ...query(), cursor, limit: 50 } });
      items.push(...page.items);
      body.append(...page.items.map((c) => row(c, selected, onSelect)));
      cursor = page.nextCursor;
      more.hidden = !cursor;
      count.textContent = tw('wl.count', { count: page.total });
      mount(errors, items.length ? null : h('p', { class: 'muted' }, t('common.none')));
    } catch (e) {
      mount(errors, errorBox(e));
    }
  }

  /** Exports read the whole filtered list from the server, not the rows loaded so far. */
  const exportAll = (format) => async () => {
    try {
      const all = await api(orgPath('/customers'), { query: { ...query(), all: 'true' } });
      await download(exportTable(all.items), format);
    } catch (e) {
      mount(errors, errorBox(e));
    }
  };

  const bulkReason = h('input', { type: 'text', id: 'bulk-reason', placeholder: tw('hold.reason'), 'aria-label': tw('hold.reason') });
  const bulkUntil = h('input', { type: 'date', id: 'bulk-until', 'aria-label': tw('hold.until') });
  const bulkCount = h('span', { class: 'muted' }, tw('wl.selected', { count: 0 }));
  const bulk = can('collect') ? h('div', { class: 'filters bulk' }, bulkCount, bulkReason, bulkUntil,
    h('button', { type: 'button', id: 'bulk-pause', onclick: async () => {
      try {
        const res = await api(orgPath('/holds'), { method: 'POST', body: { customerIds: [...selected], reason: bulkReason.value, until: bulkUntil.value || undefined } });
        mount(notice, h('p', { class: 'ok', role: 'status' }, tw('wl.paused', { count: res.holdIds.length })));
        selected.clear();
        onSelect(null, false);
        await load(true);
      } catch (e) {
        mount(notice, errorBox(e));
      }
    } }, tw('wl.bulkPause'))) : null;

  let timer = null;
  q.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => load(true), 300);
  });
  risk.addEventListener('change', () => load(true));
  for (const box of [mine, overdueOnly, ...Object.values(flagBoxes)]) box.addEventListener('change', () => load(true));
  const saveView = h('button', { type: 'button', class: 'secondary', id: 'save-view', onclick: async () => {
    try {
      await api(orgPath('/worklist-view'), { method: 'PUT', body: view() });
      mount(notice, h('p', { class: 'ok', role: 'status' }, tw('wl.viewSaved')));
    } catch (e) {
      mount(notice, errorBox(e));
    }
  } }, tw('wl.saveView'));
  drawHead();
  mount(main,
    h('div', { class: 'row-between' }, h('h1', {}, tw('wl.title'), ' ', count),
      h('div', { class: 'exports' },
        saveView,
        h('button', { type: 'button', class: 'secondary', 'data-export': 'csv', onclick: exportAll('csv') }, t('common.exportCsv')),
        h('button', { type: 'button', class: 'secondary', 'data-export': 'xlsx', onclick: exportAll('xlsx') }, t('common.exportXlsx')))),
    h('div', { class: 'filters' }, q,
      h('label', {}, mine, ' ', tw('wl.mine')), h('label', {}, overdueOnly, ' ', tw('wl.overdueOnly')),
      FLAGS.map((f) => h('label', {}, flagBoxes[f], ' ', tw(`wl.flag.${f}`))), risk),
    bulk, notice,
    h('div', { class: 'table-scroll' }, h('table', { id: 'customers', class: 'worklist' }, h('thead', {}, headRow), body)),
    errors, more,
    await tasksPanel(errorBox));
  await load(true);
  return () => clearTimeout(timer);
}
