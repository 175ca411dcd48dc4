/**
 * How a journey moved between its previous run and this one (DESIGN §2): a fix that
 * turns a 404 into a 401 advanced one layer (`progressed`), the reverse `regressed`.
 *
 * Decisions:
 * - `from` / `to` hold the LAYER for a failed run (or `failed` when it has none), and the
 *   outcome otherwise (`passed`, `flaky`, `error`, `skipped`).
 * - `error` and `skipped` say nothing about the target (we could not verify, or did not
 *   run), so a transition into or out of them claims no movement: `unchanged`, with the
 *   outcomes (or layer) in from/to so a report can still show "error → route".
 * - passed ↔ flaky is `unchanged`: both count as passed (DESIGN §2); the report shows flaky.
 * - failed → failed with a layer missing on either side is `unchanged`: nothing to compare.
 */
import type { Layer, Outcome, Transition } from '../result/types.js';
import { LAYERS } from '../result/types.js';

export interface TransitionPrevious {
  readonly outcome: Outcome;
  readonly layer?: Layer;
  readonly runId?: string;
}

export interface TransitionCurrent {
  readonly outcome: Outcome;
  readonly layer?: Layer;
}

const PASSING: ReadonlySet<Outcome> = new Set(['passed', 'flaky']);

/** Compare this run of a journey with its previous one. */
export function computeTransition(previous: TransitionPrevious | undefined, current: TransitionCurrent): Transition {
  const to = endpointOf(current);
  if (previous === undefined) return { kind: 'new', to };
  const from = endpointOf(previous);
  const base = previous.runId === undefined ? { from, to } : { from, to, previousRunId: previous.runId };

  const wasPassing = PASSING.has(previous.outcome);
  const isPassing = PASSING.has(current.outcome);
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

/** One line for people: `progressed route → authz`, `new`, `recovered route → passed`. */
export function describeTransition(transition: Transition): string {
  if (transition.kind === 'new' || transition.from === undefined) return transition.kind;
  return `${transition.kind} ${transition.from} → ${transition.to ?? '?'}`;
}
