// Sign-in: the admin pastes an API token (the bootstrap DIALER_ADMIN_TOKEN or one from the Tokens page).
// GET /api/whoami checks it and tells the role; the token is kept in sessionStorage for this tab only.
import { api } from '../api.js';
import { h, clear } from '../dom.js';
import { session } from '../session.js';

export function signInView(main, message, onSignedIn) {
  clear(main);
  const tokenId = 'signin-token';
  const input = h('input', { id: tokenId, name: 'token', type: 'password', autocomplete: 'off', required: true, spellcheck: 'false', 'aria-describedby': 'signin-hint signin-error' });
  const error = h('p', { class: 'error', id: 'signin-error', role: 'alert', hidden: true });
  const button = h('button', { type: 'submit' }, 'Sign in');
  const form = h('form', { class: 'signin', novalidate: true },
    h('h1', { tabindex: '-1' }, 'Sign in to the Dialer console'),
    message ? h('p', { class: 'flash', role: 'status' }, message) : null,
    h('div', { class: 'field' },
      h('label', { for: tokenId }, 'API token'),
      input,
      h('p', { class: 'hint', id: 'signin-hint' }, 'An admin or viewer token: DIALER_ADMIN_TOKEN, or one made on the Tokens page or with dialer token create. It stays in this tab only.')),
    error,
    button);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const token = input.value.trim();
    error.hidden = true;
    if (!token) {
      error.textContent = 'Enter a token.';
      error.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    button.disabled = true;
    try {
      const { data } = await api('GET', '/api/whoami', { token });
      session.remember(token, data);
      await onSignedIn();
    } catch (failure) {
      error.textContent = failure.status === 401
        ? `The dialer refused this token (${failure.message}). Check it and try again.`
        : `Could not sign in: ${failure.message}`;
      error.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      input.select();
      input.focus();
    } finally {
      button.disabled = false;
    }
  });
  main.append(form);
  input.focus();
}
