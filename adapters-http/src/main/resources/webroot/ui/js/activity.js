// The Activity tab of a webhook: its events, newest first, paged and refreshed while open; one event
// with its payload, its attempts and a Redeliver button.
import { api, ApiError } from './api.js';
import { h, replaceKeepingFocus } from './dom.js';
import { formatDuration, formatTime, outcome, plural, prettyJson, relative } from './format.js';
import { integrationHeader, loadIntegration } from './integrations.js';
import { card, emptyState, hideBanner, poll, refreshControl, REFRESH_MS, showBanner, stateBadge } from './ui.js';

const PAGE_SIZES = [10, 20, 50, 100];

function positive(text, fallback, max) {
  const n = Number.parseInt(text, 10);
  return Number.isInteger(n) && n > 0 ? Math.min(n, max) : fallback;
}

function statusFor(event, integrationId) {
  return (event.delivery_statuses || []).find((s) => s.integration_id === integrationId);
}

function deviceOf(event) {
  return event.data && typeof event.data.id === 'string' ? event.data.id : '';
}

/** One line under the state badge: what happened last and what happens next. */
function deliverySummary(status, now) {
  if (!status) {
    return '';
  }
  const attempts = plural(status.attempts || 0, 'attempt');
  const last = outcome(status);
  if (status.state === 'pending') {
    const next = status.next_attempt_at
      ? `next attempt ${relative(status.next_attempt_at, now)} (${formatTime(status.next_attempt_at).slice(11)})`
      : 'next attempt soon';
    return status.attempts ? `${attempts}, last ${last} · ${next}` : `Queued · ${next}`;
  }
  return last ? `${last} · ${attempts}` : attempts;
}

/** Stops auto-refresh on a 401 (the sign-in form takes over) and reports other errors once. */
function refreshing(ctx, load) {
  let reported = false;
  return async () => {
    try {
      await load();
      if (reported) {
        reported = false;
        hideBanner(true);
      }
    } catch (e) {
      if (!ctx.alive()) {
        return;
      }
      if (e instanceof ApiError && e.isAuth) {
        ctx.fail(e);
      } else if (!reported) {
        reported = true;
        showBanner('error', `Could not refresh: ${e.message}. Retrying every ${REFRESH_MS / 1000} s.`);
      }
    }
  };
}

// ---- the events list

export async function activityView(ctx) {
  const id = ctx.params[0];
  const page = positive(ctx.query.get('page'), 1, 1000000);
  const perPage = positive(ctx.query.get('per_page'), 20, 500);
  const integration = await loadIntegration(ctx, id);
  if (!integration) {
    return;
  }
  ctx.title('Activity');
  const base = `#/integrations/${id}/activity`;
  const pageHref = (p, size = perPage) => `${base}?page=${p}${size === 20 ? '' : `&per_page=${size}`}`;

  const content = h('div', { class: 'activity', id: 'activity', 'aria-busy': 'true' }, h('p', { class: 'loading' }, 'Loading events…'));
  const sizes = PAGE_SIZES.includes(perPage) ? PAGE_SIZES : [...PAGE_SIZES, perPage].sort((a, b) => a - b);
  const sizeSelect = h('select', { class: 'input input-sm', id: 'per-page' },
    sizes.map((n) => h('option', { value: String(n), selected: n === perPage }, String(n))));
  sizeSelect.addEventListener('change', () => ctx.navigate(pageHref(1, Number(sizeSelect.value))));
  const control = refreshControl();

  const render = (events) => {
    const now = Date.now();
    content.removeAttribute('aria-busy');
    if (events.length === 0) {
      replaceKeepingFocus(content, page > 1
        ? emptyState('No events on this page', 'Newer events are on the first page.',
          h('a', { class: 'btn', href: pageHref(1) }, 'Go to the first page'))
        : emptyState('No events yet',
          'Events appear here as devices are provisioned, decommissioned or change authentication status. '
          + 'This page refreshes by itself.'));
    } else {
      replaceKeepingFocus(content, h('table', { class: 'table table-responsive table-events', id: 'events' },
        h('caption', { class: 'visually-hidden' }, 'Events, newest first'),
        h('thead', null, h('tr', null,
          h('th', { scope: 'col' }, 'Time'),
          h('th', { scope: 'col' }, 'Event'),
          h('th', { scope: 'col' }, 'Device'),
          h('th', { scope: 'col' }, 'Delivery'))),
        h('tbody', null, events.map((event) => {
          const status = statusFor(event, id);
          return h('tr', { class: 'event-row', dataset: { eventId: event.id, state: status ? status.state : 'none' } },
            h('td', { 'data-label': 'Time', class: 'nowrap' },
              h('time', { datetime: event.time, title: event.time }, formatTime(event.time))),
            h('td', { 'data-label': 'Event' },
              h('a', {
                class: 'link-strong event-link', href: `#/integrations/${id}/events/${event.id}`,
                dataset: { focusKey: `event-${event.id}` },
              }, event.type)),
            h('td', { 'data-label': 'Device' }, h('code', { class: 'code-inline device-id', title: deviceOf(event) }, deviceOf(event) || '—')),
            h('td', { 'data-label': 'Delivery' },
              h('div', { class: 'delivery' }, stateBadge(status && status.state),
                h('span', { class: 'delivery-summary' }, deliverySummary(status, now)))));
        }))));
    }
    pagerRow.hidden = page === 1 && events.length === 0;
    const more = events.length === perPage;
    replaceKeepingFocus(pager,
      h('span', { class: 'pager-page', id: 'page-number' }, `Page ${page}`),
      page > 1
        ? h('a', { class: 'btn btn-sm', href: pageHref(page - 1), rel: 'prev', id: 'prev-page', dataset: { focusKey: 'prev' } }, '← Newer')
        : h('span', { class: 'btn btn-sm btn-disabled', 'aria-disabled': 'true' }, '← Newer'),
      more
        ? h('a', { class: 'btn btn-sm', href: pageHref(page + 1), rel: 'next', id: 'next-page', dataset: { focusKey: 'next' } }, 'Older →')
        : h('span', { class: 'btn btn-sm btn-disabled', 'aria-disabled': 'true' }, 'Older →'));
  };
  const pager = h('div', { class: 'pager-buttons' });
  const pagerRow = h('div', { class: 'pager' }, h('label', { class: 'pager-size' }, 'Per page ', sizeSelect), pager);

  ctx.render(
    ...integrationHeader(integration, 'activity'),
    card('Events', h('div', null, content, pagerRow), control.el));

  const poller = poll(refreshing(ctx, async () => {
    const { json } = await api('GET',
      `/events?integration_id=${encodeURIComponent(id)}&page=${page}&per_page=${perPage}`);
    if (ctx.alive()) {
      render(Array.isArray(json) ? json : []);
    }
  }), REFRESH_MS, control.update);
  control.attach(poller);
  ctx.onDispose(() => poller.stop());
}

// ---- one event

export async function eventView(ctx) {
  const [id, eventId] = ctx.params;
  const integration = await loadIntegration(ctx, id);
  if (!integration) {
    return;
  }
  ctx.title('Event');
  const title = h('span', null, 'Event');
  const summary = h('div', { class: 'event-summary', id: 'event-summary' }, h('p', { class: 'loading' }, 'Loading…'));
  const attemptsBody = h('div', { id: 'attempts' }, h('p', { class: 'loading' }, 'Loading…'));
  const payload = h('pre', { class: 'code-block', id: 'payload', tabindex: '0', 'aria-label': 'Payload' });
  const redeliver = h('button', { type: 'button', class: 'btn btn-primary', id: 'redeliver' }, 'Redeliver');
  const redeliverStatus = h('p', { class: 'muted redeliver-status', role: 'status', id: 'redeliver-status' });
  const control = refreshControl();
  let notFound = false;

  const renderEvent = (event) => {
    title.textContent = event.type;
    document.title = `${event.type} · Webhooks · IoT Manager`;
    const status = statusFor(event, id);
    const body = { id: event.id, type: event.type, data: event.data, time: event.time };
    const text = prettyJson(body);
    if (payload.textContent !== text) {
      payload.textContent = text;
    }
    const item = (label, value, key) => h('div', { class: 'dl-row', dataset: { detail: key } }, h('dt', null, label), h('dd', null, value));
    replaceKeepingFocus(summary, h('dl', { class: 'dl dl-compact' },
      item('State', h('div', { class: 'delivery' }, stateBadge(status && status.state),
        h('span', { class: 'delivery-summary' }, deliverySummary(status, Date.now()))), 'state'),
      status && status.error ? item('Last error', h('span', { class: 'text-error' }, status.error), 'error') : null,
      item('Device', h('code', { class: 'code-inline' }, deviceOf(event) || '—'), 'device'),
      item('Time', h('time', { datetime: event.time, title: event.time }, formatTime(event.time, true)), 'time'),
      item('Event ID', h('code', { class: 'code-inline' }, event.id), 'event-id')));
  };

  const renderAttempts = (attempts) => {
    const mine = attempts.filter((a) => a.integration_id === id);
    if (mine.length === 0) {
      replaceKeepingFocus(attemptsBody, emptyState('No attempts yet', 'The first attempt starts right after the event is recorded.'));
      return;
    }
    replaceKeepingFocus(attemptsBody, h('table', { class: 'table table-responsive table-attempts', id: 'attempts-table' },
      h('caption', { class: 'visually-hidden' }, 'Delivery attempts, oldest first'),
      h('thead', null, h('tr', null,
        h('th', { scope: 'col' }, '#'),
        h('th', { scope: 'col' }, 'Time'),
        h('th', { scope: 'col' }, 'Trigger'),
        h('th', { scope: 'col' }, 'Status'),
        h('th', { scope: 'col' }, 'Error'),
        h('th', { scope: 'col' }, 'Response'),
        h('th', { scope: 'col', class: 'num' }, 'Duration'))),
      h('tbody', null, mine.map((a) => {
        const ok = a.status_code >= 200 && a.status_code < 300;
        return h('tr', { class: 'attempt-row', dataset: { attempt: String(a.attempt), trigger: a.trigger, ok: String(ok) } },
          h('td', { 'data-label': '#' }, String(a.attempt)),
          h('td', { 'data-label': 'Time', class: 'nowrap' }, h('time', { datetime: a.time, title: a.time }, formatTime(a.time, true))),
          h('td', { 'data-label': 'Trigger' }, h('span', { class: `tag tag-${a.trigger}` }, a.trigger === 'manual' ? 'Manual' : 'Automatic')),
          h('td', { 'data-label': 'Status' }, a.status_code !== undefined
            ? h('span', { class: `status-code ${ok ? 'status-ok' : 'status-bad'}` }, String(a.status_code))
            : h('span', { class: 'status-code status-bad' }, 'No response')),
          h('td', { 'data-label': 'Error', class: 'attempt-error' }, a.error || h('span', { class: 'muted' }, '—')),
          h('td', { 'data-label': 'Response', class: 'attempt-response' }, a.response_body
            ? h('code', { class: 'response-body', title: a.response_body },
              a.response_body.length > 200 ? `${a.response_body.slice(0, 200)}…` : a.response_body)
            : h('span', { class: 'muted' }, '—')),
          h('td', { 'data-label': 'Duration', class: 'num nowrap' }, formatDuration(a.duration_ms)));
      }))));
  };

  const load = async () => {
    if (notFound) {
      return;
    }
    let event;
    let attempts;
    try {
      [event, attempts] = await Promise.all([
        api('GET', `/events/${eventId}`).then((r) => r.json),
        api('GET', `/events/${eventId}/attempts`).then((r) => r.json),
      ]);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        notFound = true;
        replaceKeepingFocus(summary, emptyState('Event not found', 'It may have expired from the events log.'));
        redeliver.disabled = true;
        return;
      }
      throw e;
    }
    if (ctx.alive()) {
      renderEvent(event);
      renderAttempts(Array.isArray(attempts) ? attempts : []);
    }
  };

  redeliver.addEventListener('click', async () => {
    redeliver.disabled = true;
    redeliverStatus.textContent = 'Requesting redelivery…';
    try {
      await api('POST', `/events/${eventId}/redeliver`, { integration_id: id });
      redeliverStatus.textContent = `Redelivery requested at ${new Date().toTimeString().slice(0, 8)}: `
        + 'a manual attempt is on its way.';
      await poller.refresh();
    } catch (e) {
      redeliverStatus.textContent = '';
      ctx.fail(e);
    } finally {
      redeliver.disabled = notFound;
    }
  });

  ctx.render(
    ...integrationHeader(integration, 'activity', {
      crumbs: [{ label: 'Activity', href: `#/integrations/${id}/activity` }, { label: 'Event' }],
      title,
    }),
    h('div', { class: 'event-layout' },
      card('Delivery', h('div', null, summary,
        h('div', { class: 'redeliver' }, redeliver,
          h('p', { class: 'muted' }, 'Sends this event to the webhook again now, as a manual attempt, whatever its state.'),
          redeliverStatus)), control.el),
      card('Attempts', attemptsBody),
      card('Payload', h('div', null,
        h('p', { class: 'muted' }, 'The JSON body sent to your service (the same bytes on every attempt).'),
        payload))));

  const poller = poll(refreshing(ctx, load), REFRESH_MS, control.update);
  control.attach(poller);
  ctx.onDispose(() => poller.stop());
}
