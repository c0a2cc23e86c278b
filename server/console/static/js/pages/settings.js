/**
 * Settings of the organization, for its admins: the weekly report (`…/report-schedule`: who gets
 * it, which weekday and hour in the organization's time zone, which language), the portal's
 * branding (`PUT …/branding`), and the write-back outbox's parked rows with the provider's error
 * and a Retry (`GET …/outbox`, `POST …/outbox/:rowId/retry`).
 */
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import { fieldErrors } from '../field-errors.js';
import { formatInstant, language, LANGUAGES, t } from '../i18n.js';
import { orgPath, session } from '../session.js';
import { accessPanel } from './access.js';
import { letterSettingsPanels } from './letter-settings.js';
import { sourceFactsForm } from './source-facts.js';

/** ISO weekday 1–7 (Monday first) by name in the console's language; 2024-01-01 was a Monday. */
const weekdayName = (n) => new Intl.DateTimeFormat(language(), { weekday: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, n)));
const options = (values, label, selected) => values.map((v) => h('option', { value: v, selected: v === selected }, label(v)));
const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
/** The API names a list item (`recipients.1`): the form has one input for the whole list. */
const onInput = (e) => Object.assign(e, { field: String(e.field ?? '').split('.')[0] });

function field(id, label, input) {
  return h('div', { class: 'field' }, h('label', { for: id }, label), input);
}

function scheduleForm(initial) {
  const s = initial ?? { recipients: [], weekday: 1, hour: 8, language: language() };
  const recipients = h('textarea', { id: 'schedule-recipients', rows: 3, 'aria-describedby': 'schedule-recipients-help' });
  recipients.value = s.recipients.join('\n');
  const weekday = h('select', { id: 'schedule-weekday' }, options(range(1, 7), weekdayName, s.weekday));
  const hour = h('select', { id: 'schedule-hour' }, options(range(0, 23), (n) => `${String(n).padStart(2, '0')}:00`, s.hour));
  const lang = h('select', { id: 'schedule-language' }, options(LANGUAGES, (l) => (l === 'fr' ? 'Français' : 'English'), s.language));
  const general = h('div');
  const status = h('p', { id: 'schedule-status', role: 'status' });
  const errors = fieldErrors({ recipients, weekday, hour, language: lang }, general);
  const sent = h('p', { class: 'muted', id: 'schedule-sent' });
  const stop = h('button', { type: 'button', class: 'danger', id: 'schedule-delete' }, t('settings.stopReport'));
  function showSaved(schedule) {
    stop.hidden = !schedule;
    sent.textContent = schedule ? t('settings.lastSent', { when: formatInstant(schedule.lastSentAt) }) : t('settings.noReport');
  }
  async function submit(ev) {
    ev.preventDefault();
    errors.clear();
    status.textContent = '';
    const body = {
      recipients: recipients.value.split(/[\s,;]+/).filter(Boolean),
      weekday: Number(weekday.value), hour: Number(hour.value), language: lang.value,
    };
    try {
      const { schedule } = await api(orgPath('/report-schedule'), { method: 'PUT', body });
      recipients.value = schedule.recipients.join('\n');
      status.textContent = t('settings.saved');
      showSaved(schedule);
    } catch (e) {
      errors.show(onInput(e));
    }
  }
  stop.addEventListener('click', async () => {
    errors.clear();
    try {
      await api(orgPath('/report-schedule'), { method: 'DELETE' });
      status.textContent = t('settings.reportStopped');
      showSaved(null);
    } catch (e) {
      errors.show(e);
    }
  });
  showSaved(initial);
  return h('section', { class: 'panel', id: 'report-schedule' },
    h('h2', {}, t('settings.weeklyReport')),
    h('p', { class: 'muted' }, t('settings.weeklyHelp', { timezone: session.organization.timezone ?? 'UTC' })),
    h('form', { class: 'settings-form', onsubmit: submit },
      field('schedule-recipients', t('settings.recipients'), recipients),
      h('p', { class: 'muted hint', id: 'schedule-recipients-help' }, t('settings.recipientsHelp')),
      h('div', { class: 'filters' }, field('schedule-weekday', t('settings.weekday'), weekday), field('schedule-hour', t('settings.hour'), hour),
        field('schedule-language', t('settings.language'), lang)),
      general, status, sent,
      h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'schedule-save' }, t('common.save')), stop)));
}

function brandingForm(branding) {
  const logoUrl = h('input', { id: 'branding-logo', type: 'url', value: branding.logoUrl ?? '', placeholder: 'https://…' });
  const primaryColor = h('input', { id: 'branding-color', type: 'color', value: branding.primaryColor });
  const general = h('div');
  const status = h('p', { id: 'branding-status', role: 'status' });
  const errors = fieldErrors({ logoUrl, primaryColor }, general);
  async function submit(ev) {
    ev.preventDefault();
    errors.clear();
    status.textContent = '';
    try {
      await api(orgPath('/branding'), { method: 'PUT', body: { logoUrl: logoUrl.value.trim() || null, primaryColor: primaryColor.value } });
      status.textContent = t('settings.saved');
    } catch (e) {
      errors.show(e);
    }
  }
  return h('section', { class: 'panel', id: 'branding' },
    h('h2', {}, t('settings.branding')),
    h('p', { class: 'muted' }, t('settings.brandingHelp')),
    h('form', { class: 'settings-form', onsubmit: submit },
      field('branding-logo', t('settings.logoUrl'), logoUrl),
      field('branding-color', t('settings.color'), primaryColor),
      general, status,
      h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'branding-save' }, t('common.save')))));
}

function outboxPanel(errorBox) {
  const section = h('section', { class: 'panel', id: 'outbox' });
  const notice = h('div');
  async function load() {
    const { counts, parked } = await api(orgPath('/outbox'));
    mount(section,
      h('h2', {}, t('settings.outbox')),
      h('p', { class: 'muted', id: 'outbox-counts' }, ['pending', 'in_flight', 'done', 'parked'].map((s) => t(`settings.outbox.${s}`, { count: counts[s] ?? 0 })).join(' · ')),
      notice,
      parked.length
        ? h('table', { id: 'outbox-parked' },
          h('thead', {}, h('tr', {}, ['settings.outboxChange', 'settings.outboxRecord', 'settings.outboxAttempts', 'settings.outboxError', 'settings.outboxWhen'].map((k) => h('th', {}, t(k))), h('th', {}, ''))),
          h('tbody', {}, parked.map((row) => h('tr', { 'data-row': row.id },
            h('td', {}, row.kind), h('td', { class: 'wrap' }, `${row.entity} ${row.externalId ?? ''}`), h('td', { class: 'num' }, String(row.attempts)),
            h('td', { class: 'wrap error' }, row.lastError?.message ?? JSON.stringify(row.lastError ?? '—')), h('td', {}, formatInstant(row.updatedAt)),
            h('td', {}, h('button', { type: 'button', class: 'secondary', 'data-action': 'retry', onclick: () => retry(row) }, t('settings.retry')))))))
        : h('p', { class: 'muted', id: 'outbox-empty' }, t('settings.outboxEmpty')));
  }
  async function retry(row) {
    try {
      await api(orgPath(`/outbox/${row.id}/retry`), { method: 'POST' });
      await load();
      mount(notice, h('p', { class: 'ok', role: 'status' }, t('settings.retried', { kind: row.kind })));
    } catch (e) {
      mount(notice, errorBox(e));
    }
  }
  return { section, load };
}

export async function settingsPage(main, _params, { errorBox }) {
  if (session.organization.role !== 'admin') {
    mount(main, h('h1', {}, t('settings.title')), h('p', { class: 'muted' }, t('settings.adminOnly')));
    return;
  }
  const outbox = outboxPanel(errorBox);
  const access = accessPanel(errorBox);
  const [{ schedule }, organization, letters] = await Promise.all([api(orgPath('/report-schedule')), api(orgPath('')), letterSettingsPanels(), outbox.load(), access.load()]);
  mount(main, h('h1', {}, t('settings.title')),
    h('div', { class: 'columns' }, scheduleForm(schedule), brandingForm(organization.branding)),
    // Letters and fees (letter-settings.js): the sender address, the late-payment policy and its rates.
    h('div', { class: 'columns' }, letters),
    sourceFactsForm(organization),
    outbox.section, access.section);
}
