/**
 * The organization's base currency and country as connect read them from the source (QuickBooks
 * CompanyInfo/Preferences, Xero Organisation), for an admin to correct
 * (`PUT …/source-facts`; a code that is not ISO comes back naming its field).
 */
import { api } from '../api.js';
import { h } from '../dom.js';
import { fieldErrors } from '../field-errors.js';
import { t } from '../i18n.js';
import { orgPath } from '../session.js';

export function sourceFactsForm(organization) {
  const baseCurrency = h('input', { id: 'facts-currency', value: organization.baseCurrency, maxlength: '3', pattern: '[A-Z]{3}', autocomplete: 'off' });
  const country = h('input', { id: 'facts-country', value: organization.country, maxlength: '2', pattern: '[A-Z]{2}', autocomplete: 'off' });
  const general = h('div');
  const status = h('p', { id: 'facts-status', role: 'status' });
  const errors = fieldErrors({ baseCurrency, country }, general);
  async function submit(ev) {
    ev.preventDefault();
    errors.clear();
    status.textContent = '';
    try {
      const saved = await api(orgPath('/source-facts'), { method: 'PUT', body: { baseCurrency: baseCurrency.value.trim().toUpperCase(), country: country.value.trim().toUpperCase() } });
      baseCurrency.value = saved.baseCurrency;
      country.value = saved.country;
      status.textContent = t('settings.saved');
    } catch (e) {
      errors.show(e);
    }
  }
  const row = (id, label, input) => h('div', { class: 'field' }, h('label', { for: id }, label), input);
  return h('section', { class: 'panel', id: 'source-facts' },
    h('h2', {}, t('settings.sourceFacts')),
    h('p', { class: 'muted' }, t('settings.sourceFactsHelp')),
    h('form', { class: 'settings-form', onsubmit: submit },
      row('facts-currency', t('settings.baseCurrency'), baseCurrency),
      row('facts-country', t('settings.country'), country),
      general, status,
      h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'facts-save' }, t('common.save')))));
}
