/* global window */
/**
 * Connections: connect a provider the server has an app for (`GET /api/providers`, then the
 * provider's consent page), reconnect one that lost its grant, and watch each one sync: status,
 * last error, its newest sync job, record counts and per-entity cursors, refreshed every few
 * seconds. Coming back from the consent page (`#/connections?connected=<id>`) says so and marks it.
 */
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import { formatInstant, language, t } from '../i18n.js';
import { orgPath, session } from '../session.js';

const REFRESH_MS = 4000;
const PROVIDER_NAMES = { quickbooks: 'QuickBooks', xero: 'Xero', hubspot: 'HubSpot' };

function lastError(e) {
  if (!e) return '—';
  return typeof e.message === 'string' ? e.message : JSON.stringify(e);
}

/** The newest sync job as one line: state and its time, the failure's reason. */
function syncLine(sync) {
  if (!sync) return h('p', { class: 'muted', 'data-sync': 'none' }, t('connections.noSyncJob'));
  const at = { queued: sync.queuedAt, running: sync.startedAt, done: sync.finishedAt, failed: sync.finishedAt }[sync.state];
  return h('p', { class: `sync-state sync-${sync.state}`, 'data-sync': sync.state, role: sync.state === 'running' ? 'status' : null },
    h('span', { class: 'badge' }, t(`connections.sync.${sync.state}`)), ' ', formatInstant(at),
    sync.error ? h('span', { class: 'error wrap' }, ` — ${sync.error}`) : null);
}

/** The OAuth consent page of `provider` (a new connection, or `connectionId`'s again). */
async function goToConsent(path, body) {
  const { authorizeUrl } = await api(orgPath(path), { method: 'POST', body });
  window.location.assign(authorizeUrl);
}

async function connectButtons(onError) {
  const { items } = await api('/api/providers').catch(() => ({ items: [] }));
  const configured = items.filter((p) => p.configured);
  if (!configured.length) return h('p', { class: 'muted' }, t('connections.connectHint'));
  return h('div', { class: 'actions', id: 'connect' }, configured.map((p) => h('button', {
    type: 'button', 'data-connect': p.provider,
    onclick: () => goToConsent('/connections', { provider: p.provider }).catch(onError),
  }, t('connections.connect', { provider: PROVIDER_NAMES[p.provider] ?? p.provider }))));
}

export async function connectionsPage(main, _params, { errorBox, query }) {
  const body = h('div', { id: 'connections' });
  const notice = h('div');
  const connected = query.get('connected');
  const admin = session.organization?.role === 'admin';
  const showError = (e) => mount(notice, errorBox(e));
  async function refresh() {
    try {
      const { items } = await api(orgPath('/connections'));
      const details = await Promise.all(items.map((c) => api(orgPath(`/connections/${c.id}`))));
      mount(body, details.length ? details.map((c) => card(c)) : h('p', { class: 'muted' }, t('common.none')));
    } catch (e) {
      showError(e);
    }
  }
  function card(c) {
    const full = h('input', { type: 'checkbox' });
    const act = (fn) => async () => {
      try {
        await fn();
        await refresh();
      } catch (e) {
        showError(e);
      }
    };
    const name = c.displayName ?? c.accountId;
    return h('section', { class: c.id === connected ? 'panel connection highlight' : 'panel connection', 'data-provider': c.provider, 'data-status': c.status, 'data-connection': c.id },
      h('div', { class: 'row-between' },
        h('h2', {}, `${PROVIDER_NAMES[c.provider] ?? c.provider} · ${name}`),
        h('span', { class: `badge status-${c.status}` }, t(`status.${c.status}`))),
      h('p', { class: 'muted wrap' }, `${t('connections.lastError')}: ${lastError(c.lastError)}`),
      syncLine(c.sync),
      warningList(c.mappingWarnings),
      h('table', { class: 'sync-table' },
        h('thead', {}, h('tr', {}, h('th', {}, t('connections.entity')), h('th', { class: 'num' }, t('connections.count')), h('th', {}, t('connections.synced')))),
        h('tbody', {}, entityRows(c))),
      h('div', { class: 'actions' },
        h('label', {}, full, ' ', t('connections.fullSync')),
        h('button', { type: 'button', 'data-action': 'sync', disabled: c.status !== 'active', onclick: act(async () => {
          await api(orgPath(`/connections/${c.id}/sync`), { method: 'POST', body: { full: full.checked } });
          mount(notice, h('p', { class: 'ok', role: 'status' }, t('connections.queued')));
        }) }, t('connections.syncNow')),
        h('a', { class: 'button secondary', href: `#/mappings/${c.id}`, 'data-action': 'mappings' }, t('connections.mappings')),
        admin && c.status !== 'active'
          ? h('button', { type: 'button', 'data-action': 'reconnect', onclick: () => goToConsent(`/connections/${c.id}/reconnect`).catch(showError) }, t('connections.reconnect'))
          : null,
        h('button', { type: 'button', class: 'danger', 'data-action': 'disconnect', disabled: c.status === 'disconnected', onclick: act(async () => {
          if (!globalThis.confirm(t('connections.confirmDisconnect', { name: c.displayName ?? c.provider }))) return;
          await api(orgPath(`/connections/${c.id}/disconnect`), { method: 'POST' });
        }) }, t('connections.disconnect'))));
  }
  // The organization's own facts (issue 13.6): base currency and country, as the accounting source said at connect.
  const facts = h('p', { class: 'muted', id: 'organization-facts' });
  api(orgPath('')).then((o) => mount(facts, t('connections.organizationFacts', { currency: o.baseCurrency, country: o.country }))).catch(() => null);
  mount(main,
    h('h1', {}, t('connections.title')),
    facts,
    connected ? h('p', { class: 'ok', role: 'status', id: 'connected-notice' }, t('connections.connected')) : null,
    notice, body, admin ? await connectButtons(showError) : null);
  await refresh();
  const timer = setInterval(refresh, REFRESH_MS);
  return () => clearInterval(timer);
}

/** Issue 13.7: what the mapping kept as written (an unknown country), so an admin can fix it at the source. */
function warningList(w) {
  if (!w || !w.count) return null;
  return h('details', { class: 'mapping-warnings', 'data-warnings': String(w.count) },
    h('summary', {}, t('connections.mappingWarnings', { count: w.count })),
    h('ul', {}, w.items.map((item) => h('li', { class: 'wrap' }, item))));
}

/** One row per entity the connection has records or a cursor for: how many, and when last synced. */
function entityRows(c) {
  const counts = new Map((c.records ?? []).map((r) => [r.entity, r.count]));
  const cursors = new Map(c.cursors.map((k) => [k.entity, k.syncedAt]));
  const entities = [...new Set([...cursors.keys(), ...counts.keys()])].sort();
  return entities.map((e) => h('tr', { 'data-entity': e },
    h('td', {}, e), h('td', { class: 'num' }, counts.has(e) ? new Intl.NumberFormat(language()).format(counts.get(e)) : '—'),
    h('td', {}, formatInstant(cursors.get(e)))));
}
