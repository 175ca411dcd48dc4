/**
 * What every browser driver shares: opening the attempt, the attempt's cookies into and out
 * of the browser, telling the recorder a step starts and ends, the time budget, notes of a
 * passing step, and turning what Playwright throws into an outcome:
 * - the run was interrupted                 → error INTERRUPTED;
 * - page/context/browser closed (crash)     → error BROWSER_CRASHED (our side, never the target);
 * - no browser (RunnerFault)                → error with the fault's code (BROWSER_NOT_FOUND…);
 * - Playwright TimeoutError not handled by the action itself → failed, symptom `timeout`;
 * - anything else (an invalid css selector…) → error BROWSER_STEP_ERROR.
 */
import type { Page } from 'playwright-core';
import type { BrowserObservation } from '../../result/types.js';
import { firstLine } from '../../util/errors.js';
import type { BrowserAttempt, StepContext, StepOutcome } from '../types.js';
import { RunnerFault } from '../types.js';
import { budgetText, shownBudgetMs, stepBudgetMs } from './budget.js';
import { isTargetClosed, isTimeout } from './errors.js';
import type { PlaywrightErrorTypes } from './errors.js';
import { failStep } from './evidence.js';
import type { FailureInput } from './evidence.js';

export interface StepScope {
  readonly ctx: StepContext;
  readonly attempt: BrowserAttempt;
  readonly page: Page;
  readonly kind: string;
  readonly label: string;
  /** The whole Playwright timeout of this step, fixed at its start (for messages). */
  readonly budgetMs: number;
  /** Milliseconds left of the budget now (>= 1). */
  left(): number;
  isTimeout(error: unknown): boolean;
  fail(input: FailureInput): Promise<StepOutcome>;
  /** `5s`: the budget, for messages. */
  readonly budgetText: string;
}

export interface StepSpec {
  readonly kind: string;
  /** The step's own `timeout:` (ms), if any. */
  readonly timeoutMs: number | undefined;
}

/** Steps that act on the page: what they trigger belongs to the next step's evidence too. */
/** Steps that act on the page: goto as it starts, control steps once their control is found. */
const ACTS_NOW: ReadonlySet<string> = new Set(['goto']);
const ACTS_WHEN_FOUND: ReadonlySet<string> = new Set(['click', 'fill', 'press', 'select', 'check']);
/**
 * Steps whose pass proves the user could use the page: a failure before them was handled
 * by the page. Not goto (it only loads), screenshot or wait.
 */
const USES_PAGE: ReadonlySet<string> = new Set(['click', 'fill', 'press', 'select', 'check', 'see', 'notSee']);

/** How long a failed step's liveness probe may take: a busy page is alive, not gone. */
const PROBE_MS = 1_000;

export async function runBrowserStep(spec: StepSpec, ctx: StepContext, body: (scope: StepScope) => Promise<StepOutcome>): Promise<StepOutcome> {
  if (ctx.signal.aborted) return { status: 'error', error: { code: 'INTERRUPTED', message: 'the run was interrupted' } };
  let attempt: BrowserAttempt;
  let errors: PlaywrightErrorTypes;
  try {
    attempt = await ctx.browser();
    // Already loaded by the session that opened the attempt: this import is a cache hit.
    ({ errors } = await import('playwright-core'));
  } catch (error) {
    if (error instanceof RunnerFault) return { status: 'error', error: { code: error.code, message: error.message } };
    return { status: 'error', error: { code: 'BROWSER_LAUNCH_FAILED', message: `could not open a browser: ${firstLine(error)}` } };
  }
  const start = ctx.clock.now();
  const tracedBefore = attempt.tracedRequests();
  const budgetMs = stepBudgetMs(spec.timeoutMs, ctx);
  // One user's session: what HTTP steps logged in with is in the browser, and back after
  // (read back lazily: the browser stays the truth until a request needs the jar).
  await attempt.syncCookies(ctx.cookies, 'to-browser');
  attempt.recorder.beginStep(spec.kind, ACTS_NOW.has(spec.kind) ? 'now' : ACTS_WHEN_FOUND.has(spec.kind) ? 'when-found' : 'never');
  const scope: StepScope = {
    ctx,
    attempt,
    page: attempt.page,
    kind: spec.kind,
    label: ctx.label,
    budgetMs,
    budgetText: budgetText(shownBudgetMs(budgetMs, spec.timeoutMs, ctx)),
    left: () => Math.max(1, Math.floor(budgetMs - (ctx.clock.now() - start))),
    isTimeout: (error) => isTimeout(error, errors),
    fail: (input) => failStep({ ctx, attempt, kind: spec.kind, label: ctx.label }, input),
  };
  let outcome: StepOutcome;
  try {
    outcome = await body(scope);
  } catch (error) {
    if (ctx.signal.aborted) return { status: 'error', error: { code: 'INTERRUPTED', message: 'the run was interrupted' } };
    if (crashed(error, attempt)) {
      return { status: 'error', error: { code: 'BROWSER_CRASHED', message: `the browser closed or crashed during "${ctx.label}": ${firstLine(error)}` } };
    }
    if (isTimeout(error, errors)) {
      outcome = await scope.fail({ symptom: 'timeout', message: `${ctx.label}: timed out after ${scope.budgetText}` });
    } else {
      return { status: 'error', error: { code: 'BROWSER_STEP_ERROR', message: `${ctx.label}: ${firstLine(error)}` } };
    }
  }
  // A navigation the closing browser aborted (net::ERR_ABORTED) reads like a page that did not
  // load: when the page or the browser is gone by now, it was us, not the target.
  if (outcome.status !== 'passed' && (await gone(attempt))) {
    return { status: 'error', error: { code: 'BROWSER_CRASHED', message: `the browser closed or crashed during "${ctx.label}"` } };
  }
  // The page may have changed cookies: read back when a request next needs the jar, not now.
  ctx.cookies.behindBrowser(() => attempt.syncCookies(ctx.cookies, 'from-browser'));
  attempt.recorder.endStep(ctx.label, outcome.status === 'passed', USES_PAGE.has(spec.kind));
  const final = outcome.status === 'passed' ? await withNotes(outcome, scope) : outcome;
  return { ...final, ...(await seenOnTheWay(attempt, tracedBefore, ctx)) };
}

/**
 * What a step leaves for runtime truth whatever its outcome (issue #17): the certificates of
 * first-party documents it loaded, and the trace id when its first-party requests carried one.
 */
async function seenOnTheWay(attempt: BrowserAttempt, tracedBefore: number, ctx: StepContext): Promise<Pick<StepOutcome, 'certificates' | 'traceId'>> {
  const certificates = await attempt.recorder.certificates().catch(() => []);
  const traced = ctx.trace !== undefined && attempt.tracedRequests() > tracedBefore;
  return { ...(certificates.length > 0 ? { certificates } : {}), ...(traced && ctx.trace ? { traceId: ctx.trace.traceId } : {}) };
}

/**
 * A passing step keeps what it saw on the way (third-party failures, the page's own script
 * errors) as a light observation for notes; with `failOnPageErrors: true` a first-party
 * script error fails it (the classifier makes that `frontend`, quoting the error).
 */
async function withNotes(outcome: Extract<StepOutcome, { status: 'passed' }>, scope: StepScope): Promise<StepOutcome> {
  const { ctx, page, attempt } = scope;
  const seen = await attempt.recorder.snapshot({ scope: 'step', bodies: false }).catch(() => undefined);
  if (seen === undefined) return outcome;
  const third = seen.thirdParty;
  if (third.failedRequests.length === 0 && third.scriptErrors.length === 0 && seen.pageErrors.length === 0) return outcome;
  if (ctx.failOnPageErrors && seen.pageErrors.length > 0) {
    const first = (seen.pageErrors[0] ?? '').split('\n', 1)[0] ?? '';
    return scope.fail({ symptom: 'script-error', message: `${ctx.label}: the page's own script threw "${first}" (failOnPageErrors: true)` });
  }
  const observation: BrowserObservation = {
    kind: 'browser',
    url: page.url(),
    failedRequests: [],
    consoleErrors: [],
    pageErrors: seen.pageErrors,
    ...(third.failedRequests.length > 0 || third.scriptErrors.length > 0 ? { thirdParty: third } : {}),
  };
  return { ...outcome, observation: outcome.observation ?? observation };
}

function crashed(error: unknown, attempt: BrowserAttempt): boolean {
  if (isTargetClosed(error)) return true;
  const browser = attempt.context.browser();
  return attempt.page.isClosed() || (browser !== null && !browser.isConnected());
}

/** The page or the browser is closed (one CDP round trip, bounded, when both still look alive). */
async function gone(attempt: BrowserAttempt): Promise<boolean> {
  if (crashed(undefined, attempt)) return true;
  const probe = attempt.page.evaluate(() => 1).then(
    () => false,
    (error: unknown) => isTargetClosed(error),
  );
  const busy = new Promise<boolean>((resolve) => setTimeout(resolve, PROBE_MS, false).unref());
  return (await Promise.race([probe, busy])) || crashed(undefined, attempt);
}
