/**
 * The posture of every run (DESIGN §7): with `intended:` in pathproof.yaml, `pathproof run`
 * reads the compose file before anything runs (a malformed one is exit 2, with file:line:col,
 * like `pathproof posture`) and compares it with the engine once the journeys are done, so
 * run.json and the investigation record say which services run as intended and which do not.
 *
 * Read after the journeys, not before: with --wait the rollout is then over, and the posture
 * describes what the journeys were judged against. An engine fault is recorded as
 * `unavailable` and a warning of the run; it never changes the verdict.
 */
import type { Clock } from '../result/clock.js';
import type { Redactor, RunPosture } from '../result/types.js';
import type { ProjectConfig } from '../journey/schema.js';
import type { Diagnostic } from '../journey/diagnostics.js';
import { readCompose } from '../platform/compose.js';
import { comparePosture, observePosture, postureSummary } from '../platform/posture.js';
import { PlatformError } from '../platform/types.js';
import type { PlatformSource } from '../platform/types.js';
import { redactValues } from '../runner/redact.js';

/** The whole posture read (every list, inspect and image) gets this long. */
export const RUN_POSTURE_DEADLINE_MS = 30_000;

/** Reads the posture when called; absent without `intended:`. */
export type PostureRead = (signal: AbortSignal) => Promise<RunPosture>;

export type PosturePlan = { readonly ok: true; readonly read?: PostureRead } | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

export interface PosturePlanOptions {
  readonly intended: ProjectConfig['intended'];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The run's engine (built by the command: DOCKER_HOST, engine:, the local socket). */
  readonly source: PlatformSource | undefined;
  readonly clock: Clock;
  readonly redactor: Redactor;
  /** --deployed-at: a container created before it is stale. */
  readonly deployedAt?: string;
}

export async function planRunPosture(options: PosturePlanOptions): Promise<PosturePlan> {
  const { intended, source, clock } = options;
  if (intended === undefined || source === undefined) return { ok: true };
  const compose = await readCompose(intended.compose, {
    cwd: options.cwd,
    env: options.env,
    ...(intended.project ? { project: { name: intended.project, source: 'intended.project' } } : {}),
  });
  if (!compose.ok) return { ok: false, diagnostics: compose.diagnostics };
  const activeProfiles = (options.env.COMPOSE_PROFILES ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  const read: PostureRead = async (signal) => {
    const at = (): string => clock.wallNow().toISOString();
    try {
      const reading = await observePosture(
        source,
        compose.compose,
        { deadline: clock.now() + RUN_POSTURE_DEADLINE_MS, signal },
        { activeProfiles, ...(options.deployedAt ? { deployedAt: options.deployedAt } : {}) },
      );
      const posture = comparePosture(reading);
      // From outside (the engine, the compose file): redacted like every result, once, here.
      return redactValues({ status: 'read', at: at(), summary: postureSummary(posture), ...posture }, options.redactor);
    } catch (error) {
      if (!(error instanceof PlatformError)) throw error;
      return redactValues(
        { status: 'unavailable', file: compose.compose.file, project: compose.compose.project, at: at(), code: error.code, message: error.message },
        options.redactor,
      );
    }
  };
  return { ok: true, read };
}
