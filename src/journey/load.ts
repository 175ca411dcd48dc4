/**
 * A journey file → a validated journey, or every problem in the file with file:line:col and
 * the field path. YAML source handling (decode, parse, guards, interpolation, positions) is
 * yaml-source.ts; here: the journey schema with each step checked against its own kind's
 * schema, and the cross-step checks (`{{ capture }}` used before it is captured).
 */
import { z } from 'zod';
import { STAGES } from '../result/types.js';
import type { StageName } from '../result/types.js';
import { Journey, STEP_KINDS, STEP_SCHEMAS, actionKeys } from './schema.js';
import type { Step, StepKind } from './schema.js';
import { describeIssues, didYouMean, formatPath, knownKeysErrorMap, received, sortDiagnostics, unknownKeyMessage } from './diagnostics.js';
import type { Diagnostic, LocatedProblem } from './diagnostics.js';
import { captureNames } from './interpolate.js';
import type { Env, NamedSecret } from './interpolate.js';
import { LOAD_LIMITS, parseYamlSource, schemaProblems, withoutConsequences } from './yaml-source.js';

/** A journey that passed every check, ready for the runner. */
export interface LoadedJourney {
  /** The validated journey (defaults applied, durations in ms). */
  readonly journey: Journey;
  /** The file as the user named it. */
  readonly file: string;
  /** Values substituted for `${secret:NAME}`: feed them to `createRedactor`. */
  readonly secrets: string[];
  /** The same with their names, for warnings that name a weak secret (never print its value). */
  readonly namedSecrets?: readonly NamedSecret[];
  /** Non-fatal problems (YAML warnings), to show beside a successful load. */
  readonly warnings: Diagnostic[];
}

export type LoadResult = { ok: true; journey: LoadedJourney } | { ok: false; diagnostics: Diagnostic[] };

export interface LoadOptions {
  /** Values for `${VAR}` and `${secret:NAME}` (process env merged with the environment's vars). */
  readonly env: Env;
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
  const { value, secrets, namedSecrets, warnings, locate, interpolationErrors } = parsedResult.parsed;

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
    journey: { journey, file, secrets, namedSecrets, warnings },
  };
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
