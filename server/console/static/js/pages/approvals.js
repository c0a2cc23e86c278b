/**
 * The approval queue: the reminders that wait for a collector (`GET …/actions/queue`), filtered by
 * channel and step, approved or rejected in bulk with per-row results, and one opened to read its
 * rendered message and edit it before approving. A viewer sees the queue without the buttons.
 */
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import { formatDate, formatMoney, t } from '../i18n.js';
import { can } from '../roles.js';
import { orgPath } from '../session.js';
import { messageEditor } from './approval-message.js';

const CHANNELS = ['email', 'sms', 'letter', 'task', 'call', 'escalate'];

function options(list) {
  return list.map(([value, text]) => h('option', { value }, text));
}

export async function approvalsPage(main, _params, { errorBox }) {
  const collect = can('collect');
  const items = [];
  const chosen = new Set();
  let cursor = null;
  const body = h('tbody');
  const notice = h('div', { id: 'approvals-notice' });
  const side = h('div', { id: 'approval-detail' });
  const more = h('button', { type: 'button', class: 'secondary', hidden: true, onclick: () => load() }, t('common.more'));
  const all = h('input', { type: 'checkbox', id: 'approvals-all', 'aria-label': t('approvals.selectAll'), disabled: !collect, onchange: (ev) => selectAll(ev.target.checked) });
  const count = h('span', { class: 'muted', id: 'approvals-selected' });
  const reason = h('input', { type: 'text', id: 'reject-reason', 'aria-label': t('approvals.reason'), placeholder: t('approvals.reason') });
  const approve = h('button', { type: 'button', id: 'approve-selected', onclick: () => decide('approve', [...chosen]) }, t('approvals.approve'));
  const reject = h('button', { type: 'button', class: 'danger', id: 'reject-selected', onclick: () => decide('reject', [...chosen]) }, t('approvals.reject'));
  const channel = h('select', { id: 'approvals-channel', onchange: () => draw() }, options([['', t('approvals.allChannels')], ...CHANNELS.map((c) => [c, t(`approvals.channel.${c}`)])]));
  const step = h('select', { id: 'approvals-step', onchange: () => draw() });

  // The API lists the whole queue; the filters narrow what is loaded.
  const visible = () => items.filter((a) => (!channel.value || a.channel === channel.value) && (!step.value || String(a.step) === step.value));

  function updateBar() {
    count.textContent = t('approvals.selected', { count: chosen.size });
    approve.disabled = reject.disabled = chosen.size === 0;
    const shown = visible();
    all.checked = shown.length > 0 && shown.every((a) => chosen.has(a.id));
  }

  function selectAll(on) {
    for (const a of visible()) if (on) chosen.add(a.id); else chosen.delete(a.id);
    draw();
  }

  function row(a) {
    const box = h('input', { type: 'checkbox', value: a.id, checked: chosen.has(a.id), disabled: !collect, 'aria-label': t('approvals.selectOne', { name: a.customerName }),
      onchange: (ev) => { if (ev.target.checked) chosen.add(a.id); else chosen.delete(a.id); updateBar(); } });
    return h('tr', { 'data-action-id': a.id },
      h('td', {}, box),
      h('td', {}, h('a', { href: `#/customers/${a.customerId}` }, a.customerName)),
      h('td', {}, String(a.step)),
      h('td', {}, t(`approvals.channel.${a.channel}`), h('div', { class: 'muted' }, a.template)),
      h('td', { class: 'num' }, a.amountDue ? formatMoney(a.amountDue, a.currency) : '—'),
      h('td', { class: 'num' }, String(a.invoiceCount)),
      h('td', {}, formatDate(a.scheduledFor)),
      h('td', {}, h('button', { type: 'button', class: 'secondary', 'data-open': a.id, onclick: () => open(a) }, t('approvals.open'))));
  }

  function draw() {
    const steps = [...new Set(items.map((a) => String(a.step)))].sort((x, y) => x - y);
    const current = step.value;
    mount(step, options([['', t('approvals.allSteps')], ...steps.map((s) => [s, s])]));
    step.value = steps.includes(current) ? current : '';
    const shown = visible();
    mount(body, shown.length ? shown.map(row) : h('tr', {}, h('td', { colspan: 8, class: 'muted' }, t('approvals.empty'))));
    updateBar();
  }

  async function load() {
    try {
      const page = await api(orgPath('/actions/queue'), { query: { cursor, limit: 100 } });
      items.push(...page.items);
      cursor = page.nextCursor;
      more.hidden = !cursor;
      draw();
    } catch (e) {
      mount(notice, errorBox(e));
    }
  }

  /** Rows approved or rejected leave the list; the others stay, with why. */
  async function decide(decision, ids) {
    mount(notice);
    if (!ids.length) return false;
    if (decision === 'reject' && !reason.value.trim()) {
      mount(notice, h('p', { class: 'error', role: 'alert' }, t('approvals.reasonNeeded')));
      reason.focus();
      return false;
    }
    try {
      const { results } = await api(orgPath(`/actions/${decision}`), { method: 'POST', body: decision === 'reject' ? { ids, reason: reason.value.trim() } : { ids } });
      const done = new Set(results.filter((r) => r.ok).map((r) => r.id));
      const failed = results.filter((r) => !r.ok);
      for (let i = items.length - 1; i >= 0; i--) if (done.has(items[i].id)) items.splice(i, 1);
      for (const id of done) chosen.delete(id);
      if (done.has(side.dataset.actionId)) mount(side);
      draw();
      mount(notice,
        h('p', { class: 'ok', role: 'status' }, t(decision === 'approve' ? 'approvals.approved' : 'approvals.rejected', { count: done.size })),
        failed.map((r) => h('p', { class: 'error' }, t('approvals.failedOne', { id: r.id.slice(0, 8), error: r.error }))));
      return failed.length === 0;
    } catch (e) {
      mount(notice, errorBox(e));
      return false;
    }
  }

  async function open(a) {
    side.dataset.actionId = a.id;
    mount(side, h('p', { class: 'muted' }, t('common.loading')));
    try {
      const message = await api(orgPath(`/actions/${a.id}/preview`));
      mount(side, messageEditor({ action: a, message, editable: collect, onApprove: () => decide('approve', [a.id]), onClose: () => mount(side) }));
    } catch (e) {
      mount(side, e.status === 404 && e.field === 'channel' ? h('p', { class: 'muted panel' }, t('approvals.noMessage')) : errorBox(e));
    }
  }

  mount(main,
    h('h1', {}, t('approvals.title')),
    h('div', { class: 'filters' }, h('label', {}, `${t('approvals.channel')} `, channel), h('label', {}, `${t('approvals.step')} `, step)),
    collect
      ? h('div', { class: 'actions bulk' }, count, approve, reason, reject)
      : h('p', { class: 'muted', id: 'approvals-readonly' }, t('approvals.readOnly')),
    notice,
    h('div', { class: 'approvals-layout' },
      h('section', {},
        h('table', { id: 'approvals' },
          h('thead', {}, h('tr', {}, h('th', {}, all), ['approvals.customer', 'approvals.step', 'approvals.channel', 'approvals.amount', 'approvals.invoices', 'approvals.planned', ''].map((k) => h('th', { class: k === 'approvals.amount' || k === 'approvals.invoices' ? 'num' : null }, k ? t(k) : '')))),
          body),
        more),
      side));
  await load();
}
