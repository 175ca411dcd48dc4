/**
 * The stage ladder — runtime ✓ → entry ✓ → open ✓ → action ✗ → result – — as data, so the
 * HTML can draw it and tests can read it. Same rules as the console's `stageLadder`.
 */
import type { AttemptResult, JourneyResult, Phase, StepResult } from '../../result/types.js';
import { STAGES } from '../../result/types.js';

/** `none`: the journey has no steps in this stage (drawn as ·, not as a pass). */
export type RungStatus = 'passed' | 'failed' | 'error' | 'skipped' | 'none';

export interface Rung {
  readonly phase: Phase;
  readonly status: RungStatus;
}

export const RUNG_SYMBOL: Record<RungStatus, string> = { passed: '✓', failed: '✗', error: '!', skipped: '–', none: '·' };

function rungStatus(steps: readonly StepResult[]): RungStatus {
  if (steps.length === 0) return 'none';
  if (steps.some((s) => s.status === 'failed')) return 'failed';
  if (steps.some((s) => s.status === 'error')) return 'error';
  if (steps.every((s) => s.status === 'skipped')) return 'skipped';
  return 'passed';
}

export function ladderOf(attempt: AttemptResult | undefined): Rung[] {
  if (!attempt) return [];
  const rungs: Rung[] = STAGES.map((phase) => ({ phase, status: rungStatus(attempt.steps.filter((s) => s.phase === phase)) }));
  const runtime = attempt.steps.filter((s) => s.phase === 'runtime');
  if (runtime.length > 0) rungs.unshift({ phase: 'runtime', status: rungStatus(runtime) });
  return rungs;
}

/** ladder as text: `runtime ✓ → entry ✓ → action ✗` (used in titles and tests). */
export function ladderText(rungs: readonly Rung[]): string {
  return rungs.map((r) => `${r.phase} ${RUNG_SYMBOL[r.status]}`).join(' → ');
}

/**
 * The attempt that tells the journey's story: the last one, except for a flaky journey,
 * whose interesting attempt is the one that failed (the pass is in the attempt list).
 */
export function headlineAttempt(journey: JourneyResult): AttemptResult | undefined {
  if (journey.outcome === 'flaky') return journey.attempts.find((a) => a.outcome !== 'passed') ?? journey.attempts.at(-1);
  return journey.attempts.at(-1);
}

/** The first failed (or errored) step of an attempt. */
export function failingStep(attempt: AttemptResult | undefined): StepResult | undefined {
  return attempt?.steps.find((s) => s.status === 'failed') ?? attempt?.steps.find((s) => s.status === 'error');
}

const ORDER: Record<JourneyResult['outcome'], number> = { failed: 0, error: 1, flaky: 2, degraded: 3, passed: 4, skipped: 5 };

/** Failures first, then errors, flaky, degraded, passed, skipped; stable within a group (run order). */
export function byAttention(journeys: readonly JourneyResult[]): JourneyResult[] {
  return journeys.map((j, i) => ({ j, i })).sort((a, b) => ORDER[a.j.outcome] - ORDER[b.j.outcome] || a.i - b.i).map(({ j }) => j);
}
