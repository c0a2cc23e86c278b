/**
 * One waiting reminder opened from the queue: its message as it would leave (subject, text, the
 * email's HTML in a sandboxed frame), editable by a collector before approving. An edited text
 * also replaces the email's HTML, so both parts of the email say what the collector wrote.
 */
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import { fieldErrors } from '../field-errors.js';
import { t } from '../i18n.js';
import { orgPath } from '../session.js';

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Plain text as simple HTML: escaped, paragraphs at blank lines, line breaks kept. */
export function textToHtml(text) {
  const paragraphs = text.replace(/[&<>"]/g, (c) => ESCAPES[c]).split(/\n\s*\n/).map((p) => `<p>${p.replace(/\n/g, '<br>')}</p>`);
  return `<!doctype html><html><body style="font-family: sans-serif">${paragraphs.join('')}</body></html>`;
}

/** The edit to send: the fields that differ from the message shown. */
function changes(message, subject, text) {
  const edit = {};
  if (subject && subject.value !== message.subject) edit.subject = subject.value;
  if (text.value !== message.text) {
    edit.text = text.value;
    if (message.channel === 'email') edit.html = textToHtml(text.value);
  }
  return edit;
}

function preview(message) {
  if (message.html === null) return null;
  return h('iframe', { class: 'message-frame', id: 'approval-html', sandbox: true, title: t('approvals.htmlVersion'), srcdoc: message.html });
}

export function messageEditor({ action, message, editable, onApprove, onClose }) {
  const box = h('section', { class: 'panel message-editor', 'data-action-id': action.id });
  const general = h('div');
  const subject = message.subject === null ? null : h('input', { type: 'text', id: 'approval-subject', value: message.subject, readonly: !editable });
  const text = h('textarea', { id: 'approval-text', rows: 12, readonly: !editable });
  text.value = message.text;
  const errors = fieldErrors({ ...(subject && { subject }), text, html: text }, general);
  const status = h('p', { role: 'status', id: 'approval-status' });

  /** Saves the edit if there is one; the message is then shown again as the server composes it. */
  async function save() {
    const edit = changes(message, subject, text);
    if (!Object.keys(edit).length) return true;
    try {
      errors.clear();
      await api(orgPath(`/actions/${action.id}`), { method: 'PATCH', body: edit });
      message = await api(orgPath(`/actions/${action.id}/preview`));
      mount(frameBox, preview(message));
      status.className = 'ok';
      status.textContent = t('approvals.saved');
      return true;
    } catch (e) {
      errors.show(e);
      return false;
    }
  }

  const frameBox = h('div', {}, preview(message));
  mount(box,
    h('div', { class: 'row-between' },
      h('h2', {}, `${action.customerName} · ${action.template}`),
      h('button', { type: 'button', class: 'link', onclick: onClose }, t('approvals.close'))),
    h('p', { class: 'muted' }, t('approvals.messageIn', { channel: t(`approvals.channel.${message.channel}`), language: message.language })),
    subject ? [h('label', { for: 'approval-subject' }, t('approvals.subject')), subject] : null,
    h('label', { for: 'approval-text' }, t('approvals.text')), text,
    general, status,
    editable ? h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', id: 'approval-save', onclick: save }, t('approvals.saveEdit')),
      h('button', { type: 'button', id: 'approval-save-approve', onclick: async () => { if (await save()) await onApprove(); } }, t('approvals.saveApprove'))) : null,
    frameBox);
  return box;
}
