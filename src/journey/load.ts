/**
 * YAML text → a validated journey, or every problem in the file with file:line:col and the
 * field path. Never throws on user input: each guard below names the hazard it stops.
 *
 * Pipeline: decode (UTF-8, size cap) → parse (yaml, one document, positions kept) →
 * structural guards (mapping, depth, aliases) → `${VAR}` interpolation on scalars →
 * plain JS (alias budget) → zod, with each step checked against its own kind's schema →
 * cross-step checks (`{{ capture }}` used before it is captured).
 */
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node } from 'yaml';
import { z } from 'zod';
import { STAGES } from '../result/types.js';
import type { StageName } from '../result/types.js';
import { BROWSER_STEP_KINDS, Journey, STEP_KINDS, STEP_SCHEMAS, actionKeys } from './schema.js';
import type { Step, StepKind } from './schema.js';
import {
  describeIssues,
  didYouMean,
  formatPath,
  knownKeysErrorMap,
  received,
  sortDiagnostics,
  unknownKeyMessage,
} from './diagnostics.js';
import type { Diagnostic, LocatedProblem } from './diagnostics.js';
import { captureNames, interpolateTree } from './interpolate.js';
import type { Env } from './interpolate.js';

/** A journey that passed every check, ready for the runner. */
export interface LoadedJourney {
  /** The validated journey (defaults applied, durations in ms). */
  readonly journey: Journey;
  /** The file as the user named it. */
  readonly file: string;
  /** Values substituted for `${secret:NAME}`: feed them to `createRedactor`. */
  readonly secrets: string[];
  /** True when any step needs a browser (the runner opens one only then). */
  readonly hasBrowserSteps: boolean;
  /** Non-fatal problems (YAML warnings), to show beside a successful load. */
  readonly warnings: Diagnostic[];
}

export type LoadResult = { ok: true; journey: LoadedJourney } | { ok: false; diagnostics: Diagnostic[] };

export interface LoadOptions {
  /** Values for `${VAR}` and `${secret:NAME}` (process env merged with the environment's vars). */
  readonly env: Env;
}

/** Bounds on hostile or accidental input. */
export const LOAD_LIMITS = {
  /** Journeys are a few KiB; a bigger file is a mistake (or an attack on the parser). */
  maxBytes: 1024 * 1024,
  /** Nesting deeper than this is never a journey, and deep recursion could overflow the stack. */
  maxDepth: 64,
  /** Aliases resolved when building values: stops "billion laughs". */
  maxAliasCount: 100,
} as const;

// ---------------------------------------------------------------------------
// Generic: one YAML file validated by one schema

/** A parsed, interpolated YAML document with the means to point into it. */
export interface ParsedYaml {
  readonly value: unknown;
  readonly secrets: string[];
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

  const structural = structuralProblems(doc, root);
  if (structural.length > 0) {
    return { ok: false, diagnostics: structural.map(({ node, message, path }) => at(node, message, path)) };
  }

  const interpolationErrors: Diagnostic[] = [];
  let secrets: string[] = [];
  if (options.env) {
    secrets = interpolateTree(root, options.env, (node, message) => interpolationErrors.push(at(node, message, pathOf(root, node))), LOAD_LIMITS.maxDepth).secrets;
  }

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: LOAD_LIMITS.maxAliasCount });
  } catch (error) {
    const alias = firstAlias(root);
    const message = /alias count/i.test(error instanceof Error ? error.message : '')
      ? `too many aliases (more than ${LOAD_LIMITS.maxAliasCount} expansions): this looks like an alias bomb`
      : `could not build the document: ${error instanceof Error ? error.message : String(error)}`;
    return { ok: false, diagnostics: [...interpolationErrors, at(alias ?? root, message, alias ? pathOf(root, alias) : [])] };
  }

  const locate = (problems: readonly LocatedProblem[]): Diagnostic[] =>
    problems.map((problem) => at(nodeFor(doc, root, problem), problem.message, problem.path));
  return { ok: true, parsed: { value, secrets, warnings, locate, interpolationErrors } };
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

// ---------------------------------------------------------------------------
// Journeys

/**
 * The journey schema with each step parsed by its own kind's schema instead of the
 * twelve-branch `Step` union: same result, but a valid step costs one parse rather than
 * up to twelve failed ones (500 files must load well under a second). Built once.
 * Errors inside steps are left to `stepProblems`, which reports them per kind.
 */
const StepByKind = z.unknown().transform((step, ctx): Step => {
  const kinds = isRecord(step) ? actionKeys(step) : [];
  const parsed = kinds.length === 1 ? STEP_SCHEMAS[kinds[0] as StepKind].safeParse(step) : undefined;
  if (!parsed?.success) {
    ctx.addIssue({ code: 'custom', message: 'invalid step', input: step });
    return z.NEVER;
  }
  return parsed.data as Step;
});
const StageByKind = z.array(StepByKind).optional();
// The cast: StepByKind takes `unknown` in, which safeExtend's input check rejects; the
// output is exactly `Step`, and the loader reads the data as `Journey`.
const stagesByKind = { entry: StageByKind, open: StageByKind, action: StageByKind, result: StageByKind };
const JourneyByKind = Journey.safeExtend(stagesByKind as unknown as Pick<typeof Journey.shape, StageName>);

const JOURNEY_WHAT = 'a journey (a mapping with name and steps in entry, open, action or result)';

/**
 * Loads one journey file's text. Every problem is reported at once, each with its line,
 * column and field path; user input never makes this throw.
 */
export function loadJourneyText(text: string | Uint8Array, file: string, options: LoadOptions): LoadResult {
  try {
    return loadJourney(text, file, options);
  } catch (error) {
    // A bug of ours must still not crash a `validate` over 500 files: report it on the file.
    const message = `internal error while loading this file: ${error instanceof Error ? error.message : String(error)}`;
    return { ok: false, diagnostics: [{ file, line: 0, column: 0, path: '', message, severity: 'error' }] };
  }
}

function loadJourney(text: string | Uint8Array, file: string, options: LoadOptions): LoadResult {
  const parsedResult = parseYamlSource(text, file, { env: options.env, what: JOURNEY_WHAT });
  if (!parsedResult.ok) return { ok: false, diagnostics: sortDiagnostics(parsedResult.diagnostics) };
  const { value, secrets, warnings, locate, interpolationErrors } = parsedResult.parsed;

  const problems: LocatedProblem[] = captureProblems(value);
  const validated = schemaProblems(JourneyByKind, value);
  if (!validated.ok) {
    // The journey-level errors for a step are union soup (twelve branches); check each
    // step against its own kind's schema instead. Only on failure: a valid journey has
    // valid steps, and 500 files must load fast.
    problems.push(...validated.problems.filter((p) => !isInsideStep(p.path)), ...stepProblems(value));
  }
  const diagnostics = [...interpolationErrors, ...withoutConsequences(locate(problems), interpolationErrors)];
  if (diagnostics.length > 0 || !validated.ok) {
    return { ok: false, diagnostics: sortDiagnostics([...diagnostics, ...warnings]) };
  }
  const journey = validated.data as Journey;
  return {
    ok: true,
    journey: { journey, file, secrets, hasBrowserSteps: hasBrowserSteps(journey), warnings },
  };
}

function hasBrowserSteps(journey: Journey): boolean {
  return STAGES.some((stage) =>
    (journey[stage] ?? []).some((step) => actionKeys(step).some((kind) => BROWSER_STEP_KINDS.includes(kind))),
  );
}

function isInsideStep(path: readonly PropertyKey[]): boolean {
  return path.length >= 2 && (STAGES as readonly PropertyKey[]).includes(path[0] as PropertyKey) && typeof path[1] === 'number';
}

/** Each step: one action key, then validated against that kind's schema only. */
function stepProblems(value: unknown): LocatedProblem[] {
  const problems: LocatedProblem[] = [];
  for (const [stage, steps] of stagesOf(value)) {
    steps.forEach((step, index) => {
      const path = [stage, index];
      if (!isRecord(step)) {
        problems.push({ path, at: 'value', message: `expected a step (a mapping with one action, e.g. "goto: /"), got ${received(step)}` });
        return;
      }
      const kinds = actionKeys(step);
      if (kinds.length === 0) {
        problems.push(...noActionProblems(step, path));
        return;
      }
      if (kinds.length > 1) {
        problems.push({
          path,
          key: kinds[1],
          at: 'key',
          message: `one action per step: found ${kinds.slice(0, -1).join(', ')} and ${kinds[kinds.length - 1]}`,
        });
        return;
      }
      const result = STEP_SCHEMAS[kinds[0] as StepKind].safeParse(step, { error: knownKeysErrorMap });
      if (!result.success) problems.push(...describeIssues(result.error.issues, step, path));
    });
  }
  return problems;
}

const ACTION_LIST = STEP_KINDS.join(', ');

function noActionProblems(step: Record<string, unknown>, path: readonly PropertyKey[]): LocatedProblem[] {
  // `clik: …` is a typo of an action, not a missing one: say so at the key.
  const typos = Object.keys(step).filter((key) => didYouMean(key, STEP_KINDS) !== undefined);
  if (typos.length > 0) {
    return typos.map((key) => ({ path, key, at: 'key' as const, message: unknownKeyMessage(key, STEP_KINDS) }));
  }
  return [{ path, at: 'value', message: `a step needs one action: ${ACTION_LIST}` }];
}

/** `{{ name }}` must be captured by an earlier step (stage order entry → open → action → result). */
function captureProblems(value: unknown): LocatedProblem[] {
  const problems: LocatedProblem[] = [];
  const defined = new Set<string>();
  const laterDefinitions = new Map<string, string>();
  const stages = stagesOf(value);
  for (const [stage, steps] of stages) {
    steps.forEach((step, index) => {
      if (!isRecord(step) || !isRecord(step.capture)) return;
      for (const name of Object.keys(step.capture)) if (!laterDefinitions.has(name)) laterDefinitions.set(name, formatPath([stage, index]));
    });
  }
  const check = (input: unknown, path: readonly PropertyKey[], where: 'runtime' | 'step'): void => {
    const here = formatPath(path);
    forEachString(input, path, (text, at) => {
      for (const name of captureNames(text)) {
        if (defined.has(name)) continue;
        const later = laterDefinitions.get(name);
        const reason =
          where === 'runtime'
            ? 'runtime checks run before any step, so they cannot use captures'
            : later === here
              ? 'this step captures it itself: a capture is usable from the next step on'
              : later
                ? `it is captured later, by ${later}`
                : `no step captures it (add "capture: { ${name}: … }" to an earlier step)`;
        problems.push({ path: at, at: 'value', message: `{{ ${name} }} is used before it is captured: ${reason}` });
      }
    });
  };
  if (isRecord(value) && isRecord(value.runtime)) check(value.runtime, ['runtime'], 'runtime');
  for (const [stage, steps] of stages) {
    steps.forEach((step, index) => {
      check(step, [stage, index], 'step');
      if (isRecord(step) && isRecord(step.capture)) {
        for (const name of Object.keys(step.capture)) defined.add(name);
      }
    });
  }
  return problems;
}

function stagesOf(value: unknown): [string, unknown[]][] {
  if (!isRecord(value)) return [];
  return STAGES.flatMap((stage) => {
    const steps = value[stage];
    return Array.isArray(steps) ? [[stage, steps] as [string, unknown[]]] : [];
  });
}

/** Calls `visit` for every string (values only) under `input`, with its path; bounded depth. */
function forEachString(input: unknown, path: readonly PropertyKey[], visit: (text: string, path: readonly PropertyKey[]) => void, depth = 0): void {
  if (depth > LOAD_LIMITS.maxDepth) return;
  if (typeof input === 'string') visit(input, path);
  else if (Array.isArray(input)) input.forEach((item, index) => forEachString(item, [...path, index], visit, depth + 1));
  else if (isRecord(input)) for (const [key, inner] of Object.entries(input)) forEachString(inner, [...path, key], visit, depth + 1);
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

// ---------------------------------------------------------------------------
// YAML structure: guards and positions

interface NodeProblem {
  readonly node: Node;
  readonly message: string;
  readonly path: readonly PropertyKey[];
}

/**
 * Depth and alias guards, on the node tree (aliases are not followed, so neither a deep
 * nor an alias-bombed file can make this walk large).
 */
function structuralProblems(doc: Document.Parsed, root: Node): NodeProblem[] {
  const problems: NodeProblem[] = [];
  let tooDeep = false;
  const visit = (node: unknown, depth: number, path: readonly PropertyKey[]): void => {
    if (tooDeep || node === null || node === undefined) return;
    if (depth > LOAD_LIMITS.maxDepth && (isMap(node) || isSeq(node))) {
      tooDeep = true;
      // The full path would be 64 segments long; the top-level field says where to look.
      problems.push({ node: node as Node, path: path.slice(0, 1), message: `nesting is deeper than ${LOAD_LIMITS.maxDepth} levels` });
      return;
    }
    if (isAlias(node)) {
      if (node.resolve(doc) === undefined) {
        problems.push({ node, path, message: `alias *${node.source} has no anchor &${node.source} before it` });
      }
    } else if (isMap(node)) {
      for (const pair of node.items) if (isPair(pair)) visit(pair.value, depth + 1, [...path, keyOf(pair.key) ?? '?']);
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => visit(item, depth + 1, [...path, index]));
    }
  };
  visit(root, 0, []);
  return problems;
}

function firstAlias(root: Node): Node | undefined {
  let found: Node | undefined;
  const visit = (node: unknown, depth: number): void => {
    if (found || depth > LOAD_LIMITS.maxDepth || node === null || node === undefined) return;
    if (isAlias(node)) found = node;
    else if (isMap(node)) for (const pair of node.items) visit(isPair(pair) ? pair.value : undefined, depth + 1);
    else if (isSeq(node)) for (const item of node.items) visit(item, depth + 1);
  };
  visit(root, 0);
  return found;
}

/** The field path of a node (for interpolation problems), found by identity. */
function pathOf(root: Node, target: Node): PropertyKey[] {
  const search = (node: unknown, path: PropertyKey[], depth: number): PropertyKey[] | undefined => {
    if (node === target) return path;
    if (depth > LOAD_LIMITS.maxDepth || node === null || node === undefined) return undefined;
    if (isMap(node)) {
      for (const pair of node.items) {
        const found = isPair(pair) ? search(pair.value, [...path, keyOf(pair.key) ?? '?'], depth + 1) : undefined;
        if (found) return found;
      }
    } else if (isSeq(node)) {
      for (let index = 0; index < node.items.length; index++) {
        const found = search(node.items[index], [...path, index], depth + 1);
        if (found) return found;
      }
    }
    return undefined;
  };
  return search(root, [], 0) ?? [];
}

/**
 * The node a problem points at: the value at its path; for an unknown key, the key; for a
 * missing field, the key under which the incomplete object sits (or the object itself).
 */
function nodeFor(doc: Document.Parsed, root: Node, problem: LocatedProblem): Node | undefined {
  let node: unknown = root;
  let keyNode: Node | undefined;
  const segments = problem.at === 'missing' ? problem.path.slice(0, -1) : problem.path;
  for (const segment of segments) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyOf(p.key) === String(segment));
      if (!pair) break;
      keyNode = pair.key as Node;
      node = pair.value ?? keyNode;
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)];
      if (item === undefined) break;
      keyNode = undefined;
      node = item;
    } else break;
  }
  if (isAlias(node)) node = node.resolve(doc) ?? node;
  if (problem.at === 'key' && problem.key !== undefined && isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && keyOf(p.key) === problem.key);
    if (pair?.key) return pair.key as Node;
  }
  if (problem.at === 'missing' && keyNode) return keyNode;
  return hasRange(node) ? node : keyNode;
}

function keyOf(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' ? key : undefined;
}

function hasRange(node: unknown): node is Node & { range: [number, number, number] } {
  return typeof node === 'object' && node !== null && Array.isArray((node as { range?: unknown }).range);
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
