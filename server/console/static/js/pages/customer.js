/**
 * One customer: details, contacts, open balances and invoices, promises and the collection forms
 * (customer-collections.js), the worklist figures, holds, notes, calls and tasks (customer-workspace.js),
 * and the timeline in words (newest first, paged).
 */
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import { formatDate, formatMoney, language, t } from '../i18n.js';
import { orgPath } from '../session.js';
import { addressPanel } from './customer-address.js';
import { collectionsPanel } from './customer-collections.js';
import { figuresPanel, holdsPanel, timelineEntry, workPanel } from './customer-workspace.js';
import { customerCreditPanel } from './credit.js';
import { languagePanel } from './customer-language.js';

export async function customerPage(main, [customerId], { errorBox }) {
  const base = orgPath(`/customers/${customerId}`);
  const [c, invoices] = await Promise.all([api(base), api(orgPath('/invoices'), { query: { customerId, status: 'open', limit: 200 } })]);
  const list = h('ol', { class: 'timeline', id: 'timeline' });
  const errors = h('div');
  let cursor = null;
  const more = h('button', { type: 'button', class: 'secondary', hidden: true, onclick: () => loadTimeline() }, t('common.more'));
  async function loadTimeline() {
    try {
      const page = await api(`${base}/timeline`, { query: { cursor, limit: 50, lang: language() } });
      list.append(...page.items.map((a) => timelineEntry(a, customerId)));
      cursor = page.nextCursor;
      more.hidden = !cursor;
      if (!list.children.length) list.append(h('li', { class: 'muted' }, t('common.none')));
    } catch (e) {
      mount(errors, errorBox(e));
    }
  }
  const reload = () => customerPage(main, [customerId], { errorBox });
  // The postal address letters go to (customer-address.js): synced, or edited in Relance.
  const address = addressPanel(customerId);
  const [holds, work, credit] = await Promise.all([holdsPanel(customerId, invoices.items, reload), workPanel(customerId, invoices.items, reload),
    // The hold and the payer score by month (pages/credit.js); the page stands without them.
    customerCreditPanel(customerId).catch(() => null), address.load()]);
  const languageBox = await languagePanel(customerId, errorBox);
  mount(main,
    h('h1', {}, c.name, c.paused ? h('span', { class: 'badge' }, t('customers.paused')) : null),
    h('p', {}, h('a', { id: 'conversation-link', href: `#/customers/${customerId}/conversation` }, t('inbox.conversation'))),
    h('p', { class: 'muted' }, [c.email, c.phone, c.language ? `${t('customer.language')}: ${c.language}` : null].filter(Boolean).join(' · ')),
    h('div', { class: 'cards' }, c.open.map((o) => h('div', { class: 'card' },
      h('div', { class: 'card-label' }, `${t('customer.open')} · ${t('customer.openInvoices', { count: o.invoices })}`),
      h('div', { class: 'card-value' }, formatMoney(o.balance, o.currency))))),
    figuresPanel(c.worklist),
    holds,
    credit,
    languageBox,
    h('div', { class: 'columns' },
      h('section', {},
        h('h2', {}, t('customer.invoices')),
        h('table', { id: 'invoices' },
          h('thead', {}, h('tr', {}, ['invoice.number', 'invoice.dueDate', 'invoice.total', 'invoice.balance'].map((k) => h('th', { class: k.endsWith('total') || k.endsWith('balance') ? 'num' : null }, t(k))))),
          h('tbody', {}, invoices.items.map((i) => h('tr', { class: i.disputed ? 'disputed' : null },
            h('td', {}, i.number ?? i.externalId, i.disputed ? h('span', { class: 'badge' }, t('invoice.disputed')) : null),
            h('td', {}, formatDate(i.dueDate)),
            h('td', { class: 'num' }, formatMoney(i.total, i.currency)),
            h('td', { class: 'num' }, formatMoney(i.balance, i.currency)))))),
        h('h2', {}, t('customer.contacts')),
        h('table', {}, h('tbody', {}, c.contacts.map((p) => h('tr', {}, h('td', {}, p.name ?? '—'), h('td', { class: 'wrap' }, p.email ?? '—'), h('td', {}, p.phone ?? ''), h('td', {}, p.role ?? ''))))),
        address.section,
        collectionsPanel({ customerId, invoices: invoices.items, errorBox, onDisputed: reload }),
        work),
      h('section', {}, h('h2', {}, t('customer.timeline')), errors, list, more)));
  await loadTimeline();
}
