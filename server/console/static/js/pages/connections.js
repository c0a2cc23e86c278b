/**
 * Connections: status, last error, per-entity last sync; "sync now" and disconnect. The page
 * refreshes itself every few seconds so a running sync can be watched as its cursors move.
 */
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import { formatInstant, t } from '../i18n.js';
import { orgPath } from '../session.js';

const REFRESH_MS = 4000;

function lastError(e) {
  if (!e) return '—';
  return typeof e.message === 'string' ? e.message : JSON.stringify(e);
}

export async function connectionsPage(main, _params, { errorBox }) {
  const body = h('div', { id: 'connections' });
  const notice = h('div');
  async function refresh() {
    try {
      const { items } = await api(orgPath('/connections'));
      const details = await Promise.all(items.map((c) => api(orgPath(`/connections/${c.id}`))));
      mount(body, details.length ? details.map((c) => card(c)) : h('p', { class: 'muted' }, t('common.none')));
    } catch (e) {
      mount(notice, errorBox(e));
    }
  }
  function card(c) {
    const full = h('input', { type: 'checkbox' });
    const act = (fn) => async () => {
      try {
        await fn();
        await refresh();
      } catch (e) {
        mount(notice, errorBox(e));
      }
    };
    return h('section', { class: 'panel connection', 'data-provider': c.provider, 'data-status': c.status },
      h('div', { class: 'row-between' },
        h('h2', {}, `${c.provider} · ${c.displayName ?? c.accountId}`),
        h('span', { class: `badge status-${c.status}` }, t(`status.${c.status}`))),
      h('p', { class: 'muted wrap' }, `${t('connections.lastError')}: ${lastError(c.lastError)}`),
      h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, t('connections.entity')), h('th', {}, t('connections.synced')))),
        h('tbody', {}, c.cursors.map((k) => h('tr', {}, h('td', {}, k.entity), h('td', {}, formatInstant(k.syncedAt)))))),
      h('div', { class: 'actions' },
        h('label', {}, full, ' ', t('connections.fullSync')),
        h('button', { type: 'button', 'data-action': 'sync', disabled: c.status !== 'active', onclick: act(async () => {
          await api(orgPath(`/connections/${c.id}/sync`), { method: 'POST', body: { full: full.checked } });
          mount(notice, h('p', { class: 'ok', role: 'status' }, t('connections.queued')));
        }) }, t('connections.syncNow')),
        h('button', { type: 'button', class: 'danger', 'data-action': 'disconnect', disabled: c.status === 'disconnected', onclick: act(async () => {
          if (!globalThis.confirm(t('connections.confirmDisconnect', { name: c.displayName ?? c.provider }))) return;
          await api(orgPath(`/connections/${c.id}/disconnect`), { method: 'POST' });
        }) }, t('connections.disconnect'))));
  }
  mount(main, h('h1', {}, t('connections.title')), notice, body, h('p', { class: 'muted' }, t('connections.connectHint')));
  await refresh();
  const timer = setInterval(refresh, REFRESH_MS);
  return () => clearInterval(timer);
}
