/**
 * The settings of letters and fees, for an organization's admins (`GET/PUT …/letter-settings`):
 * the sender address printed on letters, and the late-payment policy — left to the default of the
 * organization's country or chosen — with its reference rates (the shipped ECB or BoE table, or
 * the organization's own), which rate applies today and a warning when the table is 6 months old.
 * Errors are shown next to the field the API names (`senderAddress.country`, `latePayment.annualRate`).
 */
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import { fieldErrors } from '../field-errors.js';
import { formatDate, t } from '../i18n.js';
import { tl } from '../messages/letters.js';
import { orgPath } from '../session.js';

const POLICIES = ['NONE', 'FR_B2B', 'EU_DIRECTIVE', 'UK_LPCDA', 'CUSTOM'];
const USES_RATES = new Set(['FR_B2B', 'EU_DIRECTIVE', 'UK_LPCDA']);

const field = (id, label, input) => h('div', { class: 'field' }, h('label', { for: id }, label), input);

/** The address inputs (`prefix-lines`, …) and a reader of their value; `address` null gives empty inputs. */
export function addressInputs(prefix, address) {
  const a = address ?? { lines: [] };
  const inputs = {
    lines: h('textarea', { id: `${prefix}-lines`, rows: 3 }),
    postalCode: h('input', { id: `${prefix}-postal-code`, value: a.postalCode ?? '', autocomplete: 'postal-code' }),
    city: h('input', { id: `${prefix}-city`, value: a.city ?? '' }),
    region: h('input', { id: `${prefix}-region`, value: a.region ?? '' }),
    country: h('input', { id: `${prefix}-country`, value: a.country ?? '', maxlength: '2', size: '3', autocapitalize: 'characters' }),
  };
  inputs.lines.value = (a.lines ?? []).join('\n');
  const value = () => {
    const out = { lines: inputs.lines.value.split('\n').map((l) => l.trim()).filter(Boolean), city: inputs.city.value.trim(), country: inputs.country.value.trim().toUpperCase() };
    if (inputs.postalCode.value.trim()) out.postalCode = inputs.postalCode.value.trim();
    if (inputs.region.value.trim()) out.region = inputs.region.value.trim();
    return out;
  };
  const view = [
    field(inputs.lines.id, tl('ls.lines'), inputs.lines),
    h('div', { class: 'filters' }, field(inputs.postalCode.id, tl('ls.postalCode'), inputs.postalCode), field(inputs.city.id, tl('ls.city'), inputs.city),
      field(inputs.region.id, tl('ls.region'), inputs.region), field(inputs.country.id, tl('ls.country'), inputs.country)),
  ];
  return { inputs, value, view };
}

/** The API's `postalAddress.country` (or `senderAddress.lines.0`) to the form's key (`country`, `lines`). */
const addressField = (e, root) => Object.assign(e, { field: String(e.field ?? '').replace(new RegExp(`^${root}\\.`), '').replace(/^lines\.\d+$/, 'lines') });

function senderForm(settings) {
  const address = addressInputs('sender', settings.senderAddress);
  const general = h('div');
  const status = h('p', { id: 'sender-status', role: 'status' });
  const errors = fieldErrors(address.inputs, general);
  async function submit(ev) {
    ev.preventDefault();
    errors.clear();
    status.textContent = '';
    try {
      await api(orgPath('/letter-settings'), { method: 'PUT', body: { senderAddress: address.value() } });
      status.textContent = t('settings.saved');
    } catch (e) {
      errors.show(addressField(e, 'senderAddress'));
    }
  }
  return h('section', { class: 'panel', id: 'sender-address' },
    h('h2', {}, tl('ls.sender')),
    h('p', { class: 'muted' }, tl('ls.senderHelp')),
    h('form', { class: 'settings-form', onsubmit: submit }, address.view, general, status,
      h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'sender-save' }, t('common.save')))));
}

function policyForm(initial, country) {
  const section = h('section', { class: 'panel', id: 'late-payment' });
  let current = initial;
  function render() {
    const p = current;
    const policy = h('select', { id: 'policy-name' }, POLICIES.map((n) => h('option', { value: n, selected: n === p.policy }, tl(`ls.policy.${n}`))));
    const annualRate = h('input', { id: 'policy-annual-rate', inputmode: 'decimal', value: p.annualRate ?? '' });
    const fixedAmount = h('input', { id: 'policy-fixed-amount', inputmode: 'decimal', value: p.fixedAmount ?? '' });
    const custom = h('div', { class: 'filters', id: 'policy-custom', hidden: p.policy !== 'CUSTOM' },
      field('policy-annual-rate', tl('ls.annualRate'), annualRate), field('policy-fixed-amount', tl('ls.fixedAmount'), fixedAmount));
    let rates = (p.referenceRates ?? []).map((r) => ({ ...r }));
    const ratesBody = h('tbody');
    const ratesTable = h('table', { id: 'policy-rates' }, h('thead', {}, h('tr', {}, h('th', {}, tl('ls.rateFrom')), h('th', { class: 'num' }, tl('ls.rate')), h('th', {}, ''))), ratesBody);
    const drawRates = () => mount(ratesBody, rates.map((r, i) => {
      const from = h('input', { type: 'date', value: r.from, 'aria-label': tl('ls.rateFrom'), 'data-rate-from': String(i) });
      const rate = h('input', { inputmode: 'decimal', value: r.rate, size: '6', 'aria-label': tl('ls.rate'), 'data-rate': String(i) });
      from.addEventListener('input', () => { r.from = from.value; });
      rate.addEventListener('input', () => { r.rate = rate.value.trim(); });
      const used = p.referenceRate && p.referenceRate.from === r.from;
      return h('tr', { class: used ? 'current' : null }, h('td', {}, from), h('td', { class: 'num' }, rate),
        h('td', {}, h('button', { type: 'button', class: 'secondary', onclick: () => { rates.splice(i, 1); drawRates(); } }, '×')));
    }));
    drawRates();
    const addRate = h('button', { type: 'button', class: 'secondary', id: 'policy-add-rate', onclick: () => { rates.push({ from: '', rate: '' }); drawRates(); } }, tl('ls.addRate'));
    const shipped = h('button', { type: 'button', class: 'secondary', id: 'policy-shipped-rates', onclick: () => { rates = p.shippedReferenceRates.map((r) => ({ ...r })); drawRates(); } }, tl('ls.shippedRates'));
    const rateBox = h('div', { id: 'policy-rates-box', hidden: !USES_RATES.has(p.policy) },
      h('h3', {}, tl('ls.rates')),
      p.referenceRate ? h('p', { id: 'policy-rate-used' }, tl('ls.rateUsed', { rate: p.referenceRate.rate, from: formatDate(p.referenceRate.from) })) : null,
      p.referenceRate?.stale ? h('p', { class: 'error', role: 'alert', id: 'policy-rate-stale' }, tl('ls.rateStale', { newest: formatDate(p.referenceRate.newest) })) : null,
      ratesTable, h('div', { class: 'actions' }, addRate, shipped));
    policy.addEventListener('change', () => {
      custom.hidden = policy.value !== 'CUSTOM';
      rateBox.hidden = !USES_RATES.has(policy.value);
    });
    const general = h('div');
    const status = h('p', { id: 'policy-status', role: 'status' });
    const errors = fieldErrors({ policy, annualRate, fixedAmount, referenceRates: ratesTable }, general);
    async function submit(ev) {
      ev.preventDefault();
      errors.clear();
      const body = { policy: policy.value };
      if (policy.value === 'CUSTOM') Object.assign(body, { annualRate: annualRate.value.trim(), fixedAmount: fixedAmount.value.trim() });
      // The shipped table is sent as nothing, so that it keeps following the tables Relance ships.
      const own = JSON.stringify(rates) !== JSON.stringify(p.shippedReferenceRates);
      if (USES_RATES.has(policy.value) && policy.value === p.policy && own) body.referenceRates = rates;
      try {
        const saved = await api(orgPath('/letter-settings'), { method: 'PUT', body: { latePayment: body } });
        current = saved.latePayment;
        render();
        section.querySelector('#policy-status').textContent = t('settings.saved');
      } catch (e) {
        errors.show(Object.assign(e, { field: String(e.field ?? '').replace(/^latePayment\./, '').replace(/^referenceRates\..*$/, 'referenceRates') }));
      }
    }
    mount(section,
      h('h2', {}, tl('ls.policy')),
      h('p', { class: 'muted' }, tl('ls.policyHelp')),
      h('p', { class: 'muted', id: 'policy-chosen' }, p.chosen ? tl('ls.chosen') : tl('ls.default', { country })),
      h('form', { class: 'settings-form', onsubmit: submit },
        field('policy-name', tl('ls.policy'), policy), custom, rateBox, general, status,
        h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'policy-save' }, t('common.save')))));
  }
  render();
  return section;
}

/** The two panels, loaded: `[senderPanel, policyPanel]`. */
export async function letterSettingsPanels() {
  const settings = await api(orgPath('/letter-settings'));
  return [senderForm(settings), policyForm(settings.latePayment, settings.country)];
}
