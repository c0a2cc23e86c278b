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

const ROUTES = [
  { pattern: /^\/dashboard$/, page: dashboardPage, nav: 'dashboard' },
  { pattern: /^\/customers$/, page: customersPage, nav: 'customers' },
  { pattern: /^\/customers\/([0-9a-f-]{36})$/, page: customerPage, nav: 'customers' },
  { pattern: /^\/connections$/, page: connectionsPage, nav: 'connections' },
  { pattern: /^\/scenarios$/, page: scenariosPage, nav: 'scenarios' },
];
const NAV = ['dashboard', 'customers', 'connections', 'scenarios'];

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
    h('nav', {}, NAV.map((n) => h('a', { href: `#/${n}`, class: n === active ? 'active' : null, 'aria-current': n === active ? 'page' : null }, t(`nav.${n}`)))),
    h('div', { class: 'tools' }, session.organizations.length > 1 ? orgSelect : h('span', { class: 'org' }, session.organization?.name ?? ''), langSelect, logout));
}

async function route() {
  stopPage?.();
  stopPage = null;
  const path = window.location.hash.replace(/^#/, '') || '/dashboard';
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
    stopPage = (await found.r.page(main, found.m.slice(1), { errorBox })) ?? null;
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
