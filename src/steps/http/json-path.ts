/**
 * A small, safe JSON path subset for `expect.json`, captures and runtime checks:
 *
 *   $              the document
 *   .key  ['key']  ["key"]   a member (bracket form for keys with dots, spaces, quotes)
 *   [0]  [-1]      an array element (negative counts from the end)
 *   [*]  .*        every element / member value
 *   ..key  ..*     recursive descent: `key` at any depth
 *
 * No filters, no scripts, no `eval`. Only own properties are read, so `$.__proto__` or
 * `$.constructor` find nothing instead of reaching into the prototype.
 */

type Segment =
  | { readonly kind: 'member'; readonly key: string; readonly recursive: boolean }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'wildcard'; readonly recursive: boolean };

export type JsonPathResult = { ok: true; values: unknown[] } | { ok: false; message: string };

/** Every value `path` selects in `doc`, in document order. An empty list means "nothing there". */
export function evaluateJsonPath(doc: unknown, path: string): JsonPathResult {
  const parsed = parseJsonPath(path);
  if (!parsed.ok) return parsed;
  let nodes: unknown[] = [doc];
  for (const segment of parsed.segments) {
    nodes = applySegment(nodes, segment);
    if (nodes.length === 0) break;
  }
  return { ok: true, values: nodes };
}

export type ParsedJsonPath = { ok: true; segments: Segment[] } | { ok: false; message: string };

// A bare member name: anything up to the next `.` or `[` (so `$.x-app-version` works).
const BARE_KEY_RE = /^[^.[\]'"\s]+/;

export function parseJsonPath(path: string): ParsedJsonPath {
  const fail = (at: number, why: string): ParsedJsonPath => ({
    ok: false,
    message: `invalid JSON path "${path}" at position ${at + 1}: ${why}`,
  });
  if (!path.startsWith('$')) return fail(0, 'a JSON path starts with $');
  const segments: Segment[] = [];
  let i = 1;
  while (i < path.length) {
    const char = path[i];
    if (char === '.') {
      const recursive = path[i + 1] === '.';
      const start = i + (recursive ? 2 : 1);
      if (path[start] === '*') {
        segments.push({ kind: 'wildcard', recursive });
        i = start + 1;
        continue;
      }
      if (recursive && path[start] === '[') {
        // `..['key']` / `..[*]`: parse the bracket and mark it recursive.
        const bracket = parseBracket(path, start);
        if (!bracket.ok) return fail(bracket.at, bracket.why);
        if (bracket.segment.kind === 'index') return fail(start, 'recursive descent takes a name or *, not an index');
        segments.push({ ...bracket.segment, recursive: true });
        i = bracket.end;
        continue;
      }
      const match = BARE_KEY_RE.exec(path.slice(start));
      if (!match) return fail(start, 'expected a member name after "."');
      segments.push({ kind: 'member', key: match[0], recursive });
      i = start + match[0].length;
      continue;
    }
    if (char === '[') {
      const bracket = parseBracket(path, i);
      if (!bracket.ok) return fail(bracket.at, bracket.why);
      segments.push(bracket.segment);
      i = bracket.end;
      continue;
    }
    return fail(i, `unexpected "${char}"; use .key, ['key'], [0] or [*]`);
  }
  return { ok: true, segments };
}

type BracketResult = { ok: true; segment: Segment; end: number } | { ok: false; at: number; why: string };

function parseBracket(path: string, open: number): BracketResult {
  let i = open + 1;
  const quote = path[i];
  if (quote === "'" || quote === '"') {
    let key = '';
    i += 1;
    while (i < path.length && path[i] !== quote) {
      if (path[i] === '\\' && i + 1 < path.length) i += 1;
      key += path[i];
      i += 1;
    }
    if (i >= path.length) return { ok: false, at: open, why: `unterminated string, expected ${quote}` };
    if (path[i + 1] !== ']') return { ok: false, at: i + 1, why: 'expected "]"' };
    return { ok: true, segment: { kind: 'member', key, recursive: false }, end: i + 2 };
  }
  const close = path.indexOf(']', i);
  if (close === -1) return { ok: false, at: open, why: 'expected "]"' };
  const inner = path.slice(i, close).trim();
  if (inner === '*') return { ok: true, segment: { kind: 'wildcard', recursive: false }, end: close + 1 };
  if (/^-?\d+$/.test(inner)) {
    return { ok: true, segment: { kind: 'index', index: Number(inner) }, end: close + 1 };
  }
  if (inner.startsWith('?') || inner.startsWith('(')) {
    return { ok: false, at: i, why: 'filters and scripts are not supported' };
  }
  return { ok: false, at: i, why: `expected an index, * or a quoted name, got "${inner}"` };
}

function applySegment(nodes: readonly unknown[], segment: Segment): unknown[] {
  const sources = segment.kind !== 'index' && segment.recursive ? descendantsAndSelf(nodes) : nodes;
  const out: unknown[] = [];
  for (const node of sources) {
    switch (segment.kind) {
      case 'member':
        if (isObject(node) && Object.hasOwn(node, segment.key)) out.push(node[segment.key]);
        break;
      case 'index':
        if (Array.isArray(node)) {
          const at = segment.index < 0 ? node.length + segment.index : segment.index;
          if (at >= 0 && at < node.length) out.push(node[at]);
        }
        break;
      case 'wildcard':
        if (Array.isArray(node)) out.push(...node);
        else if (isObject(node)) out.push(...Object.values(node));
        break;
    }
  }
  return out;
}

/** Every node and all its descendants, depth-first in document order; iterative (deep documents). */
function descendantsAndSelf(nodes: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  const stack: unknown[] = [...nodes].reverse();
  while (stack.length > 0) {
    const node = stack.pop();
    out.push(node);
    const children = Array.isArray(node) ? node : isObject(node) ? Object.values(node) : [];
    for (let i = children.length - 1; i >= 0; i -= 1) stack.push(children[i]);
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type ParsedJson = { ok: true; value: unknown } | { ok: false; message: string };

/** JSON.parse that reports instead of throwing (a response body is user input). */
export function parseJson(text: string): ParsedJson {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}
