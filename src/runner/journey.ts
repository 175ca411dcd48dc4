/**
 * One journey: runtime truth, then the stages in order, with retries. Every attempt is
 * kept; the outcome is computed from them by one pure function.
 */
import type { Clock } from '../result/clock.js';
import type {
  AttemptResult,
  EvidenceFile,
  JourneyResult,
  Observation,
  Phase,
  RunnerError,
  RuntimeTruth,
  StepResult,
} from '../result/types.js';
import { STAGES } from '../result/types.js';
import { stepKind } from '../journey/schema.js';
import type { Step, StepKind } from '../journey/schema.js';
import type { LoadedJourney } from '../journey/load.js';
import { substituteCaptures } from '../journey/interpolate.js';
import type {
  BrowserAttempt,
  BrowserSupport,
  EvidenceSink,
  HttpDeps,
  Redactor,
  StepContext,
  StepDriver,
  StepDrivers,
  StepOutcome,
} from '../steps/types.js';
import { RunnerFault } from '../steps/types.js';
import { createCookieJar } from '../steps/cookie-jar.js';
import { checkRuntime } from './runtime.js';
import type { RuntimeCheckOutcome } from './runtime.js';
import { checkContainer } from './container-check.js';
import type { ContainerCheckOutcome, ContainerDeps } from './container-check.js';
import { computeOutcome } from './outcome.js';
import { describeStep } from './describe-step.js';

export interface JourneyDeps {
  readonly clock: Clock;
  readonly http: HttpDeps;
  /** Absent when no selected journey has browser steps: Playwright is never loaded then. */
  readonly browser: BrowserSupport | undefined;
  readonly drivers: StepDrivers;
  readonly redactor: Redactor;
  readonly evidence: (journey: string, attempt: number) => EvidenceSink;
  readonly defaults: { readonly journeyTimeoutMs: number; readonly stepTimeoutMs: number; readonly retries: number };
  /** --expect-version (or the named environment's): overrides the journey's `runtime.version.expect`. */
  readonly expectVersion?: string;
  /** Aborted when the run is interrupted hard (after the grace period). */
  readonly signal: AbortSignal;
  /** Set when the run stops taking new work (SIGTERM): no new attempt starts. */
  readonly stopping: () => boolean;
  /** The container engine for `runtime.container`, built once by the CLI (absent when no journey needs it). */
  readonly containers?: ContainerDeps;
}

/** Extra time a driver gets past its deadline before we call it hung (our fault, not the target's). */
const HANG_GRACE_MS = 2_000;

export async function runJourney(loaded: LoadedJourney, deps: JourneyDeps): Promise<JourneyResult> {
  const { journey } = loaded;
  const retries = journey.retries ?? deps.defaults.retries;
  const attempts: AttemptResult[] = [];
  const startedAt = deps.clock.wallNow().toISOString();
  const start = deps.clock.now();
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    if (attempt > 1 && (deps.stopping() || deps.signal.aborted)) break;
    const result = await runAttempt(loaded, attempt, deps);
    attempts.push(result);
    if (result.outcome === 'passed') break;
    if (deps.signal.aborted) break;
  }
  const durationMs = Math.round(deps.clock.now() - start);
  const interrupted = deps.signal.aborted && attempts.at(-1)?.error?.code === 'INTERRUPTED';
  const outcome = interrupted ? 'skipped' : computeOutcome(attempts);
  const last = attempts.at(-1);
  // For a flaky journey the failure worth showing is the one that was retried away.
  const shown = outcome === 'flaky' ? attempts.find((a) => a.outcome !== 'passed') : last;
  const base = {
    name: journey.name,
    file: loaded.file,
    tags: journey.tags,
    outcome,
    startedAt,
    durationMs,
    runtime: last?.runtime,
    // Loud on purpose: every report shows that certificates were not verified.
    ...(journey.insecure ? { insecure: true as const } : {}),
    attempts,
  };
  if (interrupted) return { ...base, reason: 'interrupted' };
  if (outcome === 'passed') return base;
  return {
    ...base,
    stage: shown?.stage,
    layer: shown?.failure?.layer,
    hint: shown?.failure?.hint ?? shown?.error?.message,
    message: shown?.failure?.message ?? shown?.error?.message,
    error: outcome === 'error' ? shown?.error : undefined,
  };
}

interface PlannedStep {
  readonly phase: Phase;
  readonly index: number;
  readonly step: Step;
  readonly kind: StepKind;
}

function plan(loaded: LoadedJourney): PlannedStep[] {
  const steps: PlannedStep[] = [];
  for (const phase of STAGES) {
    (loaded.journey[phase] ?? []).forEach((step, index) => steps.push({ phase, index, step, kind: stepKind(step) }));
  }
  return steps;
}

async function runAttempt(loaded: LoadedJourney, attempt: number, deps: JourneyDeps): Promise<AttemptResult> {
  const { journey } = loaded;
  const { clock } = deps;
  const startedAt = clock.wallNow().toISOString();
  const start = clock.now();
  const deadline = start + (journey.timeout ?? deps.defaults.journeyTimeoutMs);
  const vars = new Map<string, string>();
  const evidence = deps.evidence(journey.name, attempt);
  let browserAttempt: Promise<BrowserAttempt> | undefined;
  const openBrowser = (): Promise<BrowserAttempt> => {
    browserAttempt ??= deps.browser
      ? deps.browser.openAttempt({ journey: journey.name, attempt, insecure: journey.insecure ?? false })
      : Promise.reject(new RunnerFault('BROWSER_UNAVAILABLE', 'this journey has browser steps but no browser was set up for the run'));
    return browserAttempt;
  };

  // One user's session: HTTP steps and the browser context share cookies both ways.
  const cookies = createCookieJar();
  let browserCookieVersion = -1;
  const syncCookies = async (direction: 'to-browser' | 'from-browser'): Promise<void> => {
    if (!browserAttempt) return;
    try {
      const opened = await browserAttempt;
      if (direction === 'to-browser') {
        if (cookies.version === browserCookieVersion) return;
        await opened.context.addCookies(cookies.toBrowser());
      } else {
        cookies.fromBrowser(await opened.context.cookies());
      }
      browserCookieVersion = cookies.version;
    } catch {
      // No browser or it crashed: the step itself reports that; cookies are not its cause.
    }
  };

  const steps: StepResult[] = [];
  const runtime: { -readonly [K in keyof RuntimeTruth]: RuntimeTruth[K] } = {};
  let stopped: { phase: Phase; result: StepResult } | undefined;
  let attemptEvidence: EvidenceFile[] | undefined;

  const context = (phase: Phase, index: number, stepTimeoutMs: number): StepContext => ({
    journey: journey.name,
    attempt,
    phase,
    index,
    target: journey.target,
    insecure: journey.insecure ?? false,
    vars,
    cookies,
    deadline: Math.min(deadline, clock.now() + stepTimeoutMs),
    signal: deps.signal,
    clock,
    http: deps.http,
    browser: openBrowser,
    redactor: deps.redactor,
    evidence,
  });

  try {
    // Runtime truth first: a wrong build answering makes every later failure misleading.
    const checks = [
      // The container first (DESIGN §7): a missing or exited container makes the version probe's failure misleading.
      ['container', journey.runtime?.container, undefined] as const,
      ['version', journey.runtime?.version, deps.expectVersion ?? journey.runtime?.version?.expect] as const,
      ['environment', journey.runtime?.environment, journey.runtime?.environment?.expect] as const,
    ];
    for (const [kind, check, expected] of checks) {
      if (!check) continue;
      const stepStart = clock.now();
      const ctx = context('runtime', steps.length, deps.defaults.stepTimeoutMs);
      let checked: RuntimeCheckOutcome | undefined;
      let container: ContainerCheckOutcome | undefined;
      const outcome = await guard(async () => {
        if (kind === 'container') {
          container = await checkContainer(check, ctx, deps.containers);
          return container.outcome;
        }
        checked = await checkRuntime(kind, check, expected, ctx);
        return checked.outcome;
      }, ctx);
      if (container?.truth) runtime.container = container.truth;
      if (checked && kind !== 'container') runtime[kind] = { expected: checked.expected, served: checked.served, source: checked.source };
      // Redact before toStepResult cuts the body excerpt: a cut through a secret leaves a
      // prefix that no longer matches it.
      const result = toStepResult(deps.redactor.redactDeep(outcome), {
        name: `runtime.${kind}`,
        kind: `runtime.${kind}`,
        phase: 'runtime',
        index: steps.length,
        durationMs: Math.round(clock.now() - stepStart),
      });
      steps.push(result);
      if (result.status !== 'passed') {
        stopped = { phase: 'runtime', result };
        break;
      }
    }

    for (const planned of plan(loaded)) {
      if (stopped) {
        steps.push(skippedStep(planned, stopped.phase === planned.phase ? 'an earlier step of this stage failed' : `stage ${stopped.phase} failed`));
        continue;
      }
      const isBrowserStep = planned.kind !== 'request';
      if (isBrowserStep) {
        await openBrowser().catch(() => undefined);
        await syncCookies('to-browser');
      }
      const result = await runStep(planned, context, deps);
      if (isBrowserStep) await syncCookies('from-browser');
      steps.push(result);
      if (result.status === 'failed' || result.status === 'error') stopped = { phase: planned.phase, result };
    }
  } finally {
    if (browserAttempt) {
      const opened = await browserAttempt.catch(() => undefined);
      // finish() keeps a trace only for a failed attempt (when traces are on), then closes.
      if (opened) {
        attemptEvidence = await opened.finish({ failed: stopped !== undefined, evidence }).catch(() => []);
        await opened.close().catch(() => undefined);
      }
    }
  }

  collectServedBy(steps, runtime);
  const durationMs = Math.round(clock.now() - start);
  const base = {
    attempt,
    startedAt,
    durationMs,
    steps,
    runtime,
    ...(attemptEvidence && attemptEvidence.length > 0 ? { evidence: attemptEvidence } : {}),
  };
  if (!stopped) return { ...base, outcome: 'passed' };
  const { result, phase } = stopped;
  if (result.status === 'failed') return { ...base, outcome: 'failed', stage: phase, failure: result.failure };
  if (result.status === 'error') return { ...base, outcome: 'error', stage: phase, error: result.error };
  return { ...base, outcome: 'passed' };
}

async function runStep(
  planned: PlannedStep,
  context: (phase: Phase, index: number, stepTimeoutMs: number) => StepContext,
  deps: JourneyDeps,
): Promise<StepResult> {
  const { clock, redactor } = deps;
  const start = clock.now();
  const stepTimeoutMs = planned.step.timeout ?? deps.defaults.stepTimeoutMs;
  const ctx = context(planned.phase, planned.index, stepTimeoutMs);
  // Labels show the values the step really used: GET /api/items/1, not {{ firstId }}.
  const resolved = substituteCaptures(planned.step, ctx.vars);
  const label = planned.step.name ?? describeStep(resolved.value, planned.kind);
  const meta = { name: redactor.redact(label), kind: planned.kind, phase: planned.phase, index: planned.index };
  if (deps.signal.aborted) {
    return { ...meta, status: 'error', durationMs: 0, error: { code: 'INTERRUPTED', message: 'the run was interrupted' } };
  }
  if (resolved.missing.length > 0) {
    return {
      ...meta,
      status: 'error',
      durationMs: 0,
      error: { code: 'CAPTURE_MISSING', message: `no captured value for ${resolved.missing.map((m) => `{{ ${m} }}`).join(', ')}` },
    };
  }
  const driver = deps.drivers[planned.kind] as StepDriver<StepKind>;
  const outcome = await guard(() => driver.run(resolved.value as never, ctx), ctx);
  // Redact the outcome first, then cut the body excerpt (toStepResult): redacting after the
  // cut would miss a secret the cut split in two and keep its first characters.
  return toStepResult(redactor.redactDeep(outcome), { ...meta, durationMs: Math.round(clock.now() - start) });
}

/**
 * Runs a driver and turns anything it throws into a runner error: a bug or missing
 * browser is our fault and must never read as the target failing. A driver that
 * outlives its deadline by more than the grace period is reported as hung.
 */
async function guard(work: () => Promise<StepOutcome>, ctx: StepContext): Promise<StepOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<StepOutcome>((resolve) => {
    const wait = Math.max(0, ctx.deadline - ctx.clock.now()) + HANG_GRACE_MS;
    timer = setTimeout(
      () => resolve({ status: 'error', error: { code: 'STEP_HUNG', message: `the step did not settle ${HANG_GRACE_MS}ms after its deadline` } }),
      wait,
    );
    timer.unref?.();
  });
  try {
    return await Promise.race([work(), hung]);
  } catch (error) {
    return { status: 'error', error: runnerError(error) };
  } finally {
    clearTimeout(timer);
  }
}

export function runnerError(error: unknown): RunnerError {
  if (error instanceof RunnerFault) return { code: error.code, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'RUNNER_BUG', message: `internal error: ${message.split('\n')[0]}` };
}

function toStepResult(
  outcome: StepOutcome,
  meta: { name: string; kind: string; phase: Phase; index: number; durationMs: number },
): StepResult {
  const extra = {
    assertions: outcome.assertions,
    observation: outcome.observation && keepExcerpt(outcome.observation, outcome.status === 'passed'),
    evidence: outcome.evidence as readonly EvidenceFile[] | undefined,
    captured: outcome.captured,
  };
  switch (outcome.status) {
    case 'passed':
      return { ...meta, ...extra, status: 'passed' };
    case 'failed':
      return { ...meta, ...extra, status: 'failed', failure: outcome.failure };
    case 'error':
      return { ...meta, ...extra, status: 'error', error: outcome.error };
  }
}

/** Bodies kept in results: enough to read an error page, never megabytes per passing step. */
const BODY_EXCERPT = { passed: 2 * 1024, failed: 64 * 1024 } as const;

function keepExcerpt(observation: Observation, passed: boolean): Observation {
  if (observation.kind !== 'http') return observation;
  const limit = passed ? BODY_EXCERPT.passed : BODY_EXCERPT.failed;
  const cookies = observation.headers['set-cookie'];
  // Session cookies are credentials even when no ${secret:} produced them: keep the names
  // and attributes (useful evidence), never the values.
  const headers = cookies === undefined ? observation.headers : { ...observation.headers, 'set-cookie': maskCookieValues(cookies) };
  if (observation.body.length <= limit && headers === observation.headers) return observation;
  return {
    ...observation,
    headers,
    ...(observation.body.length > limit ? { body: observation.body.slice(0, limit), bodyTruncated: true } : {}),
  };
}

/** `sid=abc123; Path=/; HttpOnly` → `sid=***; Path=/; HttpOnly` (also for joined headers). */
export function maskCookieValues(header: string): string {
  return header.replace(/(^|,\s*)([^=;,\s]+)=([^;,]*)/g, (_match, lead: string, name: string) => `${lead}${name}=***`);
}

function skippedStep(planned: PlannedStep, reason: string): StepResult {
  return {
    name: planned.step.name ?? describeStep(planned.step, planned.kind),
    kind: planned.kind,
    phase: planned.phase,
    index: planned.index,
    durationMs: 0,
    status: 'skipped',
    reason,
  };
}

const SERVED_BY_HEADERS = ['x-served-by', 'x-backend', 'x-upstream', 'x-server', 'via', 'server'] as const;

/** Which endpoint actually answered: the first response's identifying headers and address. */
function collectServedBy(steps: readonly StepResult[], runtime: { servedBy?: string; remoteAddress?: string }): void {
  for (const step of steps) {
    const observation = step.observation;
    if (!observation) continue;
    const headers = observation.kind === 'http' ? observation.headers : observation.documentHeaders;
    if (observation.kind === 'http' && observation.remoteAddress && !runtime.remoteAddress) {
      runtime.remoteAddress = observation.remotePort
        ? `${observation.remoteAddress}:${observation.remotePort}`
        : observation.remoteAddress;
    }
    if (!runtime.servedBy && headers) {
      const parts = SERVED_BY_HEADERS.filter((h) => headers[h]).map((h) => `${h}: ${headers[h]}`);
      if (parts.length > 0) runtime.servedBy = parts.join(', ');
    }
    if (runtime.servedBy && runtime.remoteAddress) return;
  }
}
