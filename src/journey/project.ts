/**
 * The optional project file (`pathproof.yaml`): defaults, named environments, report
 * directory. Same diagnostics as journeys; no file means every default.
 */
import path from 'node:path';
import { ProjectConfig } from './schema.js';
import type { Diagnostic } from './diagnostics.js';
import { didYouMean, sortDiagnostics } from './diagnostics.js';
import type { Env } from './interpolate.js';
import { interpolateString } from './interpolate.js';
import { LOAD_LIMITS, parseYamlSource, schemaProblems, withoutConsequences } from './yaml-source.js';
import { describeReadProblem, readRegularFile } from '../files/read-regular.js';

/** Looked for in the working directory, in this order, when no file is named. */
export const PROJECT_FILES = ['pathproof.yaml', 'pathproof.yml'] as const;

export type ProjectResult =
  | { ok: true; config: ProjectConfig; file?: string }
  | { ok: false; diagnostics: Diagnostic[] };

/**
 * Reads the project file: `options.file` (relative to `cwd`) or the first of PROJECT_FILES
 * that exists. With `options.env`, `${VAR}` in it is interpolated; without, values stay
 * as written (the environments' vars are themselves the source of `${VAR}` values).
 */
export async function loadProject(cwd: string, options: { file?: string; env?: Env } = {}): Promise<ProjectResult> {
  const candidates = options.file !== undefined ? [options.file] : [...PROJECT_FILES];
  for (const candidate of candidates) {
    // Regular files only, capped while reading (a FIFO named with --config must not hang).
    const read = await readRegularFile(path.resolve(cwd, candidate), { maxBytes: LOAD_LIMITS.maxBytes });
    if (!read.ok) {
      const missing = read.code === 'ERRNO' && read.errno === 'ENOENT';
      if (missing && options.file === undefined) continue;
      const message = missing ? 'project file not found' : `cannot read the project file: ${describeReadProblem(read)}`;
      return { ok: false, diagnostics: [{ file: candidate, line: 0, column: 0, path: '', message, severity: 'error' }] };
    }
    return parseProjectText(read.bytes, candidate, options.env);
  }
  return { ok: true, config: {} };
}

/** Validates project file text; exported for tests and for `pathproof validate`. */
export function parseProjectText(text: string | Uint8Array, file: string, env?: Env): ProjectResult {
  const what = 'a pathproof project file (a mapping with defaults, environments, reportDir, …)';
  const parsed = parseYamlSource(text, file, env ? { env, what } : { what });
  if (!parsed.ok) return { ok: false, diagnostics: sortDiagnostics(parsed.diagnostics) };
  const { value, locate, interpolationErrors, warnings } = parsed.parsed;
  const validated = schemaProblems(ProjectConfig, value);
  const problems = validated.ok ? [] : locate(validated.problems);
  const diagnostics = [...interpolationErrors, ...withoutConsequences(problems, interpolationErrors)];
  if (diagnostics.length > 0 || !validated.ok) return { ok: false, diagnostics: sortDiagnostics([...diagnostics, ...warnings]) };
  return { ok: true, config: validated.data as ProjectConfig, file };
}

export type EnvironmentResult =
  | { ok: true; env: Record<string, string | undefined>; target?: string; expectVersion?: string }
  | { ok: false; message: string };

/**
 * The variables journeys are interpolated with. Without a name: the process env as is.
 * With one: its `vars` over the process env, and its `target` as `BASE_URL`.
 */
/**
 * The variables journeys see: the process environment, then the named environment's `vars`
 * and target, then `overrides` (`-e/--var KEY=VALUE` on the command line), which win.
 */
export function resolveEnvironment(config: ProjectConfig, name: string | undefined, processEnv: Env, overrides: Env = {}): EnvironmentResult {
  if (name === undefined) return { ok: true, env: { ...processEnv, ...overrides } };
  const environments = config.environments ?? {};
  const known = Object.keys(environments);
  const environment = Object.hasOwn(environments, name) ? environments[name] : undefined;
  if (!environment) {
    if (known.length === 0) {
      return { ok: false, message: `unknown environment "${name}": the project file defines no environments` };
    }
    const suggestion = didYouMean(name, known);
    const hint = suggestion ? ` did you mean "${suggestion}"?` : '';
    return { ok: false, message: `unknown environment "${name}":${hint} known environments: ${known.sort().join(', ')}` };
  }
  const env: Record<string, string | undefined> = { ...processEnv, ...environment.vars };
  if (environment.target !== undefined) env.BASE_URL = environment.target;
  Object.assign(env, overrides);
  return {
    ok: true,
    env,
    ...(environment.target !== undefined ? { target: environment.target } : {}),
    ...(environment.expectVersion !== undefined ? { expectVersion: environment.expectVersion } : {}),
  };
}

/**
 * `traceUrl:` with its `${VAR}` references resolved (the project file is read without
 * interpolation): an absolute http(s) URL that still holds `{traceId}`. A link is shown in
 * every report and alert, so it may not hold a `${secret:…}`.
 */
export function resolveTraceUrl(template: string, env: Env, file = 'pathproof.yaml'): { ok: true; url: string } | { ok: false; message: string } {
  const resolved = interpolateString(template, env);
  if (resolved.problems.length > 0) return { ok: false, message: `${file}: traceUrl: ${resolved.problems.join('; ')}` };
  if (resolved.secrets.length > 0) return { ok: false, message: `${file}: traceUrl: a link shown in every report and alert cannot hold a \${secret:…}` };
  const url = resolved.value;
  if (!url.includes('{traceId}')) return { ok: false, message: `${file}: traceUrl: the {traceId} placeholder is gone once its references are resolved` };
  if (!/^https?:\/\//.test(url) || !URL.canParse(url.split('{traceId}').join('0'))) {
    return { ok: false, message: `${file}: traceUrl: not an absolute http(s) URL once its references are resolved` };
  }
  return { ok: true, url };
}
