/**
 * `pathproof run`: one run of the selected journeys, from the command line. What it shares
 * with `serve` (project, environment, journey set, machinery, interrupts, retention) is in
 * setup.ts; here: --rerun-failed, --shard, the trigger, the reporters, the Pushgateway push.
 */
import { isAbsolute, join, resolve } from 'node:path';
import { systemClock } from '../result/clock.js';
import type { Clock } from '../result/clock.js';
import { EXIT } from '../result/types.js';
import type { Trigger } from '../result/types.js';
import { createRedactor } from '../journey/secrets.js';
import { makeRunId } from '../runner/summary.js';
import { consoleReporter } from '../report/console.js';
import { executeRun } from './execute.js';
import type { PosturePlan } from './run-posture.js';
import type { ExecuteResult } from './execute.js';
import { buildReporters } from './reporters.js';
import { planRerun } from './rerun.js';
import type { RerunPlan } from './rerun.js';
import { selectShard } from '../runner/shard.js';
import type { ParsedArgs } from './args.js';
import type { CliIo } from './io.js';
import { buildMachinery, keepNewestRuns, loadJourneySet, loadSetting, printDiagnostics, reportFailureLines, watchInterrupts, weakSecretLines } from './setup.js';

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

export async function runCommand(options: RunCommandOptions): Promise<number> {
  const { io } = options;
  const clock = options.clock ?? systemClock();

  const loadedSetting = await loadSetting(options.args, io, { ...(options.extraEnv ? { extraEnv: options.extraEnv } : {}), ...(options.defaultPaths ? { defaultPaths: options.defaultPaths } : {}) });
  if (!loadedSetting.ok) return loadedSetting.exitCode;
  let setting = loadedSetting.setting;
  const { reportRoot } = setting;

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
    // The earlier run's expected version and journey files: resolved again with the new arguments.
    const again = await loadSetting(args, io, options.extraEnv ? { extraEnv: options.extraEnv } : {});
    if (!again.ok) return again.exitCode;
    setting = again.setting;
    note(`re-running ${plan.names.length} failed ${plan.names.length === 1 ? 'journey' : 'journeys'} of run ${plan.previous.runId}: ${plan.names.join(', ')}\n`);
  }
  const { paths } = setting;

  const loaded = await loadJourneySet(setting, args, io);
  if (!loaded.ok) {
    printDiagnostics(io, loaded.diagnostics);
    return EXIT.invalid;
  }
  let selected = loaded.journeys;
  if (rerun) {
    const wanted = new Set(rerun.names);
    selected = selected.filter((j) => wanted.has(j.journey.name));
    const missing = rerun.names.filter((name) => !selected.some((j) => j.journey.name === name));
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

  const { concurrency, expectVersion } = setting;
  const redactor = createRedactor(selected.flatMap((j) => j.secrets));
  for (const line of weakSecretLines(selected)) io.stderr(`${line}\n`);
  const runId = makeRunId(clock.wallNow());
  const runDir = args.out ? (isAbsolute(args.out) ? args.out : resolve(io.cwd, args.out)) : join(reportRoot, runId);
  const trigger: Trigger = {
    source: 'cli',
    ...(args.after ? { after: args.after } : {}),
    ...(args.deployId ? { deployId: args.deployId } : {}),
    ...(expectVersion ? { expectVersion } : {}),
    ...(args.env ? { env: args.env } : {}),
    ...(args.deployedAt ? { deployedAt: args.deployedAt } : {}),
    // --wait (issue #14): --wait / PATHPROOF_WAIT over pathproof.yaml's wait:; executeRun reads it from here.
    ...((args.waitMs ?? setting.config.wait) ? { waitMs: args.waitMs ?? setting.config.wait } : {}),
  };

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

  // Built once for the run; Playwright is imported only if a selected journey needs it, the
  // container engine only if one reads container truth.
  const built = await buildMachinery({
    io,
    clock,
    config: setting.config,
    concurrency,
    trace: args.trace,
    // intended: of pathproof.yaml (issue #14) records the posture in every run: it needs the engine too.
    containers: selected.some((j) => j.journey.runtime?.container) || setting.config.intended ? 'required' : 'none',
    ...(args.deployedAt ? { deployedAt: args.deployedAt } : {}),
  });
  if (!built.ok) {
    io.stderr(`pathproof: ${built.message}\n`);
    return EXIT.invalid;
  }
  const machinery = built.machinery;

  // intended: of pathproof.yaml: the compose file is read now (exit 2 when malformed), the posture after the journeys.
  // The compose and posture code is loaded only then.
  const intended = setting.config.intended;
  const source = machinery.containers?.source;
  const posture: PosturePlan =
    intended === undefined || source === undefined
      ? { ok: true }
      : await (
          await import('./run-posture.js')
        ).planRunPosture({ intended, cwd: io.cwd, env: io.env, source, clock, redactor, ...(args.deployedAt ? { deployedAt: args.deployedAt } : {}) });
  if (!posture.ok) {
    printDiagnostics(io, posture.diagnostics);
    await machinery.close();
    return EXIT.invalid;
  }
  const interrupts = watchInterrupts(io, GRACE_MS, (signal) => human(`\n${signal}: no new journeys; running ones get ${GRACE_MS / 1000}s to finish\n`));

  let result: ExecuteResult;
  try {
    result = await executeRun({
      runId,
      journeys: selected,
      trigger,
      runDir,
      reportRoot,
      concurrency,
      defaults: setting.defaults,
      ...(expectVersion === undefined ? {} : { expectVersion }),
      reporters,
      clock,
      http: machinery.http,
      browser: machinery.browser,
      redactor,
      signal: interrupts.signal,
      stopping: interrupts.stopping,
      interrupted: interrupts.stopping,
      ...(machinery.containers === undefined ? {} : { containers: machinery.containers }),
      ...(posture.read ? { posture: posture.read } : {}),
      // pathproof.yaml's origins, tlsWarnWithin, traceparent, traceUrl (issue #17 part 2)
      ...setting.runner,
      ...(rerun ? { extra: { continues: rerun.previous.runId } } : {}),
    });
  } finally {
    interrupts.dispose();
    await machinery.close();
  }

  for (const warning of result.warnings) human(`warning: ${warning}\n`);
  for (const line of reportFailureLines(runDir, result.failures)) io.stderr(`${line}\n`);
  if (!result.failures.some((f) => f.reporter === 'json')) human(`report: ${join(runDir, 'run.json')}\n`);

  const protect = [runId, ...(typeof result.run.continues === 'string' ? [result.run.continues] : [])];
  await keepNewestRuns(io, reportRoot, args.keepRuns ?? setting.config.keepRuns, protect);

  // A one-shot run has no /metrics to scrape: push the same journey metrics instead. A failed
  // push is reported but never changes the verdict on the target.
  const pushgateway = args.pushgateway ?? setting.config.pushgateway;
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
