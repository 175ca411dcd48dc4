/**
 * `pathproof run`: the composition root. The dispatcher, the browser, the clock and the
 * redactor are built here, once, and handed down in one context object.
 */
import { isAbsolute, join, resolve } from 'node:path';
import { createHttpDeps } from '../steps/http/dispatcher.js';
import type { BrowserSupport } from '../steps/types.js';
import { systemClock } from '../result/clock.js';
import type { Clock } from '../result/clock.js';
import { EXIT } from '../result/types.js';
import type { Trigger } from '../result/types.js';
import { DEFAULTS } from '../journey/schema.js';
import { loadProject, resolveEnvironment } from '../journey/project.js';
import { loadJourneys } from '../journey/discover.js';
import type { LoadedJourney } from '../journey/load.js';
import { formatDiagnostic } from '../journey/diagnostics.js';
import type { Diagnostic } from '../journey/diagnostics.js';
import { createRedactor } from '../journey/secrets.js';
import { makeRunId } from '../runner/summary.js';
import { consoleReporter } from '../report/console.js';
import { pruneRuns } from '../report/retention.js';
import { executeRun } from './execute.js';
import { buildEngine } from './engine.js';
import type { ContainerDeps } from '../steps/runtime/container.js';
import { intendedProject } from '../platform/compose.js';
import { planRunPosture } from './run-posture.js';
import type { ExecuteResult } from './execute.js';
import { buildReporters } from './reporters.js';
import { planRerun } from './rerun.js';
import type { RerunPlan } from './rerun.js';
import { selectShard } from '../runner/shard.js';
import type { ParsedArgs } from './args.js';
import type { CliIo } from './io.js';
import type { ReporterFailure } from '../report/reporter.js';

/** After SIGTERM, running journeys get this long to finish before they are cut. */
const GRACE_MS = 5_000;

export interface RunCommandOptions {
  readonly args: ParsedArgs;
  readonly io: CliIo;
  /** Extra ${VAR} values (the demo sets BASE_URL and its secrets this way, never in process.env). */
  readonly extraEnv?: Readonly<Record<string, string>>;
  /** Journey paths to use when none are given on the command line. */
  readonly defaultPaths?: readonly string[];
  readonly clock?: Clock;
}

export function printDiagnostics(io: CliIo, diagnostics: readonly Diagnostic[]): void {
  for (const diagnostic of diagnostics) io.stderr(`${formatDiagnostic(diagnostic)}\n`);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  if (errors > 0) io.stderr(`\n${errors} ${errors === 1 ? 'problem' : 'problems'}: nothing was run.\n`);
}

export function selectJourneys(journeys: readonly LoadedJourney[], tags: readonly string[]): LoadedJourney[] {
  if (tags.length === 0) return [...journeys];
  return journeys.filter((j) => j.journey.tags.some((tag) => tags.includes(tag)));
}

export async function runCommand(options: RunCommandOptions): Promise<number> {
  const { io } = options;
  const clock = options.clock ?? systemClock();

  const project = await loadProject(io.cwd, { file: options.args.config });
  if (!project.ok) {
    printDiagnostics(io, project.diagnostics);
    return EXIT.invalid;
  }
  const reportRoot = resolve(io.cwd, options.args.reportDir ?? project.config.reportDir ?? DEFAULTS.reportDir);

  // Progress notes go where people read: stderr when stdout carries run.json (--reporter json).
  const note = options.args.reporters.includes('json') ? io.stderr : io.stdout;

  // --rerun-failed: the journeys (and files) come from an earlier run, which this one continues.
  let rerun: Extract<RerunPlan, { kind: 'rerun' }> | undefined;
  let args = options.args;
  if (args.rerunFailed) {
    const plan = await planRerun({ paths: args.paths, cwd: io.cwd, reportRoot, env: args.env });
    if (plan.kind === 'invalid') {
      io.stderr(`pathproof: ${plan.message}\n`);
      return EXIT.invalid;
    }
    if (plan.kind === 'nothing') {
      note(`pathproof: ${plan.message}\n`);
      return EXIT.passed;
    }
    rerun = plan;
    // A re-run verifies the same thing as the run it continues, unless told otherwise.
    const before = plan.previous.trigger;
    args = {
      ...args,
      paths: [...plan.paths],
      after: args.after ?? before.after,
      deployId: args.deployId ?? before.deployId,
      expectVersion: args.expectVersion ?? before.expectVersion,
      deployedAt: args.deployedAt ?? before.deployedAt,
      waitMs: args.waitMs ?? before.waitMs, // --wait (issue #14)
    };
    note(`re-running ${plan.names.length} failed ${plan.names.length === 1 ? 'journey' : 'journeys'} of run ${plan.previous.runId}: ${plan.names.join(', ')}\n`);
  }
  // --expect-version also feeds ${EXPECTED_VERSION}, so a journey that reads it needs no other setting.
  const expectEnv = args.expectVersion ? { EXPECTED_VERSION: args.expectVersion } : {};
  const environment = resolveEnvironment(project.config, args.env, { ...io.env, ...options.extraEnv, ...expectEnv }, args.vars);
  if (!environment.ok) {
    io.stderr(`pathproof: ${environment.message}\n`);
    return EXIT.invalid;
  }

  const paths = args.paths.length > 0 ? args.paths : (options.defaultPaths ?? [project.config.journeys ?? DEFAULTS.journeysDir]);
  const loaded = await loadJourneys(paths, { cwd: io.cwd, env: environment.env });
  if (loaded.diagnostics.some((d) => d.severity === 'error')) {
    printDiagnostics(io, loaded.diagnostics);
    return EXIT.invalid;
  }
  let selected = selectJourneys(loaded.journeys, args.tags).map((j) =>
    j.journey.target || !environment.target ? j : { ...j, journey: { ...j.journey, target: environment.target } },
  );
  if (rerun) {
    const wanted = new Set(rerun.names);
    selected = selected.filter((j) => wanted.has(j.journey.name));
    const missing = rerun.names.filter((name) => !loaded.journeys.some((j) => j.journey.name === name));
    if (missing.length > 0) io.stderr(`pathproof: not found in ${paths.join(', ')} (renamed or removed?): ${missing.join(', ')}\n`);
  }
  if (selected.length === 0) {
    const why = args.tags.length > 0 ? ` with tag ${args.tags.join(' or ')}` : '';
    const which = rerun ? ` to re-run from run ${rerun.previous.runId}` : '';
    if (args.passWithNoJourneys) {
      note(`pathproof: no journeys${which}${why} in ${paths.join(', ')}: nothing to run (--pass-with-no-journeys)\n`);
      return EXIT.passed;
    }
    io.stderr(`pathproof: no journeys${which}${why} in ${paths.join(', ')} (--pass-with-no-journeys makes that exit 0)\n`);
    return EXIT.invalid;
  }
  if (args.shard) {
    if ('auto' in args.shard) {
      io.stderr(`pathproof: --shard auto/${args.shard.total} is for serve replicas; run takes --shard i/n\n`);
      return EXIT.invalid;
    }
    const { index, total } = args.shard;
    const all = selected.length;
    selected = selectShard(selected, args.shard, (j) => j.journey.name);
    // With many shards some may be empty: that is not an error, every journey is covered elsewhere.
    if (selected.length === 0) {
      note(`pathproof: shard ${index}/${total} has no journeys (${all} selected, split over ${total} shards): nothing to run\n`);
      return EXIT.passed;
    }
    note(`shard ${index}/${total}: ${selected.length} of ${all} journeys\n`);
  }

  const defaults = project.config.defaults ?? {};
  const concurrency = args.concurrency ?? defaults.concurrency ?? DEFAULTS.concurrency;
  const redactor = createRedactor(selected.flatMap((j) => j.secrets));
  const runId = makeRunId(clock.wallNow());
  const runDir = args.out ? (isAbsolute(args.out) ? args.out : resolve(io.cwd, args.out)) : join(reportRoot, runId);
  const expectVersion = args.expectVersion ?? environment.expectVersion;
  const trigger: Trigger = {
    source: 'cli',
    ...(args.after ? { after: args.after } : {}),
    ...(args.deployId ? { deployId: args.deployId } : {}),
    ...(expectVersion ? { expectVersion } : {}),
    ...(args.env ? { env: args.env } : {}),
    ...(args.deployedAt ? { deployedAt: args.deployedAt } : {}),
    // --wait (issue #14): --wait / PATHPROOF_WAIT over pathproof.yaml's wait:; executeRun reads it from here.
    ...((args.waitMs ?? project.config.wait) ? { waitMs: args.waitMs ?? project.config.wait } : {}),
  };

  // The container engine, only when a journey reads container truth or the run records the posture
  // (intended: of pathproof.yaml, issue #14); the socket is opened on first use.
  let containers: ContainerDeps | undefined;
  if (selected.some((j) => j.journey.runtime?.container) || project.config.intended) {
    const engine = buildEngine(io.env, project.config, clock);
    if (!engine.ok) {
      io.stderr(`pathproof: ${engine.message}\n`);
      return EXIT.invalid;
    }
    const intended = intendedProject(project.config.intended, io);
    containers = {
      source: engine.source,
      ...(args.deployedAt ? { deployedAt: args.deployedAt } : {}),
      ...(intended ? { project: intended } : {}),
    };
  }

  // intended: of pathproof.yaml (issue #14): the compose file is read now (exit 2 when malformed), the posture after the journeys.
  const posture = await planRunPosture({ intended: project.config.intended, cwd: io.cwd, env: io.env, source: containers?.source, clock, redactor, ...(args.deployedAt ? { deployedAt: args.deployedAt } : {}) });
  if (!posture.ok) {
    printDiagnostics(io, posture.diagnostics);
    await containers?.source.close();
    return EXIT.invalid;
  }

  const jsonOnStdout = args.reporters.includes('json');
  const human = jsonOnStdout ? io.stderr : io.stdout;
  const reporters = buildReporters({
    console: consoleReporter({ write: human, color: io.color && !jsonOnStdout, verbose: !args.quiet }),
    jsonStdout: jsonOnStdout ? io.stdout : undefined,
    env: io.env,
    investigate: args.investigate,
    cwd: io.cwd,
    copies: args.reportCopies,
  });

  // Built once for the run; Playwright is imported only if a selected journey needs it.
  // As many connections per target as journeys may run at once: the pool must not be the bottleneck
  // that --concurrency promised away (every journey of a run usually talks to the same host).
  const http = createHttpDeps({
    clock,
    connections: Math.max(8, concurrency),
    maxBodyBytes: DEFAULTS.maxBodyBytes,
    maxRedirects: DEFAULTS.maxRedirects,
  });
  let browser: BrowserSupport | undefined;
  const openBrowser = async (): Promise<BrowserSupport> => {
    const { createBrowserSupport } = await import('../steps/browser/session.js');
    browser ??= createBrowserSupport({ env: io.env, clock, trace: args.trace });
    return browser;
  };

  let stopping = false;
  let interrupted = false;
  const hardStop = new AbortController();
  let graceTimer: NodeJS.Timeout | undefined;
  const unregister = io.onInterrupt((signal) => {
    interrupted = true;
    if (stopping) {
      hardStop.abort(new Error(`second ${signal}`));
      return;
    }
    stopping = true;
    human(`\n${signal}: no new journeys; running ones get ${GRACE_MS / 1000}s to finish\n`);
    graceTimer = setTimeout(() => hardStop.abort(new Error(signal)), GRACE_MS);
    graceTimer.unref();
  });

  let result: ExecuteResult;
  try {
    result = await executeRun({
      runId,
      journeys: selected,
      trigger,
      runDir,
      reportRoot,
      concurrency,
      defaults: {
        journeyTimeoutMs: defaults.timeout ?? DEFAULTS.journeyTimeoutMs,
        stepTimeoutMs: defaults.stepTimeout ?? DEFAULTS.stepTimeoutMs,
        retries: args.retries ?? defaults.retries ?? DEFAULTS.retries,
      },
      expectVersion,
      reporters,
      clock,
      http,
      browser: openBrowser,
      redactor,
      signal: hardStop.signal,
      stopping: () => stopping,
      interrupted: () => interrupted,
      containers,
      ...(posture.read ? { posture: posture.read } : {}),
      ...(rerun ? { extra: { continues: rerun.previous.runId } } : {}),
    });
  } finally {
    clearTimeout(graceTimer);
    unregister();
    await Promise.allSettled([http.close(), browser?.close(), containers?.source.close()]);
  }

  for (const warning of result.warnings) human(`warning: ${warning}\n`);
  for (const line of reportFailureLines(runDir, result.failures)) io.stderr(`${line}\n`);
  if (!result.failures.some((f) => f.reporter === 'json')) human(`report: ${join(runDir, 'run.json')}\n`);

  const keepRuns = args.keepRuns ?? project.config.keepRuns;
  if (keepRuns !== undefined) {
    const protect = [runId, ...(typeof result.run.continues === 'string' ? [result.run.continues] : [])];
    await pruneRuns(reportRoot, keepRuns, protect).catch((error: unknown) =>
      io.stderr(`pathproof: warning: old runs not pruned: ${(error as Error).message}\n`),
    );
  }

  // A one-shot run has no /metrics to scrape: push the same journey metrics instead. A failed
  // push is reported but never changes the verdict on the target.
  const pushgateway = args.pushgateway ?? project.config.pushgateway;
  if (pushgateway) {
    const { pushRunMetrics } = await import('../metrics/push.js');
    try {
      const pushed = await pushRunMetrics({ url: pushgateway, run: result.run, env: args.env });
      human(`metrics of ${pushed} ${pushed === 1 ? 'journey' : 'journeys'} pushed to ${redactor.redact(new URL(pushgateway).origin)}\n`);
    } catch (error) {
      io.stderr(`pathproof: warning: metrics not pushed: ${redactor.redact((error as Error).message)}\n`);
    }
  }
  return result.exitCode;
}

/**
 * What the user reads when reports could not be written. A directory that cannot be created
 * or a full disk fails every reporter the same way: that is one line naming the directory,
 * not five that each hide the cause (ENOSPC messages name no path). A reporter that failed
 * for another reason (a different error code) keeps a line of its own.
 */
export function reportFailureLines(runDir: string, failures: readonly ReporterFailure[]): string[] {
  const [first, ...rest] = [...failures].sort((a, b) => Number(b.essential) - Number(a.essential));
  if (!first) return [];
  // Grouped by error code (a full disk fails every reporter alike); our own bugs by their message.
  const alike = (f: ReporterFailure): boolean => f.code === first.code && (f.code !== 'REPORTER_BUG' || f.message === first.message);
  const same = [first, ...rest.filter(alike)];
  const other = rest.filter((f) => !alike(f));
  const what = first.essential ? 'the run record (run.json) and reports' : 'reports';
  return [
    `pathproof: ${what} could not be written to ${runDir} (${same.map((f) => f.reporter).join(', ')}): ${first.message}`,
    ...other.map((f) => `pathproof: ${f.reporter} report could not be written: ${f.message}`),
  ];
}
