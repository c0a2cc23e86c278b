/**
 * Scenarios: the list, and an editor of one scenario as a form — its steps (days after the due
 * date, channel, template, approval; added, removed), its stop rules and its segment (tags,
 * countries, risk classes, minimum overdue) — with the scenario as JSON in an advanced view. The
 * form is validated by the API as it is filled (`POST …/scenarios/validate`), the error shown next
 * to the field it names (`steps.1.action`); saving is `PUT …/scenarios/<name>`. A channel this
 * installation does not send through is offered but marked, and the API refuses it on save.
 */
/* global document, CSS */
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import { fieldErrors } from '../field-errors.js';
import { t } from '../i18n.js';
import { tl } from '../messages/letters.js';
import { can } from '../roles.js';
import { orgPath } from '../session.js';

const ACTIONS = ['email', 'sms', 'letter', 'call', 'task', 'escalate'];
const MESSAGE = new Set(['email', 'sms', 'letter']);
const STOP_RULES = ['paid', 'disputed', 'promise', 'paused', 'hold'];
const ALWAYS_ON = new Set(['paid', 'disputed']);
const RISK = ['low', 'medium', 'high', 'critical'];
/** Fields the form keeps as they came (the JSON view edits them). */
const EDITABLE = ['name', 'priority', 'segment', 'steps', 'stopRules', 'active'];

const list = (text) => text.split(',').map((s) => s.trim()).filter(Boolean);
const field = (id, label, input, hint) => h('div', { class: 'field' }, h('label', { for: id }, label), input, hint ? h('p', { class: 'muted hint' }, hint) : null);

/** Template names per channel, from the organization's template list (shipped and own). */
function templatesByChannel(items) {
  const out = {};
  for (const item of items) (out[item.channel] ??= []).push(item.name);
  return out;
}

function editor(scenario, ctx, onSaved) {
  let draft = Object.fromEntries(EDITABLE.filter((k) => k in scenario).map((k) => [k, structuredClone(scenario[k])]));
  const status = h('p', { id: 'scenario-status', role: 'status' });
  const general = h('div');
  const body = h('div', { id: 'scenario-form' });
  const json = h('textarea', { id: 'scenario-json', rows: 18, spellcheck: 'false', 'aria-label': tl('sc.advanced') });
  const admin = can('administer');
  let errors = fieldErrors({}, general);
  let timer = null;
  let seq = 0;

  const show = (cls, message) => {
    status.className = cls;
    status.textContent = message;
  };

  /** The draft as the API takes it: empty segment parts left out. */
  function payload() {
    const seg = Object.fromEntries(Object.entries(draft.segment ?? {}).filter(([, v]) => v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0)));
    return { ...draft, segment: seg };
  }

  function changed() {
    json.value = JSON.stringify(payload(), null, 2);
    clearTimeout(timer);
    timer = setTimeout(check, 300);
  }

  async function check() {
    const mine = ++seq;
    errors.clear();
    try {
      await api(orgPath('/scenarios/validate'), { method: 'POST', body: payload() });
      if (mine === seq) show('ok', t('scenarios.valid'));
      return true;
    } catch (e) {
      if (mine !== seq) return false;
      show('error', t('scenarios.invalid', { message: e.message }));
      // Shown next to its field, without taking the focus from where the user is typing.
      const typing = document.activeElement;
      errors.show(Object.assign(e, { field: String(e.field ?? '').replace(/^(segment\.(?:tags|country|riskClass)|stopRules)\.\d+$/, '$1') }));
      typing?.focus?.();
      return false;
    }
  }

  function stepRow(step, i, inputs) {
    const offset = h('input', { id: `step-${i}-offset`, type: 'number', step: '1', value: String(step.offsetDays), 'aria-label': tl('sc.offset') });
    offset.addEventListener('input', () => { step.offsetDays = offset.value === '' ? null : Number(offset.value); changed(); });
    const action = h('select', { id: `step-${i}-action`, 'aria-label': tl('sc.action') },
      ACTIONS.map((a) => h('option', { value: a, selected: a === step.action },
        MESSAGE.has(a) && ctx.channels && !ctx.channels.includes(a) ? tl('sc.notConfigured', { channel: tl(`sc.action.${a}`) }) : tl(`sc.action.${a}`))));
    const template = h('select', { id: `step-${i}-template`, 'aria-label': tl('sc.template') });
    const fillTemplates = () => {
      const names = MESSAGE.has(step.action) ? (ctx.templates[step.action] ?? []) : [...new Set(Object.values(ctx.templates).flat())].sort();
      const options = names.includes(step.template) ? names : [step.template, ...names];
      mount(template, options.map((n) => h('option', { value: n, selected: n === step.template }, n)));
    };
    fillTemplates();
    action.addEventListener('change', () => {
      step.action = action.value;
      const names = ctx.templates[step.action] ?? [];
      if (MESSAGE.has(step.action) && !names.includes(step.template) && names.length) step.template = names[0];
      fillTemplates();
      changed();
    });
    template.addEventListener('change', () => { step.template = template.value; changed(); });
    const approval = h('input', { id: `step-${i}-approval`, type: 'checkbox', checked: Boolean(step.requiresApproval), 'aria-label': tl('sc.approval') });
    approval.addEventListener('change', () => {
      if (approval.checked) step.requiresApproval = true;
      else delete step.requiresApproval;
      changed();
    });
    const remove = h('button', { type: 'button', class: 'secondary', 'data-remove': String(i), disabled: draft.steps.length <= 1 }, tl('sc.remove'));
    remove.addEventListener('click', () => { draft.steps.splice(i, 1); build(); changed(); });
    Object.assign(inputs, { [`steps.${i}.offsetDays`]: offset, [`steps.${i}.action`]: action, [`steps.${i}.template`]: template, [`steps.${i}.requiresApproval`]: approval });
    return h('tr', { 'data-step': String(i) }, h('td', {}, offset), h('td', {}, action), h('td', {}, template), h('td', { class: 'center' }, approval), h('td', {}, remove));
  }

  function build() {
    draft.steps ??= [];
    draft.segment ??= {};
    const seg = draft.segment;
    const inputs = {};
    const priority = h('input', { id: 'scenario-priority', type: 'number', min: '0', step: '1', value: String(draft.priority ?? 100) });
    priority.addEventListener('input', () => { draft.priority = Number(priority.value); changed(); });
    const active = h('input', { id: 'scenario-active', type: 'checkbox', checked: draft.active !== false });
    active.addEventListener('change', () => { draft.active = active.checked; changed(); });
    const tags = h('input', { id: 'segment-tags', value: (seg.tags ?? []).join(', ') });
    tags.addEventListener('input', () => { seg.tags = list(tags.value); changed(); });
    const country = h('input', { id: 'segment-country', value: (seg.country ?? []).join(', ') });
    country.addEventListener('input', () => { seg.country = list(country.value).map((c) => c.toUpperCase()); changed(); });
    const minOverdue = h('input', { id: 'segment-min-overdue', inputmode: 'decimal', value: seg.minOverdue ?? '' });
    minOverdue.addEventListener('input', () => { seg.minOverdue = minOverdue.value.trim() || undefined; changed(); });
    const risk = h('fieldset', { id: 'segment-risk', class: 'inline' }, h('legend', {}, tl('sc.riskClass')), RISK.map((r) => {
      const box = h('input', { type: 'checkbox', id: `segment-risk-${r}`, value: r, checked: (seg.riskClass ?? []).includes(r) });
      box.addEventListener('change', () => { seg.riskClass = RISK.filter((x) => risk.querySelector(`#segment-risk-${x}`).checked); changed(); });
      return h('label', { for: `segment-risk-${r}` }, box, ` ${r}`);
    }));
    const rules = draft.stopRules ?? STOP_RULES;
    const stops = h('fieldset', { id: 'scenario-stop-rules' }, h('legend', {}, tl('sc.stopRules')), STOP_RULES.map((r) => {
      const box = h('input', { type: 'checkbox', id: `stop-${r}`, checked: rules.includes(r) || ALWAYS_ON.has(r), disabled: ALWAYS_ON.has(r) });
      box.addEventListener('change', () => { draft.stopRules = STOP_RULES.filter((x) => ALWAYS_ON.has(x) || stops.querySelector(`#stop-${x}`).checked); changed(); });
      return h('div', {}, h('label', { for: `stop-${r}` }, box, ` ${tl(`sc.stop.${r}`)}`));
    }));
    const rows = draft.steps.map((s, i) => stepRow(s, i, inputs));
    const add = h('button', { type: 'button', class: 'secondary', id: 'scenario-add-step' }, tl('sc.addStep'));
    add.addEventListener('click', () => {
      const last = draft.steps.at(-1);
      draft.steps.push({ offsetDays: (last?.offsetDays ?? 0) + 7, action: 'email', template: ctx.templates.email?.[0] ?? 'reminder-1' });
      build();
      changed();
    });
    Object.assign(inputs, { priority, 'segment.tags': tags, 'segment.country': country, 'segment.minOverdue': minOverdue, 'segment.riskClass': risk, stopRules: stops });
    errors = fieldErrors(inputs, general);
    mount(body,
      h('div', { class: 'filters' }, field('scenario-priority', tl('sc.priority'), priority), h('div', { class: 'field' }, h('label', { for: 'scenario-active' }, active, ` ${tl('sc.active')}`))),
      h('h3', {}, tl('sc.steps')),
      h('table', { id: 'scenario-steps' },
        h('thead', {}, h('tr', {}, h('th', {}, tl('sc.offset')), h('th', {}, tl('sc.action')), h('th', {}, tl('sc.template')), h('th', {}, tl('sc.approval')), h('th', {}, ''))),
        h('tbody', {}, rows)),
      h('p', { class: 'muted hint' }, tl('sc.offsetHelp')),
      add,
      stops,
      h('h3', {}, tl('sc.segment')),
      h('p', { class: 'muted hint' }, tl('sc.segmentHelp')),
      h('div', { class: 'filters' }, field('segment-tags', tl('sc.tags'), tags), field('segment-country', tl('sc.country'), country), field('segment-min-overdue', tl('sc.minOverdue'), minOverdue)),
      risk);
  }

  // The JSON view: a change that parses is the scenario (the form follows); one that does not is named.
  json.addEventListener('input', () => {
    let parsed;
    try {
      parsed = JSON.parse(json.value);
    } catch (e) {
      seq++;
      show('error', t('scenarios.badJson', { message: e.message }));
      return;
    }
    draft = Object.fromEntries(EDITABLE.filter((k) => k in parsed).map((k) => [k, parsed[k]]));
    build();
    clearTimeout(timer);
    timer = setTimeout(check, 300);
  });
  const save = h('button', { type: 'button', id: 'scenario-save', disabled: !admin }, t('common.save'));
  save.addEventListener('click', async () => {
    clearTimeout(timer);
    if (!(await check())) return;
    try {
      const saved = await api(orgPath(`/scenarios/${encodeURIComponent(scenario.name)}`), { method: 'PUT', body: payload() });
      show('ok', t('scenarios.saved'));
      onSaved(saved);
    } catch (e) {
      show('error', t('scenarios.invalid', { message: e.message }));
      errors.show(e);
    }
  });
  build();
  json.value = JSON.stringify(payload(), null, 2);
  return h('section', { class: 'panel', id: 'scenario-editor', 'data-scenario': scenario.name },
    h('h2', {}, scenario.name),
    body,
    h('details', { id: 'scenario-advanced' }, h('summary', {}, tl('sc.advanced')), json),
    general, status, save);
}

export async function scenariosPage(main) {
  const side = h('div');
  const [{ items, channels }, templates] = await Promise.all([api(orgPath('/scenarios')), api(orgPath('/templates'))]);
  const ctx = { channels: channels ?? null, templates: templatesByChannel(templates.items) };
  const table = h('table', { id: 'scenarios' },
    h('thead', {}, h('tr', {}, h('th', {}, t('common.name')), h('th', {}, t('scenarios.priority')), h('th', {}, t('scenarios.active')), h('th', {}, ''), h('th', {}, ''))),
    h('tbody', {}, items.map((s) => h('tr', { 'data-scenario': s.name },
      h('td', {}, s.name), h('td', {}, String(s.priority)), h('td', {}, s.active ? t('common.yes') : t('common.no')),
      h('td', { class: 'step-count' }, t('scenarios.steps', { count: s.steps.length })),
      h('td', {}, h('button', { type: 'button', class: 'secondary', 'data-edit': s.name, onclick: () => mount(side, editor(s, ctx, (saved) => {
        Object.assign(s, saved);
        const row = table.querySelector(`tr[data-scenario="${CSS.escape(s.name)}"] .step-count`);
        if (row) row.textContent = t('scenarios.steps', { count: saved.steps.length });
      })) }, t('scenarios.edit')))))));
  mount(main, h('h1', {}, t('scenarios.title')), h('div', { class: 'columns' }, h('section', {}, items.length ? table : h('p', { class: 'muted' }, t('common.none'))), side));
}
