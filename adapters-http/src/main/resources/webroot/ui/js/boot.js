/*
 * Loaded first, as a classic script: whatever goes wrong later (a script that fails to load or to run,
 * a rejected promise nobody handled), the page says so in the banner instead of going blank.
 */
(function () {
  'use strict';

  function show(message) {
    var banner = document.getElementById('banner');
    if (!banner) {
      document.addEventListener('DOMContentLoaded', function () { show(message); });
      return;
    }
    banner.className = 'banner banner-error';
    banner.hidden = false;
    banner.textContent = 'Something went wrong in the console: ' + String(message).replace(/\.+$/, '')
      + '. Reload the page to try again.';
    var loading = document.querySelector('#view > .loading');
    if (loading) {
      loading.textContent = 'The console could not finish loading.';
    }
  }

  window.__consoleFatal = show;

  window.addEventListener('error', function (event) {
    var target = event.target;
    if (target && target !== window && (target.src || target.href)) {
      show('could not load ' + (target.src || target.href));
    } else {
      show(event.message || 'unknown error');
    }
  }, true);

  window.addEventListener('unhandledrejection', function (event) {
    var reason = event.reason;
    show(reason && reason.message ? reason.message : String(reason));
  });

  // A module that fails to load or parse never starts the app: say so rather than "Loading..." forever.
  window.setTimeout(function () {
    if (!window.__consoleStarted) {
      show('the console did not start');
    }
  }, 15000);
})();
