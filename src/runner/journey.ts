/**
 * One journey: runtime truth, then the stages in order, with retries. Every attempt is
 * kept; the outcome is computed from them by one pure function.
 *
 * The runner is kind-agnostic: it plans items (runtime checks and stage steps), runs each
 * through its driver under the step's deadline, and settles each outcome the same way —
 * redact at the one boundary, classify a symptom through src/classify, and decide `failed`
 * (the target) versus `error` (pathproof could not verify). It never asks what kind a step
 * is: the registry says whether it needs a browser and how it is labelled.
 */
import type { Clock } from '../result/clock.js';
import { foldBaseline } from '../result/baseline.js';
import type { ReplyFacts } from '../result/baseline.js';
import { firstPartyOrigins, originOf } from '../result/origins.js';
import type {
  AttemptResult,
  CertificateTruth,
  ContainerTruth,
  EvidenceFile,
  JourneyResult,
  Layer,
  Observation,
  OriginBaseline,
  Phase,
  Redactor,
  RunnerError,
  RuntimeTruth,
  StepNote,
  StepResult,
  StoppedAttempt,
  TruthValue,
  WaitRecord,
} from '../result/types.js';
import { STAGES } from '../result/types.js';
import { stepKind } from '../journey/schema.js';
import type { RuntimeCheck, Step, StepKind } from '../journey/schema.js';
import type { LoadedJourney } from '../journey/load.js';
import { substituteCaptures } from '../journey/interpolate.js';
import type { BrowserAttempt, BrowserSupport, EvidenceSink, HttpDeps, StepContext, StepKindEntry, StepOutcome, StepRegistry, TruthRead } from '../steps/types.js';
import { RunnerFault } from '../steps/types.js';
import { createCookieJar } from '../steps/cookie-jar.js';
import { labelRuntime, runRuntimeCheck } from '../steps/runtime/read.js';
import type { RuntimeStep } from '../steps/runtime/read.js';
import { labelContainer, runContainerCheck } from '../steps/runtime/container.js';
import type { ContainerDeps } from '../steps/runtime/container.js';
import { servedByHeaders } from '../steps/served-by.js';
import { classifyFailure, isRunnerSide, notesOf } from '../classify/index.js';
import { requestLabel } from '../classify/hints.js';
import { errorCode, firstLine } from '../util/errors.js';
import { computeOutcome } from './outcome.js';
import { waitForRuntime } from './wait.js';
import type { WaitWindow } from './wait.js';
import { redactOutcome, redactValues } from './redact.js';
import { finishExtras, noteStep, startExtras } from './attempt-extras.js';
import type { AttemptExtras, ExtrasSettings } from './attempt-extras.js';

/** ExtrasSettings (issue #17): tlsWarnWithin, traceparent, traceUrl of pathproof.yaml — see attempt-extras.ts. */
export interface JourneyDeps extends ExtrasSettings {
  readonly clock: Clock;
  readonly http: HttpDeps;
  /** Absent when no selected journey has browser steps: Playwright is never loaded then. */
  readonly browser: BrowserSupport | undefined;
  readonly steps: StepRegistry;
  readonly redactor: Redactor;
  readonly evidence: (journey: string, attempt: number) => EvidenceSink;
  readonly defaults: { readonly journeyTimeoutMs: number; readonly stepTimeoutMs: number; readonly retries: number };
  /** --expect-version (or the named environment's): overrides the journey's `runtime.version.expect`. */
  readonly expectVersion?: string;
  /** First-party origins from pathproof.yaml `origins:`, added to every journey's own. */
  readonly origins?: readonly string[];
  /** The container engine for `runtime.container`, built once by the CLI (absent when no journey needs it). */
  readonly containers?: ContainerDeps;
  /** --wait: the runtime checks are polled until they hold, within this window, before any stage (./wait.ts). */
  readonly wait?: WaitWindow;
  /** Aborted when the run is interrupted hard (after the grace period). */
  readonly signal: AbortSignal;
  /** Set when the run stops taking new work (SIGTERM): no new attempt starts. */
  readonly stopping: () => boolean;
}

/**
 * Extra time a driver gets past its deadline before we call it hung (our fault, not the
 * target's). It covers a failed browser step's evidence (EVIDENCE_BUDGET_MS: the page's
 * requests, candidates, a screenshot) with room for a loaded machine, where CDP calls slow
 * down: a hang guard that fires while evidence is still being taken reports our own slowness
 * as "could not verify".
 */
export const HANG_GRACE_MS = 5_000;

export async function runJourney(loaded: LoadedJourney, deps: JourneyDeps): Promise<JourneyResult> {
  const { journey } = loaded;
  const retries = journey.retries ?? deps.defaults.retries;
  const attempts: AttemptResult[] = [];
  const startedAt = deps.clock.wallNow().toISOString();
  const start = deps.clock.now();
  const planned = plan(loaded, deps);
  // --wait: a wait that ended without the runtime holding is the journey's one attempt (no retry).
  const waited = await waitForRollout(loaded, planned, deps);
  if (waited?.attempt) attempts.push(waited.attempt);
  for (let attempt = 1; attempt <= retries + 1 && !waited?.attempt; attempt++) {
    if (attempt > 1 && (deps.stopping() || deps.signal.aborted)) break;
    const result = withWait(await runAttempt(loaded, planned, attempt, deps), waited?.record);
    attempts.push(result);
    if (result.outcome === 'passed') break;
    if (deps.signal.aborted) break;
  }
  const last = attempts.at(-1);
  const base = {
    name: journey.name,
    file: loaded.file,
    tags: journey.tags,
    ...(journey.protects === undefined ? {} : { protects: journey.protects }),
    startedAt,
    durationMs: Math.round(deps.clock.now() - start),
    ...(last?.runtime === undefined ? {} : { runtime: last.runtime }),
    // Loud on purpose: every report shows that certificates were not verified.
    ...(journey.insecure ? { insecure: true as const } : {}),
    ...(last?.notes === undefined ? {} : { notes: last.notes }),
    attempts,
  };
  return journeyResult(base, attempts, deps.signal.aborted);
}

// --- --wait (./wait.ts) -------------------------------------------------------------------------

/**
 * Before any attempt, the runtime checks alone are polled (each poll an attempt of the runtime
 * items only) until they hold. When they do, the attempts run as always: their runtime phase is
 * one more look, right before the stages. When they never do, the last poll is the journey's
 * one attempt, with the stages skipped. Undefined without --wait or without runtime checks.
 */
async function waitForRollout(
  loaded: LoadedJourney,
  planned: readonly PlannedItem[],
  deps: JourneyDeps,
): Promise<{ readonly record: WaitRecord; readonly attempt?: AttemptResult } | undefined> {
  const runtime = planned.filter((item) => item.phase === 'runtime');
  if (deps.wait === undefined || runtime.length === 0) return undefined;
  const { last, record } = await waitForRuntime(() => runAttempt(loaded, runtime, 1, deps), {
    clock: deps.clock,
    window: deps.wait,
    stopping: deps.stopping,
    signal: deps.signal,
  });
  if (record.ended === 'held') return { record };
  const why = record.ended === 'interrupted' ? 'the run was interrupted while waiting for the rollout' : 'stage runtime failed';
  const stages = planned.filter((item) => item.phase !== 'runtime').map((item) => skipped(item, why, deps.redactor));
  return { record, attempt: { ...last, steps: [...last.steps, ...stages] } };
}

function withWait(attempt: AttemptResult, record: WaitRecord | undefined): AttemptResult {
  return record === undefined ? attempt : { ...attempt, runtime: { ...attempt.runtime, wait: record } };
}

// ----------------------------------------------------------------------------------------------

type JourneyBase = Omit<Extract<JourneyResult, { outcome: 'passed' }>, 'outcome'>;

/** The journey's result from its attempts: a union on outcome, the flat fields from the attempt shown. */
export function journeyResult(base: JourneyBase, attempts: readonly AttemptResult[], aborted: boolean): JourneyResult {
  const last = attempts.at(-1);
  if (last === undefined) return { ...base, outcome: 'skipped', reason: 'interrupted' };
  if (aborted && last.outcome === 'error' && last.error.code === 'INTERRUPTED') return { ...base, outcome: 'skipped', reason: 'interrupted' };
  const outcome = computeOutcome(attempts);
  switch (outcome) {
    case 'passed':
      return { ...base, outcome };
    case 'degraded': {
      // Worked, but not well enough: the first reason is the headline, every reason is kept.
      const degradations = last.outcome === 'passed' ? (last.degradations ?? []) : [];
      const first = degradations[0];
      if (first === undefined) return { ...base, outcome: 'passed' };
      return { ...base, outcome, hint: first.hint, message: first.message, degradations };
    }
    case 'flaky': {
      // The failure worth showing is the one that was retried away.
      const retried = attempts.find((a): a is StoppedAttempt => a.outcome !== 'passed');
      if (retried === undefined) return { ...base, outcome: 'passed' };
      const degraded = last.outcome === 'passed' && last.degradations !== undefined ? { degradations: last.degradations } : {};
      return { ...base, outcome, ...flat(retried), retried, ...degraded };
    }
    default:
      if (last.outcome === 'failed') return { ...base, outcome: 'failed', stage: last.stage, layer: last.failure.layer, hint: last.failure.hint, message: last.failure.message, failure: last.failure };
      if (last.outcome === 'error') return { ...base, outcome: 'error', stage: last.stage, hint: last.error.message, message: last.error.message, error: last.error };
      return { ...base, outcome: 'passed' };
  }
}

function flat(attempt: StoppedAttempt): { stage: Phase; layer?: Layer; hint: string; message: string } {
  if (attempt.outcome === 'failed') return { stage: attempt.stage, layer: attempt.failure.layer, hint: attempt.failure.hint, message: attempt.failure.message };
  return { stage: attempt.stage, hint: attempt.error.message, message: attempt.error.message };
}

/** One planned item: a runtime check or a stage step, run the same way. */
interface PlannedItem {
  readonly phase: Phase;
  readonly index: number;
  readonly kind: string;
  /** The step's own `name:`. */
  readonly name?: string;
  readonly timeoutMs?: number;
  readonly needsBrowser: boolean;
  /** The step's warning budget (`expect.warnMs`, `warnAfter`): slower and the journey is degraded. */
  readonly warn?: { readonly budget: 'warnMs' | 'warnAfter'; readonly ms: number };
  /** Resolves `{{ captures }}` against what earlier steps captured: the label and the run, or what is missing. */
  resolve(vars: ReadonlyMap<string, string>): { label: string; missing: readonly string[]; run: (ctx: StepContext) => Promise<StepOutcome> };
}

function plan(loaded: LoadedJourney, deps: JourneyDeps): PlannedItem[] {
  const { journey } = loaded;
  const items: PlannedItem[] = [];
  // Runtime truth first: a wrong build answering makes every later verdict misleading. The
  // container before the version probe (DESIGN §7): a missing container explains the rest.
  const container = journey.runtime?.container;
  if (container) {
    items.push({
      phase: 'runtime',
      index: 0,
      kind: 'runtime.container',
      needsBrowser: false,
      resolve: () => ({ label: labelContainer(container), missing: [], run: (ctx) => runContainerCheck(container, ctx, deps.containers) }),
    });
  }
  const runtime: RuntimeStep[] = [];
  const version = journey.runtime?.version;
  if (version) runtime.push({ what: 'version', check: version, ...expectOf(deps.expectVersion ?? version.expect) });
  const environment = journey.runtime?.environment;
  if (environment) runtime.push({ what: 'environment', check: environment, ...expectOf(environment.expect) });
  for (const fact of journey.runtime?.facts ?? []) {
    const check: RuntimeCheck = fact;
    runtime.push({ what: 'fact', name: fact.name, check, ...expectOf(fact.expect) });
  }
  runtime.forEach((step, index) => {
    items.push({
      phase: 'runtime',
      index: index + (container ? 1 : 0),
      kind: step.what === 'fact' ? 'runtime.fact' : `runtime.${step.what}`,
      needsBrowser: false,
      resolve: () => ({ label: labelRuntime(step), missing: [], run: (ctx) => runRuntimeCheck(step, ctx) }),
    });
  });
  for (const phase of STAGES) {
    (journey[phase] ?? []).forEach((step, index) => {
      const kind = stepKind(step);
      const entry = deps.steps[kind] as StepKindEntry<StepKind>;
      const warn = entry.warnAfter(step as never);
      items.push({
        phase,
        index,
        kind,
        ...(step.name === undefined ? {} : { name: step.name }),
        ...(step.timeout === undefined ? {} : { timeoutMs: step.timeout }),
        needsBrowser: entry.needsBrowser(step as never),
        ...(warn === undefined ? {} : { warn }),
        resolve(vars) {
          // Labels show the values the step really used: GET /api/items/1, not {{ firstId }}.
          const resolved = substituteCaptures(step, vars);
          const value = resolved.value as Step;
          return {
            label: step.name ?? entry.label(value as never),
            missing: resolved.missing,
            run: (ctx) => entry.driver.run(value as never, ctx),
          };
        },
      });
    });
  }
  return items;
}

function expectOf(expected: string | undefined): { expected?: string } {
  return expected === undefined || expected.trim() === '' ? {} : { expected: expected.trim() };
}

/** What an attempt learns as it goes: runtime truth, the normal replies it saw, notes. */
interface AttemptState {
  readonly truth: { version?: TruthValue; environment?: TruthValue; facts: Record<string, TruthValue>; container?: ContainerTruth };
  /** The normal HTTP replies so far, in order: folded into baselines only when a failure is classified. */
  readonly normal: ReplyFacts[];
  readonly notes: StepNote[];
}

async function runAttempt(loaded: LoadedJourney, planned: readonly PlannedItem[], attempt: number, deps: JourneyDeps): Promise<AttemptResult> {
  const { journey } = loaded;
  const { clock } = deps;
  const startedAt = clock.wallNow().toISOString();
  const start = clock.now();
  const deadline = start + (journey.timeout ?? deps.defaults.journeyTimeoutMs);
  const vars = new Map<string, string>();
  const evidence = deps.evidence(journey.name, attempt);
  const firstParty = firstPartyOrigins(journey.target, [...(journey.origins ?? []), ...(deps.origins ?? [])]);
  // Issue #17: the attempt's trace (traceparent), certificates and slow steps.
  const extras = startExtras(journey, deps, firstParty);
  const traced = extras.trace === undefined ? {} : { trace: extras.trace };
  let browserAttempt: Promise<BrowserAttempt> | undefined;
  const openBrowser = (): Promise<BrowserAttempt> => {
    browserAttempt ??= deps.browser
      ? deps.browser.openAttempt({ journey: journey.name, attempt, insecure: journey.insecure ?? false, firstParty, secrets: deps.redactor, ...traced })
      : Promise.reject(new RunnerFault('BROWSER_UNAVAILABLE', 'this journey has browser steps but no browser was set up for the run'));
    return browserAttempt;
  };
  // One user's session: HTTP steps and the browser context share cookies both ways.
  const cookies = createCookieJar(() => clock.wallNow().getTime());
  const state: AttemptState = { truth: { facts: {} }, normal: [], notes: [] };
  const steps: StepResult[] = [];
  let stopped: { phase: Phase; result: Extract<StepResult, { status: 'failed' | 'error' }> } | undefined;
  let attemptEvidence: EvidenceFile[] | undefined;

  try {
    for (const item of planned) {
      if (stopped) {
        steps.push(skipped(item, stopped.phase === item.phase ? 'an earlier step of this stage failed' : `stage ${stopped.phase} failed`, deps.redactor));
        continue;
      }
      const resolved = item.resolve(vars);
      const label = resolved.label;
      const stepTimeoutMs = item.timeoutMs ?? deps.defaults.stepTimeoutMs;
      // Launching the browser is ours, not the step's: it must not eat the step's budget.
      if (item.needsBrowser && !deps.signal.aborted) await openBrowser().catch(() => undefined);
      const stepStart = clock.now();
      const ctx: StepContext = {
        journey: journey.name,
        attempt,
        phase: item.phase,
        index: item.index,
        label,
        target: journey.target,
        firstParty,
        failOnPageErrors: journey.failOnPageErrors ?? false,
        insecure: journey.insecure ?? false,
        vars,
        cookies,
        deadline: Math.min(deadline, stepStart + stepTimeoutMs),
        stepTimeoutMs,
        deadlineFrom: stepStart + stepTimeoutMs <= deadline ? 'step' : 'journey',
        signal: deps.signal,
        clock,
        http: deps.http,
        browser: openBrowser,
        secrets: deps.redactor,
        evidence,
        ...traced,
      };
      let outcome: StepOutcome;
      if (deps.signal.aborted) {
        outcome = { status: 'error', error: { code: 'INTERRUPTED', message: 'the run was interrupted' } };
      } else if (resolved.missing.length > 0) {
        outcome = { status: 'error', error: { code: 'CAPTURE_MISSING', message: `no captured value for ${resolved.missing.map((m) => `{{ ${m} }}`).join(', ')}` } };
      } else {
        outcome = await guard(() => resolved.run(ctx), ctx);
        // A step cut by the hard stop fails because we closed its browser or aborted its request:
        // that is no evidence against the target, and the journey ends as skipped: interrupted.
        if (deps.signal.aborted && outcome.status !== 'passed') outcome = { status: 'error', error: { code: 'INTERRUPTED', message: 'the run was interrupted during this step' } };
      }
      const result = settle(outcome, { name: label, kind: item.kind, phase: item.phase, index: item.index, durationMs: Math.round(clock.now() - stepStart) }, state, deps, { extras, warn: item.warn });
      steps.push(result);
      if (result.status === 'failed' || result.status === 'error') stopped = { phase: item.phase, result };
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

  const finished = finishExtras(extras, { passed: !stopped, steps, ...(journey.warnAfter === undefined ? {} : { warnAfterMs: journey.warnAfter }), now: clock.wallNow().getTime(), settings: deps });
  const runtime = runtimeOf(state, steps, finished.certificates);
  const base = {
    attempt,
    startedAt,
    durationMs: Math.round(clock.now() - start),
    steps,
    ...(runtime === undefined ? {} : { runtime }),
    ...(attemptEvidence && attemptEvidence.length > 0 ? { evidence: redactValues(attemptEvidence, deps.redactor) } : {}),
    ...(state.notes.length > 0 ? { notes: state.notes } : {}),
    ...(finished.trace === undefined ? {} : { trace: finished.trace }),
  };
  if (!stopped) return { ...base, outcome: 'passed', ...(finished.degradations === undefined ? {} : { degradations: finished.degradations }) };
  const { result, phase } = stopped;
  if (result.status === 'failed') return { ...base, outcome: 'failed', stage: phase, failure: result.failure };
  return { ...base, outcome: 'error', stage: phase, error: result.error };
}

/**
 * One outcome → one step result: redact what came from outside (once, before anything reads
 * it), classify a symptom, turn pathproof's own faults into errors, learn the origin's normal
 * replies and the runtime truth, collect notes, cut the body excerpt.
 */
function settle(
  raw: StepOutcome,
  meta: { name: string; kind: string; phase: Phase; index: number; durationMs: number },
  state: AttemptState,
  deps: JourneyDeps,
  issue17: { readonly extras: AttemptExtras; readonly warn: PlannedItem['warn'] },
): StepResult {
  const outcome = redactOutcome(raw, deps.redactor);
  const name = deps.redactor.redact(meta.name);
  // Issue #17: certificates, a slow step that passed, the trace id the step carried.
  const traced = noteStep(issue17.extras, outcome, { phase: meta.phase, index: meta.index, label: name, durationMs: meta.durationMs }, issue17.warn);
  const head = { ...meta, name, ...traced };
  if (outcome.truth) recordTruth(state, outcome.truth);
  const notes = notesOf(outcome.observation, outcome.status === 'passed');
  for (const note of notes) if (!state.notes.some((n) => n.kind === note.kind && n.message === note.message)) state.notes.push(note);
  const extra = {
    ...(outcome.assertions === undefined ? {} : { assertions: outcome.assertions }),
    ...(outcome.observation === undefined ? {} : { observation: keepExcerpt(outcome.observation, outcome.status === 'passed') }),
    ...(outcome.evidence === undefined ? {} : { evidence: outcome.evidence }),
    ...(outcome.captured === undefined ? {} : { captured: outcome.captured }),
    ...(notes.length > 0 ? { notes } : {}),
  };
  switch (outcome.status) {
    case 'passed':
      learnBaseline(state, outcome.observation);
      return { ...head, ...extra, status: 'passed' };
    case 'error':
      return { ...head, ...extra, status: 'error', error: outcome.error };
    case 'failed': {
      if (isRunnerSide(outcome.symptom)) return { ...head, ...extra, status: 'error', error: notSendable(outcome.symptom) };
      const failure = classifyFailure({
        step: { kind: meta.kind, label: name },
        symptom: outcome.symptom,
        ...(outcome.observation === undefined ? {} : { observation: outcome.observation }),
        ...(outcome.assertions === undefined ? {} : { assertions: outcome.assertions }),
        baselines: baselinesOf(state.normal),
      });
      return { ...head, ...extra, status: 'failed', failure };
    }
  }
}

/** A request pathproof cannot send as written (or an interrupted one): our side, exit 3. */
function notSendable(symptom: Extract<StepOutcome, { status: 'failed' }>['symptom']): RunnerError {
  if (symptom.kind !== 'transport') return { code: 'RUNNER_BUG', message: 'internal error: a runner-side symptom without a transport code' };
  if (symptom.code === 'PATHPROOF_ABORTED' || symptom.code === 'UND_ERR_ABORTED') return { code: 'INTERRUPTED', message: 'the run was interrupted during this step' };
  const label = requestLabel(symptom.request.method, symptom.request.url);
  return {
    code: 'REQUEST_NOT_SENDABLE',
    message: `pathproof could not send ${label} as written (${symptom.code}: ${firstLine(symptom.message)}): the journey's URL, headers or body are invalid — fix the step; the target was not contacted`,
  };
}

function recordTruth(state: AttemptState, read: TruthRead): void {
  if (read.key === 'container') state.truth.container = read.value;
  else if (read.key === 'version') state.truth.version = read.value;
  else if (read.key === 'environment') state.truth.environment = read.value;
  else state.truth.facts[read.key.slice('fact:'.length)] = read.value;
}

/**
 * Normal HTTP replies teach what the app's own replies look like (who generated a later error?).
 * Only their facts are kept (no body); they are folded when a failure needs them, so a passing
 * step pays for neither URL parsing nor folding.
 */
function learnBaseline(state: AttemptState, observation: Observation | undefined): void {
  if (observation?.kind !== 'http' || observation.status >= 400 || observation.status === 304) return;
  state.normal.push({ status: observation.status, url: observation.url, headers: observation.headers });
}

/** Each origin's baseline from the normal replies, in the order the origins first answered. */
function baselinesOf(replies: readonly ReplyFacts[]): OriginBaseline[] {
  const baselines = new Map<string, OriginBaseline>();
  for (const reply of replies) {
    const origin = originOf(reply.url);
    if (origin !== undefined) baselines.set(origin, foldBaseline(baselines.get(origin), origin, reply));
  }
  return [...baselines.values()];
}

function runtimeOf(state: AttemptState, steps: readonly StepResult[], certificates: readonly CertificateTruth[] | undefined): RuntimeTruth | undefined {
  const served = servedByOf(steps);
  const facts = Object.keys(state.truth.facts).length > 0 ? { facts: state.truth.facts } : {};
  const runtime: RuntimeTruth = {
    ...(state.truth.version === undefined ? {} : { version: state.truth.version }),
    ...(state.truth.environment === undefined ? {} : { environment: state.truth.environment }),
    ...facts,
    ...(state.truth.container === undefined ? {} : { container: state.truth.container }),
    ...served,
    ...(certificates === undefined ? {} : { certificates }),
  };
  return Object.keys(runtime).length === 0 ? {} : runtime;
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
  const code = errorCode(error);
  return { code: 'RUNNER_BUG', message: `internal error: ${firstLine(error)}${code === undefined ? '' : ` (${code})`}` };
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

function skipped(item: PlannedItem, reason: string, redactor: Redactor): StepResult {
  return {
    name: redactor.redact(item.name ?? item.resolve(new Map()).label),
    kind: item.kind,
    phase: item.phase,
    index: item.index,
    durationMs: 0,
    status: 'skipped',
    reason,
  };
}

/** Which endpoint actually answered: the first response's identifying headers and address. */
function servedByOf(steps: readonly StepResult[]): { servedBy?: string; remoteAddress?: string } {
  const out: { servedBy?: string; remoteAddress?: string } = {};
  for (const step of steps) {
    const observation = step.observation;
    if (!observation) continue;
    if (observation.kind === 'http' && observation.remoteAddress && out.remoteAddress === undefined) {
      out.remoteAddress = observation.remotePort ? `${observation.remoteAddress}:${observation.remotePort}` : observation.remoteAddress;
    }
    const headers = observation.kind === 'http' ? observation.headers : observation.documentHeaders;
    if (out.servedBy === undefined && headers) {
      const by = servedByHeaders(headers);
      if (by !== undefined) out.servedBy = by;
    }
    if (out.servedBy !== undefined && out.remoteAddress !== undefined) break;
  }
  return out;
}
