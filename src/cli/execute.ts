/**
 * One run of selected journeys, from first reporter call to final run.json. Shared by
 * `pathproof run`, `pathproof demo` and `pathproof serve` (schedules, API, webhooks), which
 * build the long-lived parts (dispatcher, browser, clock) once and pass them in.
 */
import { setMaxListeners } from 'node:events';
import type { Clock } from '../result/clock.js';
import type { JourneyResult, RunPosture, RunResult, Trigger } from '../result/types.js';
import type { PostureRead } from './run-posture.js';
import type { LoadedJourney } from '../journey/load.js';
import { STEP_REGISTRY, journeyNeedsBrowser } from '../steps/registry.js';
import type { BrowserSupport, HttpDeps, Redactor } from '../steps/types.js';
import { runJourneys } from '../runner/run.js';
import type { ExtrasSettings } from '../runner/attempt-extras.js';
import type { ContainerDeps } from '../steps/runtime/container.js';
import { exitCodeFor } from '../runner/outcome.js';
import { summarizeRun } from '../runner/summary.js';
import { computeTransition } from '../classify/transition.js';
import { evidenceSink } from '../report/evidence.js';
import { createHistoryWriter, readHistory } from '../report/history.js';
import type { HistoryWriter } from '../report/history.js';
import { multiplex } from '../report/reporter.js';
import type { Reporter, ReporterFailure } from '../report/reporter.js';

export interface ExecuteOptions {
  readonly runId: string;
  readonly journeys: readonly LoadedJourney[];
  readonly trigger: Trigger;
  /** This run's directory (run.json, evidence). */
  readonly runDir: string;
  /** The report root holding the history index (transitions between runs). */
  readonly reportRoot: string;
  readonly concurrency: number;
  readonly defaults: { readonly journeyTimeoutMs: number; readonly stepTimeoutMs: number; readonly retries: number };
  readonly expectVersion?: string;
  readonly reporters: readonly (Reporter & { essential?: boolean })[];
  readonly clock: Clock;
  readonly http: HttpDeps;
  /** Called only when a selected journey has browser steps. */
  readonly browser: () => Promise<BrowserSupport>;
  readonly redactor: Redactor;
  /** Aborted to cut running journeys (after the grace period of an interruption). */
  readonly signal: AbortSignal;
  /** True once the run stops taking new journeys. */
  readonly stopping: () => boolean;
  readonly interrupted: () => boolean;
  /** Shared by every run of a long-lived process (serve), so concurrent runs never lose an update. */
  readonly history?: HistoryWriter;
  /** Fields added to run.json (e.g. `continues` for --rerun-failed). */
  readonly extra?: Record<string, unknown>;
  /** The container engine for `runtime.container` checks (built once by the command). */
  readonly containers?: ContainerDeps;
  /** intended: of pathproof.yaml (issue #14): reads the posture once the journeys are done (src/cli/run-posture.ts). */
  readonly posture?: PostureRead;
  // --- pathproof.yaml settings the runner applies (issue #17 part 2; origins were dropped before) ---
  /** `origins:`: first-party for every journey, besides each journey's own. */
  readonly origins?: readonly string[];
  /** `tlsWarnWithin`, `traceparent`, `traceUrl` (resolved): see src/runner/attempt-extras.ts. */
  readonly extras?: ExtrasSettings;
}

export interface ExecuteResult {
  readonly run: RunResult;
  readonly exitCode: number;
  readonly failures: readonly ReporterFailure[];
  readonly warnings: readonly string[];
}

export async function executeRun(options: ExecuteOptions): Promise<ExecuteResult> {
  const { clock, redactor, journeys } = options;
  const startedAtDate = clock.wallNow();
  const startedAt = startedAtDate.toISOString();
  const start = clock.now();
  const mux = multiplex(options.reporters);
  const warnings: string[] = [];
  // Every in-flight request listens on the run's abort signal.
  setMaxListeners(0, options.signal);

  // A corrupt or missing history never fails a run: transitions are just unavailable.
  const history = await (options.history ? options.history.read(options.reportRoot) : readHistory(options.reportRoot));
  if (!history.ok) warnings.push(history.warning);
  const env = options.trigger.env;

  const browser = journeys.some((j) => journeyNeedsBrowser(j.journey)) ? await options.browser() : undefined;

  const finished: JourneyResult[] = [];
  let posture: RunPosture | undefined = undefined; // issue #14: set once the journeys are done
  const snapshot = (status: RunResult['status'], extra: { exitCode?: number; finishedAt?: string } = {}): RunResult =>
    summarizeRun({
      runId: options.runId,
      trigger: options.trigger,
      startedAt,
      durationMs: clock.now() - start,
      status,
      journeys: finished,
      ...extra,
      warnings: [...warnings, ...mux.failures.map((f) => `${f.reporter} reporter failed (${f.hook}): ${f.message}`)],
      extra: posture ? { ...options.extra, posture } : options.extra,
    });
  const withTransition = (result: JourneyResult): JourneyResult => {
    if (!history.ok || result.outcome === 'skipped') return result;
    const previous = history.index.previous(result.name, env);
    const current = result.outcome === 'failed' ? { outcome: result.outcome, layer: result.layer, ...(result.failure.status === undefined ? {} : { status: result.failure.status }) } : { outcome: result.outcome };
    return { ...result, transition: computeTransition(previous, current) };
  };

  await mux.onRunStart({
    runId: options.runId,
    startedAt,
    trigger: options.trigger,
    runDir: options.runDir,
    concurrency: options.concurrency,
    journeys: journeys.map((j) => ({ name: j.journey.name, file: j.file })),
  });
  const results = await runJourneys(
    journeys,
    {
      clock,
      http: options.http,
      browser,
      steps: STEP_REGISTRY,
      redactor,
      evidence: (journey, attempt) => evidenceSink(options.runDir, journey, attempt),
      defaults: options.defaults,
      expectVersion: options.expectVersion,
      signal: options.signal,
      stopping: options.stopping,
      containers: options.containers,
      // --wait (issue #14): the runtime checks get trigger.waitMs from the run's start to hold (src/runner/wait.ts).
      ...(options.trigger.waitMs ? { wait: { since: start, until: start + options.trigger.waitMs } } : {}),
      ...(options.origins === undefined ? {} : { origins: options.origins }),
      ...options.extras,
    },
    { concurrency: options.concurrency },
    {
      onJourneyEnd: async (raw) => {
        // Results come redacted from the runner's one boundary: nothing to redact here.
        const result = withTransition(raw);
        finished.push(result);
        await mux.onJourneyEnd(result, snapshot('running'));
      },
    },
  );

  // Order as selected (they finished in any order), with the never-started ones included.
  const byName = new Map(finished.map((r) => [r.name, r]));
  finished.splice(0, finished.length, ...results.map((r) => byName.get(r.name) ?? r));
  const interrupted = options.interrupted();
  const status = interrupted ? 'interrupted' : 'complete';
  // issue #14: the posture of an uninterrupted run; an engine fault is a warning, never the verdict.
  posture = options.posture && !interrupted ? await options.posture(options.signal) : undefined;
  if (posture?.status === 'unavailable') warnings.push(`posture not read (${posture.code}): ${posture.message}`);
  const provisional = snapshot(status);
  let exitCode = exitCodeFor(provisional.outcome, { interrupted, reportFailed: mux.failures.some((f) => f.essential) });
  const final = snapshot(status, { exitCode, finishedAt: clock.wallNow().toISOString() });
  await mux.onRunEnd(final);
  // The final write can fail too (disk full at the very end): then the verdict was not recorded.
  if (!interrupted && mux.failures.some((f) => f.essential)) exitCode = exitCodeFor(final.outcome, { reportFailed: true });

  try {
    await (options.history ?? createHistoryWriter()).append(options.reportRoot, final, options.runDir);
  } catch (error) {
    warnings.push(`history index not updated: ${(error as Error).message}`);
  }
  return { run: { ...final, exitCode }, exitCode, failures: mux.failures, warnings };
}
