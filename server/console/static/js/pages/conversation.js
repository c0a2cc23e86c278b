/**
 * The conversation with one customer (`#/customers/<id>/conversation`) and the unfiled list
 * (`#/inbox`): messages read from the mailbox with their attachments and the suggested readings
 * (the words that triggered each; a click fills the answer, nothing is applied by itself), the
 * answer form (sent in the thread, optionally a promise, a dispute or a pause in the same step),
 * "handled", and internal comments with @mentions.
 */
import { allPages, api } from '../api.js';
import { h, mount } from '../dom.js';
import { formatInstant, t } from '../i18n.js';
import { can } from '../roles.js';
import { orgPath } from '../session.js';

function attachments(list) {
  return list.map((a) => h('div', { class: 'muted' }, a.stored
    ? h('a', { href: orgPath(`/inbox/attachments/${a.id}`), download: a.filename }, `${a.filename} (${Math.ceil(a.size / 1024)} KB)`)
    : `${a.filename}: ${a.omittedReason}`));
}

function messageView(m, onSuggestion) {
  const who = m.direction === 'out' ? t('inbox.fromUs', { status: m.deliveryStatus ?? '' }) : (m.fromName ?? m.from ?? '—');
  return h('article', { class: 'card', 'data-message-id': m.id, 'data-kind': m.kind },
    h('h3', {}, `${m.subject ?? ''}`),
    h('p', { class: 'muted' }, `${who} · ${formatInstant(m.createdAt)}${m.autoReply ? ` · ${t('inbox.auto', { reason: m.autoReply })}` : ''}`),
    m.problem ? h('p', { class: 'warn' }, m.problem) : null,
    h('pre', { class: 'wrap' }, m.text ?? ''),
    ...attachments(m.attachments ?? []),
    ...(m.suggestions ?? []).map((s) => h('p', { class: 'suggestion', 'data-suggestion': s.kind },
      `${t(`inbox.suggest.${s.kind}`)} — ${t('inbox.because', { words: s.words.join(' · ') })} `,
      onSuggestion ? h('button', { type: 'button', class: 'secondary', onclick: () => onSuggestion(s) }, t('inbox.use')) : null)));
}

export async function conversationPage(main, [customerId], { errorBox }) {
  const collect = can('collect');
  const c = await api(orgPath(`/customers/${customerId}/conversation`));
  const notice = h('div', { role: 'status' });
  const text = h('textarea', { id: 'answer-text', rows: 5 });
  const outcome = h('select', { id: 'answer-outcome' }, ['none', 'promise', 'dispute', 'pause'].map((k) => h('option', { value: k }, t(`inbox.outcome.${k}`))));
  const date = h('input', { id: 'answer-date', type: 'date' });
  const amount = h('input', { id: 'answer-amount', inputmode: 'decimal', placeholder: '1250.00' });
  const reason = h('input', { id: 'answer-reason' });
  const reload = () => conversationPage(main, [customerId], { errorBox });
  const useSuggestion = (s) => {
    if (s.kind === 'promise') { outcome.value = 'promise'; date.value = s.date; }
    if (s.kind === 'dispute') { outcome.value = 'dispute'; reason.value = s.words.join(', '); }
    if (s.kind === 'payment_check') globalThis.location.hash = '#/unapplied';
  };
  async function send() {
    try {
      const kind = outcome.value;
      let out;
      if (kind === 'promise') out = { kind, date: date.value, amount: amount.value };
      if (kind === 'pause') out = { kind };
      if (kind === 'dispute') {
        const invoices = await allPages(orgPath('/invoices'), { customerId, status: 'open' });
        out = { kind, reason: reason.value, invoiceIds: invoices.items.map((i) => i.id) };
      }
      await api(orgPath(`/customers/${customerId}/conversation/answer`), { method: 'POST', body: { text: text.value, ...(out && { outcome: out }) } });
      await reload();
    } catch (e) {
      mount(notice, errorBox(e));
    }
  }
  const comment = h('textarea', { id: 'comment-body', rows: 2, placeholder: t('inbox.commentHint') });
  async function addComment() {
    try {
      await api(orgPath(`/customers/${customerId}/comments`), { method: 'POST', body: { body: comment.value } });
      await reload();
    } catch (e) {
      mount(notice, errorBox(e));
    }
  }
  const state = c.state;
  mount(main,
    h('p', {}, h('a', { href: `#/customers/${customerId}` }, t('inbox.backToCustomer'))),
    h('h1', {}, t('inbox.conversation')),
    h('p', { id: 'conversation-state', 'data-state': state?.state ?? 'none' }, state ? `${t(`inbox.state.${state.state}`)}${state.held ? ` · ${t('inbox.held')}` : ''}` : t('common.none')),
    collect && state?.state === 'awaiting_us' ? h('button', { type: 'button', id: 'handled', onclick: async () => { await api(orgPath(`/customers/${customerId}/conversation/handled`), { method: 'POST' }); await reload(); } }, t('inbox.handled')) : null,
    notice,
    ...c.messages.map((m) => messageView(m, collect ? useSuggestion : null)),
    collect ? h('section', { class: 'card' }, h('h2', {}, t('inbox.answer')), text,
      h('div', {}, outcome, date, amount, reason),
      h('button', { type: 'button', id: 'answer-send', onclick: send }, t('inbox.send'))) : null,
    h('section', { class: 'card' }, h('h2', {}, t('inbox.comments')),
      ...c.comments.map((k) => h('p', {}, h('strong', {}, k.author), ` · ${formatInstant(k.createdAt)} — ${k.body}`)),
      collect ? h('div', {}, comment, h('button', { type: 'button', id: 'comment-add', onclick: addComment }, t('inbox.comment'))) : null));
}

export async function inboxPage(main, _params, { errorBox }) {
  const [list, mailbox, { items: customers }] = await Promise.all([api(orgPath('/inbox/unfiled')), api(orgPath('/inbox/mailbox')), allPages(orgPath('/customers'))]);
  const m = mailbox.mailbox;
  const status = m ? h('p', { id: 'mailbox-status', 'data-status': m.status }, `${m.username}@${m.host} · ${t(`inbox.status.${m.status}`)}${m.statusDetail?.message ? ` — ${m.statusDetail.message}` : ''}`) : h('p', { id: 'mailbox-status' }, t('inbox.noMailbox'));
  const rows = list.items.map((msg) => {
    const pick = h('select', {}, h('option', { value: '' }, '—'), customers.map((c) => h('option', { value: c.id }, c.name)));
    const cell = h('div', {});
    const file = async () => {
      try {
        await api(orgPath(`/inbox/messages/${msg.id}/file`), { method: 'POST', body: { customerId: pick.value } });
        globalThis.location.hash = `#/customers/${pick.value}/conversation`;
      } catch (e) {
        mount(cell, errorBox(e));
      }
    };
    return h('div', {}, messageView(msg, null), can('collect') && msg.kind !== 'unreadable' ? h('div', {}, pick, h('button', { type: 'button', onclick: file }, t('inbox.file')), cell) : null);
  });
  mount(main, h('h1', {}, t('inbox.title')), status, h('h2', {}, t('inbox.unfiled')), ...(rows.length ? rows : [h('p', { class: 'muted' }, t('common.none'))]));
}
