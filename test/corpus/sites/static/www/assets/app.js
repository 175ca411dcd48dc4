// Acme Docs search (first-party bundle): renders the search form, searches a static index.
(function () {
  var pages = ['Install', 'Install on Debian', 'Install behind a proxy', 'Upgrade'];
  var app = document.getElementById('app');
  app.innerHTML =
    '<form id="search"><label for="q">Search the docs</label> <input id="q" name="q"> <button type="submit">Search</button></form>' +
    '<p id="results" role="status"></p>';
  document.getElementById('search').addEventListener('submit', function (event) {
    event.preventDefault();
    var q = document.getElementById('q').value.toLowerCase();
    var hits = pages.filter(function (p) { return p.toLowerCase().indexOf(q) >= 0; });
    document.getElementById('results').textContent = hits.length + ' results for "' + q + '"';
  });
  // The chat widget is not loaded on this site: the call throws after the page has rendered.
  window.Intercom('boot', { app_id: 'corpus' });
})();
