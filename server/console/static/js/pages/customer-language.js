/**
 * Issue 13.7: a customer's language, and an admin's override of it. The synced language (HubSpot
 * `hs_language`, a mapped custom field, else the country's) is shown; an override (`…/details`,
 * `languageOverride`) wins over it for every reminder, letter and the portal; "—" clears it.
 */
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { orgPath, session } from '../session.js';

// The languages Relance writes its messages in (templates/ has each of them).
const LANGUAGES = ['en', 'fr', 'de', 'es'];

export async function languagePanel(customerId, errorBox) {
  const path = orgPath(`/customers/${customerId}/details`);
  const box = h('section', { class: 'panel', id: 'customer-language' });
  const status = h('span', { class: 'muted', role: 'status' });
  const errors = h('div');
  let details;
  try {
    details = await api(path);
  } catch (e) {
    mount(box, errorBox(e));
    return box;
  }
  const synced = details.language ?? '—';
  const canEdit = session.organization?.role === 'admin' || session.organization?.role === 'collector';
  const select = h('select', { id: 'language-override', disabled: !canEdit },
    h('option', { value: '' }, t('customer.languageSynced', { language: synced })),
    LANGUAGES.map((l) => h('option', { value: l, selected: details.languageOverride === l }, l)));
  const save = h('button', { type: 'button', 'data-action': 'save-language', hidden: !canEdit, onclick: async () => {
    mount(errors);
    try {
      const saved = await api(path, { method: 'PATCH', body: { languageOverride: select.value || null } });
      status.textContent = saved.languageOverride ? t('customer.languageOverridden', { language: saved.languageOverride }) : t('customer.languageSynced', { language: synced });
    } catch (e) {
      mount(errors, errorBox(e));
    }
  } }, t('common.save'));
  status.textContent = details.languageOverride ? t('customer.languageOverridden', { language: details.languageOverride }) : t('customer.languageSynced', { language: synced });
  mount(box, h('h2', {}, t('customer.language')), h('label', {}, select), ' ', save, ' ', status, errors);
  return box;
}
