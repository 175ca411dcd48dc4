import { describe, expect, it } from 'vitest';
import { evaluateJsonPath, parseJson } from './json-path.js';

const doc = {
  version: '2.0.3',
  'x-app-version': 'abc',
  'a.b': 1,
  "it's": 'quoted',
  amount: 120,
  empty: null,
  items: [
    { id: 1, name: 'first', tags: ['a'] },
    { id: 2, name: 'second', tags: [] },
    { id: 3, name: 'third', nested: { id: 99 } },
  ],
  meta: { count: 3, page: { id: 'p1' } },
};

describe('evaluateJsonPath', () => {
  it.each([
    ['$', [doc]],
    ['$.version', ['2.0.3']],
    ['$.amount', [120]],
    ['$.empty', [null]],
    ['$.x-app-version', ['abc']],
    ["$['a.b']", [1]],
    ['$["a.b"]', [1]],
    ["$['it\\'s']", ['quoted']],
    ['$["it\'s"]', ['quoted']],
    ['$.items[0].id', [1]],
    ['$.items[-1].name', ['third']],
    ['$.items[-3].name', ['first']],
    ['$.items[*].id', [1, 2, 3]],
    ['$.items.*.name', ['first', 'second', 'third']],
    ['$.meta.*', [3, { id: 'p1' }]],
    ['$.items[0].tags[0]', ['a']],
    ['$..id', [1, 2, 3, 99, 'p1']],
    ["$..['id']", [1, 2, 3, 99, 'p1']],
    ['$.meta..id', ['p1']],
    ['$.items[1].tags[*]', []],
  ])('%s', (path, expected) => {
    expect(evaluateJsonPath(doc, path)).toEqual({ ok: true, values: expected });
  });

  it.each([
    ['$.missing'],
    ['$.items[3]'],
    ['$.items[-4]'],
    ['$.version.length'],
    ['$.items.length'],
    ['$.amount[0]'],
    ['$.empty.x'],
    // Only own properties: the prototype is not reachable.
    ['$.__proto__'],
    ['$.constructor'],
    ['$.items[0].toString'],
  ])('%s selects nothing', (path) => {
    expect(evaluateJsonPath(doc, path)).toEqual({ ok: true, values: [] });
  });

  it.each([
    ['version', 'starts with $'],
    ['$.', 'expected a member name'],
    ['$[', 'expected "]"'],
    ["$['open", 'unterminated string'],
    ['$[?(@.id > 1)]', 'filters and scripts are not supported'],
    ['$[abc]', 'expected an index, * or a quoted name'],
    ['$..[0]', 'recursive descent takes a name or *'],
    ['$ .a', 'unexpected " "'],
  ])('rejects %s', (path, message) => {
    const result = evaluateJsonPath(doc, path);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).toContain(`invalid JSON path "${path}"`);
      expect(result.message).toContain(message);
    }
  });

  it('walks deep documents without recursion limits', () => {
    let deep: unknown = { id: 'bottom' };
    for (let i = 0; i < 20_000; i += 1) deep = { next: deep };
    expect(evaluateJsonPath(deep, '$..id')).toEqual({ ok: true, values: ['bottom'] });
  });
});

describe('parseJson', () => {
  it('parses and reports', () => {
    expect(parseJson('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    const bad = parseJson('<html>');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.message).toMatch(/JSON|Unexpected token/);
  });
});
