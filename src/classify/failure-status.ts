/**
 * The HTTP status a failure was decided on, for transitions in the operator's words
 * (`404 → 401  progressed: route → auth`). Classification decides it once
 * (`Failure.status`: the status the decisive evidence carried — the failing response, the
 * page's document, or the first-party request the verdict rests on); this only reads it
 * through the result union, so no second module re-derives it from observations.
 */
import type { JourneyResult } from '../result/types.js';

/** The status of a failed journey's failure; undefined when it did not fail or had no response. */
export function failureStatus(journey: JourneyResult): number | undefined {
  return journey.outcome === 'failed' ? journey.failure.status : undefined;
}
