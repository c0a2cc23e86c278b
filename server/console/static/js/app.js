/* global document, window */
/**
 * The console shell: hash routes (`#/customers/<id>`), a header with navigation, the organization
 * and language choices, and log out. Each page module renders into `<main>`.
 */
import { api } from './api.js';
import { h, mount } from './dom.js';
import { LANGUAGES, setLanguage, startLanguage, t, language } from './i18n.js';
import { chooseOrganization, clearSession, loadSession, session } from './session.js';
import { loginPage } from './pages/login.js';
import { dashboardPage } from './pages/dashboard.js';
import { customersPage } from './pages/customers.js';
import { customerPage } from './pages/customer.js';
import { connectionsPage } from './pages/connections.js';
import { scenariosPage } from './pages/scenarios.js';
import { approvalsPage } from './pages/approvals.js';
import { disputesPage } from './pages/disputes.js';
import { unappliedPage } from './pages/unapplied.js';
import { templatesPage } from './pages/templates.js';
import { mappingsPage } from './pages/mappings.js';
import { settingsPage } from './pages/settings.js';
import { creditPage, customerCreditPage } from './pages/credit.js';
import { conversationPage, inboxPage } from './pages/conversation.js';

const ROUTES = [
  { pattern: /^\/dashboard$/, page: dashboardPage, nav: 'dashboard' },
  { pattern: /^\/customers$/, page: customersPage, nav: 'customers' },
  { pattern: /^\/customers\/([0-9a-f-]{36})$/, page: customerPage, nav: 'customers' },
  { pattern: /^\/connections$/, page: connectionsPage, nav: 'connections' },
  { pattern: /^\/scenarios$/, page: scenariosPage, nav: 'scenarios' },
  { pattern: /^\/approvals$/, page: approvalsPage, nav: 'approvals' },
  { pattern: /^\/disputes$/, page: disputesPage, nav: 'disputes' },
  { pattern: /^\/unapplied$/, page: unappliedPage, nav: 'unapplied' },
  { pattern: /^\/templates(?:\/(email|sms|letter)\/([a-z0-9-]+)\/([a-z]{2}))?$/, page: templatesPage, nav: 'templates' },
  { pattern: /^\/mappings\/([0-9a-f-]{36})$/, page: mappingsPage, nav: 'connections' },
  { pattern: /^\/settings$/, page: settingsPage, nav: 'settings' },
  { pattern: /^\/credit$/, page: creditPage, nav: 'credit' },
  { pattern: /^\/credit\/([0-9a-f-]{36})$/, page: customerCreditPage, nav: 'credit' },
  { pattern: /^\/customers\/([0-9a-f-]{36})\/conversation$/, page: conversationPage, nav: 'customers' },
  { pattern: /^\/inbox$/, page: inboxPage, nav: 'inbox' },
];
const NAV = ['dashboard', 'customers', 'approvals', 'disputes', 'unapplied', 'credit', 'inbox', 'connections', 'scenarios', 'templates', 'settings'];
// Pages only an organization's admin may use: hidden from the others' navigation.
const ADMIN_ONLY = ['settings'];

const root = document.getElementById('app');
let stopPage = null;

function errorBox(e) {
  return h('p', { class: 'error', role: 'alert' }, t('common.error', { message: e.message }));
}

function header(active) {
  const orgSelect = h('select', { id: 'organization', 'aria-label': t('nav.organization'), onchange: (ev) => { chooseOrganization(ev.target.value); route(); } },
    session.organizations.map((o) => h('option', { value: o.id, selected: o.id === session.organization?.id }, o.name)));
  const langSelect = h('select', { id: 'language', 'aria-label': t('nav.language'), onchange: (ev) => { setLanguage(ev.target.value); route(); } },
    LANGUAGES.map((l) => h('option', { value: l, selected: l === language() }, l === 'fr' ? 'Français' : 'English')));
  const logout = h('button', { type: 'button', class: 'link', id: 'logout', onclick: async () => {
    await api('/api/auth/logout', { method: 'POST' }).catch(() => null);
    clearSession();
    window.location.hash = '#/login';
  } }, t('nav.logout'));
  return h('header', { class: 'top' },
    h('a', { class: 'brand', href: '#/dashboard' }, t('app.name')),
    h('nav', {}, NAV.filter((n) => !ADMIN_ONLY.includes(n) || session.organization?.role === 'admin').map((n) => h('a', { href: `#/${n}`, class: n === active ? 'active' : null, 'aria-current': n === active ? 'page' : null }, t(`nav.${n}`)))),
    h('div', { class: 'tools' }, session.organizations.length > 1 ? orgSelect : h('span', { class: 'org' }, session.organization?.name ?? ''), langSelect, logout));
}

async function route() {
  stopPage?.();
  stopPage = null;
  // `#/connections?connected=<id>`: the part after `?` reaches the page as `query`.
  const [path, search = ''] = (window.location.hash.replace(/^#/, '') || '/dashboard').split('?');
  if (path === '/login' || !session.user) {
    if (!session.user && !(await loadSession().catch(() => false))) {
      mount(root, loginPage({ onLoggedIn: async () => { await loadSession(); window.location.hash = '#/dashboard'; route(); } }));
      return;
    }
    if (path === '/login') {
      window.location.hash = '#/dashboard';
      return;
    }
  }
  const found = ROUTES.map((r) => ({ r, m: r.pattern.exec(path) })).find((x) => x.m);
  if (!found) {
    window.location.hash = '#/dashboard';
    return;
  }
  const main = h('main', { id: 'view' }, h('p', { class: 'muted' }, t('common.loading')));
  mount(root, header(found.r.nav), main);
  if (!session.organization) {
    mount(main, h('p', {}, t('common.noOrganization')));
    return;
  }
  try {
    stopPage = (await found.r.page(main, found.m.slice(1), { errorBox, query: new URLSearchParams(search) })) ?? null;
  } catch (e) {
    mount(main, errorBox(e));
  }
}

window.addEventListener('relance:unauthorized', () => {
  clearSession();
  window.location.hash = '#/login';
});
window.addEventListener('hashchange', route);
startLanguage();
route();
