// The staff pages' login (doctor console, technician page): the form, POST /api/v1/session (which sets the
// tk_session cookie), and its refusals in words, "too many attempts" (429, docs/api.md) apart from a wrong name or
// password. Both pages make their requests through api(). Received text goes into the page only via textContent.

import { showText } from '/signal.js';

/** A same-origin request with the session cookie; a body is sent as JSON. */
export function api(method, path, body) {
  return fetch(path, { method, credentials: 'same-origin',
    headers: body ? { 'Content-Type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
}

/** An element with attributes and children (text or elements); text goes in as text only. */
function el(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    element.setAttribute(name, value);
  }
  element.append(...children);
  return element;
}

/** German first, English second, as everywhere on the staff pages. */
const words = (de, en) => [`${de} `, el('span', { lang: 'en' }, `· ${en}`)];

function form() {
  return [
    el('h2', { id: 'login-title' }, ...words('Anmelden', 'Log in')),
    el('form', { id: 'login-form' },
      el('label', {}, ...words('Benutzername', 'User name'), el('br', {}),
        el('input', { id: 'login-name', autocomplete: 'username', required: '' })),
      el('label', {}, ...words('Passwort', 'Password'), el('br', {}),
        el('input', { id: 'login-password', type: 'password', autocomplete: 'current-password', required: '' })),
      el('button', { class: 'primary', type: 'submit' }, ...words('Anmelden', 'Log in')),
      el('p', { id: 'login-error', class: 'error', role: 'alert' })),
  ];
}

/**
 * Puts the login form into the page's login section. After a successful login, onSession gets the answer's JSON
 * (the session with its account; null if the answer had none).
 */
export function mountLogin(section, onSession) {
  section.replaceChildren(...form());
  const name = section.querySelector('#login-name');
  const password = section.querySelector('#login-password');
  const error = section.querySelector('#login-error');
  section.querySelector('#login-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const response = await api('POST', '/api/v1/session', { login: name.value, password: password.value });
    password.value = '';
    if (!response.ok) {
      if (response.status === 429) {
        showText(error, 'Zu viele Versuche; bitte später erneut.', 'Too many attempts; try again later.');
      } else {
        showText(error, 'Anmeldung fehlgeschlagen.', 'Login failed.');
      }
      return;
    }
    error.textContent = '';
    await onSession(await response.json().catch(() => null));
  });
}
