import { describe, expect, it } from 'vitest';
import { didYouMean, formatDiagnostic, formatPath, levenshtein, sortDiagnostics } from './diagnostics.js';
import type { Diagnostic } from './diagnostics.js';

const base: Diagnostic = { file: 'journeys/x.yaml', line: 12, column: 5, path: 'entry[1].click', message: 'unknown key "rol": did you mean "role"?', severity: 'error' };

describe('formatDiagnostic', () => {
  it.each([
    [base, 'journeys/x.yaml:12:5  entry[1].click  unknown key "rol": did you mean "role"?'],
    [{ ...base, path: '' }, 'journeys/x.yaml:12:5  unknown key "rol": did you mean "role"?'],
    [{ ...base, line: 0, column: 0, path: '', message: 'no such file or directory' }, 'journeys/x.yaml  no such file or directory'],
    [{ ...base, severity: 'warning' as const, message: 'odd' }, 'journeys/x.yaml:12:5  entry[1].click  warning: odd'],
    [{ ...base, message: 'two\n  lines' }, 'journeys/x.yaml:12:5  entry[1].click  two lines'],
  ])('%#', (diagnostic, expected) => {
    expect(formatDiagnostic(diagnostic)).toBe(expected);
  });
});

describe('formatPath', () => {
  it.each([
    [['entry', 1, 'click', 'role'], 'entry[1].click.role'],
    [[], ''],
    [['result', 0, 'expect', 'json', '$.amount'], 'result[0].expect.json["$.amount"]'],
    [['capture', 'order_id'], 'capture.order_id'],
  ])('%j → %s', (path, expected) => {
    expect(formatPath(path)).toBe(expected);
  });
});

describe('didYouMean', () => {
  const journeyKeys = ['name', 'description', 'tags', 'protects', 'target', 'schedule', 'timeout', 'retries', 'entry', 'open', 'action', 'result'];
  it.each([
    ['tgas', journeyKeys, 'tags'],
    ['rol', ['role', 'name', 'label', 'text'], 'role'],
    ['Naem', journeyKeys, 'name'],
    ['retrys', journeyKeys, 'retries'],
    ['discription', journeyKeys, 'description'],
    ['clik', ['click', 'fill', 'goto'], 'click'],
    ['zzzz', journeyKeys, undefined],
    ['x', journeyKeys, undefined],
    ['method', [], undefined],
    ['url', ['for'], undefined],
  ])('%s → %s', (word, candidates, expected) => {
    expect(didYouMean(word, candidates)).toBe(expected);
  });
});

describe('levenshtein', () => {
  it.each([
    ['', '', 0],
    ['abc', 'abc', 0],
    ['abc', 'abd', 1],
    ['tgas', 'tags', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
  ])('%s ↔ %s = %i', (a, b, expected) => {
    expect(levenshtein(a, b)).toBe(expected);
    expect(levenshtein(b, a)).toBe(expected);
  });

  it('stops early past the limit', () => {
    expect(levenshtein('abcdefgh', 'zyxwvuts', 2)).toBe(3);
  });
});

describe('sortDiagnostics', () => {
  it('orders by file, then line, then column', () => {
    const sorted = sortDiagnostics([
      { ...base, file: 'b.yaml', line: 1 },
      { ...base, file: 'a.yaml', line: 3, column: 2 },
      { ...base, file: 'a.yaml', line: 3, column: 1 },
    ]);
    expect(sorted.map((d) => `${d.file}:${d.line}:${d.column}`)).toEqual(['a.yaml:3:1', 'a.yaml:3:2', 'b.yaml:1:5']);
  });
});
