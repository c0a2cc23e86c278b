/** Who is logged in and which organization the console shows (the choice is remembered). */
import { api, setCsrfToken } from './api.js';

const ORG_KEY = 'relance.organization';
export const session = { user: null, organizations: [], organization: null };

/** Loads the caller and their organizations; false when nobody is logged in. */
export async function loadSession() {
  try {
    const me = await api('/api/auth/me');
    setCsrfToken(me.csrfToken);
    session.user = me.user;
  } catch (e) {
    if (e.status === 401) return false;
    throw e;
  }
  const { items } = await api('/api/organizations');
  session.organizations = items;
  const stored = localStorage.getItem(ORG_KEY);
  session.organization = items.find((o) => o.id === stored) ?? items[0] ?? null;
  return true;
}

export function chooseOrganization(id) {
  session.organization = session.organizations.find((o) => o.id === id) ?? session.organization;
  if (session.organization) localStorage.setItem(ORG_KEY, session.organization.id);
}

export function clearSession() {
  session.user = null;
  session.organizations = [];
  session.organization = null;
  setCsrfToken(null);
}

/** `/api/organizations/<current>` + `path`. */
export function orgPath(path = '') {
  return `/api/organizations/${session.organization.id}${path}`;
}
