/**
 * What `run` and `serve` set up the same way, in one place: the project file and the
 * environment, the journey set (loaded, selected by tag, the environment's target filled in),
 * the machinery built once at the edge (HTTP dispatchers, a lazily loaded browser, the
 * container engine), the interrupt controller (SIGINT/SIGTERM: stop taking work, then cut
 * after a grace period, at once on a second signal), run retention, and the lines a command
 * prints about diagnostics and reports it could not write.
 */
import { resolve } from 'node:path';
import type { Clock } from '../result/clock.js';
import type { Redactor } from '../result/types.js';
import { DEFAULTS } from '../journey/schema.js';
import type { ProjectConfig } from '../journey/schema.js';
import { loadProject, resolveEnvironment, resolveTraceUrl } from '../journey/project.js';
import type { EnvironmentResult } from '../journey/project.js';
import { loadJourneys } from '../journey/discover.js';
import type { LoadedJourney } from '../journey/load.js';
import { formatDiagnostic } from '../journey/diagnostics.js';
import type { Diagnostic } from '../journey/diagnostics.js';
import type { NamedSecret } from '../journey/interpolate.js';
import { createRedactor, weakSecretWarnings } from '../journey/secrets.js';
import { createHttpDeps } from '../steps/http/dispatcher.js';
import type { BrowserSupport, HttpDeps } from '../steps/types.js';
import type { ContainerDeps } from '../steps/runtime/container.js';
import { pruneRuns } from '../report/retention.js';
import type { KnownRuns } from '../report/retention.js';
import type { ExtrasSettings } from '../runner/attempt-extras.js';
import type { ReporterFailure } from '../report/reporter.js';
import type { ParsedArgs } from './args.js';
import type { CliIo } from './io.js';

/** The project file, the named environment and what follows from them with the command line. */
export interface Setting {
  readonly config: ProjectConfig;
  /** The project file's path, when there is one. */
  readonly configFile?: string;
  readonly environment: Extract<EnvironmentResult, { ok: true }>;
  /** Journey files or directories: the command line's, else the caller's default, else journeys/. */
  readonly paths: readonly string[];
  readonly reportRoot: string;
  readonly concurrency: number;
  readonly defaults: { readonly journeyTimeoutMs: number; readonly stepTimeoutMs: number; readonly retries: number };
  /** --expect-version, else the environment's. */
  readonly expectVersion?: string;
  /** Issue #17 part 2: what the runner takes from pathproof.yaml (origins, TLS expiry, traces), for executeRun. */
  readonly runner: { readonly origins?: readonly string[]; readonly extras: ExtrasSettings };
}

export type SettingResult = { ok: true; setting: Setting } | { ok: false; exitCode: number };

/**
 * Reads pathproof.yaml and resolves the environment (`--env`, `-e`, the process env, the
 * caller's extra variables). Problems are printed here; the caller exits with `exitCode`.
 */
export async function loadSetting(
  args: ParsedArgs,
  io: CliIo,
  options: { readonly extraEnv?: Readonly<Record<string, string>>; readonly defaultPaths?: readonly string[] } = {},
): Promise<SettingResult> {
  const project = await loadProject(io.cwd, { file: args.config });
  if (!project.ok) {
    printDiagnostics(io, project.diagnostics);
    return { ok: false, exitCode: 2 };
  }
  // --expect-version also feeds ${EXPECTED_VERSION}, so a journey that reads it needs no other setting.
  const expectEnv = args.expectVersion ? { EXPECTED_VERSION: args.expectVersion } : {};
  const environment = resolveEnvironment(project.config, args.env, { ...io.env, ...options.extraEnv, ...expectEnv }, args.vars);
  if (!environment.ok) {
    io.stderr(`pathproof: ${environment.message}\n`);
    return { ok: false, exitCode: 2 };
  }
  const config = project.config;
  const defaults = config.defaults ?? {};
  const expectVersion = args.expectVersion ?? environment.expectVersion;
  // traceUrl may use ${VAR} (the project file is read without interpolation): resolved once, here.
  const traceUrl = config.traceUrl === undefined ? undefined : resolveTraceUrl(config.traceUrl, environment.env, project.file);
  if (traceUrl !== undefined && !traceUrl.ok) {
    io.stderr(`pathproof: ${traceUrl.message}\n`);
    return { ok: false, exitCode: 2 };
  }
  return {
    ok: true,
    setting: {
      config,
      ...(project.file === undefined ? {} : { configFile: project.file }),
      environment,
      paths: args.paths.length > 0 ? args.paths : (options.defaultPaths ?? [config.journeys ?? DEFAULTS.journeysDir]),
      reportRoot: resolve(io.cwd, args.reportDir ?? config.reportDir ?? DEFAULTS.reportDir),
      concurrency: args.concurrency ?? defaults.concurrency ?? DEFAULTS.concurrency,
      defaults: {
        journeyTimeoutMs: defaults.timeout ?? DEFAULTS.journeyTimeoutMs,
        stepTimeoutMs: defaults.stepTimeout ?? DEFAULTS.stepTimeoutMs,
        retries: args.retries ?? defaults.retries ?? DEFAULTS.retries,
      },
      ...(expectVersion === undefined ? {} : { expectVersion }),
      runner: {
        ...(config.origins === undefined ? {} : { origins: config.origins }),
        extras: {
          ...(config.tlsWarnWithin === undefined ? {} : { tlsWarnWithinMs: config.tlsWarnWithin }),
          ...(config.traceparent === undefined ? {} : { traceparent: config.traceparent }),
          ...(traceUrl === undefined ? {} : { traceUrl: traceUrl.url }),
        },
      },
    },
  };
}

export type JourneySetResult =
  | { ok: true; journeys: LoadedJourney[]; warnings: Diagnostic[]; redactor: Redactor }
  | { ok: false; diagnostics: Diagnostic[]; message?: string };

/**
 * Loads the journey files and selects by tag; the environment's target fills in journeys
 * without one. `empty` says what an empty selection is: a problem (`run`, `serve`) or fine.
 */
export async function loadJourneySet(setting: Setting, args: Pick<ParsedArgs, 'tags'>, io: CliIo): Promise<JourneySetResult> {
  const loaded = await loadJourneys(setting.paths, { cwd: io.cwd, env: setting.environment.env });
  if (loaded.diagnostics.some((d) => d.severity === 'error')) return { ok: false, diagnostics: loaded.diagnostics };
  const target = setting.environment.target;
  const journeys = selectJourneys(loaded.journeys, args.tags).map((j) => (j.journey.target || !target ? j : { ...j, journey: { ...j.journey, target } }));
  return { ok: true, journeys, warnings: loaded.diagnostics, redactor: createRedactor(journeys.flatMap((j) => j.secrets)) };
}

export function selectJourneys(journeys: readonly LoadedJourney[], tags: readonly string[]): LoadedJourney[] {
  if (tags.length === 0) return [...journeys];
  return journeys.filter((j) => j.journey.tags.some((tag) => tags.includes(tag)));
}

/**
 * Warnings about secrets too short or too common to redact safely (once per load): they
 * name the secret, never its value, and say what it means.
 */
export function weakSecretLines(journeys: readonly LoadedJourney[]): string[] {
  const secrets = journeys.flatMap((j): readonly (NamedSecret | string)[] => j.namedSecrets ?? j.secrets);
  return weakSecretWarnings(secrets).map((warning) => `pathproof: warning: ${warning}`);
}

/** What runs need, built once at the edge and handed down. */
export interface Machinery {
  readonly http: HttpDeps;
  /** The browser support, created on first call; Playwright is imported only then. */
  readonly browser: () => Promise<BrowserSupport>;
  /** The container engine, when a journey reads container truth (or may after a reload). */
  readonly containers?: ContainerDeps;
  /** Closes what was opened (pooled sockets, the browser, the engine connection). */
  close(): Promise<void>;
}

export type MachineryResult = { ok: true; machinery: Machinery } | { ok: false; message: string };

export async function buildMachinery(options: {
  readonly io: CliIo;
  readonly clock: Clock;
  readonly config: ProjectConfig;
  readonly concurrency: number;
  readonly trace: ParsedArgs['trace'];
  /** Build the container engine: required (a journey has runtime.container) or optional (serve may reload one). */
  readonly containers: 'required' | 'optional' | 'none';
  readonly deployedAt?: string;
}): Promise<MachineryResult> {
  const { io, clock } = options;
  let containers: ContainerDeps | undefined;
  if (options.containers !== 'none') {
    // The engine client and the compose reader are loaded only for runs that read containers.
    const [{ buildEngine }, { intendedProject }] = await Promise.all([import('./engine.js'), import('../platform/compose.js')]);
    const engine = buildEngine(io.env, options.config, clock);
    if (!engine.ok && options.containers === 'required') return { ok: false, message: engine.message };
    if (engine.ok) {
      const intended = intendedProject(options.config.intended, io);
      containers = {
        source: engine.source,
        ...(options.deployedAt ? { deployedAt: options.deployedAt } : {}),
        ...(intended ? { project: intended } : {}),
      };
    }
  }
  // As many connections per target as journeys may run at once: the pool must not be the
  // bottleneck that --concurrency promised away (a run's journeys usually share one host).
  const http = createHttpDeps({ clock, connections: Math.max(8, options.concurrency), maxBodyBytes: DEFAULTS.maxBodyBytes, maxRedirects: DEFAULTS.maxRedirects });
  let browser: BrowserSupport | undefined;
  return {
    ok: true,
    machinery: {
      http,
      browser: async () => {
        const { createBrowserSupport } = await import('../steps/browser/session.js');
        browser ??= createBrowserSupport({ env: io.env, clock, ...(options.trace === undefined ? {} : { trace: options.trace }) });
        return browser;
      },
      ...(containers === undefined ? {} : { containers }),
      close: async () => {
        await Promise.allSettled([http.close(), browser?.close(), containers?.source.close()]);
      },
    },
  };
}

/** SIGINT/SIGTERM handling shared by run and serve. */
export interface Interrupts {
  /** Aborted after the grace period (or at once on a second signal): cuts running journeys. */
  readonly signal: AbortSignal;
  /** A signal came: take no new work. */
  stopping(): boolean;
  dispose(): void;
}

/**
 * On the first signal `onFirst` runs (stop taking work, say so) and running work gets
 * `graceMs` before the abort; a second signal aborts at once.
 */
export function watchInterrupts(io: CliIo, graceMs: number, onFirst: (signal: string) => void): Interrupts {
  const hardStop = new AbortController();
  let stopping = false;
  let graceTimer: NodeJS.Timeout | undefined;
  const unregister = io.onInterrupt((signal) => {
    if (stopping) {
      hardStop.abort(new Error(`second ${signal}`));
      return;
    }
    stopping = true;
    onFirst(signal);
    graceTimer = setTimeout(() => hardStop.abort(new Error(signal)), graceMs);
    graceTimer.unref();
  });
  return {
    signal: hardStop.signal,
    stopping: () => stopping,
    dispose: () => {
      clearTimeout(graceTimer);
      unregister();
    },
  };
}

/**
 * Keeps the newest `keep` run directories under the root (never `protect`); a failure is a
 * warning. `known`: what a long-running process learnt about the root's runs in earlier prunes.
 */
export async function keepNewestRuns(io: CliIo, reportRoot: string, keep: number | undefined, protect: readonly string[], known?: KnownRuns): Promise<void> {
  if (keep === undefined) return;
  await pruneRuns(reportRoot, keep, protect, undefined, known).catch((error: unknown) => io.stderr(`pathproof: warning: old runs not pruned: ${(error as Error).message}\n`));
}

export function printDiagnostics(io: CliIo, diagnostics: readonly Diagnostic[]): void {
  for (const diagnostic of diagnostics) io.stderr(`${formatDiagnostic(diagnostic)}\n`);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  if (errors > 0) io.stderr(`\n${errors} ${errors === 1 ? 'problem' : 'problems'}: nothing was run.\n`);
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
