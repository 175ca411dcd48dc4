/**
 * The only script in the report: the outcome/layer filter. It reads `data-outcome` and
 * `data-layer` attributes (escaped by the renderer) and toggles `hidden`; it never builds
 * markup, never uses innerHTML, never touches data as code. Without JavaScript the filter
 * form stays hidden and every journey is shown.
 *
 * The CSP allows exactly this script by its hash, so an injected <script> could not run
 * even if escaping failed somewhere.
 */
import { createHash } from 'node:crypto';

export const FILTER_SCRIPT = `(function () {
  var form = document.getElementById('filter');
  if (!form) return;
  form.hidden = false;
  var outcome = form.querySelector('select[name="outcome"]');
  var layer = form.querySelector('select[name="layer"]');
  var shown = document.getElementById('shown');
  function matches(el) {
    var o = outcome.value, l = layer.value, eo = el.getAttribute('data-outcome');
    var okOutcome = !o || (o === 'attention' ? eo !== 'passed' && eo !== 'skipped' : eo === o);
    return okOutcome && (!l || el.getAttribute('data-layer') === l);
  }
  function apply() {
    var count = 0;
    document.querySelectorAll('[data-outcome]').forEach(function (el) {
      var ok = matches(el);
      el.hidden = !ok;
      if (ok && el.tagName === 'SECTION') count += 1;
    });
    shown.textContent = count + (count === 1 ? ' journey shown' : ' journeys shown');
  }
  form.addEventListener('change', apply);
  form.addEventListener('reset', function () { setTimeout(apply, 0); });
  // A copied link to a journey the filter hides must still land on it.
  function reveal() {
    var target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target && target.hidden) { form.reset(); apply(); target.scrollIntoView(); }
  }
  window.addEventListener('hashchange', reveal);
  apply();
  reveal();
})();`;

/** `'sha256-…'` for the CSP `script-src`. */
export const FILTER_SCRIPT_HASH = `'sha256-${createHash('sha256').update(FILTER_SCRIPT, 'utf8').digest('base64')}'`;
