/**
 * Access, on the settings page: the organization's members with a Disable / Enable button
 * (`POST …/members/:userId/disable|enable`: a disabled user's sessions end and API keys are
 * revoked at once), and the caller's own API keys with their scope (one organization or all,
 * read-only or not), expiry and last use, a form to make one (shown once) and Revoke.
 * Its texts are merged into the catalogs here, in both languages.
 */
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import { CATALOGS, formatInstant, t } from '../i18n.js';
import { orgPath, session } from '../session.js';

Object.assign(CATALOGS.en, {
  'access.members': 'Members',
  'access.email': 'Email', 'access.role': 'Role', 'access.status': 'Status', 'access.lastLogin': 'Last login',
  'access.active': 'Active', 'access.disabled': 'Disabled',
  'access.disable': 'Disable', 'access.enable': 'Enable',
  'access.disabledNotice': '{email} is disabled: their sessions ended and their API keys were revoked.',
  'access.keys': 'My API keys',
  'access.keyName': 'Name', 'access.keyScope': 'Scope', 'access.keyExpires': 'Expires', 'access.keyLastUsed': 'Last used',
  'access.allOrganizations': 'All my organizations', 'access.thisOrganization': 'This organization only',
  'access.readOnly': 'read-only', 'access.readWrite': 'read and write', 'access.never': 'never', 'access.revoked': 'revoked',
  'access.create': 'Create key', 'access.revoke': 'Revoke',
  'access.created': 'Copy this key now, it will not be shown again: {key}',
  'access.noKeys': 'No API key yet.',
});
Object.assign(CATALOGS.fr, {
  'access.members': 'Membres',
  'access.email': 'E-mail', 'access.role': 'Rôle', 'access.status': 'État', 'access.lastLogin': 'Dernière connexion',
  'access.active': 'Actif', 'access.disabled': 'Désactivé',
  'access.disable': 'Désactiver', 'access.enable': 'Réactiver',
  'access.disabledNotice': '{email} est désactivé : ses sessions sont closes et ses clés d’API révoquées.',
  'access.keys': 'Mes clés d’API',
  'access.keyName': 'Nom', 'access.keyScope': 'Portée', 'access.keyExpires': 'Expire', 'access.keyLastUsed': 'Dernier usage',
  'access.allOrganizations': 'Toutes mes organisations', 'access.thisOrganization': 'Cette organisation seulement',
  'access.readOnly': 'lecture seule', 'access.readWrite': 'lecture et écriture', 'access.never': 'jamais', 'access.revoked': 'révoquée',
  'access.create': 'Créer la clé', 'access.revoke': 'Révoquer',
  'access.created': 'Copiez cette clé maintenant, elle ne sera plus affichée : {key}',
  'access.noKeys': 'Aucune clé d’API.',
});

const cells = (...values) => values.map((v) => h('td', { class: 'wrap' }, v));
const head = (...keys) => h('thead', {}, h('tr', {}, keys.map((k) => h('th', {}, k ? t(k) : ''))));

export function accessPanel(errorBox) {
  const section = h('section', { class: 'panel', id: 'access' });
  const notice = h('div');

  async function act(run, message) {
    try {
      await run();
      await load();
      if (message) mount(notice, h('p', { class: 'ok', role: 'status' }, message));
    } catch (e) {
      mount(notice, errorBox(e));
    }
  }

  function membersTable(members) {
    return h('table', { id: 'access-members' }, head('access.email', 'access.role', 'access.status', 'access.lastLogin', null),
      h('tbody', {}, members.map((m) => h('tr', { 'data-user': m.id },
        ...cells(m.email, m.role, t(m.disabled ? 'access.disabled' : 'access.active'), m.lastLoginAt ? formatInstant(m.lastLoginAt) : '—'),
        h('td', {}, m.id === session.user?.id ? '' : h('button', {
          type: 'button', class: m.disabled ? 'secondary' : 'danger', 'data-action': m.disabled ? 'enable' : 'disable',
          onclick: () => act(() => api(orgPath(`/members/${m.id}/${m.disabled ? 'enable' : 'disable'}`), { method: 'POST' }), m.disabled ? null : t('access.disabledNotice', { email: m.email })),
        }, t(m.disabled ? 'access.enable' : 'access.disable')))))));
  }

  function keysTable(keys) {
    if (!keys.length) return h('p', { class: 'muted', id: 'access-no-keys' }, t('access.noKeys'));
    const scope = (k) => `${k.organizationId ? (session.organizations.find((o) => o.id === k.organizationId)?.name ?? k.organizationId) : t('access.allOrganizations')}, ${t(k.readOnly ? 'access.readOnly' : 'access.readWrite')}`;
    return h('table', { id: 'access-keys' }, head('access.keyName', 'access.keyScope', 'access.keyExpires', 'access.keyLastUsed', null),
      h('tbody', {}, keys.map((k) => h('tr', { 'data-key': k.id },
        ...cells(`${k.name} (${k.prefix}…)`, scope(k), k.expiresAt ? formatInstant(k.expiresAt) : t('access.never'), k.lastUsedAt ? formatInstant(k.lastUsedAt) : '—'),
        h('td', {}, k.revokedAt ? t('access.revoked') : h('button', { type: 'button', class: 'secondary', 'data-action': 'revoke', onclick: () => act(() => api(`/api/me/api-keys/${k.id}`, { method: 'DELETE' })) }, t('access.revoke')))))));
  }

  function keyForm() {
    const name = h('input', { id: 'key-name', required: true, maxlength: 100 });
    const onlyHere = h('input', { id: 'key-org', type: 'checkbox', checked: true });
    const readOnly = h('input', { id: 'key-readonly', type: 'checkbox', checked: true });
    const expires = h('input', { id: 'key-expires', type: 'date' });
    async function submit(ev) {
      ev.preventDefault();
      const body = { name: name.value.trim(), readOnly: readOnly.checked };
      if (onlyHere.checked) body.organizationId = session.organization.id;
      if (expires.value) body.expiresAt = new Date(`${expires.value}T23:59:59`).toISOString();
      try {
        const made = await api('/api/me/api-keys', { method: 'POST', body });
        await load();
        mount(notice, h('p', { class: 'ok', role: 'status', id: 'access-key-shown' }, t('access.created', { key: made.key })));
      } catch (e) {
        mount(notice, errorBox(e));
      }
    }
    return h('form', { class: 'settings-form', id: 'access-key-form', onsubmit: submit },
      h('div', { class: 'filters' },
        h('div', { class: 'field' }, h('label', { for: 'key-name' }, t('access.keyName')), name),
        h('div', { class: 'field' }, h('label', { for: 'key-expires' }, t('access.keyExpires')), expires)),
      h('label', {}, onlyHere, ' ', t('access.thisOrganization')), ' ',
      h('label', {}, readOnly, ' ', t('access.readOnly')),
      h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'key-create' }, t('access.create'))));
  }

  async function load() {
    const [{ items: members }, { items: keys }] = await Promise.all([api(orgPath('/members')), api('/api/me/api-keys')]);
    mount(section, h('h2', {}, t('access.members')), notice, membersTable(members), h('h2', {}, t('access.keys')), keysTable(keys), keyForm());
  }
  return { section, load };
}
