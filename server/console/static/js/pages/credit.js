/**
 * Credit (core/credit): the credit manager's page — alerts to act on (declarations to the insurer,
 * limits to review, holds), limit and terms requests to decide, the insured and uninsured
 * outstanding, the debts to declare and the hand-overs with their case files — and one customer's
 * credit position (`#/credit/<customerId>`): limit, terms, hold, score history, a request form and
 * the hand-over to litigation.
 */
import { api } from '../api.js';
import { lineChart } from '../charts.js';
import { h, mount, render } from '../dom.js';
import { fieldErrors } from '../field-errors.js';
import { formatDate, formatInstant, formatMoney, t } from '../i18n.js';
import { can } from '../roles.js';
import { orgPath } from '../session.js';

function table(headers, rows, empty) {
  return h('table', {},
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', {}, x)))),
    h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: headers.length, class: 'muted' }, empty))));
}

function customerLink(c) {
  return h('a', { href: `#/credit/${c.id}` }, c.name);
}

function alertRow(a, reload) {
  const action = can('collect')
    ? h('button', { type: 'button', class: 'secondary', 'data-resolve': a.id, onclick: async () => { await api(orgPath(`/credit/alerts/${a.id}/resolve`), { method: 'POST' }); await reload(); } }, t('credit.resolve'))
    : null;
  return h('tr', { 'data-alert-kind': a.kind },
    h('td', {}, h('span', { class: `badge alert-${a.kind}` }, t(`credit.alert.${a.kind}`))),
    h('td', {}, customerLink(a.customer)),
    h('td', {}, a.invoice ? a.invoice.number : '—'),
    h('td', {}, a.dueOn ? formatDate(a.dueOn) : '—'),
    h('td', { class: 'wrap' }, a.details.reason ?? (a.details.insurer ? t('credit.declareTo', { insurer: a.details.insurer }) : '')),
    h('td', {}, action));
}

/** A requested fee posting: approve (the fee invoice goes to the ledger), reject, or waive with a reason. */
function feeRow(p, reload, errorBox) {
  const reason = h('input', { name: 'reason', 'aria-label': t('credit.fees.reason'), placeholder: t('credit.fees.reason') });
  const errors = h('div');
  const decide = (decision) => async () => {
    try {
      await api(orgPath(`/fee-postings/${p.id}/${decision}`), { method: 'POST', body: decision === 'waive' ? { reason: reason.value } : {} });
      await reload();
    } catch (e) {
      mount(errors, errorBox(e));
    }
  };
  const actions = can('administer')
    ? [h('button', { type: 'button', 'data-approve-fee': p.id, onclick: decide('approve') }, t('credit.approve')),
      h('button', { type: 'button', class: 'secondary', onclick: decide('reject') }, t('credit.reject')),
      reason, h('button', { type: 'button', class: 'secondary', 'data-waive-fee': p.id, onclick: decide('waive') }, t('credit.fees.waive')), errors]
    : [];
  return h('tr', { 'data-fee-posting-id': p.id },
    h('td', {}, customerLink(p.customer)), h('td', {}, p.invoice.number),
    h('td', {}, formatMoney(p.interest, p.currency)), h('td', {}, formatMoney(p.fixed, p.currency)),
    h('td', {}, `${p.requestedBy} · ${formatInstant(p.requestedAt)}`), h('td', {}, actions));
}

/** An approved fee posting: its state in the ledger and, once posted, the fee invoice the provider created (its id there). */
function postedFeeRow(p) {
  return h('tr', { 'data-posted-fee-id': p.id },
    h('td', {}, customerLink(p.customer)), h('td', {}, p.invoice.number), h('td', {}, formatMoney(p.total, p.currency)),
    h('td', {}, h('span', { class: `badge fee-${p.posting}` }, t(`credit.fees.posting.${p.posting}`)), p.postedAt ? h('div', { class: 'muted' }, formatInstant(p.postedAt)) : null),
    h('td', { 'data-ledger-invoice': p.providerInvoice?.id ?? '' }, p.providerInvoice ? `${p.provider} #${p.providerInvoice.id}` : '—'));
}

function requestRow(r, reload) {
  const decide = (decision) => async () => {
    await api(orgPath(`/credit/requests/${r.id}/${decision}`), { method: 'POST', body: {} });
    await reload();
  };
  const actions = can('administer') && r.status === 'requested'
    ? [h('button', { type: 'button', 'data-approve': r.id, onclick: decide('approve') }, t('credit.approve')),
      h('button', { type: 'button', class: 'secondary', 'data-reject': r.id, onclick: decide('reject') }, t('credit.reject'))]
    : [];
  const what = r.kind === 'limit' ? formatMoney(r.amount, r.currency) : t('credit.termsDays', { days: r.termsDays });
  return h('tr', { 'data-request-id': r.id },
    h('td', {}, h('a', { href: `#/credit/${r.customerId}` }, r.customerName)),
    h('td', {}, t(`credit.kind.${r.kind}`)), h('td', {}, what),
    h('td', { class: 'wrap' }, r.reason, r.proposal ? h('div', { class: 'muted' }, r.proposal.explanation) : null),
    h('td', {}, formatInstant(r.requestedAt)), h('td', {}, actions));
}

function exposureTable(exposure) {
  return table([t('common.currency'), t('credit.outstanding'), t('credit.insured'), t('credit.uninsured')],
    exposure.currencies.map((c) => h('tr', { 'data-currency': c.currency },
      h('td', {}, c.currency), h('td', {}, formatMoney(c.outstanding, c.currency)),
      h('td', {}, formatMoney(c.insured, c.currency)), h('td', {}, formatMoney(c.uninsured, c.currency)))),
    t('credit.noExposure'));
}

export async function creditPage(main, _params, { errorBox }) {
  const alerts = h('div');
  const requests = h('div');
  const insurance = h('div');
  const handovers = h('div');
  const fees = h('div');
  const postedFees = h('div');
  async function load() {
    try {
      const [a, r, e, d, ho] = await Promise.all([
        api(orgPath('/credit/alerts')), api(orgPath('/credit/requests'), { query: { status: 'requested' } }),
        api(orgPath('/credit/insurance/exposure')), api(orgPath('/credit/insurance/declarations')), api(orgPath('/handovers')),
      ]);
      mount(alerts, table([t('credit.alert'), t('credit.customer'), t('credit.invoice'), t('credit.due'), '', ''], a.items.map((x) => alertRow(x, load)), t('credit.noAlerts')));
      // Fee postings waiting for a decision (late fees to post to QuickBooks or Xero).
      const pending = await api(orgPath('/fee-postings'), { query: { status: 'requested' } });
      mount(fees, table([t('credit.customer'), t('credit.invoice'), t('credit.fees.interest'), t('credit.fees.fixed'), t('credit.requestedAt'), ''], pending.items.map((x) => feeRow(x, load, errorBox)), t('credit.fees.none')));
      // Approved ones, with the fee invoice the ledger created once pushed.
      const approved = await api(orgPath('/fee-postings'), { query: { status: 'approved' } });
      mount(postedFees, table([t('credit.customer'), t('credit.invoice'), t('credit.fees.total'), t('credit.fees.state'), t('credit.fees.ledgerInvoice')], approved.items.map(postedFeeRow), t('credit.fees.postedNone')));
      mount(requests, table([t('credit.customer'), t('credit.kind'), t('credit.amount'), t('credit.reason'), t('credit.requestedAt'), ''], r.items.map((x) => requestRow(x, load)), t('credit.noRequests')));
      mount(insurance,
        e.policy ? h('p', { class: 'muted' }, t('credit.policy', { insurer: e.policy.insurer, share: e.policy.insuredSharePercent, days: e.policy.declarationDeadlineDays })) : h('p', { class: 'muted' }, t('credit.noPolicy')),
        exposureTable(e),
        table([t('credit.customer'), t('credit.invoice'), t('credit.balance'), t('credit.declareBy'), ''], d.debts.map((x) => h('tr', { 'data-declare': x.state },
          h('td', {}, customerLink(x.customer)), h('td', {}, x.invoice.number), h('td', {}, formatMoney(x.invoice.balance, x.invoice.currency)),
          h('td', {}, formatDate(x.declareBy)), h('td', {}, h('span', { class: `badge declare-${x.state}` }, t(`credit.declare.${x.state}`))))), t('credit.noDebts')));
      mount(handovers, table([t('credit.customer'), t('credit.party'), t('credit.handedOver'), t('credit.recovered'), ''], ho.items.map((x) => h('tr', { 'data-handover-id': x.id },
        h('td', {}, customerLink(x.customer)), h('td', {}, `${x.party} (${t(`credit.handover.${x.kind}`)})`), h('td', {}, formatInstant(x.handedOverAt)),
        h('td', {}, Object.entries(x.recovered).map(([c, v]) => formatMoney(v, c)).join(', ') || '—'),
        h('td', {}, h('a', { href: `/api${orgPath(`/handovers/${x.id}/case-file`)}`, download: '' }, t('credit.caseFile'))))), t('credit.noHandovers')));
    } catch (err) {
      mount(alerts, errorBox(err));
    }
  }
  mount(main, h('h1', {}, t('credit.title')),
    h('section', { id: 'credit-alerts' }, h('h2', {}, t('credit.alerts')), alerts),
    h('section', { id: 'credit-requests' }, h('h2', {}, t('credit.requests')), requests),
    h('section', { id: 'credit-fees' }, h('h2', {}, t('credit.fees.title')), fees),
    h('section', { id: 'credit-fees-posted' }, h('h2', {}, t('credit.fees.posted')), postedFees),
    h('section', { id: 'credit-insurance' }, h('h2', {}, t('credit.insurance')), insurance),
    h('section', { id: 'credit-handovers' }, h('h2', {}, t('credit.handovers')), handovers));
  await load();
}

function requestForm(customerId, onDone) {
  const kind = h('select', { id: 'credit-kind', name: 'kind' }, h('option', { value: 'limit' }, t('credit.kind.limit')), h('option', { value: 'terms' }, t('credit.kind.terms')));
  const amount = h('input', { id: 'credit-amount', name: 'amount', inputmode: 'decimal' });
  const currency = h('input', { id: 'credit-currency', name: 'currency', maxlength: 3, size: 4 });
  const termsDays = h('input', { id: 'credit-terms', name: 'termsDays', type: 'number', min: 0, max: 365 });
  const reason = h('input', { id: 'credit-reason', name: 'reason' });
  const general = h('div');
  const errors = fieldErrors({ kind, amount, currency, termsDays, reason }, general);
  return h('form', { id: 'credit-request', novalidate: true, onsubmit: async (ev) => {
    ev.preventDefault();
    errors.clear();
    const body = kind.value === 'limit'
      ? { kind: 'limit', amount: amount.value, currency: currency.value.toUpperCase() || undefined, reason: reason.value }
      : { kind: 'terms', termsDays: Number(termsDays.value), reason: reason.value };
    try {
      await api(orgPath(`/customers/${customerId}/credit/requests`), { method: 'POST', body });
      await onDone();
    } catch (e) {
      errors.show(e);
    }
  } },
  h('label', { for: kind.id }, t('credit.kind')), kind,
  h('label', { for: amount.id }, t('credit.amount')), amount, h('label', { for: currency.id }, t('common.currency')), currency,
  h('label', { for: termsDays.id }, t('credit.termsLabel')), termsDays,
  h('label', { for: reason.id }, t('credit.reason')), reason, general,
  h('button', { type: 'submit' }, t('credit.ask')));
}

/** Ask for an overdue invoice's late fees to be posted (an admin decides on the Credit page). */
function feeRequestForm(invoices, onDone) {
  const invoiceId = h('select', { id: 'fee-invoice', name: 'invoiceId' }, invoices.map((i) => h('option', { value: i.id }, `${i.number ?? i.externalId} · ${formatDate(i.dueDate)}`)));
  const general = h('div');
  const errors = fieldErrors({ invoiceId }, general);
  return h('form', { id: 'fee-request', novalidate: true, onsubmit: async (ev) => {
    ev.preventDefault();
    errors.clear();
    try {
      await api(orgPath('/fee-postings'), { method: 'POST', body: { invoiceId: invoiceId.value } });
      await onDone();
    } catch (e) {
      errors.show(e);
    }
  } },
  h('label', { for: invoiceId.id }, t('credit.invoice')), invoiceId, general,
  h('button', { type: 'submit' }, t('credit.fees.ask')));
}

function handoverForm(customerId, onDone) {
  const kind = h('select', { id: 'handover-kind', name: 'kind' }, ['litigation', 'agency'].map((k) => h('option', { value: k }, t(`credit.handover.${k}`))));
  const party = h('input', { id: 'handover-party', name: 'party' });
  const reference = h('input', { id: 'handover-reference', name: 'reference' });
  const general = h('div');
  const errors = fieldErrors({ kind, party, reference }, general);
  return h('form', { id: 'handover', novalidate: true, onsubmit: async (ev) => {
    ev.preventDefault();
    errors.clear();
    try {
      await api(orgPath(`/customers/${customerId}/handover`), { method: 'POST', body: { kind: kind.value, party: party.value, reference: reference.value || null } });
      await onDone();
    } catch (e) {
      errors.show(e);
    }
  } },
  h('label', { for: kind.id }, t('credit.kind')), kind, h('label', { for: party.id }, t('credit.party')), party,
  h('label', { for: reference.id }, t('credit.reference')), reference, general,
  h('button', { type: 'submit', class: 'danger' }, t('credit.handOver')));
}

export async function customerCreditPage(main, [customerId], { errorBox }) {
  async function load() {
    try {
      const [c, history, overdue] = await Promise.all([api(orgPath(`/customers/${customerId}/credit`)), api(orgPath(`/customers/${customerId}/score-history`)),
        api(orgPath('/invoices'), { query: { customerId, status: 'open', limit: 200 } })]);
      const late = overdue.items.filter((i) => !i.disputed && i.dueDate < new Date().toISOString().slice(0, 10));
      const facts = [
        [t('credit.limit'), c.limit ? `${formatMoney(c.limit.amount, c.limit.currency)}${c.limit.expiresOn ? ` — ${t('credit.until', { date: formatDate(c.limit.expiresOn) })}` : ''}` : '—'],
        [t('credit.usage'), c.usagePercent === null ? '—' : `${c.usagePercent} %`],
        [t('credit.openBalance'), formatMoney(c.openBalance, c.limit?.currency ?? c.customer.currency)],
        [t('credit.terms'), c.terms ? t('credit.termsDays', { days: c.terms.days }) : '—'],
        [t('credit.insuredLimit'), c.insuredLimit ? formatMoney(c.insuredLimit.amount, c.insuredLimit.currency) : '—'],
        [t('credit.score'), c.customer.score === null ? '—' : `${c.customer.score} (${c.customer.riskClass})`],
        [t('credit.proposal'), c.proposal ? `${formatMoney(c.proposal.amount, c.proposal.currency)} — ${c.proposal.explanation}` : '—'],
      ];
      mount(main,
        h('h1', {}, t('credit.customerTitle', { name: c.customer.name })),
        h('p', {}, h('a', { href: `#/customers/${customerId}` }, t('credit.backToCustomer'))),
        c.hold ? h('p', { class: 'error', role: 'status', id: 'credit-hold' }, t('credit.onHold', { reason: c.hold.reason })) : null,
        h('dl', { class: 'facts' }, facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
        h('section', { id: 'score-history' }, h('h2', {}, t('credit.scoreHistory')),
          history.items.length ? render(lineChart({ title: t('credit.scoreHistory'), points: history.items.map((p) => ({ label: p.month, value: p.score, display: String(p.score) })) })) : h('p', { class: 'muted' }, t('credit.noHistory'))),
        h('section', {}, h('h2', {}, t('credit.requests')),
          table([t('credit.kind'), t('credit.amount'), t('credit.status'), t('credit.requestedAt')], c.requests.map((r) => h('tr', {},
            h('td', {}, t(`credit.kind.${r.kind}`)), h('td', {}, r.kind === 'limit' ? formatMoney(r.amount, r.currency) : t('credit.termsDays', { days: r.termsDays })),
            h('td', {}, t(`credit.status.${r.status}`)), h('td', {}, formatInstant(r.requestedAt)))), t('credit.noRequests')),
          can('collect') ? requestForm(customerId, load) : null),
        can('collect') && late.length ? h('section', { id: 'customer-fees' }, h('h2', {}, t('credit.fees.title')), feeRequestForm(late, load)) : null,
        can('administer') ? h('section', {}, h('h2', {}, t('credit.handOver')), handoverForm(customerId, load)) : null);
    } catch (err) {
      mount(main, errorBox(err));
    }
  }
  await load();
}

/**
 * Insured and uninsured outstanding per currency, for the dashboard (the same figures as the
 * Credit page, from /credit/insurance/exposure); nothing when the organization has no policy and
 * no insured limit.
 */
export async function insuranceCards() {
  const e = await api(orgPath('/credit/insurance/exposure'));
  if (!e.policy && e.currencies.every((c) => Number(c.insured) === 0)) return null;
  return h('section', { class: 'panel', id: 'insurance-exposure' },
    h('h2', {}, t('dashboard.insurance', { insurer: e.policy ? e.policy.insurer : '—' })),
    h('div', { class: 'cards' }, e.currencies.flatMap((c) => [
      h('div', { class: 'card', 'data-figure': 'insured', 'data-currency': c.currency }, h('div', { class: 'card-label' }, `${t('credit.insured')} · ${c.currency}`), h('div', { class: 'card-value' }, formatMoney(c.insured, c.currency))),
      h('div', { class: 'card', 'data-figure': 'uninsured', 'data-currency': c.currency }, h('div', { class: 'card-label' }, `${t('credit.uninsured')} · ${c.currency}`), h('div', { class: 'card-value' }, formatMoney(c.uninsured, c.currency))),
    ])),
    h('p', {}, h('a', { href: '#/credit' }, t('dashboard.insuranceDetails'))));
}

/** The customer page's credit panel: hold, score chart by month, and the way to the credit page. */
export async function customerCreditPanel(customerId) {
  const [c, history] = await Promise.all([api(orgPath(`/customers/${customerId}/credit`)), api(orgPath(`/customers/${customerId}/score-history`))]);
  return h('section', { id: 'customer-credit' },
    h('h2', {}, t('credit.title')),
    c.hold ? h('p', { class: 'error', role: 'status' }, t('credit.onHold', { reason: c.hold.reason })) : null,
    history.items.length ? render(lineChart({ title: t('credit.scoreHistory'), points: history.items.map((p) => ({ label: p.month, value: p.score, display: String(p.score) })) })) : h('p', { class: 'muted' }, t('credit.noHistory')),
    h('p', {}, h('a', { href: `#/credit/${customerId}` }, t('credit.openCustomerCredit'))));
}
