import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from './diagnostics.js';
import { loadJourneyText } from './load.js';
import { LOAD_LIMITS } from './yaml-source.js';

const FILE = 'journeys/x.yaml';
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

function problems(source: string | Uint8Array, env: Record<string, string> = {}): string[] {
  const result = loadJourneyText(source, FILE, { env });
  if (result.ok) throw new Error('expected the journey to be rejected');
  return result.diagnostics.map(formatDiagnostic);
}

const BILLION_LAUGHS = `name: bomb
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
entry:
  - goto: /
`;

describe('loadJourneyText: one diagnostic line per bad input', () => {
  it.each<[string, string | Uint8Array, string[]]>([
    ['empty file', '', [`${FILE}:1:1  the file is empty: expected a journey (a mapping with name and steps in entry, open, action or result)`]],
    ['comments only', '# nothing yet\n', [`${FILE}:1:1  the file is empty: expected a journey (a mapping with name and steps in entry, open, action or result)`]],
    ['a list', '- goto: /\n', [`${FILE}:1:1  expected a journey (a mapping with name and steps in entry, open, action or result), got list`]],
    ['a scalar', '\nhello\n', [`${FILE}:2:1  expected a journey (a mapping with name and steps in entry, open, action or result), got string`]],
    ['tab indentation', 'name: x\nentry:\n\t- goto: /\n', [`${FILE}:3:1  tabs are not allowed for indentation: indent with spaces`]],
    [
      'unknown step key',
      'name: x\nentry:\n  - goto: /\n  - click: { rol: button, name: Go }\n',
      [`${FILE}:4:14  entry[1].click  unknown key "rol": did you mean "role"?`],
    ],
    ['misspelt top-level field', 'name: x\ntgas: [canary]\nentry:\n  - goto: /\n', [`${FILE}:2:1  unknown key "tgas": did you mean "tags"?`]],
    [
      'bad status class',
      'name: x\nresult:\n  - request: GET /\n    expect:\n      status: 2x\n',
      [`${FILE}:5:15  result[0].expect.status  expected a status code or a class such as 2xx`],
    ],
    ['status out of range', 'name: x\nresult:\n  - request: GET /\n    expect: { status: 700 }\n', [`${FILE}:4:23  result[0].expect.status  expected at most 599, got 700`]],
    ['duplicate key', 'name: x\nentry:\n  - goto: /\nname: y\n', [`${FILE}:4:1  duplicate key "name"`]],
    [
      'alias bomb (billion laughs)',
      BILLION_LAUGHS,
      [`${FILE}:3:8  b[0]  too many aliases (more than ${LOAD_LIMITS.maxAliasCount} expansions): this looks like an alias bomb`],
    ],
    ['alias without anchor', 'name: *x\nentry:\n  - goto: /\n', [`${FILE}:1:7  name  alias *x has no anchor &x before it`]],
    [
      '200-level nesting',
      `name: x\nentry:\n  - goto: /\ndeep: ${'['.repeat(200)}${']'.repeat(200)}\n`,
      [`${FILE}:4:71  deep  nesting is deeper than 64 levels`],
    ],
    [
      'invalid UTF-8 bytes',
      new Uint8Array([...utf8('name: x\ndescription: caf'), 0xe9, ...utf8('\nentry:\n  - goto: /\n')]),
      [`${FILE}:2:17  the file is not valid UTF-8 (byte 0xE9): save it as UTF-8`],
    ],
    [
      'missing ${VAR}',
      'name: x\ntarget: ${BASE_URL}\nentry:\n  - goto: /\n',
      [`${FILE}:2:9  target  environment variable BASE_URL is not set (use \${BASE_URL:-default} for a default)`],
    ],
    [
      'missing secret',
      'name: x\nresult:\n  - request:\n      url: /api\n      headers: { authorization: "Bearer ${secret:API_TOKEN}" }\n',
      [`${FILE}:5:33  result[0].request.headers.authorization  secret API_TOKEN is not set in the environment`],
    ],
    [
      'two actions in a step',
      'name: x\nentry:\n  - click: Go\n    fill: { label: Amount, value: "1" }\n',
      [`${FILE}:4:5  entry[0]  one action per step: found click and fill`],
    ],
    [
      'no action in a step',
      'name: x\nentry:\n  - name: just a name\n',
      [`${FILE}:3:5  entry[0]  a step needs one action: request, goto, click, fill, press, select, check, see, notSee, expectUrl, screenshot, wait`],
    ],
    ['misspelt action', 'name: x\nentry:\n  - clik: Go\n', [`${FILE}:3:5  entry[0]  unknown key "clik": did you mean "click"?`]],
    ['a step that is not a mapping', 'name: x\nentry:\n  - goto\n', [`${FILE}:3:5  entry[0]  expected a step (a mapping with one action, e.g. "goto: /"), got string`]],
    ['invalid goto URL', 'name: x\nentry:\n  - goto: not a url\n', [`${FILE}:3:11  entry[0].goto  expected a path starting with / or an absolute http(s) URL`]],
    ['goto with a number', 'name: x\nentry:\n  - goto: 5\n', [`${FILE}:3:11  entry[0].goto  expected a string or a mapping, got number`]],
    [
      'invalid cron',
      'name: x\nschedule: every minute\nentry:\n  - goto: /\n',
      [`${FILE}:2:11  schedule  expected a cron expression such as "*/5 * * * *" (5 or 6 fields)`],
    ],
    [
      'capture used before it is defined',
      'name: x\nentry:\n  - goto: /orders/{{ orderId }}\n  - request: GET /api/orders/latest\n    capture: { orderId: $.id }\n',
      [`${FILE}:3:11  entry[0].goto  {{ orderId }} is used before it is captured: it is captured later, by entry[1]`],
    ],
    [
      'capture never defined',
      'name: x\nopen:\n  - see: "Order {{ orderId }}"\n',
      [`${FILE}:3:10  open[0].see  {{ orderId }} is used before it is captured: no step captures it (add "capture: { orderId: … }" to an earlier step)`],
    ],
    [
      'capture used by the step that captures it',
      'name: x\nentry:\n  - request: GET /x/{{id}}\n    capture: { id: $.id }\n',
      [`${FILE}:3:14  entry[0].request  {{ id }} is used before it is captured: this step captures it itself: a capture is usable from the next step on`],
    ],
    ['missing required field', 'name: x\nentry:\n  - fill: { label: Amount }\n', [`${FILE}:3:5  entry[0].fill.value  missing required field "value"`]],
    ['missing name', 'entry:\n  - goto: /\n', [`${FILE}:1:1  name  missing required field "name"`]],
    ['enum', 'name: x\nprotects: dat\nentry:\n  - goto: /\n', [`${FILE}:2:11  protects  expected one of data, code, identity: did you mean "data"?`]],
    ['wrong type', 'name: x\nretries: many\nentry:\n  - goto: /\n', [`${FILE}:2:10  retries  expected a number, got string`]],
    ['no steps at all', 'name: x\ndescription: d\n', [`${FILE}:1:1  a journey needs at least one step in entry, open, action or result`]],
    ['two YAML documents', 'name: x\nentry:\n  - goto: /\n---\nname: y\n', [`${FILE}:4:1  one journey per file: this file holds a second YAML document (---)`]],
    ['invalid capture name', 'name: x\nentry:\n  - request: GET /\n    capture: { order-id: $.id }\n', [`${FILE}:4:16  entry[0].capture  invalid key "order-id": capture names are identifiers`]],
    ['YAML syntax error', 'name: x\nentry: [goto\n', [`${FILE}:3:1  YAML: flow sequence in block collection must be sufficiently indented and end with a ]`]],
    [
      'warnMs not below maxMs',
      'name: x\nentry:\n  - request: GET /\n    expect: { maxMs: 500, warnMs: 800 }\n',
      [`${FILE}:4:35  entry[0].expect.warnMs  warnMs must be below maxMs: the warning comes before the failure`],
    ],
    ['warnAfter on an HTTP step (it takes expect.warnMs)', 'name: x\nentry:\n  - request: GET /\n    warnAfter: 2s\n', [`${FILE}:4:5  entry[0]  unknown key "warnAfter"`]],
    ['a bad warnAfter', 'name: x\nwarnAfter: soon\nentry:\n  - goto: /\n', [`${FILE}:2:12  warnAfter  expected a duration such as 500ms, 30s, 1m30s, 2m or 1h`]],
    ['traceparent is a boolean', 'name: x\ntraceparent: off\nentry:\n  - goto: /\n', [`${FILE}:2:14  traceparent  expected true or false, got string`]],
  ])('%s', (_label, source, expected) => {
    expect(problems(source)).toEqual(expected);
  });
});

describe('loadJourneyText: several problems', () => {
  it('reports all three problems of one file, in file order, each at its place', () => {
    const source = ['name: Bad Name', 'retries: many', 'entry:', '  - goto: /', '  - clik: Submit', ''].join('\n');
    expect(problems(source)).toEqual([
      `${FILE}:1:7  name  use lower-case letters, digits and dashes, e.g. refund-request`,
      `${FILE}:2:10  retries  expected a number, got string`,
      `${FILE}:5:5  entry[1]  unknown key "clik": did you mean "click"?`,
    ]);
  });

  it('gives structured positions, not only text', () => {
    const result = loadJourneyText('name: x\nentry:\n  - goto: /\n  - click: { rol: button }\n', FILE, { env: {} });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.diagnostics).toEqual([
      { file: FILE, line: 4, column: 14, path: 'entry[1].click', message: 'unknown key "rol": did you mean "role"?', severity: 'error' },
    ]);
  });

  it('does not pile a validation error on a failed interpolation', () => {
    // `target: ${BASE_URL}` unresolved is not also "expected an absolute http(s) URL".
    expect(problems('name: x\ntarget: ${BASE_URL}\nschedule: nope\nentry:\n  - goto: /\n')).toEqual([
      `${FILE}:2:9  target  environment variable BASE_URL is not set (use \${BASE_URL:-default} for a default)`,
      `${FILE}:3:11  schedule  expected a cron expression such as "*/5 * * * *" (5 or 6 fields)`,
    ]);
  });

  it('rejects a file over the size cap without parsing it', () => {
    const big = `name: x\ndescription: "${'a'.repeat(LOAD_LIMITS.maxBytes)}"\nentry:\n  - goto: /\n`;
    const [line] = problems(big);
    expect(line).toMatch(new RegExp(`^${FILE}:1:1  the file is too large \\(\\d+ bytes; the limit is 1 MiB\\)$`));
  });

  it('reports nesting too deep for the YAML parser itself (5000 levels)', () => {
    // Where yaml's own recursion gives up depends on the stack size: assert the line only.
    const [line, ...rest] = problems(`name: x\ndeep: ${'['.repeat(5000)}${']'.repeat(5000)}\n`);
    expect(rest).toEqual([]);
    expect(line).toMatch(new RegExp(`^${FILE}:2:\\d+  nesting is too deep to parse \\(more than 64 levels\\)$`));
  });

  it('never throws on odd input', () => {
    for (const source of ['{', ']', '- - - -', ': :', '!!binary x', '&a [*a]', 'name: !!binary AAAA\nentry: [{goto: /}]', '"\\u', '\0\0\0']) {
      const result = loadJourneyText(source, FILE, { env: {} });
      expect(result.ok).toBe(false);
    }
  });
});

const VALID = `# yaml-language-server: $schema=../schema/journey.schema.json
name: refund-request
description: A customer can request a refund from an order page
tags: [canary, post-rollback]
protects: data
target: \${BASE_URL}
schedule: "*/5 * * * *"
timeout: 30s
retries: 1
runtime:
  version:
    request: GET /version
    json: $.version
    expect: \${EXPECTED_VERSION:-2.0.3}
entry:
  - goto: /
  - see: { role: link, name: Refunds }
open:
  - click: { role: link, name: Refunds }
  - see: Refund request
action:
  - fill: { label: Password, value: "\${secret:SHOP_PASSWORD}" }
  - click: { role: button, name: Submit }
result:
  - see: Refund requested
  - request:
      url: /api/refunds/latest
      headers: { authorization: "Bearer \${secret:API_TOKEN}" }
    expect:
      status: 200
      json: { $.amount: 120 }
      maxMs: 800
    capture: { refundId: $.id }
  - request: GET /api/refunds/{{refundId}}
    expect: { status: 2xx }
`;

describe('loadJourneyText: a valid journey', () => {
  const env = { BASE_URL: 'https://shop.example', SHOP_PASSWORD: 'hunter2', API_TOKEN: 'tok-123' };

  it('loads with secrets recorded, by name too', () => {
    const result = loadJourneyText(utf8(VALID), FILE, { env });
    if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join('\n'));
    const { journey, secrets, namedSecrets, file, warnings } = result.journey;
    expect(file).toBe(FILE);
    expect(warnings).toEqual([]);
    expect(secrets.sort()).toEqual(['hunter2', 'tok-123']);
    expect(namedSecrets).toEqual(expect.arrayContaining([{ name: 'SHOP_PASSWORD', value: 'hunter2' }, { name: 'API_TOKEN', value: 'tok-123' }]));
    expect(journey.target).toBe('https://shop.example');
    expect(journey.timeout).toBe(30_000);
    expect(journey.runtime?.version?.expect).toBe('2.0.3');
    expect(journey.action?.[0]).toEqual({ fill: { label: 'Password', value: 'hunter2' } });
    expect(journey.result?.[2]).toEqual({ request: 'GET /api/refunds/{{refundId}}', expect: { status: '2xx' } });
  });

  it('defaults tags, and has no secrets without references', () => {
    const result = loadJourneyText('name: api\nresult:\n  - request: GET /healthz\n', FILE, { env: {} });
    expect(result.ok && result.journey.journey.tags).toEqual([]);
    expect(result.ok && result.journey.secrets).toEqual([]);
  });

  it('keeps $${…} as a literal ${…}', () => {
    const result = loadJourneyText('name: x\nentry:\n  - see: "costs $${PRICE}"\n', FILE, { env: {} });
    expect(result.ok && result.journey.journey.entry?.[0]).toEqual({ see: 'costs ${PRICE}' });
  });
});
