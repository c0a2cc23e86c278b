/**
 * The mapping editor of one connection (`#/mappings/<connectionId>?entity=customer`): the override
 * of an entity as JSON, a quick form to take a field from another source path, and a live preview
 * (`POST …/mappings/:entity/preview`, debounced) on the newest raw records the connection synced
 * (`GET …/mappings/:entity/samples`). Each field is a row: its source, then its value in each
 * sample, marked when the draft changes it; the API's error names the field, and its row is marked.
 */
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { describeSource } from '../mapping-source.js';
import { orgPath, session } from '../session.js';

const SAMPLES = 3;
const DEBOUNCE_MS = 400;

/** A canonical value as one line of text. */
function show(value) {
  if (value === null || value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The error's field path without the `fields.` prefix: `fields.name.path` → `name`. */
function fieldOfError(e, names) {
  const parts = String(e.field ?? '').split('.');
  const i = parts.indexOf('fields');
  const name = i >= 0 ? parts[i + 1] : parts[0];
  return names.includes(name) ? name : null;
}

function previewTable(mapping, draft, stored, result, baseline) {
  const names = Object.keys(mapping.fields);
  const records = result?.records ?? [];
  const before = baseline?.records ?? [];
  return h('table', { id: 'mapping-preview', class: 'mapping-preview' },
    h('thead', {}, h('tr', {},
      h('th', {}, t('mappings.field')), h('th', {}, t('mappings.source')),
      records.map((r, i) => h('th', {}, t('mappings.sample', { n: i + 1, id: r.externalId ?? '?' }))))),
    h('tbody', {}, names.map((name) => {
      const own = draft?.fields?.[name];
      const source = own ?? (stored?.fields?.[name] ? null : mapping.fields[name]);
      return h('tr', { 'data-field': name },
        h('th', { scope: 'row' }, name, own ? h('span', { class: 'badge' }, t('mappings.overridden')) : null),
        h('td', { class: 'wrap source' }, source ? describeSource(source) : t('mappings.defaultSource')),
        records.map((r, i) => {
          const changed = before[i] && show(before[i][name]) !== show(r[name]);
          return h('td', { class: changed ? 'wrap changed' : 'wrap', 'data-changed': changed ? 'true' : null }, show(r[name]));
        }));
    })));
}

/** "Take <field> from source path <path>": `onApply(field, path)`, an empty path dropping the field's override. */
function quickForm(names, onApply) {
  const field = h('select', { id: 'mapping-field' }, names.map((n) => h('option', { value: n }, n)));
  const path = h('input', { id: 'mapping-path', type: 'text', placeholder: 'CompanyName' });
  return h('div', { class: 'filters quick-map' },
    h('label', { for: 'mapping-field' }, t('mappings.take')), field,
    h('label', { for: 'mapping-path' }, t('mappings.from')), path,
    h('button', { type: 'button', class: 'secondary', id: 'mapping-use', onclick: () => onApply(field.value, path.value.trim()) }, t('mappings.use')));
}

/** The override with `field` taken from `path` (or back to the mapping in force when `path` is empty). */
function withSource(override, field, path) {
  const fields = { ...(override.fields ?? {}) };
  if (path) fields[field] = { path };
  else delete fields[field];
  return { ...override, fields };
}

function editor(base, entity, item, records) {
  const path = `${base}/${encodeURIComponent(entity)}`;
  const canSave = session.organization?.role === 'admin';
  let stored = item.override;
  let draft = stored ?? { fields: {} };
  let baseline = null;
  // The last preview that mapped: kept on screen, its field marked, while the draft is invalid.
  let last = null;
  let timer = null;
  let seq = 0;
  const text = h('textarea', { id: 'mapping-json', rows: 14, spellcheck: 'false', 'aria-describedby': 'mapping-status', 'aria-label': t('mappings.override') });
  text.value = JSON.stringify(draft, null, 2);
  const status = h('p', { id: 'mapping-status', role: 'status' });
  const preview = h('div', { class: 'table-scroll' });
  const rejected = h('div', { id: 'mapping-rejected' });
  const names = Object.keys(item.mapping.fields);
  const save = h('button', { type: 'button', id: 'mapping-save', disabled: !canSave, title: canSave ? null : t('mappings.adminOnly') }, t('common.save'));

  const say = (cls, message) => {
    status.className = cls;
    status.textContent = message;
  };
  function draw(result, errorField) {
    last = result;
    mount(preview, previewTable(item.mapping, draft, stored, result, baseline));
    if (errorField) preview.querySelector(`tr[data-field="${errorField}"]`)?.classList.add('invalid');
    mount(rejected, (result?.rejected ?? []).map((r) => h('p', { class: 'error' }, t('mappings.rejected', { message: r.message }))));
  }
  const run = (override) => api(`${path}/preview`, { method: 'POST', body: { records, ...(override === undefined ? {} : { override }) } });
  /** The draft as an object, or null (and why) when it is not JSON. */
  function parseDraft() {
    try {
      return JSON.parse(text.value);
    } catch (e) {
      say('error', t('mappings.badJson', { message: e.message }));
      return null;
    }
  }

  async function check() {
    const mine = ++seq;
    const parsed = parseDraft();
    if (!parsed) return null;
    try {
      const result = await run(parsed);
      if (mine !== seq) return null;
      draft = parsed;
      say('ok', t('mappings.valid'));
      draw(result);
      return parsed;
    } catch (e) {
      if (mine !== seq) return null;
      say('error', t('mappings.invalid', { message: e.message }));
      draw(last, fieldOfError(e, names));
      return null;
    }
  }
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(check, DEBOUNCE_MS);
  };
  text.addEventListener('input', later);
  const quick = quickForm(names, (field, source) => {
    const parsed = parseDraft();
    if (!parsed) return;
    text.value = JSON.stringify(withSource(parsed, field, source), null, 2);
    check();
  });
  save.addEventListener('click', async () => {
    const parsed = await check();
    if (!parsed) return;
    try {
      await api(path, { method: 'PUT', body: parsed });
      stored = parsed;
      baseline = await run();
      say('ok', t('mappings.saved'));
      draw(baseline);
    } catch (e) {
      say('error', t('mappings.invalid', { message: e.message }));
    }
  });

  async function start() {
    if (!records.length) {
      mount(preview, h('p', { class: 'muted', id: 'mapping-no-samples' }, t('mappings.noSamples')));
      return;
    }
    baseline = await run();
    draw(baseline);
  }
  const section = h('div', { class: 'mapping-editor' },
    h('section', { class: 'panel' },
      h('h2', {}, t('mappings.override')),
      h('p', { class: 'muted' }, t('mappings.help')),
      quick, text, status, h('div', { class: 'actions' }, save)),
    h('section', { class: 'panel' }, h('h2', {}, t('mappings.preview')), preview, rejected));
  return { section, start, stop: () => clearTimeout(timer) };
}

export async function mappingsPage(main, [connectionId], { query }) {
  const base = orgPath(`/connections/${connectionId}/mappings`);
  const [connection, { provider, items }] = await Promise.all([api(orgPath(`/connections/${connectionId}`)), api(base)]);
  const entity = items.some((i) => i.entity === query.get('entity')) ? query.get('entity') : items[0].entity;
  const item = items.find((i) => i.entity === entity);
  const { records } = await api(`${base}/${encodeURIComponent(entity)}/samples`, { query: { limit: SAMPLES } });
  const view = editor(base, entity, item, records);
  mount(main,
    h('h1', {}, t('mappings.title', { name: connection.displayName ?? connection.accountId }), h('span', { class: 'badge' }, provider)),
    h('p', {}, h('a', { href: '#/connections' }, t('mappings.back'))),
    h('nav', { class: 'tabs', 'aria-label': t('mappings.entities') }, items.map((i) => h('a', {
      href: `#/mappings/${connectionId}?entity=${encodeURIComponent(i.entity)}`, class: i.entity === entity ? 'active' : null,
      'aria-current': i.entity === entity ? 'page' : null, 'data-entity': i.entity,
    }, t(`mappings.entity.${i.entity}`)))),
    view.section);
  await view.start();
  return view.stop;
}
