/**
 * The HTTP status a failure was decided on, for transitions in the operator's words
 * (`404 → 401  progressed: route → auth`). Read from the failing step's observation, never
 * from a message:
 * - an HTTP step: the status of its response (a `result` failure on a 200 is still 200);
 * - a browser step: the main document's status when it was >= 400, else the first failed
 *   request that can break a page (document, xhr/fetch, script, stylesheet) that has a
 *   status, in the order classification looks at them (./browser.ts);
 * - no response at all (connection refused, DNS, a timeout before headers): undefined.
 */
import type { AttemptResult, JourneyResult, Observation } from '../result/types.js';

/** Resource types whose failure can break what the user sees (as ./browser.ts). */
const PAGE_BREAKING: ReadonlySet<string> = new Set(['document', 'xhr', 'fetch', 'script', 'stylesheet', 'eventsource', 'websocket']);

/** The status of the observation a failed step left, if it has one. Pure. */
export function observationStatus(observation: Observation | undefined): number | undefined {
  if (!observation) return undefined;
  if (observation.kind === 'http') return validStatus(observation.status);
  if (observation.documentStatus !== undefined && observation.documentStatus >= 400) return validStatus(observation.documentStatus);
  const request = observation.failedRequests.find(
    (r) => r.status !== undefined && r.status >= 400 && (r.resourceType === undefined || PAGE_BREAKING.has(r.resourceType)),
  );
  return validStatus(request?.status);
}

/** The status of the failing step of an attempt (undefined when it passed or had none). */
export function attemptFailureStatus(attempt: AttemptResult | undefined): number | undefined {
  const step = attempt?.steps.find((s) => s.status === 'failed');
  return observationStatus(step?.observation);
}

/** The status of a failed journey's failure: its last attempt decided the outcome. */
export function failureStatus(journey: Pick<JourneyResult, 'outcome' | 'attempts'>): number | undefined {
  if (journey.outcome !== 'failed') return undefined;
  return attemptFailureStatus(journey.attempts.at(-1));
}

function validStatus(status: number | undefined): number | undefined {
  return status !== undefined && Number.isInteger(status) && status >= 100 && status <= 599 ? status : undefined;
}
