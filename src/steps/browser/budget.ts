/**
 * Time for one browser step. The runner's deadline already folds in the step timeout
 * and the journey timeout; the step's own `timeout:` is applied again so a driver called
 * directly (tests, future callers) is bounded the same way.
 *
 * Hazard: Playwright reads `timeout: 0` as "no timeout", so a spent budget is 1ms, never 0.
 */
import { remaining } from '../../result/clock.js';
import { DEFAULTS } from '../../journey/schema.js';
import { formatDuration } from '../../util/format.js';
import type { StepContext } from '../types.js';

export function stepBudgetMs(stepTimeoutMs: number | undefined, ctx: Pick<StepContext, 'clock' | 'deadline' | 'stepTimeoutMs'>): number {
  const left = remaining(ctx.clock, ctx.deadline);
  // The configured step time (a project's `defaults.stepTimeout` included), not pathproof's default.
  return Math.max(1, Math.floor(Math.min(stepTimeoutMs ?? ctx.stepTimeoutMs ?? DEFAULTS.stepTimeoutMs, left)));
}

/**
 * The budget a message names: the step's time as configured when that is what bounds the step
 * (the same failure reads the same on every run), else what was left of the journey.
 */
export function shownBudgetMs(budgetMs: number, stepTimeoutMs: number | undefined, ctx: Pick<StepContext, 'stepTimeoutMs' | 'deadlineFrom'>): number {
  const configured = stepTimeoutMs ?? ctx.stepTimeoutMs;
  return ctx.deadlineFrom === 'step' && configured !== undefined ? configured : budgetMs;
}

/**
 * `750ms`, `5s`, `2.5s`: a step's budget for messages. A budget computed a moment after its
 * deadline was set is 999ms, not the 1s the user wrote: round to 10ms before formatting.
 */
export function budgetText(ms: number): string {
  return formatDuration(ms >= 10 ? Math.round(ms / 10) * 10 : ms);
}
