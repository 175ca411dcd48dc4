// Peer: the HTTP benchmark's journeys as one Step CI workflow — one test per journey, the
// same three requests as its steps, the same checks (status 200 and `$.ok` true), the same
// concurrency (config.concurrency: Step CI runs that many tests at once; steps within a test
// run in order, as a journey's do).

/** The workflow YAML for `journeys` tests against `baseUrl`, `concurrency` at once. */
export function stepciWorkflow(baseUrl, journeys, concurrency) {
  const step = (name, path) =>
    `      - name: ${name}\n        http:\n          url: ${baseUrl}${path}\n          method: GET\n          check:\n            status: 200\n            jsonpath:\n              $.ok: true\n`;
  let out = `version: "1.1"\nname: bench\nconfig:\n  concurrency: ${concurrency}\ntests:\n`;
  for (let i = 0; i < journeys; i++) {
    out += `  http-${i}:\n    name: http-${i}\n    steps:\n${step('a', '/api/a')}${step('b', '/api/b')}${step('item', `/api/items/${i}`)}`;
  }
  return out;
}
