// Pieces shared by the views: page header, tabs, badges, banner, confirm dialog, polling.
import { h } from './dom.js';

export const REFRESH_MS = 3000;

export function breadcrumbs(...items) {
  return h('nav', { class: 'breadcrumbs', 'aria-label': 'Breadcrumb' },
    h('ol', null, items.map((item, i) => h('li', null,
      item.href && i < items.length - 1
        ? h('a', { href: item.href }, item.label)
        : h('span', { 'aria-current': i === items.length - 1 ? 'page' : null }, item.label)))));
}

export function pageHeader({ crumbs, title, lead, actions }) {
  return h('header', { class: 'page-header' },
    crumbs,
    h('div', { class: 'page-title-row' },
      h('h1', { class: 'page-title', tabindex: '-1' }, title),
      actions ? h('div', { class: 'page-actions' }, actions) : null),
    lead ? h('p', { class: 'lead' }, lead) : null);
}

/** The Details / Activity tabs of one integration (links: each tab has its own address). */
export function integrationTabs(id, current) {
  const tab = (key, label, href) => h('a', {
    class: `tab${key === current ? ' tab-current' : ''}`,
    href,
    'aria-current': key === current ? 'page' : null,
  }, label);
  return h('nav', { class: 'tabs', 'aria-label': 'Webhook' },
    tab('details', 'Details', `#/integrations/${id}`),
    tab('activity', 'Activity', `#/integrations/${id}/activity`));
}

const STATE_LABELS = { delivered: 'Delivered', pending: 'Pending', failed: 'Failed', skipped: 'Skipped' };

export function stateBadge(state) {
  return h('span', { class: `badge badge-${state || 'none'}`, dataset: { state: state || 'none' } },
    STATE_LABELS[state] || 'No delivery');
}

export function emptyState(title, text, action) {
  return h('div', { class: 'empty' },
    h('div', { class: 'empty-icon', 'aria-hidden': 'true' }),
    h('h3', { class: 'empty-title' }, title),
    h('p', { class: 'empty-text' }, text),
    action || null);
}

export function card(title, body, headerExtra) {
  return h('section', { class: 'card' },
    title ? h('div', { class: 'card-header' }, h('h2', { class: 'card-title' }, title), headerExtra || null) : null,
    h('div', { class: 'card-body' }, body));
}

// ---- the banner (errors and confirmations that are not about one field)

let bannerSticky = false;

export function showBanner(kind, message, { sticky = false } = {}) {
  const banner = document.getElementById('banner');
  bannerSticky = sticky;
  banner.className = `banner banner-${kind}`;
  banner.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  banner.replaceChildren(
    h('span', { class: 'banner-text' }, message),
    h('button', {
      type: 'button', class: 'banner-close', 'aria-label': 'Dismiss', onclick: () => hideBanner(true),
    }, '×'));
  banner.hidden = false;
}

/** Hides the banner; a sticky one (a message meant for the next page) survives one navigation. */
export function hideBanner(force = false) {
  if (bannerSticky && !force) {
    bannerSticky = false;
    return;
  }
  const banner = document.getElementById('banner');
  banner.hidden = true;
  banner.replaceChildren();
}

// ---- the confirm dialog (a <dialog> in the page, so keyboard users and tests can drive it)

export function confirmDialog({ title, text, confirmLabel }) {
  const dialog = document.getElementById('confirm-dialog');
  document.getElementById('confirm-title').textContent = title;
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-ok').textContent = confirmLabel;
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm'), { once: true });
    dialog.showModal();
    document.getElementById('confirm-cancel').focus();
  });
}

// ---- auto-refresh

/**
 * Calls {@code load} now and then every {@code ms} while the page is visible and not paused; runs it at
 * once when the tab becomes visible again. Returns {stop, pause, resume, paused, refresh}.
 */
export function poll(load, ms, onState) {
  let timer = null;
  let running = false;
  let paused = false;
  let stopped = false;

  const tick = async () => {
    if (running || stopped) {
      return;
    }
    running = true;
    try {
      await load();
    } finally {
      running = false;
      if (onState && !stopped) {
        onState({ paused, hidden: document.hidden, at: new Date() });
      }
    }
  };
  const schedule = () => {
    window.clearInterval(timer);
    timer = null;
    if (!paused && !stopped && !document.hidden) {
      timer = window.setInterval(tick, ms);
    }
  };
  const onVisibility = () => {
    if (!document.hidden && !paused) {
      tick();
    }
    schedule();
  };
  document.addEventListener('visibilitychange', onVisibility);
  tick();
  schedule();
  return {
    stop() {
      stopped = true;
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    },
    pause() {
      paused = true;
      schedule();
    },
    resume() {
      paused = false;
      tick();
      schedule();
    },
    get paused() {
      return paused;
    },
    refresh: tick,
  };
}

/** "Auto-refresh every 3 s · updated 12:00:03" with a Pause / Resume button. */
export function refreshControl(poller) {
  const status = h('span', { class: 'refresh-status', 'aria-live': 'off' }, 'Loading…');
  const button = h('button', { type: 'button', class: 'btn btn-quiet btn-sm', dataset: { focusKey: 'pause' } }, 'Pause');
  const el = h('div', { class: 'refresh' }, h('span', { class: 'refresh-dot', 'aria-hidden': 'true' }), status, button);
  const update = ({ at } = {}) => {
    const live = poller && !poller.paused;
    el.classList.toggle('refresh-paused', !live);
    button.textContent = live ? 'Pause auto-refresh' : 'Resume auto-refresh';
    const time = at ? at.toTimeString().slice(0, 8) : null;
    status.textContent = (live ? `Auto-refresh every ${REFRESH_MS / 1000} s` : 'Auto-refresh paused')
      + (time ? ` · updated ${time}` : '');
  };
  button.addEventListener('click', () => {
    if (poller.paused) {
      poller.resume();
    } else {
      poller.pause();
    }
    update({ at: new Date() });
  });
  return {
    el,
    attach(p) {
      poller = p;
      update();
    },
    update,
  };
}
