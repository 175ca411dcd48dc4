/**
 * How a journey moved between its previous run and this one (DESIGN §2): a fix that
 * turns a 404 into a 401 advanced one layer (`progressed`), the reverse `regressed`.
 *
 * Decisions:
 * - `from` / `to` hold the LAYER for a failed run (or `failed` when it has none), and the
 *   outcome otherwise (`passed`, `flaky`, `error`, `skipped`).
 * - `fromStatus` / `toStatus` hold the HTTP status each failure was decided on
 *   (./failure-status.ts), only for a failed side that had one: the operator reads
 *   `404 → 401` before the layers.
 * - `error` and `skipped` say nothing about the target (we could not verify, or did not
 *   run), so a transition into or out of them claims no movement: `unchanged`, with the
 *   outcomes (or layer) in from/to so a report can still show "error → route".
 * - passed ↔ flaky is `unchanged`: both count as passed (DESIGN §2); the report shows flaky.
 * - An outcome this module does not know (a newer runner's, e.g. `degraded`) counts as
 *   passing: it is not a failure, and a report must not crash on it.
 * - failed → failed with a layer missing on either side is `unchanged`: nothing to compare.
 */
import type { Layer, Outcome, Transition } from '../result/types.js';
import { LAYERS } from '../result/types.js';

export interface TransitionPrevious {
  readonly outcome: Outcome;
  readonly layer?: Layer;
  readonly runId?: string;
  /** The HTTP status the previous failure was decided on. */
  readonly status?: number;
}

export interface TransitionCurrent {
  readonly outcome: Outcome;
  readonly layer?: Layer;
  /** The HTTP status this failure was decided on (failureStatus of the result). */
  readonly status?: number;
}

const NOT_PASSING: ReadonlySet<string> = new Set<Outcome>(['failed', 'error', 'skipped']);

/** Passed, flaky, and any outcome we do not know (degraded): not a failure. */
function passing(outcome: string): boolean {
  return !NOT_PASSING.has(outcome);
}

/** Compare this run of a journey with its previous one. */
export function computeTransition(previous: TransitionPrevious | undefined, current: TransitionCurrent): Transition {
  const to = endpointOf(current);
  const toStatus = statusOf(current);
  if (previous === undefined) return { kind: 'new', to, ...(toStatus !== undefined ? { toStatus } : {}) };
  const from = endpointOf(previous);
  const fromStatus = statusOf(previous);
  const base = {
    from,
    to,
    ...(previous.runId === undefined ? {} : { previousRunId: previous.runId }),
    ...(fromStatus !== undefined ? { fromStatus } : {}),
    ...(toStatus !== undefined ? { toStatus } : {}),
  };

  const wasPassing = passing(previous.outcome);
  const isPassing = passing(current.outcome);
  if (wasPassing && current.outcome === 'failed') return { kind: 'broke', ...base };
  if (previous.outcome === 'failed' && isPassing) return { kind: 'recovered', ...base };
  if (previous.outcome === 'failed' && current.outcome === 'failed') {
    if (previous.layer === undefined || current.layer === undefined) return { kind: 'unchanged', ...base };
    const delta = LAYERS.indexOf(current.layer) - LAYERS.indexOf(previous.layer);
    if (delta > 0) return { kind: 'progressed', ...base };
    if (delta < 0) return { kind: 'regressed', ...base };
  }
  return { kind: 'unchanged', ...base };
}

function endpointOf(state: TransitionCurrent): string {
  if (state.outcome === 'failed') return state.layer ?? 'failed';
  return state.outcome;
}

function statusOf(state: TransitionCurrent): number | undefined {
  return state.outcome === 'failed' ? state.status : undefined;
}

/**
 * The status codes of a transition, `404 → 401`, when both failed sides have one;
 * undefined otherwise (a side that passed has no failing status to show).
 */
export function transitionCodes(transition: Transition): string | undefined {
  if (transition.fromStatus === undefined || transition.toStatus === undefined) return undefined;
  return `${transition.fromStatus} → ${transition.toStatus}`;
}

const FAILED_SIDES: ReadonlySet<string> = new Set<string>([...LAYERS, 'failed']);

/**
 * The transition with a status on every side that failed, or undefined when one is
 * missing (the history predates codes, or a failure had no response): then half the codes
 * would mislead, and the layers alone are shown.
 */
function withCodes(transition: Transition): { from: string; to: string } | undefined {
  const from = transition.from ?? '?';
  const to = transition.to ?? '?';
  const fromFailed = FAILED_SIDES.has(from);
  const toFailed = FAILED_SIDES.has(to);
  if (!fromFailed && !toFailed) return undefined;
  if ((fromFailed && transition.fromStatus === undefined) || (toFailed && transition.toStatus === undefined)) return undefined;
  const side = (word: string, status: number | undefined): string => (status !== undefined ? `${word} (${status})` : word);
  return { from: side(from, transition.fromStatus), to: side(to, transition.toStatus) };
}

/**
 * One line for people. With the codes, the operator's words: `404 → 401  progressed: route → auth`,
 * `broke: passed → proxy (502)`, `recovered: route (404) → passed`; without them (or with
 * only one of two): `progressed route → authz`; a first run: `new`.
 */
export function describeTransition(transition: Transition): string {
  if (transition.kind === 'new' || transition.from === undefined) return transition.kind;
  const codes = transitionCodes(transition);
  if (codes !== undefined) return `${codes}  ${transition.kind}: ${transition.from} → ${transition.to ?? '?'}`;
  const sides = withCodes(transition);
  if (sides) return `${transition.kind}: ${sides.from} → ${sides.to}`;
  return `${transition.kind} ${transition.from} → ${transition.to ?? '?'}`;
}

/** True when describeTransition can say the status codes (every failed side has one). */
export function hasCodes(transition: Transition): boolean {
  return transition.kind !== 'new' && transition.from !== undefined && (transitionCodes(transition) !== undefined || withCodes(transition) !== undefined);
}
