// Live updates for the sandbox dashboard. Every page works without this file (plain links
// and POST forms); with it, the parts of the page marked data-live refresh in place when
// the server's event stream says something they show has changed.
(function () {
  'use strict';
  // "Copy to clipboard" buttons: hidden without JavaScript, where the text is there to select.
  document.querySelectorAll('[data-copy]').forEach(function (button) {
    var source = document.getElementById(button.getAttribute('data-copy'));
    if (!source || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener('click', function () {
      navigator.clipboard.writeText(source.textContent).then(function () { button.textContent = 'Copied'; }, function () { button.textContent = 'Select the text to copy it'; });
    });
  });

  var url = document.body.getAttribute('data-events');
  var badge = document.querySelector('[data-live-status]');
  if (!url || typeof EventSource === 'undefined') return;

  var busy = false;
  var again = false;
  var timer = null;

  function setBadge(text, state) {
    if (!badge) return;
    badge.textContent = text;
    badge.setAttribute('data-state', state);
  }

  // A region the tester is typing in is left alone until the next change.
  function inUse(el) {
    var active = document.activeElement;
    return active && active !== document.body && el.contains(active) && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName);
  }

  function openDetails(el) {
    var open = [];
    el.querySelectorAll('details[open]').forEach(function (d) {
      var key = d.closest('[data-webhook-id]');
      var n = Array.prototype.indexOf.call(el.querySelectorAll('details'), d);
      open.push((key ? key.getAttribute('data-webhook-id') : '') + '#' + n);
    });
    return open;
  }

  function reopen(el, open) {
    el.querySelectorAll('details').forEach(function (d, n) {
      var key = d.closest('[data-webhook-id]');
      if (open.indexOf((key ? key.getAttribute('data-webhook-id') : '') + '#' + n) >= 0) d.open = true;
    });
  }

  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(window.location.href, { headers: { accept: 'text/html' }, credentials: 'same-origin', cache: 'no-store' })
      .then(function (res) { return res.ok ? res.text() : Promise.reject(new Error('HTTP ' + res.status)); })
      .then(function (html) {
        var next = new DOMParser().parseFromString(html, 'text/html');
        document.querySelectorAll('[data-live]').forEach(function (el) {
          var fresh = next.querySelector('[data-live="' + el.getAttribute('data-live') + '"]');
          if (!fresh || inUse(el)) return;
          var open = openDetails(el);
          el.replaceWith(fresh);
          reopen(fresh, open);
        });
        document.body.setAttribute('data-refreshed', String(Number(document.body.getAttribute('data-refreshed') || '0') + 1));
      })
      .catch(function () { setBadge('live: refresh failed', 'error'); })
      .then(function () {
        busy = false;
        if (again) { again = false; refresh(); }
      });
  }

  var source = new EventSource(url);
  var wasDown = false;
  source.addEventListener('ready', function () {
    setBadge('live', 'on');
    // Back after a drop (a sandbox restart): catch up on what happened meanwhile.
    if (wasDown) { wasDown = false; refresh(); }
  });
  source.addEventListener('change', function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 100);
  });
  source.addEventListener('error', function () { wasDown = true; setBadge('live: reconnecting', 'off'); });
  window.addEventListener('pagehide', function () { source.close(); });
})();
