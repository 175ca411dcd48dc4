/**
 * `pathproof validate`: every problem in every file, one line each, then one verdict.
 *
 * `--json` prints what a machine needs before a run (the GitHub Action asks it whether to
 * install Chromium): every problem, and the journeys a `run` with the same `--tag` and
 * `--shard` would select, each with whether it needs a browser. Problems still go to stderr
 * as lines; the exit code is the same (0 valid, 2 invalid).
 */
import { journeyNeedsBrowser } from '../steps/registry.js';
import { EXIT } from '../result/types.js';
import { DEFAULTS } from '../journey/schema.js';
import { loadProject, resolveEnvironment } from '../journey/project.js';
import { loadJourneys } from '../journey/discover.js';
import { formatDiagnostic } from '../journey/diagnostics.js';
import type { Diagnostic } from '../journey/diagnostics.js';
import type { LoadedJourney } from '../journey/load.js';
import { selectShard } from '../runner/shard.js';
import type { ParsedArgs } from './args.js';
import type { CliIo } from './io.js';

/** The `validate --json` document. Fields are added, never renamed. */
export interface ValidateReport {
  readonly valid: boolean;
  /** The journeys `run` would select with the same paths, --tag and --shard (all of them without). */
  readonly journeys: readonly {
    readonly name: string;
    readonly file: string;
    readonly tags: readonly string[];
    readonly schedule?: string;
    readonly needsBrowser: boolean;
  }[];
  /** True when at least one of `journeys` has a browser step: Chromium is needed. */
  readonly needsBrowser: boolean;
  readonly diagnostics: readonly Diagnostic[];
}

export async function validateCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  const report = (diagnostics: readonly Diagnostic[], journeys: readonly LoadedJourney[] = []): void => {
    if (!args.json) return;
    const listed = journeys.map((j) => ({
      name: j.journey.name,
      file: j.file,
      tags: j.journey.tags,
      ...(j.journey.schedule ? { schedule: j.journey.schedule } : {}),
      needsBrowser: journeyNeedsBrowser(j.journey),
    }));
    const document: ValidateReport = {
      valid: !diagnostics.some((d) => d.severity === 'error'),
      journeys: listed,
      needsBrowser: listed.some((j) => j.needsBrowser),
      diagnostics,
    };
    io.stdout(`${JSON.stringify(document, null, 2)}\n`);
  };
  const project = await loadProject(io.cwd, { file: args.config });
  if (!project.ok) {
    for (const d of project.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
    report(project.diagnostics);
    return EXIT.invalid;
  }
  const environment = resolveEnvironment(project.config, args.env, io.env, args.vars);
  if (!environment.ok) {
    io.stderr(`pathproof: ${environment.message}\n`);
    report([{ file: args.config ?? 'pathproof.yaml', line: 0, column: 0, path: 'environments', message: environment.message, severity: 'error' }]);
    return EXIT.invalid;
  }
  if (args.shard && 'auto' in args.shard) {
    io.stderr('pathproof: validate takes --shard i/n\n');
    return EXIT.invalid;
  }
  const paths = args.paths.length > 0 ? args.paths : [project.config.journeys ?? DEFAULTS.journeysDir];
  const { journeys, diagnostics } = await loadJourneys(paths, { cwd: io.cwd, env: environment.env });
  for (const d of diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const files = new Set(errors.map((d) => d.file)).size;
  // As `run` selects (any of the tags); not imported from run-command, which loads the runner.
  const tagged = args.tags.length === 0 ? journeys : journeys.filter((j) => j.journey.tags.some((t) => args.tags.includes(t)));
  report(diagnostics, args.shard ? selectShard(tagged, args.shard, (j) => j.journey.name) : tagged);
  if (errors.length > 0) {
    io.stderr(`\n${errors.length} ${errors.length === 1 ? 'problem' : 'problems'} in ${files} ${files === 1 ? 'file' : 'files'}; ${journeys.length} valid ${journeys.length === 1 ? 'journey' : 'journeys'}\n`);
    return EXIT.invalid;
  }
  (args.json ? io.stderr : io.stdout)(`${journeys.length} ${journeys.length === 1 ? 'journey' : 'journeys'} valid\n`);
  return EXIT.passed;
}
