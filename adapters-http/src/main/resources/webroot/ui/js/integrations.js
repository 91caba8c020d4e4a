// Settings -> Integrations: the list, the "add webhook" form, the details page, replacing credentials.
import { api, ApiError, fieldError } from './api.js';
import { h } from './dom.js';
import { capitalize, formatTime, plural, relative } from './format.js';
import {
  breadcrumbs, card, confirmDialog, emptyState, integrationTabs, pageHeader, showBanner,
} from './ui.js';

const PROVIDER_LABELS = { webhook: 'Webhook', 'iot-hub': 'Azure IoT Hub', 'iot-core': 'AWS IoT Core' };
const SETTINGS = { label: 'Settings', href: '#/integrations' };
const INTEGRATIONS = { label: 'Integrations', href: '#/integrations' };

function webhookUrl(integration) {
  const http = integration.credentials && integration.credentials.http;
  return http ? http.url : '';
}

function hasSecret(integration) {
  const http = integration.credentials && integration.credentials.http;
  return Boolean(http && http.secret !== undefined);
}

function hostOf(url) {
  try {
    return new URL(url).host;
  } catch (e) {
    return url;
  }
}

function secretBadge(integration) {
  return hasSecret(integration)
    ? h('span', { class: 'badge badge-secret', dataset: { secret: 'set' } }, 'Signed')
    : h('span', { class: 'badge badge-muted', dataset: { secret: 'none' } }, 'Unsigned');
}

const HEALTH_LABELS = { healthy: 'Healthy', failing: 'Failing', disabled: 'Disabled' };

/** The integration's delivery health as a badge: healthy, failing, disabled, or no attempts yet. */
function healthBadge(integration) {
  const status = integration.health ? integration.health.status : 'none';
  return h('span', { class: `badge badge-${status}`, dataset: { health: status } },
    HEALTH_LABELS[status] || 'No attempts yet');
}

function when(iso) {
  return iso ? h('span', null, formatTime(iso), h('span', { class: 'muted' }, ` (${relative(iso)})`))
    : h('span', { class: 'muted' }, '—');
}

/** A datetime-local value for a date, in the browser's time zone. */
function localInput(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:`
    + `${pad(date.getMinutes())}`;
}

/** Loads one integration; a 404 renders "not found" and resolves null. */
export async function loadIntegration(ctx, id) {
  try {
    const { json } = await api('GET', `/integrations/${id}`);
    return json;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      ctx.title('Not found');
      ctx.render(pageHeader({ crumbs: breadcrumbs(SETTINGS, INTEGRATIONS, { label: 'Not found' }), title: 'Integration not found' }),
        card(null, emptyState('This integration does not exist', 'It may have been deleted.',
          h('a', { class: 'btn btn-primary', href: '#/integrations' }, 'Back to integrations'))));
      return null;
    }
    throw e;
  }
}

/**
 * The header of an integration's pages: breadcrumbs, title and the Details / Activity tabs; or, for a
 * page below them ({crumbs, title}), the breadcrumbs down to it and its title.
 */
export function integrationHeader(integration, tab, sub) {
  const base = `#/integrations/${integration.id}`;
  const crumbs = [SETTINGS, INTEGRATIONS, { label: 'Webhook', href: base }];
  if (sub) {
    return [pageHeader({ crumbs: breadcrumbs(...crumbs, ...sub.crumbs), title: sub.title, lead: sub.lead })];
  }
  if (tab === 'activity') {
    crumbs.push({ label: 'Activity' });
  }
  const url = webhookUrl(integration);
  return [
    pageHeader({
      crumbs: breadcrumbs(...crumbs),
      title: `Webhook to ${hostOf(url) || PROVIDER_LABELS[integration.provider] || integration.provider}`,
      lead: integration.description || null,
    }),
    integrationTabs(integration.id, tab),
  ];
}

// ---- list

export async function listView(ctx) {
  ctx.title('Integrations');
  const { json } = await api('GET', '/integrations');
  const integrations = Array.isArray(json) ? json : [];
  const add = h('a', { class: 'btn btn-primary', href: '#/integrations/new', id: 'add-webhook' }, 'Add webhook');
  let body;
  if (integrations.length === 0) {
    body = emptyState('No integrations yet',
      'Add a webhook and every device lifecycle event (provisioned, decommissioned, authentication status '
      + 'changed) is sent to your service as an HTTP POST request.',
      h('a', { class: 'btn btn-primary', href: '#/integrations/new' }, 'Add your first webhook'));
  } else {
    body = h('table', { class: 'table table-responsive', id: 'integrations' },
      h('thead', null, h('tr', null,
        h('th', { scope: 'col' }, 'Endpoint'),
        h('th', { scope: 'col' }, 'Description'),
        h('th', { scope: 'col' }, 'Signature'),
        h('th', { scope: 'col' }, 'Health'),
        h('th', { scope: 'col', class: 'col-actions' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
      h('tbody', null, integrations.map((i) => {
        const url = webhookUrl(i);
        const webhook = i.provider === 'webhook';
        return h('tr', { dataset: { integrationId: i.id } },
          h('td', { 'data-label': 'Endpoint' },
            h('div', { class: 'cell-main' },
              h('span', { class: 'provider' }, PROVIDER_LABELS[i.provider] || i.provider),
              webhook
                ? h('a', { class: 'link-strong integration-link', href: `#/integrations/${i.id}` }, url)
                : h('span', { class: 'muted' }, 'Not delivered by this service'))),
          h('td', { 'data-label': 'Description' }, i.description || h('span', { class: 'muted' }, '—')),
          h('td', { 'data-label': 'Signature' }, webhook ? secretBadge(i) : h('span', { class: 'muted' }, '—')),
          h('td', { 'data-label': 'Health' }, webhook ? healthBadge(i) : h('span', { class: 'muted' }, '—')),
          h('td', { class: 'col-actions' }, webhook ? h('div', { class: 'row-actions' },
            h('a', { class: 'btn btn-sm', href: `#/integrations/${i.id}` }, 'Details'),
            h('a', { class: 'btn btn-sm', href: `#/integrations/${i.id}/activity` }, 'Activity')) : null));
      })));
  }
  ctx.render(
    pageHeader({
      crumbs: breadcrumbs(SETTINGS, { label: 'Integrations' }),
      title: 'Integrations',
      lead: 'Connect this server to your own services. Webhooks notify them of device lifecycle events, so '
        + 'they need not poll.',
    }),
    card('Webhooks', body, integrations.length ? add : null));
}

// ---- forms

function field({ id, label, hint, input, optional }) {
  input.id = id;
  input.name = id;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  input.setAttribute('aria-describedby', `${hintId} ${errorId}`);
  return h('div', { class: 'field', dataset: { field: id } },
    h('label', { for: id, class: 'field-label' }, label, optional ? h('span', { class: 'optional' }, ' (optional)') : null),
    input,
    hint ? h('p', { class: 'field-hint', id: hintId }, hint) : null,
    h('p', { class: 'field-error', id: errorId, hidden: true }));
}

function setFieldError(form, name, message) {
  const input = form.querySelector(`#${name}`);
  const error = form.querySelector(`#${name}-error`);
  input.setAttribute('aria-invalid', 'true');
  input.closest('.field').classList.add('field-invalid');
  error.textContent = capitalize(message);
  error.hidden = false;
}

function clearFieldErrors(form) {
  form.querySelectorAll('.field-invalid').forEach((f) => f.classList.remove('field-invalid'));
  form.querySelectorAll('[aria-invalid]').forEach((i) => i.removeAttribute('aria-invalid'));
  form.querySelectorAll('.field-error').forEach((e) => {
    e.hidden = true;
    e.textContent = '';
  });
}

function randomSecret() {
  const bytes = new Uint8Array(32);
  window.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function urlInput(value) {
  return h('input', {
    type: 'url', class: 'input', required: true, autocomplete: 'off', spellcheck: 'false',
    placeholder: 'https://example.com/hooks/devices', value: value || '',
  });
}

function secretField() {
  const input = h('input', {
    type: 'text', class: 'input input-mono', autocomplete: 'off', spellcheck: 'false',
    placeholder: 'e.g. 32 random bytes as hex',
  });
  const generate = h('button', {
    type: 'button', class: 'btn', id: 'generate-secret',
    onclick: () => {
      input.value = randomSecret();
      input.focus();
      input.select();
    },
  }, 'Generate');
  const f = field({
    id: 'secret', label: 'Secret', optional: true, input,
    hint: 'A hexadecimal key. With it, every request is signed (HMAC-SHA256 in X-Men-Signature and '
      + 'webhook-signature) so your service can check it came from here. It is never shown again: keep a copy.',
  });
  // input and its button side by side
  const group = h('div', { class: 'input-group' });
  input.replaceWith(group);
  group.append(input, generate);
  return f;
}

async function submitting(button, label, work) {
  const original = button.textContent;
  button.disabled = true;
  button.textContent = label;
  try {
    await work();
  } finally {
    button.disabled = false;
    button.textContent = original;
  }
}

/** Shows a 400 next to its field; anything else goes to the banner. */
function showFormError(ctx, form, error, fields) {
  if (error instanceof ApiError && error.status === 400) {
    const about = fieldError(error.message, fields);
    if (about) {
      setFieldError(form, about.field, about.message);
      form.querySelector(`#${about.field}`).focus();
      return;
    }
  }
  if (error instanceof ApiError && error.status === 409) {
    showBanner('error', `${capitalize(error.message)}: this service keeps one integration per tenant unless `
      + 'max_integrations_per_tenant says more. Delete the existing one first.');
    return;
  }
  ctx.fail(error);
}

function credentialsBody(url, secret) {
  const http = { url };
  if (secret !== '') {
    http.secret = secret;
  }
  return { type: 'http', http };
}

// ---- create

export async function createView(ctx) {
  ctx.title('Add webhook');
  const description = h('textarea', { class: 'input', rows: '3', maxlength: '1024' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'create-submit' }, 'Create webhook');
  const form = h('form', { class: 'form', id: 'webhook-form', novalidate: true },
    field({
      id: 'url', label: 'URL', input: urlInput(),
      hint: 'Your service receives an HTTP POST with a JSON body for each device event.',
    }),
    secretField(),
    field({ id: 'description', label: 'Description', optional: true, input: description }),
    h('div', { class: 'form-actions' }, submit, h('a', { class: 'btn btn-quiet', href: '#/integrations' }, 'Cancel')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    const body = {
      provider: 'webhook',
      credentials: credentialsBody(form.url.value.trim(), form.secret.value.trim()),
    };
    if (description.value.trim()) {
      body.description = description.value.trim();
    }
    submitting(submit, 'Creating…', async () => {
      try {
        const created = await api('POST', '/integrations', body);
        const id = (created.location || '').split('/').pop();
        ctx.navigate(id ? `#/integrations/${id}` : '#/integrations', 'Webhook created.');
      } catch (e) {
        showFormError(ctx, form, e, ['url', 'secret', 'description']);
      }
    });
  });
  ctx.render(
    pageHeader({
      crumbs: breadcrumbs(SETTINGS, INTEGRATIONS, { label: 'Add webhook' }),
      title: 'Add a webhook',
      lead: 'Enter the address of your service and, optionally, a secret to sign the requests with.',
    }),
    card(null, form));
  form.url.focus();
}

// ---- details

export async function detailsView(ctx) {
  const id = ctx.params[0];
  const integration = await loadIntegration(ctx, id);
  if (!integration) {
    return;
  }
  ctx.title('Webhook');
  const url = webhookUrl(integration);
  const row = (label, value, key) => h('div', { class: 'dl-row', dataset: { detail: key } },
    h('dt', null, label), h('dd', null, value));
  const deleteButton = h('button', { type: 'button', class: 'btn btn-danger-outline', id: 'delete-webhook' }, 'Delete webhook');
  deleteButton.addEventListener('click', async () => {
    const confirmed = await confirmDialog({
      title: 'Delete this webhook?',
      text: `Device events will no longer be sent to ${url || 'this integration'}. Events already recorded stay in the log.`,
      confirmLabel: 'Delete webhook',
    });
    if (!confirmed) {
      deleteButton.focus();
      return;
    }
    try {
      await api('DELETE', `/integrations/${id}`);
      ctx.navigate('#/integrations', 'Webhook deleted.');
    } catch (e) {
      ctx.fail(e);
    }
  });
  const health = integration.health || null;
  const enableButton = h('button', { type: 'button', class: 'btn btn-primary', id: 'enable-webhook' }, 'Enable');
  enableButton.addEventListener('click', () => submitting(enableButton, 'Enabling…', async () => {
    try {
      const { json } = await api('POST', `/integrations/${id}/enable`);
      ctx.navigate(`#/integrations/${id}`, `Webhook enabled: ${plural(json.queued, 'skipped event')} queued.`);
    } catch (e) {
      ctx.fail(e);
    }
  }));
  const since = h('input', {
    type: 'datetime-local', class: 'input', id: 'recover-since', required: true,
    value: localInput(new Date(Date.now() - 24 * 3600 * 1000)),
  });
  const recoverButton = h('button', { type: 'submit', class: 'btn', id: 'recover-webhook' }, 'Deliver again');
  const recoverForm = h('form', { class: 'recover-form', id: 'recover-form', novalidate: true },
    h('label', { for: 'recover-since', class: 'visually-hidden' }, 'Since'), since, recoverButton);
  recoverForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const date = new Date(since.value);
    if (Number.isNaN(date.getTime())) {
      showBanner('error', 'Enter the time from which failed events are delivered again.');
      since.focus();
      return;
    }
    submitting(recoverButton, 'Queueing…', async () => {
      try {
        const { json } = await api('POST', `/integrations/${id}/recover`, { since: date.toISOString() });
        ctx.navigate(`#/integrations/${id}`, `${plural(json.queued, 'event')} queued for delivery.`);
      } catch (e) {
        ctx.fail(e);
      }
    });
  });
  const disabled = Boolean(health && health.status === 'disabled');
  const healthRows = [
    row('Status', healthBadge(integration), 'health'),
    row('Failures in a row', String(health ? health.consecutive_failures : 0), 'consecutive-failures'),
    row('Last success', when(health && health.last_success_at), 'last-success'),
    row('Last failure', when(health && health.last_failure_at), 'last-failure'),
    row('Failing since', when(health && health.failing_since), 'failing-since'),
  ];
  if (disabled) {
    healthRows.push(row('Disabled', h('span', null, formatTime(health.disabled_at),
      health.disabled_reason ? h('span', { class: 'muted' }, ` — ${health.disabled_reason}`) : null), 'disabled'));
  }
  const healthCard = card('Health', h('div', null,
    h('dl', { class: 'dl', id: 'integration-health' }, ...healthRows),
    h('div', { class: 'manage' },
      disabled ? h('div', { class: 'manage-item' },
        h('div', null, h('h3', { class: 'manage-title' }, 'Disabled'),
          h('p', { class: 'muted' }, 'No attempts are made; its events are kept as skipped. Enabling it '
            + 'delivers them, oldest first, at a bounded rate.')),
        enableButton) : null,
      h('div', { class: 'manage-item' },
        h('div', null, h('h3', { class: 'manage-title' }, 'Deliver failed events again'),
          h('p', { class: 'muted' }, 'Queues every failed or skipped event since the given time, oldest first, '
            + 'at a bounded rate.')),
        disabled ? h('span', { class: 'muted' }, 'Enable it first.') : recoverForm))));
  ctx.render(
    ...integrationHeader(integration, 'details'),
    card('Details', h('dl', { class: 'dl', id: 'integration-details' },
      row('URL', h('code', { class: 'code-inline wrap' }, url), 'url'),
      row('Secret', hasSecret(integration)
        ? h('span', null, h('span', { class: 'badge badge-secret', dataset: { secret: 'set' } }, 'Set'),
          h('span', { class: 'muted' }, ' Requests are signed. The value is never shown.'))
        : h('span', null, h('span', { class: 'badge badge-muted', dataset: { secret: 'none' } }, 'Not set'),
          h('span', { class: 'muted' }, ' Requests are not signed.')), 'secret'),
      row('Description', integration.description || h('span', { class: 'muted' }, '—'), 'description'),
      row('Provider', PROVIDER_LABELS[integration.provider] || integration.provider, 'provider'),
      row('Integration ID', h('code', { class: 'code-inline' }, integration.id), 'id'))),
    healthCard,
    card('Manage', h('div', { class: 'manage' },
      h('div', { class: 'manage-item' },
        h('div', null, h('h3', { class: 'manage-title' }, 'Credentials'),
          h('p', { class: 'muted' }, 'Point the webhook elsewhere or change its secret.')),
        h('a', { class: 'btn', href: `#/integrations/${id}/credentials`, id: 'replace-credentials' }, 'Replace credentials')),
      h('div', { class: 'manage-item' },
        h('div', null, h('h3', { class: 'manage-title' }, 'Delete'),
          h('p', { class: 'muted' }, 'Stop sending events to this service. The events log is kept.')),
        deleteButton))));
}

// ---- replace credentials

export async function credentialsView(ctx) {
  const id = ctx.params[0];
  const integration = await loadIntegration(ctx, id);
  if (!integration) {
    return;
  }
  ctx.title('Replace credentials');
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'credentials-submit' }, 'Save credentials');
  const form = h('form', { class: 'form', id: 'credentials-form', novalidate: true },
    field({ id: 'url', label: 'URL', input: urlInput(webhookUrl(integration)) }),
    secretField(),
    h('p', { class: 'note' }, hasSecret(integration)
      ? 'Saving replaces both the URL and the secret. Leave the secret empty to stop signing requests.'
      : 'Saving replaces the URL. Enter a secret to start signing requests.'),
    h('div', { class: 'form-actions' }, submit, h('a', { class: 'btn btn-quiet', href: `#/integrations/${id}` }, 'Cancel')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    submitting(submit, 'Saving…', async () => {
      try {
        await api('PUT', `/integrations/${id}/credentials`,
          credentialsBody(form.url.value.trim(), form.secret.value.trim()));
        ctx.navigate(`#/integrations/${id}`, 'Credentials replaced.');
      } catch (e) {
        showFormError(ctx, form, e, ['url', 'secret']);
      }
    });
  });
  ctx.render(
    ...integrationHeader(integration, null, { crumbs: [{ label: 'Replace credentials' }], title: 'Replace credentials' }),
    card(null, form));
  form.url.focus();
}
