/** `pathproof validate`: every problem in every file, one line each, then one verdict. */
import { EXIT } from '../result/types.js';
import { DEFAULTS } from '../journey/schema.js';
import { loadProject, resolveEnvironment } from '../journey/project.js';
import { loadJourneys } from '../journey/discover.js';
import { formatDiagnostic } from '../journey/diagnostics.js';
import type { ParsedArgs } from './args.js';
import type { CliIo } from './io.js';

export async function validateCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  const project = await loadProject(io.cwd, { file: args.config });
  if (!project.ok) {
    for (const d of project.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
    return EXIT.invalid;
  }
  const environment = resolveEnvironment(project.config, args.env, io.env, args.vars);
  if (!environment.ok) {
    io.stderr(`pathproof: ${environment.message}\n`);
    return EXIT.invalid;
  }
  const paths = args.paths.length > 0 ? args.paths : [project.config.journeys ?? DEFAULTS.journeysDir];
  const { journeys, diagnostics } = await loadJourneys(paths, { cwd: io.cwd, env: environment.env });
  for (const d of diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const files = new Set(errors.map((d) => d.file)).size;
  if (errors.length > 0) {
    io.stderr(`\n${errors.length} ${errors.length === 1 ? 'problem' : 'problems'} in ${files} ${files === 1 ? 'file' : 'files'}; ${journeys.length} valid ${journeys.length === 1 ? 'journey' : 'journeys'}\n`);
    return EXIT.invalid;
  }
  io.stdout(`${journeys.length} ${journeys.length === 1 ? 'journey' : 'journeys'} valid\n`);
  return EXIT.passed;
}
