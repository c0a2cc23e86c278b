/** The login form: `POST /api/auth/login` sets the session cookie and returns the CSRF token. */
import { api, setCsrfToken } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';

export function loginPage({ onLoggedIn }) {
  const message = h('p', { class: 'error', role: 'alert', hidden: true });
  const email = h('input', { type: 'email', name: 'email', id: 'email', autocomplete: 'username', required: true });
  const password = h('input', { type: 'password', name: 'password', id: 'password', autocomplete: 'current-password', required: true });
  const form = h('form', { class: 'login', onsubmit: async (ev) => {
    ev.preventDefault();
    message.hidden = true;
    try {
      const session = await api('/api/auth/login', { method: 'POST', body: { email: email.value, password: password.value } });
      setCsrfToken(session.csrfToken);
      await onLoggedIn();
    } catch (e) {
      message.textContent = e.status === 401 ? t('login.failed') : t('common.error', { message: e.message });
      message.hidden = false;
    }
  } },
  h('h1', {}, t('login.title')),
  h('label', { for: 'email' }, t('login.email')), email,
  h('label', { for: 'password' }, t('login.password')), password,
  message,
  h('button', { type: 'submit' }, t('login.submit')));
  return h('div', { class: 'login-page' }, form);
}
