/**
 * `pathproof posture --compose FILE [--project NAME]`: what the compose file says should run
 * vs what the engine runs, per service. Exit codes as `run`: 0 consistent, 1 drift,
 * 2 bad input (the compose or project file), 3 could not verify (the engine).
 */
import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { EXIT } from '../result/types.js';
import { systemClock } from '../result/clock.js';
import type { Clock } from '../result/clock.js';
import { loadProject } from '../journey/project.js';
import { COMPOSE_FILES, normaliseProjectName, readCompose } from '../platform/compose.js';
import { comparePosture, observePosture, renderPosture } from '../platform/posture.js';
import { PlatformError } from '../platform/types.js';
import { buildEngine } from './engine.js';
import type { ParsedArgs } from './args.js';
import type { CliIo } from './io.js';
import { formatDiagnostic } from '../journey/diagnostics.js';
import type { Diagnostic } from '../journey/diagnostics.js';

/** The whole posture read (every list, inspect and image) gets this long. */
const POSTURE_DEADLINE_MS = 30_000;

export async function postureCommand(args: ParsedArgs, io: CliIo, clock: Clock = systemClock()): Promise<number> {
  const project = await loadProject(io.cwd, { file: args.config });
  if (!project.ok) {
    printDiagnostics(io, project.diagnostics);
    return EXIT.invalid;
  }
  const intended = project.config.intended;
  const file = args.compose ?? intended?.compose ?? (await firstExisting(io.cwd));
  if (file === undefined) {
    io.stderr(`pathproof: posture needs a compose file: --compose FILE (or intended.compose in pathproof.yaml; none of ${COMPOSE_FILES.join(', ')} is here)\n`);
    return EXIT.invalid;
  }
  const named = args.project ?? (args.compose === undefined ? intended?.project : undefined);
  const projectName = named === undefined ? undefined : { name: named, source: args.project !== undefined ? '--project' : 'intended.project' };
  if (projectName && normaliseProjectName(projectName.name) === '') {
    io.stderr(`pathproof: ${projectName.source} "${projectName.name}" is not a compose project name (lower-case letters, digits, - and _)\n`);
    return EXIT.invalid;
  }
  const compose = await readCompose(file, { cwd: io.cwd, env: io.env, ...(projectName ? { project: projectName } : {}) });
  if (!compose.ok) {
    printDiagnostics(io, compose.diagnostics);
    return EXIT.invalid;
  }

  const engine = buildEngine(io.env, project.config, clock);
  if (!engine.ok) {
    io.stderr(`pathproof: ${engine.message}\n`);
    return EXIT.invalid;
  }
  const stop = new AbortController();
  const unregister = io.onInterrupt(() => stop.abort());
  try {
    const reading = await observePosture(
      engine.source,
      compose.compose,
      { deadline: clock.now() + POSTURE_DEADLINE_MS, signal: stop.signal },
      {
        activeProfiles: (io.env.COMPOSE_PROFILES ?? '').split(',').map((p) => p.trim()).filter(Boolean),
        ...(args.deployedAt ? { deployedAt: args.deployedAt } : {}),
      },
    );
    const posture = comparePosture(reading);
    if (args.reporters.includes('json')) io.stdout(`${JSON.stringify(posture, null, 2)}\n`);
    else io.stdout(renderPosture(posture));
    return posture.consistent ? EXIT.passed : EXIT.failed;
  } catch (error) {
    if (stop.signal.aborted) {
      io.stderr('pathproof: posture interrupted\n');
      return EXIT.interrupted;
    }
    if (error instanceof PlatformError) {
      io.stderr(`pathproof: could not verify the posture (${error.code}): ${error.message}\n`);
      return EXIT.error;
    }
    throw error;
  } finally {
    unregister();
    await engine.source.close().catch(() => undefined);
  }
}

async function firstExisting(cwd: string): Promise<string | undefined> {
  for (const name of COMPOSE_FILES) {
    try {
      await access(resolve(cwd, name));
      return name;
    } catch {
      // next
    }
  }
  return undefined;
}

function printDiagnostics(io: CliIo, diagnostics: readonly Diagnostic[]): void {
  for (const diagnostic of diagnostics) io.stderr(`${formatDiagnostic(diagnostic)}\n`);
}
