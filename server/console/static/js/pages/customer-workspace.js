/**
 * The customer page's workspace: the worklist's figures and flags for this customer, its holds
 * (pause the customer or one invoice until a date; resume), and the forms a collector works with —
 * a note, a call with its outcome (a promise or a dispute records the real one), a task for a
 * colleague — plus the timeline entry in words with a link to the message of a reminder.
 */
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import { fieldErrors } from '../field-errors.js';
import { formatDate, formatInstant, formatMoney } from '../i18n.js';
import { tw } from '../messages/workspace.js';
import { can } from '../roles.js';
import { orgPath } from '../session.js';
import { decimalInput } from './customer-collections.js';

const FLAGS = ['disputed', 'promised', 'paused', 'onHold'];

function field(id, label, input) {
  input.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), input);
}

/** The worklist's reading of the customer: amounts, stage, next action, last contact, risk, collectors, flags. */
export function figuresPanel(w) {
  if (!w) return null;
  const card = (label, value, id) => h('div', { class: 'card', id }, h('div', { class: 'card-label' }, label), h('div', { class: 'card-value' }, value));
  const next = w.nextAction
    ? `${formatDate(w.nextAction.date)} · ${w.nextAction.channel} ${w.nextAction.step}${w.nextAction.heldBy ? ` (${tw(`wl.held.${w.nextAction.heldBy}`)})` : ''}`
    : w.forecast
      ? tw('wl.forecast', { channel: w.forecast.channel, step: w.forecast.step, date: formatDate(w.forecast.date) }) + (w.forecast.needsApproval ? ` (${tw('wl.forecast.approval')})` : '')
      : '—';
  return h('div', { id: 'customer-figures' },
    h('p', { id: 'customer-flags' }, FLAGS.filter((f) => w.flags[f]).map((f) => h('span', { class: `badge flag-${f}`, 'data-flag': f }, tw(`wl.flag.${f}`))),
      w.promise ? h('span', { class: 'muted', id: 'customer-promise' }, ` ${tw('cust.promise', { amount: formatMoney(w.promise.amount, w.currency), date: formatDate(w.promise.date) })}`) : null),
    h('div', { class: 'cards' },
      card(tw('cust.overdue'), formatMoney(w.overdue, w.currency), 'card-overdue'),
      card(tw('cust.oldest'), w.oldestOverdueDays === null ? '—' : tw('cust.days', { days: w.oldestOverdueDays })),
      card(tw('cust.next'), next, 'card-next'),
      card(tw('cust.lastContact'), w.lastContact ? formatInstant(w.lastContact) : '—'),
      card(tw('cust.risk'), w.riskClass ?? '—'),
      card(tw('cust.collectors'), w.collectors.map((c) => c.name).join(', ') || '—')));
}

/** A form posting `body()` to `path`, its errors under the field they name. */
function postForm({ id, title, inputs, layout, path, body, submit, done }) {
  const general = h('div');
  const status = h('p', { role: 'status' });
  const errors = fieldErrors(inputs, general);
  const form = h('form', { id, class: 'panel collect-form', novalidate: true, onsubmit: async (ev) => {
    ev.preventDefault();
    status.textContent = '';
    errors.clear();
    try {
      await api(path, { method: 'POST', body: body() });
      status.className = 'ok';
      status.textContent = tw('ws.saved');
      await done();
    } catch (e) {
      errors.show(e);
    }
  } });
  mount(form, h('h3', {}, title), layout, general, status, h('button', { type: 'submit' }, submit));
  return form;
}

/** Active holds with "resume", and the pause form (whole customer or one invoice, until a date). */
export async function holdsPanel(customerId, invoices, reload) {
  const { items } = await api(orgPath(`/customers/${customerId}/holds`));
  const list = h('ul', { id: 'holds' }, items.map((hold) => h('li', { 'data-hold-id': hold.id },
    hold.until ? tw('hold.activeUntil', { date: formatDate(hold.until), reason: hold.reason }) : tw('hold.active', { reason: hold.reason }),
    hold.invoice ? ` (${hold.invoice})` : '',
    can('collect') ? h('button', { type: 'button', class: 'secondary', 'data-resume': hold.id, onclick: async () => { await api(orgPath(`/holds/${hold.id}/release`), { method: 'POST' }); await reload(); } }, tw('hold.resume')) : null)));
  if (!can('collect')) return items.length ? list : null;
  const reason = h('input', { type: 'text', name: 'reason' });
  const until = h('input', { type: 'date', name: 'until' });
  const invoice = h('select', { name: 'invoiceId' }, h('option', { value: '' }, tw('hold.wholeCustomer')), invoices.map((i) => h('option', { value: i.id }, i.number ?? i.externalId)));
  const form = postForm({
    id: 'pause-form', title: tw('hold.title'), submit: tw('hold.pause'), inputs: { reason, until, invoiceId: invoice },
    layout: h('div', { class: 'field-row' }, field('pause-reason', tw('hold.reason'), reason), field('pause-until', tw('hold.until'), until), field('pause-invoice', tw('hold.invoice'), invoice)),
    path: orgPath(`/customers/${customerId}/holds`),
    body: () => ({ reason: reason.value, until: until.value || undefined, invoiceId: invoice.value || undefined }),
    done: reload,
  });
  return h('div', {}, list, form);
}

function noteForm(customerId, reload) {
  const body = h('textarea', { name: 'body', rows: 2 });
  return postForm({
    id: 'note-form', title: tw('note.title'), submit: tw('note.add'), inputs: { body },
    layout: field('note-body', tw('note.body'), body), path: orgPath(`/customers/${customerId}/notes`), body: () => ({ body: body.value }), done: reload,
  });
}

function callForm(customerId, invoices, reload) {
  const outcome = h('select', { name: 'outcome' }, ['reached', 'voicemail', 'promise', 'dispute', 'wrong_number'].map((o) => h('option', { value: o }, tw(`call.outcome.${o}`))));
  const note = h('input', { type: 'text', name: 'note' });
  const amount = h('input', { type: 'text', name: 'amount', inputmode: 'decimal', autocomplete: 'off' });
  const date = h('input', { type: 'date', name: 'date' });
  const invoice = h('select', { name: 'invoiceIds' }, invoices.map((i) => h('option', { value: i.id }, i.number ?? i.externalId)));
  const reason = h('input', { type: 'text', name: 'reason' });
  const promiseRow = h('div', { class: 'field-row', hidden: true }, field('call-amount', tw('call.amount'), amount), field('call-date', tw('call.date'), date));
  const disputeRow = h('div', { class: 'field-row', hidden: true }, field('call-invoice', tw('call.invoices'), invoice), field('call-reason', tw('call.reason'), reason));
  outcome.addEventListener('change', () => {
    promiseRow.hidden = outcome.value !== 'promise';
    disputeRow.hidden = outcome.value !== 'dispute';
  });
  return postForm({
    id: 'call-form', title: tw('call.title'), submit: tw('call.log'), inputs: { outcome, note, amount, date, invoiceIds: invoice, reason, promise: amount, dispute: reason },
    layout: h('div', {}, h('div', { class: 'field-row' }, field('call-outcome', tw('call.outcome'), outcome), field('call-note', tw('call.note'), note)), promiseRow, disputeRow),
    path: orgPath(`/customers/${customerId}/calls`),
    body: () => ({
      outcome: outcome.value, note: note.value.trim() || undefined,
      ...(outcome.value === 'promise' && { promise: { amount: decimalInput(amount.value), date: date.value } }),
      ...(outcome.value === 'dispute' && { dispute: { invoiceIds: invoice.value ? [invoice.value] : [], reason: reason.value } }),
    }),
    done: reload,
  });
}

async function taskForm(customerId, reload) {
  const members = (await api(orgPath('/members')).catch(() => ({ items: [] }))).items.filter((m) => !m.disabled);
  const title = h('input', { type: 'text', name: 'title' });
  const due = h('input', { type: 'date', name: 'dueDate' });
  const assignee = h('select', { name: 'assigneeId' }, h('option', { value: '' }, '—'), members.map((m) => h('option', { value: m.id }, m.displayName ?? m.email)));
  const hubspot = h('input', { type: 'checkbox', name: 'hubspot' });
  return postForm({
    id: 'task-form', title: tw('task.title'), submit: tw('task.create'), inputs: { title, dueDate: due, assigneeId: assignee },
    layout: h('div', {}, h('div', { class: 'field-row' }, field('task-title', tw('task.what'), title), field('task-due', tw('task.due'), due), field('task-assignee', tw('task.assignee'), assignee)),
      h('label', {}, hubspot, ' ', tw('task.hubspot'))),
    path: orgPath(`/customers/${customerId}/tasks`),
    body: () => ({ title: title.value, dueDate: due.value, assigneeId: assignee.value, hubspot: hubspot.checked }),
    done: reload,
  });
}

/** The customer's open tasks. */
async function openTasks(customerId) {
  const { items } = await api(orgPath(`/customers/${customerId}/tasks`));
  if (!items.length) return null;
  return h('div', {}, h('h3', {}, tw('task.open')), h('ul', { id: 'customer-tasks' }, items.map((task) => h('li', {}, `${formatDate(task.dueDate)} · ${task.title} — ${task.assignee.name}`))));
}

/** Everything a collector records by hand about the customer. */
export async function workPanel(customerId, invoices, reload) {
  const tasks = await openTasks(customerId);
  if (!can('collect')) return tasks;
  return h('div', { id: 'customer-work' }, tasks, callForm(customerId, invoices, reload), noteForm(customerId, reload), await taskForm(customerId, reload));
}

/**
 * One timeline entry: the sentence, when, and for a reminder a link that opens its message — for a
 * sent one, the message as it left (stored at the channel's acceptance) or the letter's PDF as
 * posted, never a re-render; for one not sent, the message as it would leave.
 */
export function timelineEntry(a, customerId) {
  const message = h('div', { class: 'timeline-message' });
  const sent = a.kind === 'reminder.sent' && customerId;
  const showSent = async () => {
    try {
      const m = await api(orgPath(`/customers/${customerId}/sent-messages/${a.actionId}`));
      mount(message,
        h('p', { class: 'muted', 'data-sent-to': m.to ?? '' }, tw('cust.sentTo', { to: m.to ?? '—', at: formatInstant(m.sentAt) })),
        m.subject ? h('p', { class: 'preview-subject' }, m.subject) : null,
        m.document ? h('p', {}, h('a', { href: m.document, download: `letter-${a.actionId}.pdf`, 'data-sent-document': a.actionId }, tw('cust.letterPdf'))) : null,
        m.text ? h('div', { class: 'message-text', 'data-sent-text': a.actionId }, m.text) : null,
        // The HTML as it left, in a sandboxed frame: no script of it runs, no style of it leaks.
        m.html ? h('iframe', { class: 'sent-html', sandbox: '', srcdoc: m.html, title: m.subject ?? 'message', 'data-sent-html': a.actionId }) : null);
    } catch (e) {
      mount(message, h('p', { class: e.status === 404 ? 'muted' : 'error' }, e.status === 404 ? tw('cust.notStored') : e.message));
    }
  };
  const showPreview = async () => {
    try {
      const m = await api(orgPath(`/actions/${a.actionId}/preview`));
      mount(message, m.subject ? h('p', { class: 'preview-subject' }, m.subject) : null, h('div', { class: 'message-text' }, m.text ?? ''));
    } catch (e) {
      mount(message, h('p', { class: 'error' }, e.message));
    }
  };
  const link = a.actionId && a.kind.startsWith('reminder.') ? h('button', { type: 'button', class: 'link', 'data-message': a.actionId, onclick: async () => {
    mount(message, h('p', { class: 'muted' }, tw('cust.messageLoading')));
    await (sent ? showSent() : showPreview());
  } }, tw(sent ? 'cust.viewSent' : 'cust.viewMessage')) : null;
  return h('li', { 'data-kind': a.kind, class: a.tone && a.tone !== 'normal' ? `tone-${a.tone}` : null },
    h('time', { datetime: a.occurredAt }, formatInstant(a.occurredAt)), ' ',
    h('span', { class: 'sentence' }, a.text ?? a.kind), link ? ' ' : null, link, message);
}
