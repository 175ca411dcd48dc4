/**
 * `expect:` of an HTTP step as pure functions of the observation. Every condition becomes
 * one {@link AssertionResult} that reads like Gatus — `status (404) == 200`,
 * `$.amount (100) == 120`, `duration (912ms) <= 800ms` — with what was expected and what
 * was seen. Nothing here throws on user input: an invalid regex or JSON path in the
 * journey is a failed assertion that says so.
 *
 * Decisions:
 * - No `status` → the default expectation is "2xx or 3xx" (a redirect we were told not to
 *   follow is not a failure by itself).
 * - A header given as a string must equal the value exactly (names are case-insensitive,
 *   values are not); use a matcher (`{ contains: json }`) for anything looser.
 * - A JSON path that selects several values (wildcards) is compared as the list of them.
 * - Values are compared strictly: `"120"` is not `120`.
 *
 * Hazard: `regex` patterns come from the journey and run over up to `maxBodyBytes` of body;
 * a catastrophic pattern is the journey author's to avoid (we cannot bound RegExp time).
 */
import { MATCHER_KEYS } from '../../journey/schema.js';
import type { Expect, Matcher } from '../../journey/schema.js';
import type { AssertionKind, AssertionResult, HttpObservation } from '../../result/types.js';
import { evaluateJsonPath, parseJson } from './json-path.js';
import type { ParsedJson } from './json-path.js';
import { compileUserRegex } from '../../journey/regex.js';
import type { UserRegex } from '../../journey/regex.js';

/** Longest rendering of a seen value in expressions and `actual`. */
export const SHORT_VALUE_CHARS = 120;

export function checkExpect(expect: Expect, observation: HttpObservation): AssertionResult[] {
  const results: AssertionResult[] = [checkStatus(expect.status, observation.status)];
  for (const [name, spec] of Object.entries(expect.headers ?? {})) {
    results.push(...checkHeader(name, spec, observation.headers));
  }
  if (expect.json !== undefined && Object.keys(expect.json).length > 0) {
    results.push(...checkJson(expect.json, parseJson(observation.body)));
  }
  if (expect.body !== undefined) results.push(...checkBody(expect.body, observation.body));
  if (expect.maxMs !== undefined) results.push(checkDuration(expect.maxMs, observation.timings.totalMs));
  return results;
}

// ---------------------------------------------------------------------------
// status

type StatusSpec = Expect['status'];

export function checkStatus(spec: StatusSpec, status: number): AssertionResult {
  if (spec === undefined) {
    const passed = status >= 200 && status < 400;
    return { kind: 'status', expression: `status (${status}) in [2xx, 3xx]`, expected: '2xx or 3xx', actual: status, passed };
  }
  if (typeof spec === 'number') {
    return { kind: 'status', expression: `status (${status}) == ${spec}`, expected: spec, actual: status, passed: status === spec };
  }
  const options = Array.isArray(spec) ? spec : [spec];
  const passed = options.some((option) => statusMatches(option, status));
  return {
    kind: 'status',
    expression: `status (${status}) in [${options.join(', ')}]`,
    expected: spec,
    actual: status,
    passed,
  };
}

function statusMatches(option: number | string, status: number): boolean {
  if (typeof option === 'number') return option === status;
  // `2xx`: the schema already checked the shape.
  return Math.floor(status / 100) === Number(option[0]);
}

// ---------------------------------------------------------------------------
// headers

function checkHeader(
  name: string,
  spec: string | Matcher,
  headers: Readonly<Record<string, string>>,
): AssertionResult[] {
  const key = name.toLowerCase();
  const value = Object.hasOwn(headers, key) ? headers[key] : undefined;
  const subject = `header ${key}`;
  if (typeof spec === 'string') {
    return [
      {
        kind: 'header',
        subject: key,
        expression: `${subject} (${show(value)}) == ${show(spec)}`,
        expected: spec,
        actual: shortActual(value),
        passed: value === spec,
      },
    ];
  }
  return applyMatcher(spec, value, { kind: 'header', subject: key, label: subject });
}

// ---------------------------------------------------------------------------
// json

function checkJson(spec: Readonly<Record<string, unknown>>, parsed: ParsedJson): AssertionResult[] {
  if (!parsed.ok) {
    return [
      {
        kind: 'json',
        expression: 'body is JSON',
        expected: 'a JSON body',
        actual: truncate(`invalid JSON: ${parsed.message}`, SHORT_VALUE_CHARS),
        passed: false,
      },
    ];
  }
  const results: AssertionResult[] = [];
  for (const [path, expected] of Object.entries(spec)) {
    const found = evaluateJsonPath(parsed.value, path);
    if (!found.ok) {
      results.push({ kind: 'json', subject: path, expression: found.message, expected, actual: undefined, passed: false });
      continue;
    }
    const value = found.values.length === 0 ? undefined : found.values.length === 1 ? found.values[0] : found.values;
    const target = { kind: 'json' as const, subject: path, label: path };
    if (isMatcher(expected)) results.push(...applyMatcher(expected, value, target));
    else results.push(equalsAssertion(target, value, expected, '=='));
  }
  return results;
}

/** A plain object whose keys are all matcher keys is a matcher (schema.ts `Matcher`). */
export function isMatcher(value: unknown): value is Matcher {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((key) => (MATCHER_KEYS as readonly string[]).includes(key));
}

// ---------------------------------------------------------------------------
// body

type BodySpec = NonNullable<Expect['body']>;

function checkBody(spec: BodySpec, body: string): AssertionResult[] {
  const conditions = typeof spec === 'string' ? { contains: spec } : spec;
  const results: AssertionResult[] = [];
  const actual = truncate(body, SHORT_VALUE_CHARS);
  if (conditions.contains !== undefined) {
    results.push({
      kind: 'body',
      expression: `body contains ${show(conditions.contains)}`,
      expected: { contains: conditions.contains },
      actual,
      passed: body.includes(conditions.contains),
    });
  }
  if (conditions.notContains !== undefined) {
    results.push({
      kind: 'body',
      expression: `body does not contain ${show(conditions.notContains)}`,
      expected: { notContains: conditions.notContains },
      actual,
      passed: !body.includes(conditions.notContains),
    });
  }
  if (conditions.regex !== undefined) {
    const regex = compileRegex(conditions.regex);
    results.push(
      regex.ok
        ? {
            kind: 'body',
            expression: `body matches /${conditions.regex}/`,
            expected: { regex: conditions.regex },
            actual,
            passed: regex.value.test(body),
          }
        : invalidRegex({ kind: 'body', label: 'body' }, conditions.regex, regex.message),
    );
  }
  return results;
}

// ---------------------------------------------------------------------------
// duration

function checkDuration(maxMs: number, totalMs: number): AssertionResult {
  const ms = Math.round(totalMs);
  return {
    kind: 'maxMs',
    expression: `duration (${ms}ms) <= ${maxMs}ms`,
    expected: maxMs,
    actual: ms,
    passed: totalMs <= maxMs,
  };
}

// ---------------------------------------------------------------------------
// matchers

interface Target {
  readonly kind: AssertionKind;
  readonly subject?: string;
  /** How the subject reads in an expression: `$.amount`, `header content-type`. */
  readonly label: string;
}

/** One assertion per matcher key, in the order MATCHER_KEYS lists them. */
export function applyMatcher(matcher: Matcher, value: unknown, target: Target): AssertionResult[] {
  const results: AssertionResult[] = [];
  for (const key of MATCHER_KEYS) {
    const operand = matcher[key];
    // Absent keys (and `equals: undefined`, which YAML cannot write) are not conditions.
    if (operand === undefined) continue;
    results.push(matcherAssertion(key, operand, value, target));
  }
  return results;
}

function matcherAssertion(key: keyof Matcher, operand: unknown, value: unknown, target: Target): AssertionResult {
  const seen = `${target.label} (${show(value)})`;
  const base = {
    kind: target.kind,
    ...(target.subject !== undefined ? { subject: target.subject } : {}),
    expected: { [key]: operand },
    actual: shortActual(value),
  };
  const text = asText(value);
  switch (key) {
    case 'equals':
      return equalsAssertion(target, value, operand, '==');
    case 'notEquals':
      return equalsAssertion(target, value, operand, '!=');
    case 'contains':
      return { ...base, expression: `${seen} contains ${show(operand)}`, passed: text !== undefined && text.includes(String(operand)) };
    case 'notContains':
      // A missing value does not contain anything.
      return { ...base, expression: `${seen} does not contain ${show(operand)}`, passed: text === undefined || !text.includes(String(operand)) };
    case 'regex': {
      const regex = compileRegex(String(operand));
      if (!regex.ok) return invalidRegex(target, String(operand), regex.message);
      return { ...base, expression: `${seen} matches /${String(operand)}/`, passed: text !== undefined && regex.value.test(text) };
    }
    case 'exists': {
      const present = value !== undefined;
      return {
        ...base,
        expression: operand === false ? `${target.label} (${show(value)}) does not exist` : `${seen} exists`,
        passed: operand === false ? !present : present,
      };
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const number = asNumber(value);
      const limit = Number(operand);
      const passed = number !== undefined && COMPARE[key](number, limit);
      return { ...base, expression: `${seen} ${COMPARE_SYMBOL[key]} ${limit}`, passed };
    }
    case 'type': {
      const type = typeOf(value);
      return { ...base, expression: `${target.label} type (${type}) == ${String(operand)}`, passed: type === operand };
    }
    case 'length': {
      const length = typeof value === 'string' || Array.isArray(value) ? value.length : undefined;
      return {
        ...base,
        actual: length ?? shortActual(value),
        expression: `${target.label} length (${length ?? `not a string or array: ${show(value)}`}) == ${String(operand)}`,
        passed: length === operand,
      };
    }
  }
}

const COMPARE = {
  gt: (a: number, b: number) => a > b,
  gte: (a: number, b: number) => a >= b,
  lt: (a: number, b: number) => a < b,
  lte: (a: number, b: number) => a <= b,
} as const;
const COMPARE_SYMBOL = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

function equalsAssertion(target: Target, value: unknown, expected: unknown, op: '==' | '!='): AssertionResult {
  const equal = deepEqual(value, expected);
  return {
    kind: target.kind,
    ...(target.subject !== undefined ? { subject: target.subject } : {}),
    expression: `${target.label} (${show(value)}) ${op} ${show(expected)}`,
    expected: op === '==' ? expected : { notEquals: expected },
    actual: shortActual(value),
    passed: op === '==' ? equal : !equal,
  };
}

function invalidRegex(target: Omit<Target, 'subject'> & { subject?: string }, pattern: string, message: string): AssertionResult {
  return {
    kind: target.kind,
    ...(target.subject !== undefined ? { subject: target.subject } : {}),
    expression: `invalid regex /${pattern}/ for ${target.label}: ${message}`,
    expected: { regex: pattern },
    actual: undefined,
    passed: false,
  };
}

// ---------------------------------------------------------------------------
// helpers (shared with capture.ts)

/** A user regex, linear-time (RE2, see journey/regex.ts): a hostile body cannot stall the process. */
export function compileRegex(pattern: string): { ok: true; value: UserRegex } | { ok: false; message: string } {
  const compiled = compileUserRegex(pattern);
  return compiled.ok ? { ok: true, value: compiled.regex } : compiled;
}

/** Structural equality of JSON values (plus undefined). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  if (aKeys.length !== bKeys.length) return false;
  return aKeys.every(
    (key) => Object.hasOwn(b, key) && deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  );
}

/** A value as text: strings as they are, everything else as JSON; undefined when missing. */
export function asText(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  // Headers are text: `content-length: { gt: 0 }` should work.
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

function typeOf(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** A value for an expression: JSON-ish, `missing` when absent, at most ~120 chars. */
export function show(value: unknown): string {
  if (value === undefined) return 'missing';
  return truncate(JSON.stringify(value) ?? String(value), SHORT_VALUE_CHARS);
}

/** `actual` for a report: small values as they are, large ones as truncated JSON text. */
function shortActual(value: unknown): unknown {
  if (typeof value === 'string') return truncate(value, SHORT_VALUE_CHARS);
  if (typeof value !== 'object' || value === null) return value;
  const json = JSON.stringify(value);
  return json.length <= SHORT_VALUE_CHARS ? value : truncate(json, SHORT_VALUE_CHARS);
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
