import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { captureNames, interpolateString, interpolateTree, substituteCaptures } from './interpolate.js';

const env = { BASE_URL: 'https://shop.example', EMPTY: '', API_TOKEN: 's3cr3t', PASSWORD: 'p: #w' };

describe('interpolateString', () => {
  it.each([
    ['no references', 'plain text', 'plain text', [], []],
    ['a variable', '${BASE_URL}/api', 'https://shop.example/api', [], []],
    ['default, unset', '${MISSING:-http://localhost:3000}', 'http://localhost:3000', [], []],
    ['default, empty', '${EMPTY:-fallback}', 'fallback', [], []],
    ['default, set', '${BASE_URL:-x}', 'https://shop.example', [], []],
    ['default with colon and braces-free text', '${MISSING:-a:b/c}', 'a:b/c', [], []],
    ['empty variable without default', '[${EMPTY}]', '[]', [], []],
    ['secret', 'Bearer ${secret:API_TOKEN}', 'Bearer s3cr3t', ['s3cr3t'], []],
    ['secret with YAML-significant characters', '${secret:PASSWORD}', 'p: #w', ['p: #w'], []],
    ['escape', 'literal $${BASE_URL}', 'literal ${BASE_URL}', [], []],
    ['captures are left alone', '/orders/{{ orderId }}', '/orders/{{ orderId }}', [], []],
    ['JSON paths are left alone', '$.items[0].id', '$.items[0].id', [], []],
    ['two references', '${BASE_URL}|${secret:API_TOKEN}', 'https://shop.example|s3cr3t', ['s3cr3t'], []],
    [
      'missing variable',
      '${NOPE}/x',
      '${NOPE}/x',
      [],
      ['environment variable NOPE is not set (use ${NOPE:-default} for a default)'],
    ],
    ['missing secret', '${secret:NOPE}', '${secret:NOPE}', [], ['secret NOPE is not set in the environment']],
    ['empty secret', '${secret:EMPTY}', '${secret:EMPTY}', [], ['secret EMPTY is not set in the environment']],
    [
      'invalid reference',
      '${not valid}',
      '${not valid}',
      [],
      ['invalid reference "${not valid}": use ${VAR}, ${VAR:-default} or ${secret:NAME} (write "$${" for a literal "${")'],
    ],
    ['unterminated', 'a ${B', 'a ${B', [], ['unterminated "${": close it with "}", or write "$${" for a literal "${"']],
  ])('%s', (_label, input, value, secrets, problems) => {
    const result = interpolateString(input, env);
    expect({ value: result.value, secrets: result.secrets, problems: result.problems }).toEqual({ value, secrets, problems });
    // Every secret value is also recorded with the name it was referenced by.
    expect(result.named.map((n) => n.value)).toEqual(secrets);
  });

  it('is one pass: a value holding ${…} stays literal', () => {
    expect(interpolateString('${A}', { A: '${B}', B: 'no' }).value).toBe('${B}');
  });
});

describe('interpolateTree', () => {
  it('rewrites string scalar values in place, not keys or numbers, and reports at the scalar', () => {
    const doc = parseDocument('target: ${BASE_URL}\n${KEY}: 1\nn: 5\nlist: [a, "${secret:API_TOKEN}", "${NOPE}"]\n');
    const reports: string[] = [];
    const { secrets } = interpolateTree(doc.contents, env, (node, message) => reports.push(`${node.range?.[0]}: ${message}`));
    expect(doc.toJS()).toEqual({ target: 'https://shop.example', '${KEY}': 1, n: 5, list: ['a', 's3cr3t', '${NOPE}'] });
    expect(secrets).toEqual(['s3cr3t']);
    expect(reports).toEqual(['68: environment variable NOPE is not set (use ${NOPE:-default} for a default)']);
  });
});

describe('captureNames', () => {
  it.each([
    ['/orders/{{orderId}}/items/{{ item_1 }}', ['orderId', 'item_1']],
    ['{{ a }}{{a}}', ['a', 'a']],
    ['{{ not a name }}', []],
    ['{ single }', []],
  ])('%s', (text, names) => {
    expect(captureNames(text)).toEqual(names);
  });
});

describe('substituteCaptures', () => {
  const vars = new Map([
    ['orderId', '42'],
    ['token', 'abc'],
  ]);

  it.each([
    ['a plain string', '/orders/{{ orderId }}', '/orders/42', []],
    ['no spaces', '{{orderId}}-{{ token }}', '42-abc', []],
    ['a missing name stays and is listed once', '{{ nope }}/{{nope}}', '{{ nope }}/{{nope}}', ['nope']],
    ['non-strings are kept', 42, 42, []],
  ])('%s', (_label, input, value, missing) => {
    expect(substituteCaptures(input, vars)).toEqual({ value, missing });
  });

  it('goes deep, into keys too, and copies', () => {
    const step = {
      request: { url: '/orders/{{ orderId }}', headers: { authorization: 'Bearer {{ token }}' } },
      expect: { json: { '$.items[?(@.id=="{{orderId}}")]': { exists: true } }, status: [200, 201] },
    };
    const result = substituteCaptures(step, vars);
    expect(result).toEqual({
      value: {
        request: { url: '/orders/42', headers: { authorization: 'Bearer abc' } },
        expect: { json: { '$.items[?(@.id=="42")]': { exists: true } }, status: [200, 201] },
      },
      missing: [],
    });
    expect(step.request.url).toBe('/orders/{{ orderId }}');
  });
});
