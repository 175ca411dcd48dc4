/**
 * Outcomes are computed by pure functions from what was kept (every attempt), never
 * accumulated as flags while running — Playwright's computeTestCaseOutcome is the model.
 */
import { EXIT, OUTCOMES } from '../result/types.js';
import type { AttemptResult, Counts, Degradation, JourneyResult, Outcome } from '../result/types.js';

/** What the outcome of a journey is computed from: each attempt's outcome and, when it passed, its degradations. */
export interface AttemptVerdict {
  readonly outcome: AttemptResult['outcome'];
  readonly degradations?: readonly Degradation[];
}

/**
 * The outcome of one journey from its attempts, in order. A last attempt that passed is
 * `flaky` when an earlier one did not (the failure is the news, so flaky outranks degraded),
 * `degraded` when it worked but recorded a degradation, else `passed`.
 */
export function computeOutcome(attempts: readonly AttemptVerdict[]): Outcome {
  const last = attempts.at(-1);
  if (!last) return 'skipped';
  if (last.outcome !== 'passed') return last.outcome;
  if (attempts.length > 1) return 'flaky';
  return (last.degradations?.length ?? 0) > 0 ? 'degraded' : 'passed';
}

export function countOutcomes(journeys: readonly Pick<JourneyResult, 'outcome'>[]): Counts {
  const counts = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Counts;
  for (const journey of journeys) counts[journey.outcome] += 1;
  return counts;
}

/**
 * The run's outcome. A verified break outranks "could not verify": if one journey proves
 * the target broken, the hook should act on that even when another journey errored. Among
 * the passing outcomes the worst news wins: flaky (something failed, then passed), then
 * degraded (worked, too slowly or on an expiring certificate), then passed. A run of only
 * passed and degraded journeys is `degraded`, exit 0.
 */
export function runOutcome(counts: Counts): Outcome {
  if (counts.failed > 0) return 'failed';
  if (counts.error > 0) return 'error';
  if (counts.flaky > 0) return 'flaky';
  if (counts.degraded > 0) return 'degraded';
  if (counts.passed > 0) return 'passed';
  return 'skipped';
}

export { countsAsPassed } from '../result/types.js';

/** DESIGN §3: 0 passed (flaky and degraded included) · 1 failed · 2 invalid · 3 could not verify · 4 interrupted. */
export function exitCodeFor(outcome: Outcome, options: { interrupted?: boolean; reportFailed?: boolean } = {}): number {
  if (options.interrupted) return EXIT.interrupted;
  if (outcome === 'failed') return EXIT.failed;
  if (outcome === 'error' || options.reportFailed) return EXIT.error;
  // Nothing ran (every journey filtered out or skipped): we verified nothing.
  if (outcome === 'skipped') return EXIT.error;
  return EXIT.passed;
}
