/**
 * One waiting reminder opened from the queue: its message as it will leave (subject, the email's
 * HTML in a sandboxed frame, a letter's PDF to download), with why it is held when the send job
 * held it. A collector edits the template's text blocks (greeting, paragraphs, closing): the
 * layout, the invoice table, the fee line and the pay link stay, and the preview shown after saving
 * is the message the send will compose. A message without blocks keeps the whole-text edit.
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

/** The edit to send: the fields (and blocks) that differ from the message shown. */
function changes(message, subject, text, blockInputs) {
  const edit = {};
  if (subject && subject.value !== message.subject) edit.subject = subject.value;
  if (blockInputs.length) {
    const blocks = {};
    for (const { name, input } of blockInputs) if (input.value !== message.blocks[name]) blocks[name] = input.value;
    if (Object.keys(blocks).length) edit.blocks = blocks;
  } else if (text.value !== message.text) {
    edit.text = text.value;
    if (message.channel === 'email') edit.html = textToHtml(text.value);
  }
  return edit;
}

function preview(message, action) {
  if (message.channel === 'letter') {
    return h('p', {}, h('a', { id: 'approval-document', href: orgPath(`/actions/${action.id}/document`), download: `letter-${action.id}.pdf` }, t('approvals.letterPdf')));
  }
  if (message.html === null) return null;
  return h('iframe', { class: 'message-frame', id: 'approval-html', sandbox: true, title: t('approvals.htmlVersion'), srcdoc: message.html });
}

export function messageEditor({ action, message, editable, onApprove, onClose }) {
  const box = h('section', { class: 'panel message-editor', 'data-action-id': action.id });
  const general = h('div');
  const subject = message.subject === null ? null : h('input', { type: 'text', id: 'approval-subject', value: message.subject, readonly: !editable });
  const names = Object.keys(message.blocks ?? {});
  const blockInputs = names.map((name) => {
    const input = h('textarea', { id: `approval-block-${name}`, rows: name === 'greeting' || name === 'closing' ? 2 : 5, readonly: !editable });
    input.value = message.blocks[name];
    return { name, input };
  });
  // Without blocks (an older template copy), the whole text is edited, as before.
  const text = h('textarea', { id: 'approval-text', rows: 12, readonly: !editable || names.length > 0 });
  text.value = message.text;
  const errors = fieldErrors({ ...(subject && { subject }), text, html: text, ...Object.fromEntries(blockInputs.map((b) => [`blocks.${b.name}`, b.input])) }, general);
  const status = h('p', { role: 'status', id: 'approval-status' });

  /** Saves the edit if there is one; the message is then shown again as the server composes it. */
  async function save() {
    const edit = changes(message, subject, text, blockInputs);
    if (!Object.keys(edit).length) return true;
    try {
      errors.clear();
      await api(orgPath(`/actions/${action.id}`), { method: 'PATCH', body: edit });
      message = await api(orgPath(`/actions/${action.id}/preview`));
      text.value = message.text;
      mount(frameBox, preview(message, action));
      status.className = 'ok';
      status.textContent = t('approvals.saved');
      return true;
    } catch (e) {
      errors.show(e);
      return false;
    }
  }

  const frameBox = h('div', {}, preview(message, action));
  mount(box,
    h('div', { class: 'row-between' },
      h('h2', {}, `${action.customerName} · ${action.template}`),
      h('button', { type: 'button', class: 'link', onclick: onClose }, t('approvals.close'))),
    action.holdReason ? h('p', { class: 'error', id: 'approval-held' }, t('approvals.heldBecause', { reason: action.holdReason })) : null,
    h('p', { class: 'muted' }, t('approvals.messageIn', { channel: t(`approvals.channel.${message.channel}`), language: message.language })),
    subject ? [h('label', { for: 'approval-subject' }, t('approvals.subject')), subject] : null,
    blockInputs.map(({ name, input }) => [h('label', { for: input.id }, t(`approvals.block.${name}`)), input]),
    names.length ? h('details', {}, h('summary', {}, t('approvals.text')), text) : [h('label', { for: 'approval-text' }, t('approvals.text')), text],
    general, status,
    editable ? h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', id: 'approval-save', onclick: save }, t('approvals.saveEdit')),
      h('button', { type: 'button', id: 'approval-save-approve', onclick: async () => { if (await save()) await onApprove(); } }, t('approvals.saveApprove'))) : null,
    frameBox);
  return box;
}
