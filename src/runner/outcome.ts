/**
 * Outcomes are computed by pure functions from what was kept (every attempt), never
 * accumulated as flags while running — Playwright's computeTestCaseOutcome is the model.
 */
import { EXIT, OUTCOMES } from '../result/types.js';
import type { AttemptResult, Counts, JourneyResult, Outcome } from '../result/types.js';

/** The outcome of one journey from its attempts, in order. */
export function computeOutcome(attempts: readonly Pick<AttemptResult, 'outcome'>[]): Outcome {
  const last = attempts.at(-1);
  if (!last) return 'skipped';
  if (last.outcome === 'passed') return attempts.length > 1 ? 'flaky' : 'passed';
  return last.outcome;
}

export function countOutcomes(journeys: readonly Pick<JourneyResult, 'outcome'>[]): Counts {
  const counts = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Counts;
  for (const journey of journeys) counts[journey.outcome] += 1;
  return counts;
}

/**
 * The run's outcome. A verified break outranks "could not verify": if one journey proves
 * the target broken, the hook should act on that even when another journey errored.
 */
export function runOutcome(counts: Counts): Outcome {
  if (counts.failed > 0) return 'failed';
  if (counts.error > 0) return 'error';
  if (counts.flaky > 0) return 'flaky';
  if (counts.passed > 0) return 'passed';
  return 'skipped';
}

/** DESIGN §3: 0 passed (flaky included) · 1 failed · 2 invalid · 3 could not verify · 4 interrupted. */
export function exitCodeFor(outcome: Outcome, options: { interrupted?: boolean; reportFailed?: boolean } = {}): number {
  if (options.interrupted) return EXIT.interrupted;
  if (outcome === 'failed') return EXIT.failed;
  if (outcome === 'error' || options.reportFailed) return EXIT.error;
  // Nothing ran (every journey filtered out or skipped): we verified nothing.
  if (outcome === 'skipped') return EXIT.error;
  return EXIT.passed;
}
