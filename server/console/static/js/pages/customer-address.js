/**
 * A customer's postal address, the one letters go to (`GET/PATCH …/customers/:id/details`): the
 * accounting system's, or an edit made in Relance — marked "edited in Relance", kept over the next
 * syncs, with the provider's value beside it and a way back to it. A collector or admin edits it;
 * an address without a country (or a street, or a town) is refused with the field named.
 */
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import { fieldErrors } from '../field-errors.js';
import { formatInstant, t } from '../i18n.js';
import { tl } from '../messages/letters.js';
import { can } from '../roles.js';
import { orgPath } from '../session.js';
import { addressInputs } from './letter-settings.js';

const oneLine = (a) => (a ? [...(a.lines ?? []), [a.postalCode, a.city].filter(Boolean).join(' '), a.region, a.country].filter(Boolean).join(', ') : '');

export function addressPanel(customerId) {
  const section = h('section', { class: 'panel', id: 'customer-address' });
  const path = orgPath(`/customers/${customerId}/details`);
  const notice = h('p', { role: 'status', id: 'address-status' });

  function view(d) {
    const editable = can('collect');
    const edited = d.postalAddressEdited;
    const form = h('form', { class: 'settings-form', id: 'address-form', hidden: true });
    const address = addressInputs('address', d.postalAddress);
    const general = h('div');
    const errors = fieldErrors(address.inputs, general);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      errors.clear();
      try {
        const saved = await api(path, { method: 'PATCH', body: { postalAddress: address.value() } });
        view(saved);
        notice.textContent = tl('ca.saved');
      } catch (e) {
        errors.show(Object.assign(e, { field: String(e.field ?? '').replace(/^postalAddress\./, '').replace(/^lines\.\d+$/, 'lines') }));
      }
    });
    mount(form, address.view, general, h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'address-save' }, t('common.save'))));
    const back = edited && editable
      ? h('button', { type: 'button', class: 'secondary', id: 'address-back', onclick: async () => {
        const saved = await api(path, { method: 'PATCH', body: { postalAddress: null } });
        view(saved);
        notice.textContent = tl('ca.restored');
      } }, tl('ca.back'))
      : null;
    mount(section,
      h('h2', {}, tl('ca.title'), edited ? h('span', { class: 'badge edited', id: 'address-edited' }, tl('ca.edited')) : null),
      d.postalAddress ? h('address', { id: 'address-current' }, (d.postalAddress.lines ?? []).map((l) => [l, h('br')]), [d.postalAddress.postalCode, d.postalAddress.city].filter(Boolean).join(' '), d.postalAddress.region ? [h('br'), d.postalAddress.region] : null, h('br'), d.postalAddress.country)
        : h('p', { class: 'error', id: 'address-none' }, tl('ca.none')),
      h('p', { class: 'muted', id: 'address-source' }, edited
        ? [tl('ca.editedBy', { when: formatInstant(edited.at) }), ' ', d.syncedPostalAddress ? tl('ca.providerValue', { address: oneLine(d.syncedPostalAddress) }) : tl('ca.providerNone')]
        : tl('ca.provider')),
      editable ? h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', id: 'address-edit', onclick: () => { form.hidden = !form.hidden; } }, tl('ca.edit')), back) : null,
      form, notice);
  }

  async function load() {
    view(await api(path));
  }
  return { section, load };
}
