/**
 * YAML source handling shared by journeys, the project file and compose files: text → a
 * parsed, interpolated document with the means to point into it, or every problem with
 * file:line:col. Never throws on user input: each guard names the hazard it stops.
 *
 * Pipeline: decode (UTF-8, size cap) → parse (yaml, one document, positions kept) →
 * structural guards (mapping, depth, aliases) → `${VAR}` interpolation on scalars →
 * plain JS (alias budget); then a zod schema validates and problems are located.
 */
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node } from 'yaml';
import type { z } from 'zod';
import { describeIssues, formatPath, knownKeysErrorMap, received } from './diagnostics.js';
import type { Diagnostic, LocatedProblem } from './diagnostics.js';
import { interpolateTree } from './interpolate.js';
import type { Env, NamedSecret } from './interpolate.js';
import { firstAlias, hasRange, nodeFor, pathOfNode, structuralProblems } from './yaml-tree.js';

/** Bounds on hostile or accidental input. */
export const LOAD_LIMITS = {
  /** Journeys are a few KiB; a bigger file is a mistake (or an attack on the parser). */
  maxBytes: 1024 * 1024,
  /** Nesting deeper than this is never a journey, and deep recursion could overflow the stack. */
  maxDepth: 64,
  /** Aliases resolved when building values: stops "billion laughs". */
  maxAliasCount: 100,
} as const;

/** A parsed, interpolated YAML document with the means to point into it. */
export interface ParsedYaml {
  readonly value: unknown;
  readonly secrets: string[];
  /** Each `${secret:NAME}` with its value (for the weak-secret warning, which names them). */
  readonly namedSecrets: NamedSecret[];
  readonly warnings: Diagnostic[];
  /** Diagnostics for problems at these paths, pointing at the right node. */
  readonly locate: (problems: readonly LocatedProblem[]) => Diagnostic[];
  /** Interpolation problems already reported (validation errors there are consequences). */
  readonly interpolationErrors: Diagnostic[];
}

export type ParseYamlResult = { ok: true; parsed: ParsedYaml } | { ok: false; diagnostics: Diagnostic[] };

/**
 * Decodes and parses one YAML file into plain data, with interpolation when `env` is given
 * (otherwise `${…}` stays as written). `what` names the expected content in messages.
 */
export function parseYamlSource(
  source: string | Uint8Array,
  file: string,
  options: { env?: Env; what: string },
): ParseYamlResult {
  const fail = (line: number, column: number, message: string): ParseYamlResult => ({
    ok: false,
    diagnostics: [{ file, line, column, path: '', message, severity: 'error' }],
  });

  const size = typeof source === 'string' ? source.length : source.byteLength;
  if (size > LOAD_LIMITS.maxBytes) {
    return fail(1, 1, `the file is too large (${size} bytes; the limit is ${LOAD_LIMITS.maxBytes / 1024 / 1024} MiB)`);
  }
  let text: string;
  if (typeof source === 'string') text = source;
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(source);
    } catch {
      const at = invalidUtf8At(source);
      return fail(at.line, at.column, `the file is not valid UTF-8 (byte 0x${at.byte}): save it as UTF-8`);
    }
  }
  if (text.trim() === '') return fail(1, 1, `the file is empty: expected ${options.what}`);

  const lineCounter = new LineCounter();
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
  } catch (error) {
    // yaml reports its own errors; this is a last line of defence for a parser bug.
    return fail(1, 1, `could not parse the file: ${error instanceof Error ? error.message : String(error)}`);
  }
  const position = (offset: number | undefined): { line: number; column: number } => {
    if (offset === undefined) return { line: 1, column: 1 };
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const at = (node: Node | undefined, message: string, path: readonly PropertyKey[] = []): Diagnostic => ({
    file,
    ...position(node?.range?.[0]),
    path: formatPath(path),
    message,
    severity: 'error',
  });

  const warnings = doc.warnings.map(
    (w): Diagnostic => ({ file, ...position(w.pos[0]), path: '', message: yamlMessage(w.code, w.message, text, w.pos[0]), severity: 'warning' }),
  );
  if (doc.errors.length > 0) {
    const diagnostics = doc.errors.map(
      (e): Diagnostic => ({ file, ...position(e.pos[0]), path: '', message: yamlMessage(e.code, e.message, text, e.pos[0]), severity: 'error' }),
    );
    // After the first syntax error the parser's view of the file is off, and the errors that
    // follow are mostly echoes of it: show the first, count the rest.
    const [first, ...rest] = onePerLine(diagnostics);
    if (!first) return { ok: false, diagnostics: warnings };
    const more = rest.length > 0 ? ` (and ${rest.length} more YAML ${rest.length === 1 ? 'error' : 'errors'} after it, usually caused by this one)` : '';
    return { ok: false, diagnostics: [{ ...first, message: `${first.message}${more}` }, ...warnings] };
  }

  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) {
    return fail(1, 1, `the file is empty: expected ${options.what}`);
  }
  if (!isMap(root)) {
    return { ok: false, diagnostics: [at(root, `expected ${options.what}, got ${isSeq(root) ? 'list' : isAlias(root) ? 'alias' : received((root as { value?: unknown }).value)}`)] };
  }

  const structural = structuralProblems(doc, root, LOAD_LIMITS.maxDepth);
  if (structural.length > 0) {
    return { ok: false, diagnostics: structural.map(({ node, message, path }) => at(node, message, path)) };
  }

  const interpolationErrors: Diagnostic[] = [];
  let secrets: string[] = [];
  let namedSecrets: NamedSecret[] = [];
  if (options.env) {
    const interpolated = interpolateTree(root, options.env, (node, message) => interpolationErrors.push(at(node, message, pathOfNode(root, node, LOAD_LIMITS.maxDepth))), LOAD_LIMITS.maxDepth);
    secrets = interpolated.secrets;
    namedSecrets = interpolated.named;
  }

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: LOAD_LIMITS.maxAliasCount });
  } catch (error) {
    const alias = firstAlias(root, LOAD_LIMITS.maxDepth);
    const message = /alias count/i.test(error instanceof Error ? error.message : '')
      ? `too many aliases (more than ${LOAD_LIMITS.maxAliasCount} expansions): this looks like an alias bomb`
      : `could not build the document: ${error instanceof Error ? error.message : String(error)}`;
    return { ok: false, diagnostics: [...interpolationErrors, at(alias ?? root, message, alias ? pathOfNode(root, alias, LOAD_LIMITS.maxDepth) : [])] };
  }

  const locate = (problems: readonly LocatedProblem[]): Diagnostic[] =>
    problems.map((problem) => at(nodeFor(doc, root, problem), problem.message, problem.path));
  return { ok: true, parsed: { value, secrets, namedSecrets, warnings, locate, interpolationErrors } };
}

/** Validates plain data with a zod schema and locates each problem in the YAML. */
export function schemaProblems(schema: z.ZodType, value: unknown): { ok: true; data: unknown } | { ok: false; problems: LocatedProblem[] } {
  const result = schema.safeParse(value, { error: knownKeysErrorMap });
  return result.success ? { ok: true, data: result.data } : { ok: false, problems: describeIssues(result.error.issues, value) };
}

/** Drops diagnostics that sit on a node whose interpolation already failed (consequences). */
export function withoutConsequences(diagnostics: readonly Diagnostic[], causes: readonly Diagnostic[]): Diagnostic[] {
  const at = new Set(causes.map((d) => `${d.line}:${d.column}`));
  return diagnostics.filter((d) => !at.has(`${d.line}:${d.column}`));
}

/**
 * Line and column of the top-level `name` value of a journey file, for diagnostics that
 * span files (duplicate names). Parses again: only called for the rare file that needs it.
 */
export function locateName(source: string | Uint8Array): { line: number; column: number } {
  try {
    const text = typeof source === 'string' ? source : new TextDecoder().decode(source);
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, logLevel: 'error' });
    const node = isMap(doc.contents) ? doc.contents.get('name', true) : undefined;
    const offset = hasRange(node) ? node.range[0] : 0;
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  } catch {
    return { line: 1, column: 1 };
  }
}

/** yaml can repeat one error many times on a line (stack overflow on deep nesting): keep the first. */
function onePerLine(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.line}\u0000${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** yaml's error codes, in words a journey author can act on. */
function yamlMessage(code: string, message: string, text: string, offset: number): string {
  switch (code) {
    case 'DUPLICATE_KEY': {
      const key = /^(?:"[^"\n]*"|'[^'\n]*'|[^\s:]+)/.exec(text.slice(offset, offset + 200))?.[0];
      return key ? `duplicate key "${key.replace(/^["']|["']$/g, '')}"` : 'duplicate key';
    }
    case 'TAB_AS_INDENT':
      return 'tabs are not allowed for indentation: indent with spaces';
    case 'MULTIPLE_DOCS':
      return 'one journey per file: this file holds a second YAML document (---)';
    default: {
      // Without prettyErrors yaml's message is one plain sentence; keep only that.
      const plain = message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? message;
      if (/call stack/i.test(plain)) return `nesting is too deep to parse (more than ${LOAD_LIMITS.maxDepth} levels)`;
      return `YAML: ${plain.charAt(0).toLowerCase()}${plain.slice(1)}`;
    }
  }
}

/** Line, column and the offending byte of the first invalid UTF-8 sequence. */
function invalidUtf8At(bytes: Uint8Array): { line: number; column: number; byte: string } {
  let line = 1;
  let lineStart = 0;
  let index = 0;
  while (index < bytes.length) {
    const byte = bytes[index] as number;
    const length = byte < 0x80 ? 1 : byte >= 0xc2 && byte <= 0xdf ? 2 : byte >= 0xe0 && byte <= 0xef ? 3 : byte >= 0xf0 && byte <= 0xf4 ? 4 : 0;
    let valid = length > 0 && index + length <= bytes.length;
    for (let k = 1; valid && k < length; k++) valid = ((bytes[index + k] as number) & 0xc0) === 0x80;
    if (valid && length > 1) {
      // Decoding the sequence on its own rejects overlongs and surrogates.
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(index, index + length));
      } catch {
        valid = false;
      }
    }
    if (!valid) {
      const column = new TextDecoder().decode(bytes.subarray(lineStart, index)).length + 1;
      return { line, column, byte: byte.toString(16).toUpperCase().padStart(2, '0') };
    }
    if (byte === 0x0a) {
      line++;
      lineStart = index + 1;
    }
    index += length;
  }
  return { line, column: 1, byte: '??' };
}

