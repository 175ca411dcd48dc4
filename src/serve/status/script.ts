/**
 * The status page's only script: it polls `GET /api/status` and, when the `revision`
 * changed, fetches the page again and swaps the `#board` element for the new one (parsed
 * with DOMParser, which never runs scripts; the markup is the server's own escaped
 * rendering, the same a reload would show). It also keeps the "12 min ago" texts current.
 * No data is ever turned into markup here, and nothing but this script runs: the CSP allows
 * it by its hash. Without JavaScript the page still shows everything and a <noscript> meta
 * refresh reloads it.
 */
import { createHash } from 'node:crypto';

/** Poll interval of the page (ms). */
export const POLL_MS = 5_000;

export const STATUS_SCRIPT = `(function () {
  var live = document.getElementById('live');
  if (!document.getElementById('board') || !live) return;
  var every = ${POLL_MS};
  function span(s) {
    if (s < 60) return s + 's';
    var m = Math.round(s / 60);
    if (m < 90) return m + ' min';
    var h = Math.round(m / 60);
    return h < 48 ? h + ' h' : Math.round(h / 24) + ' days';
  }
  function ago(iso) {
    var s = Math.round((Date.now() - Date.parse(iso)) / 1000);
    if (isNaN(s)) return '';
    if (Math.abs(s) < 2) return '(now)';
    return s >= 0 ? '(' + span(s) + ' ago)' : '(in ' + span(-s) + ')';
  }
  function times() {
    document.querySelectorAll('[data-ago]').forEach(function (el) { el.textContent = ago(el.getAttribute('data-ago')); });
  }
  function state(ok) {
    live.className = ok ? 'live' : 'live stale';
    live.textContent = ok ? 'live' : 'offline, retrying';
  }
  function swap(text) {
    var next = new DOMParser().parseFromString(text, 'text/html');
    var board = next.getElementById('board');
    var current = document.getElementById('board');
    if (!board || !current) return;
    current.replaceWith(document.adoptNode(board));
    if (next.title) document.title = next.title;
  }
  function poll() {
    fetch('/api/status', { credentials: 'same-origin', cache: 'no-store', headers: { accept: 'application/json' } })
      .then(function (r) {
        if (r.status === 401) { location.reload(); throw new Error('signed out'); }
        if (!r.ok) throw new Error('status ' + r.status);
        return r.json();
      })
      .then(function (status) {
        state(true);
        var board = document.getElementById('board');
        if (board && status.revision === board.getAttribute('data-revision')) return;
        return fetch(location.pathname + location.search, { credentials: 'same-origin', cache: 'no-store' })
          .then(function (r) { if (!r.ok) throw new Error('status ' + r.status); return r.text(); })
          .then(swap);
      })
      .catch(function () { state(false); })
      .then(function () { times(); setTimeout(poll, every); });
  }
  live.hidden = false;
  times();
  setTimeout(poll, every);
})();`;

/** `'sha256-…'` for the CSP `script-src`. */
export const STATUS_SCRIPT_HASH = `'sha256-${createHash('sha256').update(STATUS_SCRIPT, 'utf8').digest('base64')}'`;
