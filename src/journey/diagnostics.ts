/**
 * Diagnostics: one problem in a user's file, with where it is and what to do about it.
 * The loader collects every problem and the CLI prints them once (Checkly's `Diagnostics`).
 * Also turns zod issues into messages a QA engineer can act on ("expected a number, got
 * string", "unknown key \"rol\": did you mean \"role\"?") instead of union soup.
 */
import type { z } from 'zod';

/** One problem in a journey or project file. */
export interface Diagnostic {
  /** The file as the user named it (relative to the working directory). */
  readonly file: string;
  /** 1-based line; 0 when the problem has no position (e.g. the file does not exist). */
  readonly line: number;
  /** 1-based column; 0 when the problem has no position. */
  readonly column: number;
  /** Dotted field path such as `entry[1].click.role`; `` for the whole file. */
  readonly path: string;
  readonly message: string;
  readonly severity: 'error' | 'warning';
}

/**
 * `journeys/x.yaml:12:5  entry[1].click  unknown key "rol": did you mean "role"?`
 * One line, no stack trace; parts that are unknown are left out rather than printed as `0`.
 */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file;
  const parts = [where];
  if (d.path) parts.push(d.path);
  parts.push(d.severity === 'warning' ? `warning: ${oneLine(d.message)}` : oneLine(d.message));
  return parts.join('  ');
}


/** Sorts by file, then position, so output is stable whatever order checks ran in. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column,
  );
}

/**
 * Formats a field path: `['entry', 1, 'click', 'role']` → `entry[1].click.role`.
 * Keys that are not identifiers are quoted: `expect.json["$.amount"]`.
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else {
      const key = String(segment);
      if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)) out += out ? `.${key}` : key;
      else out += `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

/**
 * The closest candidate to a misspelt word, or undefined when none is close enough to
 * be a likely typo (so we never suggest `name` for `zzzz`). Case-insensitive.
 */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  // Allow roughly one edit per three characters, at least one, at most three.
  const budget = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = levenshtein(lower, candidate.toLowerCase(), budget);
    if (distance <= budget && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** `unknown key "rol": did you mean "role"?` (or without the suggestion). */
export function unknownKeyMessage(key: string, candidates: Iterable<string>): string {
  const suggestion = didYouMean(key, candidates);
  return suggestion ? `unknown key "${key}": did you mean "${suggestion}"?` : `unknown key "${key}"`;
}

/**
 * Edit distance (insert, delete, substitute, and transposing two neighbours counts as
 * one edit since `tgas` for `tags` is the commonest typo). Stops early past `limit`.
 */
export function levenshtein(a: string, b: string, limit = Infinity): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prevPrev: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, (prevPrev[j - 2] as number) + 1);
      }
      row.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
    prevPrev = prev;
    prev = row;
  }
  return prev[b.length] as number;
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

// ---------------------------------------------------------------------------
// zod issues → messages

type Issue = z.core.$ZodIssue;
type RawIssue = z.core.$ZodRawIssue;

/** A problem at a field path, before it has a file position. */
export interface LocatedProblem {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  /**
   * What to point at: the field's value, its key (unknown or invalid keys: `path` is the
   * object and `key` the offending key), or the object that lacks a required field.
   */
  readonly at: 'value' | 'key' | 'missing';
  readonly key?: string;
}

/**
 * Error map for `safeParse(value, { error: knownKeysErrorMap })`. Only there can we see the
 * strict object that rejected a key (`inst`), so this is where "did you mean" is decided.
 * One line per unknown key; `describeIssues` splits them.
 */
export function knownKeysErrorMap(issue: RawIssue): string | undefined {
  if (issue.code !== 'unrecognized_keys') return undefined;
  const def = (issue.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def;
  const present = isRecord(issue.input) ? Object.keys(issue.input) : [];
  const candidates = Object.keys(def?.shape ?? {}).filter((key) => !present.includes(key));
  return issue.keys.map((key) => unknownKeyMessage(key, candidates)).join('\n');
}

/**
 * Turns zod issues into located problems with readable messages. `input` is the value that
 * was validated (to say what was found); `base` prefixes every path. For a failed union,
 * the branch that got furthest speaks (a locator's unknown key, not "expected string").
 */
export function describeIssues(issues: readonly Issue[], input: unknown, base: readonly PropertyKey[] = []): LocatedProblem[] {
  const out: (LocatedProblem & { refinement: boolean })[] = [];
  // Paths are reported from the root of the file; `input` starts at `base`.
  const valueOf = (path: readonly PropertyKey[]): unknown => valueAt(input, path.slice(base.length));
  const add = (issue: Issue, prefix: readonly PropertyKey[]): void => {
    const path = [...prefix, ...issue.path];
    switch (issue.code) {
      case 'invalid_union': {
        const branch = bestBranch(issue.errors);
        if (branch) for (const inner of branch) add(inner, path);
        else {
          const message = `expected ${joinOr(expectedOf(issue))}, got ${received(valueOf(path))}`;
          out.push({ path, message, at: 'value', refinement: false });
        }
        return;
      }
      case 'unrecognized_keys': {
        const lines = issue.message.split('\n');
        issue.keys.forEach((key, index) => {
          const message = lines.length === issue.keys.length ? (lines[index] as string) : `unknown key "${key}"`;
          out.push({ path, key, message, at: 'key', refinement: false });
        });
        return;
      }
      case 'invalid_key': {
        const key = String(path[path.length - 1]);
        const reason = issue.issues.map((inner) => messageFor(inner, key, key)).join('; ');
        out.push({ path: path.slice(0, -1), key, message: `invalid key "${key}": ${reason}`, at: 'key', refinement: false });
        return;
      }
      default: {
        const value = valueOf(path);
        const missing = issue.code === 'invalid_type' && value === undefined;
        const message = messageFor(issue, value, String(path[path.length - 1] ?? ''));
        out.push({ path, message, at: missing ? 'missing' : 'value', refinement: issue.code === 'custom' });
      }
    }
  };
  for (const issue of issues) add(issue, base);
  // A refinement on an object with an unknown key is nearly always a consequence of the
  // typo ("needs exactly one locator" after `rol:`, "needs a step" after `entri:`): keep the cause.
  const unknownAt = new Set(out.filter((p) => p.at === 'key').map((p) => pathKey(p.path)));
  return out
    .filter((p) => !(p.refinement && unknownAt.has(pathKey(p.path))))
    .map(({ refinement: _refinement, ...problem }) => problem);
}

/** The union branch that got furthest: not a plain type mismatch, fewest issues. */
function bestBranch(branches: readonly (readonly Issue[])[]): readonly Issue[] | undefined {
  let best: readonly Issue[] | undefined;
  for (const branch of branches) {
    if (branch.length === 0 || isTypeMismatch(branch)) continue;
    if (!best || branch.length < best.length) best = branch;
  }
  return best;
}

function isTypeMismatch(branch: readonly Issue[]): boolean {
  return branch.every(
    (issue) =>
      issue.path.length === 0 &&
      (issue.code === 'invalid_type' ||
        (issue.code === 'invalid_value' && issue.values.length === 1) ||
        (issue.code === 'invalid_union' && issue.errors.every(isTypeMismatch))),
  );
}

/** What the branches of a failed union wanted: `a string`, `a mapping`, `true`. */
function expectedOf(issue: Issue): string[] {
  const found = new Set<string>();
  const collect = (inner: Issue): void => {
    if (inner.code === 'invalid_type') found.add(typeName(inner.expected));
    else if (inner.code === 'invalid_value') for (const value of inner.values) found.add(JSON.stringify(value));
    else if (inner.code === 'invalid_union') for (const branch of inner.errors) branch.forEach(collect);
  };
  collect(issue);
  return found.size > 0 ? [...found] : ['another value'];
}

const ZOD_DEFAULT_MESSAGE = /^(Invalid|Too (big|small)|Unrecognized)/;

function messageFor(issue: Issue, value: unknown, field: string): string {
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return `missing required field "${field}"`;
      return `expected ${typeName(issue.expected)}, got ${received(value)}`;
    case 'invalid_value': {
      const options = issue.values.map((option) => (typeof option === 'string' ? option : JSON.stringify(option)));
      if (options.length === 1) return `expected ${options[0]}, got ${JSON.stringify(value) ?? received(value)}`;
      const hint = typeof value === 'string' ? didYouMean(value, options) : undefined;
      return `expected one of ${options.join(', ')}${hint ? `: did you mean "${hint}"?` : ''}`;
    }
    case 'too_big':
    case 'too_small': {
      if (!ZOD_DEFAULT_MESSAGE.test(issue.message)) return issue.message;
      const big = issue.code === 'too_big';
      const limit = big ? issue.maximum : issue.minimum;
      const bound = big ? (issue.inclusive ? 'at most' : 'less than') : issue.inclusive ? 'at least' : 'more than';
      if (issue.origin === 'string') {
        return !big && Number(limit) === 1 ? 'must not be empty' : `expected ${bound} ${limit} characters`;
      }
      if (issue.origin === 'array' || issue.origin === 'set') return `expected ${bound} ${limit} items`;
      return `expected ${bound} ${limit}, got ${typeof value === 'number' ? value : received(value)}`;
    }
    case 'invalid_format':
      return ZOD_DEFAULT_MESSAGE.test(issue.message) ? `expected ${issue.format} format` : issue.message;
    default:
      return issue.message;
  }
}

function typeName(expected: string): string {
  switch (expected) {
    case 'object':
    case 'record':
      return 'a mapping';
    case 'array':
    case 'tuple':
      return 'a list';
    case 'int':
      return 'a whole number';
    case 'boolean':
      return 'true or false';
    case 'undefined':
    case 'null':
      return 'nothing';
    default:
      return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
  }
}

/** What was found, in YAML terms: `string`, `number`, `list`, `mapping`, `null` (empty). */
export function received(value: unknown): string {
  if (value === null) return 'null (an empty value)';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'list';
  if (value instanceof Uint8Array) return 'binary';
  if (typeof value === 'object') return 'mapping';
  return typeof value;
}

function joinOr(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** The value at a path in plain JS data (objects and arrays), or undefined. */
export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

function pathKey(path: readonly PropertyKey[]): string {
  return JSON.stringify(path.map(String));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
