import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from './diagnostics.js';
import { loadJourneyText } from './load.js';
import { compileUserRegex, regexProblem } from './regex.js';

describe('compileUserRegex: RE2 semantics, RegExp-like results', () => {
  it.each<[string, string, (string | undefined)[] | null]>([
    ['#(\\d+) — (\\d+)', 'Order #1001 — 120 EUR', ['#1001 — 120', '1001', '120']],
    ['a(x)?b', 'zab', ['ab', undefined]],
    ['(?i)VERSION=(\\S+)', 'version=2.0.3', ['version=2.0.3', '2.0.3']],
    ['(?<id>\\d+)', 'id 42', ['42', '42']],
    ['\\x{e9}+', 'café', ['é']],
    ['refund (\\d+)', 'nothing', null],
  ])('/%s/ on %j', (pattern, text, expected) => {
    const compiled = compileUserRegex(pattern);
    if (!compiled.ok) throw new Error(compiled.message);
    expect(compiled.regex.exec(text)).toEqual(expected);
    expect(compiled.regex.test(text)).toBe(expected !== null);
  });

  it('matches a catastrophic-backtracking pattern against a hostile text in linear time (finishes at all)', () => {
    // With RegExp, ^(a+)+$ against 40 "a"s and a "!" runs for hours, synchronously.
    const compiled = compileUserRegex('^(a+)+$');
    if (!compiled.ok) throw new Error(compiled.message);
    expect(compiled.regex.test(`${'a'.repeat(200_000)}!`)).toBe(false);
    expect(compiled.regex.test('a'.repeat(200_000))).toBe(true);
  });

  it.each<[string, RegExp]>([
    ['(a)\\1', /^backreferences \(\\1, \\k<name>\) are not supported: pathproof matches with RE2, a linear-time engine/],
    ['(?<n>a)\\k<n>', /^backreferences/],
    ['foo(?=bar)', /^lookahead and lookbehind .* are not supported: pathproof matches with RE2/],
    ['(?<!a)b', /^lookahead and lookbehind/],
    ['\\u00e9', /^\\uXXXX is written \\x\{XXXX\} in RE2/],
    ['[a-', /^invalid regular expression: missing closing \]/],
    ['a{1001}', /^invalid regular expression: invalid repeat count/],
  ])('refuses /%s/ with a message that says what to do', (pattern, message) => {
    const compiled = compileUserRegex(pattern);
    expect(compiled.ok).toBe(false);
    expect(compiled.ok ? '' : compiled.message).toMatch(message);
  });

  it('checks {{ capture }} placeholders as plain text at load time', () => {
    expect(regexProblem('order/{{ orderId }}/(\\d+)')).toBeUndefined();
    expect(regexProblem('{{ a }}(?=x)')).toMatch(/^lookahead/);
  });
});

describe('the journey schema refuses patterns RE2 cannot run, with file:line:col', () => {
  const FILE = 'journeys/r.yaml';
  const problems = (yaml: string): string[] => {
    const result = loadJourneyText(yaml, FILE, { env: {} });
    return result.ok ? [] : result.diagnostics.map(formatDiagnostic);
  };

  it.each<[string, string, string]>([
    ['expect.body.regex', 'name: r\nentry:\n  - request: GET /\n    expect:\n      body: { regex: "(a)\\\\1" }\n', `${FILE}:5:22  entry[0].expect.body.regex  backreferences`],
    ['a json matcher regex', 'name: r\nentry:\n  - request: GET /\n    expect:\n      json: { $.a: { regex: "x(?!y)" } }\n', `${FILE}:5:29  entry[0].expect.json["$.a"].regex  lookahead`],
    ['an HTTP capture regex', 'name: r\nentry:\n  - request: GET /\n    capture:\n      id: { regex: "(?<=id=)\\\\d+" }\n', `${FILE}:5:20  entry[0].capture.id.regex  lookahead`],
    ['a browser capture regex', 'name: r\nentry:\n  - see: Order\n    capture:\n      id: { regex: "(a)\\\\1" }\n', `${FILE}:5:20  entry[0].capture.id.regex  backreferences`],
    ['expectUrl.regex', 'name: r\nentry:\n  - expectUrl: { regex: "(?=/x)" }\n', `${FILE}:3:25  entry[0].expectUrl.regex  lookahead`],
    ['runtime.version.regex', 'name: r\nruntime:\n  version: { regex: "(a)\\\\1" }\nentry:\n  - request: GET /\n', `${FILE}:3:21  runtime.version.regex  backreferences`],
  ])('%s', (_where, yaml, start) => {
    const found = problems(yaml);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(start);
  });

  it('accepts what RE2 can run', () => {
    expect(problems('name: r\nentry:\n  - request: GET /\n    expect:\n      body: { regex: "^(a+)+$" }\n')).toEqual([]);
  });
});
