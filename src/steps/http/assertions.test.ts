import { describe, expect, it } from 'vitest';
import { Expect } from '../../journey/schema.js';
import type { HttpObservation } from '../../result/types.js';
import { checkExpect, checkStatus, deepEqual, isMatcher } from './assertions.js';

function observation(overrides: Partial<HttpObservation> = {}): HttpObservation {
  return {
    kind: 'http',
    method: 'GET',
    url: 'http://app.test/api/refunds/latest',
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': '64', server: 'nginx/1.22.1' },
    body: JSON.stringify({
      amount: 100,
      currency: 'EUR',
      status: 'requested',
      items: [{ id: 1 }, { id: 2 }],
      note: null,
      tags: ['a', 'b'],
      nested: { ok: true },
    }),
    bodyBytes: 64,
    bodyTruncated: false,
    timings: { totalMs: 912.4 },
    redirects: [],
    ...overrides,
  };
}

/** Parse through the schema, as the runner does, so tests use the real input shapes. */
function check(expect: unknown, seen: HttpObservation = observation()) {
  return checkExpect(Expect.parse(expect), seen);
}

describe('status', () => {
  it.each([
    [undefined, 200, 'status (200) in [2xx, 3xx]', true],
    [undefined, 302, 'status (302) in [2xx, 3xx]', true],
    [undefined, 404, 'status (404) in [2xx, 3xx]', false],
    [undefined, 199, 'status (199) in [2xx, 3xx]', false],
    [200, 200, 'status (200) == 200', true],
    [200, 404, 'status (404) == 200', false],
    ['2xx', 204, 'status (204) in [2xx]', true],
    ['2xx', 503, 'status (503) in [2xx]', false],
    ['5xx', 503, 'status (503) in [5xx]', true],
    [[200, 204], 204, 'status (204) in [200, 204]', true],
    [[200, '3xx'], 301, 'status (301) in [200, 3xx]', true],
    [[200, '3xx'], 404, 'status (404) in [200, 3xx]', false],
  ] as const)('%j with %i → %s', (spec, status, expression, passed) => {
    const result = checkStatus(spec as Parameters<typeof checkStatus>[0], status);
    expect(result).toMatchObject({ kind: 'status', expression, actual: status, passed });
  });
});

describe('headers', () => {
  it.each([
    [{ server: 'nginx/1.22.1' }, 'header server ("nginx/1.22.1") == "nginx/1.22.1"', true],
    // Names are case-insensitive, values exact.
    [{ Server: 'NGINX/1.22.1' }, 'header server ("nginx/1.22.1") == "NGINX/1.22.1"', false],
    [{ 'x-missing': 'a' }, 'header x-missing (missing) == "a"', false],
    [{ 'content-type': { contains: 'json' } }, 'header content-type ("application/json; charset=utf-8") contains "json"', true],
    [{ 'content-type': { contains: 'html' } }, 'header content-type ("application/json; charset=utf-8") contains "html"', false],
    [{ 'content-length': { gt: 10 } }, 'header content-length ("64") > 10', true],
    [{ 'x-missing': { exists: false } }, 'header x-missing (missing) does not exist', true],
    [{ server: { exists: false } }, 'header server ("nginx/1.22.1") does not exist', false],
    [{ server: { regex: '^nginx/1\\.' } }, 'header server ("nginx/1.22.1") matches /^nginx/1\\./', true],
  ])('%j → %s', (headers, expression, passed) => {
    const results = check({ headers }).filter((r) => r.kind === 'header');
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ expression, passed });
  });
});

describe('json', () => {
  it.each([
    [{ '$.amount': 100 }, '$.amount (100) == 100', true],
    [{ '$.amount': 120 }, '$.amount (100) == 120', false],
    // Strict: a string is not a number.
    [{ '$.amount': '100' }, '$.amount (100) == "100"', false],
    [{ '$.currency': 'EUR' }, '$.currency ("EUR") == "EUR"', true],
    [{ '$.note': null }, '$.note (null) == null', true],
    [{ '$.missing': 1 }, '$.missing (missing) == 1', false],
    [{ '$.items[*].id': [1, 2] }, '$.items[*].id ([1,2]) == [1,2]', true],
    [{ '$.nested': { ok: true } }, '$.nested ({"ok":true}) == {"ok":true}', true],
    [{ '$.nested': { equals: { ok: false } } }, '$.nested ({"ok":true}) == {"ok":false}', false],
    [{ '$.amount': { notEquals: 0 } }, '$.amount (100) != 0', true],
    [{ '$.amount': { notEquals: 100 } }, '$.amount (100) != 100', false],
    [{ '$.status': { contains: 'quest' } }, '$.status ("requested") contains "quest"', true],
    [{ '$.status': { notContains: 'refused' } }, '$.status ("requested") does not contain "refused"', true],
    [{ '$.missing': { notContains: 'x' } }, '$.missing (missing) does not contain "x"', true],
    [{ '$.missing': { contains: 'x' } }, '$.missing (missing) contains "x"', false],
    [{ '$.status': { regex: '^req' } }, '$.status ("requested") matches /^req/', true],
    [{ '$.amount': { regex: '^1\\d\\d$' } }, '$.amount (100) matches /^1\\d\\d$/', true],
    [{ '$.note': { exists: true } }, '$.note (null) exists', true],
    [{ '$.missing': { exists: true } }, '$.missing (missing) exists', false],
    [{ '$.amount': { gt: 99 } }, '$.amount (100) > 99', true],
    [{ '$.amount': { gt: 100 } }, '$.amount (100) > 100', false],
    [{ '$.amount': { gte: 100 } }, '$.amount (100) >= 100', true],
    [{ '$.amount': { lt: 100 } }, '$.amount (100) < 100', false],
    [{ '$.amount': { lte: 100 } }, '$.amount (100) <= 100', true],
    [{ '$.currency': { gt: 1 } }, '$.currency ("EUR") > 1', false],
    [{ '$.tags': { type: 'array' } }, '$.tags type (array) == array', true],
    [{ '$.note': { type: 'null' } }, '$.note type (null) == null', true],
    [{ '$.nested': { type: 'object' } }, '$.nested type (object) == object', true],
    [{ '$.amount': { type: 'string' } }, '$.amount type (number) == string', false],
    [{ '$.missing': { type: 'string' } }, '$.missing type (missing) == string', false],
    [{ '$.tags': { length: 2 } }, '$.tags length (2) == 2', true],
    [{ '$.currency': { length: 3 } }, '$.currency length (3) == 3', true],
    [{ '$.amount': { length: 3 } }, '$.amount length (not a string or array: 100) == 3', false],
  ])('%j → %s', (json, expression, passed) => {
    const results = check({ json });
    const jsonResults = results.filter((r) => r.kind === 'json');
    expect(jsonResults).toHaveLength(1);
    expect(jsonResults[0]).toMatchObject({ expression, passed, subject: Object.keys(json)[0] });
  });

  it('checks every key of a matcher', () => {
    const results = check({ json: { '$.amount': { gte: 1, lte: 50 } } }).filter((r) => r.kind === 'json');
    expect(results.map((r) => [r.expression, r.passed])).toEqual([
      ['$.amount (100) >= 1', true],
      ['$.amount (100) <= 50', false],
    ]);
  });

  it('a body that is not JSON is one failed "body is JSON" assertion', () => {
    const results = check({ json: { '$.a': 1, '$.b': 2 } }, observation({ body: '<html>502 Bad Gateway</html>' }));
    const json = results.filter((r) => r.kind === 'json');
    expect(json).toHaveLength(1);
    expect(json[0]).toMatchObject({ expression: 'body is JSON', passed: false });
    expect(String(json[0]?.actual)).toMatch(/^invalid JSON: /);
  });

  it('an invalid JSON path is a failed assertion, not a throw', () => {
    const [result] = check({ json: { '$[?(@.x)]': 1 } }).filter((r) => r.kind === 'json');
    expect(result).toMatchObject({ passed: false });
    expect(result?.expression).toContain('filters and scripts are not supported');
  });

  it('an invalid regex (the schema refuses it at load; a {{ capture }} can still make one) is a failed assertion saying so', () => {
    const [result] = checkExpect({ json: { '$.status': { regex: '[a-' } } } as Expect, observation()).filter((r) => r.kind === 'json');
    expect(result?.passed).toBe(false);
    expect(result?.expression).toMatch(/^invalid regex \/\[a-\/ for \$\.status: /);
  });

  it('keeps long values short', () => {
    const long = 'x'.repeat(5000);
    const [result] = check({ json: { '$.v': 'y' } }, observation({ body: JSON.stringify({ v: long }) })).filter(
      (r) => r.kind === 'json',
    );
    expect(result?.expression.length).toBeLessThan(200);
    expect(String(result?.actual).length).toBeLessThanOrEqual(120);
  });
});

describe('body', () => {
  it.each([
    ['requested', 'body contains "requested"', true],
    ['Refund requested', 'body contains "Refund requested"', false],
    [{ contains: 'EUR' }, 'body contains "EUR"', true],
    [{ notContains: 'error' }, 'body does not contain "error"', true],
    [{ notContains: 'EUR' }, 'body does not contain "EUR"', false],
    [{ regex: '"amount":\\s*\\d+' }, 'body matches /"amount":\\s*\\d+/', true],
    [{ regex: '^<html' }, 'body matches /^<html/', false],
  ])('%j → %s', (body, expression, passed) => {
    const results = check({ body }).filter((r) => r.kind === 'body');
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ expression, passed });
  });

  it('never dumps the body in the expression', () => {
    const big = observation({ body: 'a'.repeat(10_000) });
    const [result] = check({ body: 'b' }, big).filter((r) => r.kind === 'body');
    expect(result?.expression).toBe('body contains "b"');
    expect(String(result?.actual).length).toBeLessThanOrEqual(120);
  });

  it('an invalid regex is a failed assertion', () => {
    const [result] = checkExpect({ body: { regex: '(' } } as Expect, observation()).filter((r) => r.kind === 'body');
    expect(result?.passed).toBe(false);
    expect(result?.expression).toMatch(/^invalid regex \/\(\/ for body: /);
  });

  it('a backtracking pattern against a hostile body is answered, in linear time (RE2)', () => {
    // RegExp would run ^(a+)+$ over this body for longer than any deadline, blocking the event loop.
    const hostile = observation({ body: `${'a'.repeat(100_000)}!` });
    const [result] = check({ body: { regex: '^(a+)+$' } }, hostile).filter((r) => r.kind === 'body');
    expect(result).toMatchObject({ expression: 'body matches /^(a+)+$/', passed: false });
  });
});

describe('maxMs', () => {
  it.each([
    [800, 'duration (912ms) <= 800ms', false],
    [1000, 'duration (912ms) <= 1000ms', true],
  ])('%i → %s', (maxMs, expression, passed) => {
    const results = check({ maxMs }).filter((r) => r.kind === 'maxMs');
    expect(results).toEqual([{ kind: 'maxMs', expression, expected: maxMs, actual: 912, passed }]);
  });
});

describe('checkExpect', () => {
  it('always checks the status (default 2xx/3xx) first, then the rest in order', () => {
    const results = check({ headers: { server: 'nginx/1.22.1' }, json: { '$.amount': 100 }, body: 'EUR', maxMs: 2000 });
    expect(results.map((r) => r.kind)).toEqual(['status', 'header', 'json', 'body', 'maxMs']);
    expect(results.every((r) => r.passed)).toBe(true);
  });

  it('an empty expect is just the default status check', () => {
    expect(check({}, observation({ status: 500 }))).toEqual([
      { kind: 'status', expression: 'status (500) in [2xx, 3xx]', expected: '2xx or 3xx', actual: 500, passed: false },
    ]);
  });
});

describe('helpers', () => {
  it.each([
    [{ gte: 1 }, true],
    [{ equals: { a: 1 } }, true],
    [{ amount: 1 }, false],
    [{ gte: 1, amount: 1 }, false],
    [{}, false],
    [[1], false],
    [null, false],
  ])('isMatcher(%j) = %s', (value, expected) => {
    expect(isMatcher(value)).toBe(expected);
  });

  it.each([
    [1, 1, true],
    [1, '1', false],
    [[1, { a: [2] }], [1, { a: [2] }], true],
    [{ a: 1, b: 2 }, { b: 2, a: 1 }, true],
    [{ a: 1 }, { a: 1, b: undefined }, false],
    [[1, 2], { 0: 1, 1: 2 }, false],
    [null, undefined, false],
  ])('deepEqual(%j, %j) = %s', (a, b, expected) => {
    expect(deepEqual(a, b)).toBe(expected);
  });
});
