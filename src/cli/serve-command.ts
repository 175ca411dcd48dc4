/**
 * `pathproof serve`: the composition root of the long-running mode. Built here, once, and
 * shared by every run: the undici dispatcher, one lazily launched browser (relaunched by
 * the browser support if it dies), the prom-client Registry, the clock, the concurrency
 * semaphore. Journeys run on their cron schedules, from the API and from Flagger webhooks;
 * each run writes its report directory under the report root, like `pathproof run`.
 *
 * Signals: SIGHUP re-reads the journey files (an invalid set is reported and the previous
 * valid one keeps running); SIGTERM / SIGINT drain: schedules stop, queued runs are
 * cancelled, running journeys get GRACE_MS to finish before they are cut; then exit 0.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import type { Redactor } from '../steps/types.js';
import { systemClock } from '../result/clock.js';
import { EXIT } from '../result/types.js';
import type { RunResult, Trigger } from '../result/types.js';
import { parseDuration } from '../journey/duration.js';
import type { LoadedJourney } from '../journey/load.js';
import type { Diagnostic } from '../journey/diagnostics.js';
import { makeRunId } from '../runner/summary.js';
import { selectShard } from '../runner/shard.js';
import { resolveShard } from './shard.js';
import { createMetrics } from '../metrics/metrics.js';
import { metricsReporter } from '../metrics/reporter.js';
import { collectProcessMetrics } from '../metrics/process-metrics.js';
import { createSemaphore } from '../schedule/semaphore.js';
import { ScheduleError, createScheduler } from '../schedule/scheduler.js';
import { createRunService, ServiceClosedError } from '../serve/runs.js';
import type { ExecuteRequest, RunRecord } from '../serve/runs.js';
import { createFlaggerHook } from '../serve/flagger.js';
import type { FlaggerHook } from '../serve/flagger.js';
import { resolveAlerts } from '../serve/alert-config.js';
import { MAX_CONFIRM_RUNS, createCanary } from '../serve/canary.js';
import type { CanaryJourney } from '../serve/canary.js';
import { createHttpPost } from '../serve/receivers.js';
import { createServeServer } from '../serve/server.js';
import type { JourneyInfo, ServeState } from '../serve/server.js';
import { isLoopback, parseListen } from '../serve/listen.js';
import { createHistoryWriter } from '../report/history.js';
import { verdictFields } from '../report/attention.js';
import { executeRun } from './execute.js';
import { buildReporters } from './reporters.js';
import { buildMachinery, keepNewestRuns, loadJourneySet, loadSetting, printDiagnostics, reportFailureLines, watchInterrupts, weakSecretLines } from './setup.js';
import type { Setting } from './setup.js';
import type { ParsedArgs } from './args.js';
import type { CliIo } from './io.js';
import type { KnownRuns } from '../report/retention.js';

/** Run directories serve keeps by default (a five-minute canary writes 288 a day). */
export const SERVE_KEEP_RUNS = 500;

/** After SIGTERM, running journeys get this long to finish before they are cut. */
export const GRACE_MS = 10_000;

/** The journeys being served, with what is derived from them. Replaced whole on reload. */
interface JourneySet {
  readonly journeys: ReadonlyMap<string, LoadedJourney>;
  readonly redactor: Redactor;
  readonly catalog: readonly (JourneyInfo & CanaryJourney)[];
}

type SetResult = { ok: true; set: JourneySet; warnings: Diagnostic[] } | { ok: false; diagnostics: Diagnostic[]; message?: string };

export async function serveCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  const clock = systemClock();
  const log = (line: string): void => io.stdout(`${clock.wallNow().toISOString()} ${line}\n`);

  if (args.out) return invalid(io, '--out names the directory of one run; serve writes one per run under --report-dir');
  const listen = parseListen(args.listen);
  if (!listen.ok) return invalid(io, listen.message);
  const jitterMs = args.jitter === undefined ? 0 : parseDuration(args.jitter);
  if (jitterMs === undefined) return invalid(io, `--jitter expects a duration such as 5s or 500ms, got "${args.jitter}"`);
  // Explicit, never the host's implicit zone: TZ when set (the container convention), else UTC.
  const timeZone = io.env.TZ || 'UTC';
  if (!validTimeZone(timeZone)) return invalid(io, `TZ="${timeZone}" is not a known time zone (e.g. UTC, Europe/Berlin)`);
  // Replicas split the journeys (a StatefulSet: --shard auto/n); an empty shard is a replica with nothing to do.
  const shard = args.shard ? resolveShard(args.shard, io.env, hostname()) : undefined;
  if (shard && !shard.ok) return invalid(io, shard.message);

  const loadedSetting = await loadSetting(args, io);
  if (!loadedSetting.ok) return loadedSetting.exitCode;
  const setting = loadedSetting.setting;
  const loadSet = (): Promise<SetResult> => loadServedSet(setting, args, io, shard?.ok ? shard.shard : undefined);

  const first = await loadSet();
  if (!first.ok) {
    printDiagnostics(io, first.diagnostics);
    if (first.message) io.stderr(`pathproof: ${first.message}\n`);
    return EXIT.invalid;
  }
  printDiagnostics(io, first.warnings);
  for (const line of weakSecretLines([...first.set.journeys.values()])) io.stderr(`${line}\n`);
  let current = first.set;

  const { concurrency, reportRoot, expectVersion, defaults } = setting;
  const project = { config: setting.config, file: setting.configFile };
  const environment = setting.environment;
  const keepRuns = args.keepRuns ?? setting.config.keepRuns ?? SERVE_KEEP_RUNS;
  const envLabel = args.env ?? '';
  const baseTrigger: Trigger = { ...(expectVersion ? { expectVersion } : {}), ...(args.env ? { env: args.env } : {}) };

  const registry = new Registry();
  collectProcessMetrics(registry);
  // pathproof_journey_up follows the confirmed state (alerts.confirm), not each run.
  const metrics = createMetrics(registry, { now: () => clock.wallNow(), upFollows: 'confirmed' });
  const scheduledNames = (set: JourneySet): string[] => set.catalog.filter((j) => j.schedule).map((j) => j.name);
  metrics.initJourneys([...current.journeys.keys()], envLabel, { scheduled: scheduledNames(current) });

  // Built once for every run of this process; the container engine is optional here
  // (a reload may add journeys that read container truth), required when one does now.
  const built = await buildMachinery({
    io,
    clock,
    config: setting.config,
    concurrency,
    trace: args.trace,
    containers: [...current.journeys.values()].some((j) => j.journey.runtime?.container) ? 'required' : 'optional',
  });
  if (!built.ok) return invalid(io, built.message);
  const machinery = built.machinery;
  const { http, containers } = machinery;
  // One writer for every run of this process: concurrent runs must not overwrite each other's history.
  const history = createHistoryWriter();
  // What earlier prunes learnt about the report root's run directories (each is looked at once).
  const knownRuns: KnownRuns = new Map();

  let state: ServeState = 'starting';

  // --- canary (issue #17): confirmed alarms, alert delivery, the status page -----------------
  // Everything lives in src/serve/canary.ts; this block only resolves the config and plugs it in.
  const alertConfig = resolveAlerts(project.config, environment.env, { timeZone, ...(project.file ? { file: project.file } : {}) });
  if (!alertConfig.ok) {
    for (const problem of alertConfig.problems) io.stderr(`pathproof: ${problem}\n`);
    await machinery.close();
    return EXIT.invalid;
  }
  const alertHttp = createHttpPost();
  let listenUrl = '';
  const canary = createCanary({
    alerts: alertConfig.alerts,
    env: envLabel,
    now: () => clock.wallNow().getTime(),
    post: alertHttp.post,
    log,
    metrics,
    listenUrl: () => listenUrl,
    sources: {
      catalog: () => current.catalog,
      latest: () => service.latest(),
      nextRuns: () => scheduler.nextRuns(),
      busy: () => scheduler.busy(),
    },
  });
  /** Runs journeys, then re-runs at once those whose break or recovery is not confirmed yet. */
  const runConfirmed = async (names: readonly string[], source: 'schedule' | 'confirm'): Promise<void> => {
    let batch = names;
    for (let round = 0; batch.length > 0 && round < MAX_CONFIRM_RUNS; round++) {
      const record = service.start(batch, { source: round === 0 ? source : 'confirm' });
      await service.wait(record.id);
      batch = batch.filter((name) => canary.alerting.wantsRerun(name));
    }
  };
  // A Flagger call during a canary analysis means a deploy is in progress: alerts stay quiet.
  const withDeploySignal = (hook: FlaggerHook): FlaggerHook => ({
    handle(payload) {
      canary.alerting.deployPhase(payload.phase, `${payload.namespace}/${payload.name}`);
      return hook.handle(payload);
    },
  });
  // --------------------------------------------------------------------------------------------

  const execute = async (request: ExecuteRequest): Promise<RunResult> => {
    const set = current;
    // A journey removed by a reload while its run was queued is simply not run.
    const journeys = request.journeys.flatMap((name) => {
      const journey = set.journeys.get(name);
      return journey ? [journey] : [];
    });
    const result = await executeRun({
      runId: request.id,
      journeys,
      trigger: request.trigger,
      runDir: join(reportRoot, request.id),
      reportRoot,
      concurrency: request.concurrency,
      defaults,
      // Per run (Flagger metadata.expectVersion, API), else --expect-version / the environment's.
      expectVersion: request.trigger.expectVersion ?? expectVersion,
      reporters: [
        ...buildReporters({ env: io.env, investigate: args.investigate }),
        metricsReporter(metrics, envLabel),
        canary.reporter,
        { name: 'serve', onJourneyEnd: request.onJourneyEnd },
      ],
      clock,
      http,
      browser: machinery.browser,
      redactor: set.redactor,
      signal: interrupts.signal,
      stopping: () => state === 'draining',
      interrupted: () => state === 'draining',
      history,
      ...(containers === undefined ? {} : { containers }),
      // pathproof.yaml's origins, tlsWarnWithin, traceparent, traceUrl (issue #17 part 2)
      ...setting.runner,
    });
    // Warnings already in run.json (e.g. an unreadable history) and the ones after it (history not updated).
    for (const warning of result.warnings) io.stderr(`pathproof: run ${request.id}: warning: ${warning}\n`);
    for (const line of reportFailureLines(join(reportRoot, request.id), result.failures)) io.stderr(`pathproof: run ${request.id}: ${line.replace(/^pathproof: /, '')}\n`);
    // A canary writes a run directory per tick: keep the newest ones, never this one.
    await keepNewestRuns(io, reportRoot, keepRuns, [request.id], knownRuns);
    // Already redacted: the runner redacts what came from outside at its one boundary.
    return result.run;
  };

  const service = createRunService({
    semaphore: createSemaphore(concurrency),
    execute,
    makeId: () => makeRunId(clock.wallNow()),
    baseTrigger,
    now: () => clock.wallNow(),
    onFinish: (record) => {
      logRun(record);
      // A failure seen by an API or Flagger run is confirmed the same way (scheduled journeys only).
      if (record.trigger.source !== 'schedule' && record.trigger.source !== 'confirm') {
        scheduler.runNow(record.journeys.filter((name) => canary.alerting.wantsRerun(name)), 'confirm');
      }
    },
  });

  const logRun = (record: RunRecord): void => {
    for (const line of runLogLines(record)) log(line);
  };

  const scheduler = createScheduler({
    timeZone,
    jitterMs,
    now: () => clock.now(),
    run: (names, trigger) => runConfirmed(names, trigger === 'confirm' ? 'confirm' : 'schedule'),
    onSkip: (journey, { busyForMs }) => {
      metrics.scheduleSkipped(journey);
      log(`[schedule] ${journey} tick skipped: its previous run is still going (${(busyForMs / 1000).toFixed(1)}s)`);
    },
    onError: (journey, error) => {
      if (error instanceof ServiceClosedError) return;
      io.stderr(`pathproof: scheduled run of ${journey} failed to start: ${(error as Error).message}\n`);
    },
  });

  // Drain on SIGTERM / SIGINT; a second signal cuts running journeys at once.
  let stopRequested: () => void = () => undefined;
  const stopped = new Promise<void>((resolveStop) => (stopRequested = resolveStop));
  const interrupts = watchInterrupts(io, GRACE_MS, (signal) => {
    state = 'draining';
    scheduler.stop();
    service.close();
    log(`${signal}: draining; running journeys get ${GRACE_MS / 1000}s to finish (again to stop now)`);
    stopRequested();
  });

  const flagger = withDeploySignal(createFlaggerHook({
    service,
    catalog: () => current.catalog,
    now: () => clock.now(),
    // wait: of pathproof.yaml (issue #14): Flagger runs give the rollout that long; scheduled runs never wait.
    ...(project.config.wait ? { waitMs: project.config.wait } : {}),
  }));
  const server = createServeServer({
    registry,
    token: args.token,
    service,
    flagger,
    catalog: () => current.catalog,
    nextRuns: () => scheduler.nextRuns(),
    busy: () => scheduler.busy(),
    state: () => state,
    onError: (error) => io.stderr(`pathproof: internal error while answering a request: ${(error as Error).stack ?? String(error)}\n`),
    status: canary.status,
    reportRoot,
    now: () => clock.wallNow().getTime(),
    // Host/Origin/malformed-request guard (request-guard.ts): names to answer, one bounded log line per refusal.
    allowHosts: args.allowHosts,
    log: (line) => io.stderr(`${line}\n`),
  });

  let address;
  try {
    address = await server.listen(listen.host, listen.port);
  } catch (error) {
    await Promise.allSettled([machinery.close(), alertHttp.close()]);
    return invalid(io, `cannot listen on ${args.listen ?? `${listen.host}:${listen.port}`}: ${(error as Error).message}`);
  }

  listenUrl = address.url;
  canary.reload();
  try {
    scheduler.load(scheduleOf(current));
  } catch (error) {
    await Promise.allSettled([server.close(), machinery.close(), alertHttp.close()]);
    if (error instanceof ScheduleError) return invalid(io, error.message);
    throw error;
  }

  // SIGHUP: re-read journey files; reloads are serialised so two quick signals never interleave.
  let reloading: Promise<void> = Promise.resolve();
  const reload = async (): Promise<void> => {
    if (state === 'draining') return;
    const next = await loadSet();
    if (!next.ok) {
      printDiagnostics(io, next.diagnostics);
      if (next.message) io.stderr(`pathproof: ${next.message}\n`);
      io.stderr(`pathproof: SIGHUP: journeys not reloaded; the previous ${current.journeys.size} keep running\n`);
      return;
    }
    try {
      scheduler.load(scheduleOf(next.set));
    } catch (error) {
      io.stderr(`pathproof: SIGHUP: ${(error as Error).message}; the previous ${current.journeys.size} journeys keep running\n`);
      return;
    }
    printDiagnostics(io, next.warnings);
    for (const name of current.journeys.keys()) {
      if (next.set.journeys.has(name)) continue;
      metrics.forgetJourney(name, envLabel);
      service.forget(name);
    }
    metrics.initJourneys([...next.set.journeys.keys()], envLabel, { scheduled: scheduledNames(next.set) });
    current = next.set;
    canary.reload();
    log(`SIGHUP: reloaded ${current.journeys.size} journeys (${scheduledNames(current).length} scheduled)`);
  };
  const onHangup = (): void => {
    reloading = reloading.then(reload).catch((error: unknown) => io.stderr(`pathproof: SIGHUP: reload failed: ${(error as Error).message}\n`));
  };
  process.on('SIGHUP', onHangup);

  state = 'ready';
  canary.start();
  const scheduled = scheduledNames(current);
  log(
    `pathproof serve: ${current.journeys.size} journeys, ${scheduled.length} scheduled (time zone ${timeZone}), ` +
      `concurrency ${concurrency}; listening on ${address.url} (status page /, /metrics, /healthz, /readyz, /api, /hooks/flagger)`,
  );
  const receivers = alertConfig.alerts.receivers;
  log(
    receivers.length > 0
      ? `alerts: ${receivers.map((r) => r.id).join(', ')}; a journey is down after ${alertConfig.alerts.policyFor().confirm} failed runs in a row`
      : 'alerts: no receivers configured (alerts: in pathproof.yaml); the status page and metrics still show confirmed states',
  );
  if (shard?.ok) log(`shard ${shard.shard.index}/${shard.shard.total} (from ${shard.from}): ${[...current.journeys.keys()].join(', ') || 'no journeys'}`);
  if (scheduled.length === 0) log('no journey has a schedule: runs start only from the API or webhooks');
  if (args.token === undefined && !isLoopback(address.host)) {
    io.stderr(`pathproof: warning: listening on ${address.host} without --token: anyone who can reach it can start runs\n`);
  }
  if (args.pushgateway) log('--pushgateway / PATHPROOF_PUSHGATEWAY is ignored by serve: Prometheus scrapes /metrics');
  if (args.runOnStart) scheduler.runAll('start');

  await stopped;
  process.off('SIGHUP', onHangup);
  await reloading;
  await service.idle();
  await scheduler.idle();
  interrupts.dispose();
  await canary.stop();
  await Promise.allSettled([server.close(), machinery.close(), alertHttp.close()]);
  log('stopped');
  return EXIT.passed;
}

/** Loads and selects the journeys serve runs: tags, then this replica's shard. */
async function loadServedSet(setting: Setting, args: ParsedArgs, io: CliIo, shard: { index: number; total: number } | undefined): Promise<SetResult> {
  const loaded = await loadJourneySet(setting, args, io);
  if (!loaded.ok) return loaded;
  if (loaded.journeys.length === 0) {
    const why = args.tags.length > 0 ? ` with tag ${args.tags.join(' or ')}` : '';
    return { ok: false, diagnostics: loaded.warnings, message: `no journeys${why} in ${setting.paths.join(', ')}` };
  }
  const selected = shard === undefined ? loaded.journeys : selectShard(loaded.journeys, shard, (j) => j.journey.name);
  return {
    ok: true,
    warnings: loaded.warnings,
    set: {
      journeys: new Map(selected.map((j) => [j.journey.name, j])),
      redactor: loaded.redactor,
      catalog: selected.map((j) => ({
        name: j.journey.name,
        file: j.file,
        tags: j.journey.tags,
        ...(j.journey.schedule ? { schedule: j.journey.schedule } : {}),
        ...(j.journey.protects ? { protects: j.journey.protects } : {}),
        ...(j.journey.alerts ? { alerts: j.journey.alerts } : {}),
      })),
    },
  };
}

/** One log line per journey of a finished run (or one for a run that did not complete). */
export function runLogLines(record: RunRecord): string[] {
  const source = record.trigger.source ?? 'run';
  if (record.status !== 'complete' || !record.run) return [`[${source}] ${record.journeys.join(', ')}: ${record.status}${record.error ? ` (${record.error})` : ''}`];
  return record.run.journeys.map((journey) => {
    const verdict = verdictFields(journey);
    const layer = verdict.layer ? ` layer=${verdict.layer}` : '';
    const stage = verdict.stage ? ` stage=${verdict.stage}` : '';
    // A skipped journey says why (interrupted by the drain, …): it is no verdict on the target.
    const why = verdict.error ? ` (${verdict.error.code})` : journey.outcome === 'skipped' ? ` (${journey.reason})` : '';
    return `[${source}] ${journey.name} ${journey.outcome}${layer}${stage}${why} ${(journey.durationMs / 1000).toFixed(2)}s run=${record.id}`;
  });
}

function scheduleOf(set: JourneySet): { name: string; schedule: string }[] {
  return set.catalog.flatMap((j) => (j.schedule ? [{ name: j.name, schedule: j.schedule }] : []));
}

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function invalid(io: CliIo, message: string): number {
  io.stderr(`pathproof: ${message}\n`);
  return EXIT.invalid;
}
