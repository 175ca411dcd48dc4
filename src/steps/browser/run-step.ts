/**
 * What every browser driver shares: opening the attempt, the per-step evidence window,
 * the time budget, and turning what Playwright throws into an outcome:
 * - the run was interrupted                 → error INTERRUPTED;
 * - page/context/browser closed (crash)     → error BROWSER_CRASHED (our side, never the target);
 * - no browser (RunnerFault)                → error with the fault's code (BROWSER_NOT_FOUND…);
 * - Playwright TimeoutError not handled by the action itself → failed, symptom `timeout`;
 * - anything else (an invalid css selector…) → error BROWSER_STEP_ERROR.
 */
import type { Page } from 'playwright-core';
import type { BrowserAttempt, StepContext, StepOutcome } from '../types.js';
import { RunnerFault } from '../types.js';
import { formatMs, stepBudgetMs } from './budget.js';
import { firstLine, isTargetClosed, isTimeout } from './errors.js';
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
  readonly label: string;
  /** The step's own `timeout:` (ms), if any. */
  readonly timeoutMs: number | undefined;
}

export async function runBrowserStep(spec: StepSpec, ctx: StepContext, body: (scope: StepScope) => Promise<StepOutcome>): Promise<StepOutcome> {
  const redact = (text: string): string => ctx.redactor.redact(text);
  if (ctx.signal.aborted) return { status: 'error', error: { code: 'INTERRUPTED', message: 'the run was interrupted' } };
  let attempt: BrowserAttempt;
  let errors: PlaywrightErrorTypes;
  try {
    attempt = await ctx.browser();
    // Already loaded by the session that opened the attempt: this import is a cache hit.
    ({ errors } = await import('playwright-core'));
  } catch (error) {
    if (error instanceof RunnerFault) return { status: 'error', error: { code: error.code, message: redact(error.message) } };
    return { status: 'error', error: { code: 'BROWSER_LAUNCH_FAILED', message: redact(`could not open a browser: ${firstLine(error)}`) } };
  }
  attempt.recorder.beginStep();
  const start = ctx.clock.now();
  const budgetMs = stepBudgetMs(spec.timeoutMs, ctx);
  const scope: StepScope = {
    ctx,
    attempt,
    page: attempt.page,
    kind: spec.kind,
    label: spec.label,
    budgetMs,
    budgetText: formatMs(budgetMs),
    left: () => Math.max(1, Math.floor(budgetMs - (ctx.clock.now() - start))),
    isTimeout: (error) => isTimeout(error, errors),
    fail: (input) => failStep({ ctx, attempt, kind: spec.kind, label: spec.label }, input),
  };
  try {
    return await body(scope);
  } catch (error) {
    if (ctx.signal.aborted) return { status: 'error', error: { code: 'INTERRUPTED', message: 'the run was interrupted' } };
    if (crashed(error, attempt)) {
      return {
        status: 'error',
        error: { code: 'BROWSER_CRASHED', message: redact(`the browser closed or crashed during "${spec.label}": ${firstLine(error)}`) },
      };
    }
    if (isTimeout(error, errors)) {
      return scope.fail({ symptom: 'timeout', message: `${spec.label}: timed out after ${scope.budgetText}` });
    }
    return { status: 'error', error: { code: 'BROWSER_STEP_ERROR', message: redact(`${spec.label}: ${firstLine(error)}`) } };
  }
}

function crashed(error: unknown, attempt: BrowserAttempt): boolean {
  if (isTargetClosed(error)) return true;
  const browser = attempt.context.browser();
  return attempt.page.isClosed() || (browser !== null && !browser.isConnected());
}
