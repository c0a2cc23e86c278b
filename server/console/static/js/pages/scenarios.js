/**
 * Scenarios: the list, and an editor of one scenario as JSON, validated by the API as it is typed
 * (`POST …/scenarios/validate`), the error naming its field; saving is `PUT …/scenarios/<name>`.
 */
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { orgPath } from '../session.js';

const EDITABLE = ['name', 'priority', 'segment', 'steps', 'stopRules', 'active'];

function editor(scenario, onSaved) {
  const draft = Object.fromEntries(EDITABLE.filter((k) => k in scenario).map((k) => [k, scenario[k]]));
  const text = h('textarea', { id: 'scenario-json', rows: 22, spellcheck: 'false' });
  text.value = JSON.stringify(draft, null, 2);
  const status = h('p', { id: 'scenario-status', role: 'status' });
  const save = h('button', { type: 'button', id: 'scenario-save' }, t('common.save'));
  let timer = null;
  let seq = 0;
  const show = (cls, message) => {
    status.className = cls;
    status.textContent = message;
  };
  async function check() {
    const mine = ++seq;
    let parsed;
    try {
      parsed = JSON.parse(text.value);
    } catch (e) {
      show('error', t('scenarios.badJson', { message: e.message }));
      return null;
    }
    try {
      await api(orgPath('/scenarios/validate'), { method: 'POST', body: parsed });
      if (mine === seq) show('ok', t('scenarios.valid'));
      return parsed;
    } catch (e) {
      if (mine === seq) show('error', t('scenarios.invalid', { message: e.message }));
      return null;
    }
  }
  text.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(check, 400);
  });
  save.addEventListener('click', async () => {
    const parsed = await check();
    if (!parsed) return;
    try {
      await api(orgPath(`/scenarios/${encodeURIComponent(scenario.name)}`), { method: 'PUT', body: parsed });
      show('ok', t('scenarios.saved'));
      onSaved();
    } catch (e) {
      show('error', t('scenarios.invalid', { message: e.message }));
    }
  });
  return h('section', { class: 'panel' }, h('h2', {}, scenario.name), text, status, save);
}

export async function scenariosPage(main) {
  const side = h('div');
  async function load() {
    const { items } = await api(orgPath('/scenarios'));
    return items;
  }
  const items = await load();
  const list = h('table', { id: 'scenarios' },
    h('thead', {}, h('tr', {}, h('th', {}, t('common.name')), h('th', {}, t('scenarios.priority')), h('th', {}, t('scenarios.active')), h('th', {}, ''), h('th', {}, ''))),
    h('tbody', {}, items.map((s) => h('tr', {},
      h('td', {}, s.name), h('td', {}, String(s.priority)), h('td', {}, s.active ? t('common.yes') : t('common.no')),
      h('td', {}, t('scenarios.steps', { count: s.steps.length })),
      h('td', {}, h('button', { type: 'button', class: 'secondary', onclick: () => mount(side, editor(s, () => null)) }, t('scenarios.edit')))))));
  mount(main, h('h1', {}, t('scenarios.title')), h('div', { class: 'columns' }, h('section', {}, items.length ? list : h('p', { class: 'muted' }, t('common.none'))), side));
}
