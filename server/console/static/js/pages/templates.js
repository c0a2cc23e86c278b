/**
 * Message templates: the list by channel, name and language (an organization's own edit marked),
 * and the editor of one (`#/templates/<channel>/<name>/<language>`): its text blocks (the
 * template's `{{#block}}` paragraphs, one field each, in the language chosen), the whole source as
 * an advanced view, a live preview (debounced) on a chosen customer of this organization — its
 * invoices, fees, addresses and history, not sample data — the validation error naming the line,
 * Save, and back to the shipped version. The email's HTML is shown in a sandboxed frame: a
 * template cannot run script.
 */
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import { formatInstant, t } from '../i18n.js';
import { tl } from '../messages/letters.js';
import { can } from '../roles.js';
import { orgPath } from '../session.js';

const PREVIEW_DELAY_MS = 400;
/** A template's editable paragraphs: `{{#block name}}…{{/block}}` (blocks never nest). */
const BLOCK = /\{\{#block\s+([A-Za-z_][\w]*)\}\}([\s\S]*?)\{\{\/block\}\}/g;

/** The blocks of a source, in order: `[{ name, body }]`. */
export function blocksOf(source) {
  return [...source.matchAll(BLOCK)].map((m) => ({ name: m[1], body: m[2] }));
}

/** The source with block `name`'s body replaced (the rest of the template untouched). */
export function withBlock(source, name, body) {
  return source.replace(BLOCK, (whole, n) => (n === name ? `{{#block ${n}}}${body}{{/block}}` : whole));
}

const blockLabel = (name) => {
  const key = `approvals.block.${name}`;
  const label = t(key);
  return label === key ? name : label;
};

const templatePath = (channel, name, language) => orgPath(`/templates/${channel}/${encodeURIComponent(name)}/${language}`);
const editorHash = (channel, name, language) => `#/templates/${channel}/${name}/${language}`;

/** The API's list (`{ channel, name, languages: [{ language, overridden }] }`) by channel: `Map(channel → items)`. */
function byChannel(items) {
  const groups = new Map();
  for (const item of items) groups.set(item.channel, [...(groups.get(item.channel) ?? []), item]);
  return groups;
}

function languageLink(channel, name, l, current) {
  return h('a', { href: editorHash(channel, name, l.language), class: l.language === current ? 'lang active' : 'lang', 'aria-current': l.language === current ? 'page' : null, 'data-language': l.language },
    l.language, l.overridden ? h('span', { class: 'badge edited' }, t('templates.edited')) : null);
}

function listView(items) {
  return [...byChannel(items)].map(([channel, templates]) => h('section', { class: 'panel', 'data-channel': channel },
    h('h2', {}, t(`templates.channel.${channel}`)),
    h('table', { class: 'templates' },
      h('thead', {}, h('tr', {}, h('th', {}, t('templates.name')), h('th', {}, t('templates.languages')))),
      h('tbody', {}, templates.map((tpl) => h('tr', { 'data-template': tpl.name },
        h('td', {}, tpl.name),
        h('td', { class: 'languages' }, tpl.languages.map((l) => languageLink(channel, tpl.name, l, null)))))))));
}

function previewView(p) {
  return [
    p.subject ? h('p', { class: 'preview-subject' }, h('span', { class: 'muted' }, `${t('templates.subject')}: `), h('strong', { id: 'template-subject' }, p.subject)) : null,
    p.html
      ? h('iframe', { class: 'message-frame', id: 'template-html', sandbox: true, title: t('templates.htmlPreview'), srcdoc: p.html })
      : h('pre', { class: 'message-text', id: 'template-text' }, p.text),
  ];
}

function editorView(channel, name, language, languages, template, customers) {
  const admin = can('administer');
  const source = h('textarea', { id: 'template-source', rows: 26, spellcheck: 'false', 'aria-label': t('templates.source') });
  source.value = template.source;
  const blocksPanel = h('div', { id: 'template-blocks' });
  const advanced = h('details', { id: 'template-advanced' }, h('summary', {}, tl('tb.wholeSource')), source);
  const chooser = h('select', { id: 'template-customer', 'aria-label': tl('tb.customer') },
    customers.length ? customers.map((c) => h('option', { value: c.id }, c.name)) : h('option', { value: '' }, tl('tb.sample')));
  const previewNote = h('p', { class: 'muted', id: 'template-preview-on' });
  const status = h('p', { id: 'template-status', role: 'status' });
  const preview = h('div', { id: 'template-preview', 'aria-live': 'polite' });
  const state = h('p', { class: 'muted', id: 'template-state' });
  const reset = h('button', { type: 'button', class: 'danger', id: 'template-reset' }, t('templates.reset'));
  let timer = null;
  let seq = 0;

  const show = (cls, message) => {
    status.className = cls;
    status.textContent = message;
  };
  const showState = (overridden, updatedAt) => {
    state.textContent = overridden ? t('templates.overridden', { date: formatInstant(updatedAt) }) : t('templates.shipped');
    reset.disabled = !overridden;
  };

  /** One field per block; typing in one rewrites that block of the source. */
  function showBlocks() {
    const blocks = blocksOf(source.value);
    advanced.open = advanced.open || blocks.length === 0;
    mount(blocksPanel,
      h('h2', {}, tl('tb.blocks')),
      h('p', { class: 'muted hint' }, blocks.length ? tl('tb.blocksHelp') : tl('tb.noBlocks')),
      blocks.map((b) => {
        const id = `template-block-${b.name}`;
        const area = h('textarea', { id, rows: Math.min(8, 2 + Math.ceil(b.body.length / 90)), spellcheck: 'true', 'data-block': b.name });
        area.value = b.body;
        area.addEventListener('input', () => {
          source.value = withBlock(source.value, b.name, area.value);
          schedule();
        });
        return h('div', { class: 'field' }, h('label', { for: id }, blockLabel(b.name)), area);
      }));
  }
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(refreshPreview, PREVIEW_DELAY_MS);
  };

  /** Renders the source as typed, on the chosen customer; only the newest answer is shown. */
  async function refreshPreview() {
    const mine = ++seq;
    try {
      const customerId = chooser.value || undefined;
      const p = await api(`${templatePath(channel, name, language)}/preview`, { method: 'POST', body: { source: source.value, customerId } });
      if (mine !== seq) return;
      previewNote.textContent = p.on ? tl('tb.previewOn', { name: p.on.name }) : '';
      mount(preview, previewView(p));
      show('ok', t('templates.valid'));
    } catch (e) {
      if (mine === seq) show('error', t('templates.invalid', { message: e.message }));
    }
  }

  async function save() {
    try {
      const saved = await api(templatePath(channel, name, language), { method: 'PUT', body: { source: source.value } });
      showState(saved.overridden, saved.updatedAt);
      show('ok', t('templates.saved'));
    } catch (e) {
      show('error', t('templates.invalid', { message: e.message }));
    }
  }

  reset.addEventListener('click', async () => {
    if (!globalThis.confirm(t('templates.confirmReset'))) return;
    try {
      const shipped = await api(templatePath(channel, name, language), { method: 'DELETE' });
      source.value = shipped.source;
      showBlocks();
      showState(shipped.overridden, shipped.updatedAt);
      await refreshPreview();
      show('ok', t('templates.resetDone'));
    } catch (e) {
      show('error', t('common.error', { message: e.message }));
    }
  });
  source.addEventListener('input', () => {
    showBlocks();
    schedule();
  });
  chooser.addEventListener('change', () => refreshPreview());
  showState(template.overridden, template.updatedAt);
  showBlocks();

  const view = [
    h('p', {}, h('a', { href: '#/templates' }, `← ${t('templates.title')}`)),
    h('h1', {}, `${t(`templates.channel.${channel}`)} · ${name}`),
    h('nav', { class: 'language-switch', 'aria-label': t('templates.previewLanguage') }, `${t('templates.previewLanguage')}: `, languages.map((l) => languageLink(channel, name, l, language))),
    state,
    h('div', { class: 'columns template-editor' },
      h('section', {}, blocksPanel, advanced, status,
        admin ? h('div', { class: 'actions' }, h('button', { type: 'button', id: 'template-save', onclick: save }, t('common.save')), reset)
          : h('p', { class: 'muted' }, t('templates.adminOnly'))),
      h('section', {}, h('h2', {}, h('label', { for: 'template-customer' }, `${tl('tb.customer')} `), chooser), previewNote, preview)),
  ];
  return { view, start: refreshPreview, stop: () => clearTimeout(timer) };
}

export async function templatesPage(main, [channel, name, language]) {
  const { items } = await api(orgPath('/templates'));
  if (!channel) {
    mount(main, h('h1', {}, t('templates.title')), h('p', { class: 'muted' }, t('templates.intro')), listView(items));
    return undefined;
  }
  const [template, customers] = await Promise.all([
    api(templatePath(channel, name, language)),
    // The preview is on a customer of this organization: the first 100 by name to choose from.
    api(orgPath('/customers'), { query: { sort: 'name', limit: 100 } }).then((r) => r.items, () => []),
  ]);
  const languages = items.find((i) => i.channel === channel && i.name === name)?.languages ?? [];
  const editor = editorView(channel, name, language, languages, template, customers);
  mount(main, editor.view);
  await editor.start();
  return editor.stop;
}
