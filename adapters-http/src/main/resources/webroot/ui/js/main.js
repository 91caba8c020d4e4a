// The console's entry point: hash routes, identity, and the sign-in form.
import { ApiError, claimsOf, cookieToken, forgetToken, storedToken, storeToken } from './api.js';
import { h } from './dom.js';
import { activityView, eventView } from './activity.js';
import { createView, credentialsView, detailsView, listView } from './integrations.js';
import { capitalize } from './format.js';
import { breadcrumbs, card, emptyState, hideBanner, pageHeader, showBanner } from './ui.js';

const UUID = '([0-9a-fA-F-]{36})';
const ROUTES = [
  [/^\/integrations$/, listView],
  [/^\/integrations\/new$/, createView],
  [new RegExp(`^/integrations/${UUID}$`), detailsView],
  [new RegExp(`^/integrations/${UUID}/credentials$`), credentialsView],
  [new RegExp(`^/integrations/${UUID}/activity$`), activityView],
  [new RegExp(`^/integrations/${UUID}/events/${UUID}$`), eventView],
];

const viewEl = document.getElementById('view');
let generation = 0;
let disposers = [];
let firstRender = true;

function dispose() {
  for (const fn of disposers) {
    try {
      fn();
    } catch (e) {
      // a view's cleanup must not stop the next view
    }
  }
  disposers = [];
}

function parseHash() {
  const raw = window.location.hash.startsWith('#/') ? window.location.hash.slice(1) : '/integrations';
  const q = raw.indexOf('?');
  return {
    path: q < 0 ? raw : raw.slice(0, q),
    query: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)),
  };
}

function updateIdentity() {
  const box = document.getElementById('identity');
  const text = document.getElementById('identity-text');
  const signOut = document.getElementById('sign-out');
  const stored = storedToken();
  const token = stored || cookieToken();
  const claims = token ? claimsOf(token) : null;
  if (!claims) {
    box.hidden = true;
    return;
  }
  const tenant = claims['mender.tenant'];
  text.textContent = `${tenant ? `Tenant ${tenant}` : 'Open-source tenant'} · ${stored ? 'token' : 'JWT cookie'}`;
  text.title = `Subject: ${claims.sub || '?'}`;
  signOut.hidden = !stored;
  box.hidden = false;
}

function setNav(path) {
  document.querySelectorAll('.nav-link').forEach((a) => {
    const on = path.startsWith('/integrations');
    if (on) {
      a.setAttribute('aria-current', 'page');
    } else {
      a.removeAttribute('aria-current');
    }
  });
}

async function route() {
  dispose();
  const gen = ++generation;
  hideBanner();
  const { path, query } = parseHash();
  setNav(path);
  updateIdentity();
  let rendered = false;
  const ctx = {
    params: [],
    query,
    alive: () => gen === generation,
    onDispose: (fn) => disposers.push(fn),
    title: (t) => {
      document.title = `${t} · Webhooks · IoT Manager`;
    },
    render: (...nodes) => {
      if (gen !== generation) {
        return;
      }
      viewEl.replaceChildren(...nodes.filter(Boolean));
      rendered = true;
      if (!firstRender) {
        const heading = viewEl.querySelector('h1');
        if (heading) {
          heading.focus({ preventScroll: true });
        }
        window.scrollTo(0, 0);
      }
      firstRender = false;
    },
    navigate: (hash, flash) => {
      if (flash) {
        showBanner('success', flash, { sticky: true });
      }
      if (window.location.hash === hash) {
        route();
      } else {
        window.location.hash = hash;
      }
    },
    fail: (error) => {
      if (gen !== generation) {
        return;
      }
      if (error instanceof ApiError && error.isAuth) {
        dispose();
        signIn(error);
        return;
      }
      const message = error instanceof ApiError
        ? `${capitalize(error.message)}${error.status ? ` (HTTP ${error.status})` : ''}`
        : `Unexpected error in the console: ${error && error.message ? error.message : error}`;
      showBanner('error', message);
      if (!rendered) {
        ctx.render(card(null, emptyState('This page could not be loaded', message,
          h('button', { type: 'button', class: 'btn', onclick: () => route() }, 'Try again'))));
      }
    },
  };
  const match = ROUTES.map(([re, view]) => [path.match(re), view]).find(([m]) => m);
  viewEl.setAttribute('aria-busy', 'true');
  try {
    if (!match) {
      ctx.title('Not found');
      ctx.render(pageHeader({ crumbs: breadcrumbs({ label: 'Settings', href: '#/integrations' }, { label: 'Not found' }), title: 'Page not found' }),
        card(null, emptyState('There is nothing at this address', `No page is called “${path}”.`,
          h('a', { class: 'btn btn-primary', href: '#/integrations' }, 'Go to integrations'))));
    } else {
      ctx.params = match[0].slice(1);
      await match[1](ctx);
    }
  } catch (e) {
    ctx.fail(e);
  } finally {
    viewEl.removeAttribute('aria-busy');
    updateIdentity();
  }
}

/** The token form: shown when no identity is available, or the API refused the one it got (401/403). */
function signIn(error) {
  const stored = storedToken();
  forgetToken();
  updateIdentity();
  document.title = 'Sign in · Webhooks · IoT Manager';
  const absent = error && error.status === 401 && /not present/i.test(error.message) && !stored;
  const problem = absent ? null
    : `${stored ? 'The token was refused' : 'The JWT cookie was refused'}: ${error.message} (HTTP ${error.status}).`;
  const input = h('textarea', {
    id: 'token', name: 'token', class: 'input input-mono', rows: '5', required: true, autocomplete: 'off',
    spellcheck: 'false', 'aria-describedby': 'token-hint token-error', 'aria-invalid': problem ? 'true' : null,
    placeholder: 'eyJhbGciOi…',
  });
  const form = h('form', { class: 'form', id: 'signin-form', novalidate: true },
    h('div', { class: `field${problem ? ' field-invalid' : ''}` },
      h('label', { for: 'token', class: 'field-label' }, 'Management API token'),
      input,
      h('p', { class: 'field-hint', id: 'token-hint' },
        'A JWT whose claims include "sub" and "mender.user": true; "mender.tenant" selects the tenant. '
        + 'It is kept in this browser tab only and sent as an Authorization: Bearer header. Behind Mender\'s '
        + 'gateway the JWT cookie is used instead and this form is not needed.'),
      h('p', { class: 'field-error', id: 'token-error', hidden: !problem }, problem || '')),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'signin-submit' }, 'Sign in')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = input.value.trim().replace(/^bearer\s+/i, '');
    if (!token) {
      const err = form.querySelector('#token-error');
      err.textContent = 'Paste a token first.';
      err.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    storeToken(token);
    route();
  });
  viewEl.replaceChildren(
    h('div', { class: 'signin' },
      pageHeader({ title: 'Sign in', lead: 'The console calls the management API with your identity.' }),
      card(null, form)));
  firstRender = false;
  input.focus();
}

document.getElementById('sign-out').addEventListener('click', () => {
  forgetToken();
  showBanner('success', 'Signed out: the token was removed from this tab.', { sticky: true });
  route();
});

// "Skip to content" must not change the route (the address after # is the page).
document.getElementById('skip-link').addEventListener('click', (event) => {
  event.preventDefault();
  document.getElementById('main').focus();
});

window.addEventListener('hashchange', () => {
  if (window.location.hash === '' || window.location.hash.startsWith('#/')) {
    route();
  }
});

window.__consoleStarted = true;
if (!window.location.hash.startsWith('#/')) {
  window.history.replaceState(null, '', '#/integrations');
}
route();
