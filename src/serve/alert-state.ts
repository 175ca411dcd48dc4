/**
 * Confirmed before alarmed: the alert state of one journey under `pathproof serve`, as a
 * pure state machine. Runs go in; out come the confirmed state (what the status page and
 * `pathproof_journey_up` show), whether to re-run at once, what happened (the story the
 * status page tells) and what to tell receivers (notices).
 *
 * The rules:
 * - A run is *failing* when it failed or could not be verified (`error`; like
 *   `probe_success`, a canary that cannot verify is not "up"), *passing* otherwise: passed,
 *   flaky, and any outcome this module does not know (a newer runner's `degraded`) —
 *   passing with a note, never a crash. `skipped` runs are not observed at all.
 * - `confirm` consecutive failing runs make a journey down; `recover` consecutive passing
 *   runs make a down journey up again. The first run that passes makes a new journey up.
 *   While a streak builds toward a threshold the caller re-runs the journey at once, so a
 *   confirmation costs seconds, not schedule ticks.
 * - Every passing ↔ failing change of the raw runs is remembered for the flapping window;
 *   `changes` of them within it make the journey flapping. A flapping journey is shown and
 *   alarmed once, its breaks and recoveries are not sent, and it is not re-run at once (that
 *   would only feed the flapping). It stops flapping after a whole window without a change;
 *   then receivers hear how it settled.
 * - Receivers are told about differences between what they were last told (`notified`) and
 *   what is true now. In a quiet window nothing is sent and `notified` does not move, so
 *   when the window ends they hear about what is still true (a journey still down pages; one
 *   that broke and recovered inside the window never does).
 *
 * Times are wall-clock milliseconds from the caller's one clock.
 */
import type { Layer, Phase, TraceRef } from '../result/types.js';
import { LAYERS } from '../result/types.js';

/** What one finished run of a journey said, as far as alerting needs it (already redacted). */
export interface RunObservation {
  readonly runId: string;
  /** When the result was known (wall ms). */
  readonly at: number;
  /** The journey's outcome; degraded and any unknown one count as passing. */
  readonly outcome: string;
  readonly layer?: Layer;
  readonly stage?: Phase;
  /** The HTTP status the failure was decided on (404 of `404 → 401`). */
  readonly status?: number;
  /** The failure's hint, or why a run that passed is degraded. */
  readonly hint?: string;
  /** The backend trace of the run (of its failed attempt when it failed). */
  readonly trace?: TraceRef;
}

export type Health = 'passing' | 'failing';

/** What the confirmed runs say: nothing yet, up, or down. */
export type Confirmed = 'unknown' | 'up' | 'down';

export interface FlappingPolicy {
  /** Passing ↔ failing changes within the window that make a journey flapping. */
  readonly changes: number;
  readonly windowMs: number;
}

export interface AlertPolicy {
  /** Consecutive failing runs before a journey is down (>= 1). */
  readonly confirm: number;
  /** Consecutive passing runs before a down journey is up (>= 1). */
  readonly recover: number;
  /** Undefined: flapping detection is off. */
  readonly flapping?: FlappingPolicy;
  /** Tell receivers when a down journey breaks at another layer (progressed / regressed). */
  readonly layerChanges: boolean;
}

export const DEFAULT_POLICY: AlertPolicy = {
  confirm: 2,
  recover: 1,
  flapping: { changes: 6, windowMs: 3_600_000 },
  layerChanges: false,
};

/** What receivers were last told about the journey. */
export type Notified =
  | { readonly state: 'quiet' }
  | { readonly state: 'down'; readonly failure: RunObservation; readonly since: number }
  | { readonly state: 'flapping'; readonly failure?: RunObservation; readonly since: number };

export interface Streak {
  readonly health: Health;
  readonly count: number;
  /** When the first run of the streak was known. */
  readonly since: number;
}

export interface JourneyAlertState {
  readonly confirmed: Confirmed;
  /** When the confirmed state began: the first run of the streak that confirmed it. */
  readonly since?: number;
  readonly streak?: Streak;
  /** The latest observed run. */
  readonly last?: RunObservation;
  /** The latest failing run: what is broken now while down or confirming, what it recovered from after. */
  readonly failure?: RunObservation;
  /** Times of passing ↔ failing changes still inside the flapping window, oldest first. */
  readonly changes: readonly number[];
  readonly flapping: boolean;
  readonly flappingSince?: number;
  readonly notified: Notified;
}

export const INITIAL_STATE: JourneyAlertState = { confirmed: 'unknown', changes: [], flapping: false, notified: { state: 'quiet' } };

/** What happened to a journey, for the status page (whether or not anyone was told). */
export type StoryKind = 'down' | 'up' | 'progressed' | 'regressed' | 'flapping' | 'settled';

export interface StoryEvent {
  readonly kind: StoryKind;
  readonly at: number;
  readonly run: RunObservation;
  /** The failure before (progressed / regressed / up: what it recovered from). */
  readonly previous?: RunObservation;
}

export type AlertEvent = 'broke' | 'recovered' | 'progressed' | 'regressed' | 'flapping';

/** Something to tell receivers. */
export interface Notice {
  readonly event: AlertEvent;
  readonly at: number;
  /** The run that is the news (the failure for broke, the pass for recovered). */
  readonly run: RunObservation;
  /** The failure receivers were told about before (recovered, progressed, regressed). */
  readonly previous?: RunObservation;
  /** Since when the journey is in the state this notice announces. */
  readonly since: number;
}

/** Failed and error are failing; skipped is not a run; everything else (degraded…) passes. */
export function healthOf(outcome: string): Health | undefined {
  if (outcome === 'skipped') return undefined;
  return outcome === 'failed' || outcome === 'error' ? 'failing' : 'passing';
}

export interface ObserveResult {
  readonly state: JourneyAlertState;
  /** Run the journey again at once: a streak is building toward a threshold. */
  readonly rerun: boolean;
  readonly story: readonly StoryEvent[];
}

/** Records one finished run. Pure. */
export function observe(state: JourneyAlertState, run: RunObservation, policy: AlertPolicy): ObserveResult {
  const health = healthOf(run.outcome);
  if (health === undefined) return { state, rerun: false, story: [] };
  const story: StoryEvent[] = [];
  const previousHealth = state.last ? healthOf(state.last.outcome) : undefined;
  const streak: Streak =
    state.streak && state.streak.health === health ? { ...state.streak, count: state.streak.count + 1 } : { health, count: 1, since: run.at };

  let changes = pruneChanges(state.changes, run.at, policy);
  if (previousHealth !== undefined && previousHealth !== health && policy.flapping) changes = [...changes, run.at];

  let confirmed = state.confirmed;
  let since = state.since;
  const failure = health === 'failing' ? run : state.failure;
  if (health === 'failing' && confirmed !== 'down' && streak.count >= policy.confirm) {
    confirmed = 'down';
    since = streak.since;
    story.push({ kind: 'down', at: run.at, run });
  } else if (health === 'failing' && confirmed === 'down' && state.failure) {
    const moved = layerMove(state.failure, run);
    if (moved) story.push({ kind: moved, at: run.at, run, previous: state.failure });
  } else if (health === 'passing' && confirmed === 'unknown') {
    confirmed = 'up';
    since = streak.since;
  } else if (health === 'passing' && confirmed === 'down' && streak.count >= policy.recover) {
    confirmed = 'up';
    since = streak.since;
    story.push({ kind: 'up', at: run.at, run, ...(state.failure ? { previous: state.failure } : {}) });
  }

  let flapping = state.flapping;
  let flappingSince = state.flappingSince;
  if (!flapping && policy.flapping && changes.length >= policy.flapping.changes) {
    flapping = true;
    flappingSince = run.at;
    story.push({ kind: 'flapping', at: run.at, run });
  }

  const building =
    (health === 'failing' && confirmed !== 'down' && streak.count < policy.confirm) ||
    (health === 'passing' && confirmed === 'down' && streak.count < policy.recover);
  const next: JourneyAlertState = {
    confirmed,
    ...(since !== undefined ? { since } : {}),
    streak,
    last: run,
    ...(failure ? { failure } : {}),
    changes,
    flapping,
    ...(flapping && flappingSince !== undefined ? { flappingSince } : {}),
    notified: state.notified,
  };
  return { state: next, rerun: building && !flapping, story };
}

export interface ReconcileResult {
  readonly state: JourneyAlertState;
  readonly notices: readonly Notice[];
  readonly story: readonly StoryEvent[];
}

/**
 * Brings the journey up to `now` (flapping ends after a stable window) and, unless `quiet`,
 * says what receivers must be told. Call after every observed run and periodically. Pure.
 */
export function reconcile(state: JourneyAlertState, policy: AlertPolicy, options: { now: number; quiet: boolean }): ReconcileResult {
  const { now } = options;
  const story: StoryEvent[] = [];
  const changes = pruneChanges(state.changes, now, policy);
  let current: JourneyAlertState = changes.length === state.changes.length ? state : { ...state, changes };
  if (current.flapping && (changes.length === 0 || !policy.flapping)) {
    const { flappingSince: _ended, ...rest } = current;
    current = { ...rest, flapping: false };
    if (current.last) story.push({ kind: 'settled', at: now, run: current.last });
  }
  if (options.quiet || !current.last) return { state: current, notices: [], story };

  const notices: Notice[] = [];
  const notified = current.notified;
  const desired = current.flapping ? 'flapping' : current.confirmed === 'down' ? 'down' : 'quiet';
  // What it recovers from is the latest failure, even one receivers were not told about.
  const lastFailure = current.failure ?? (notified.state === 'quiet' ? undefined : notified.failure);
  let next: Notified = notified;

  if (desired === 'down' && notified.state !== 'down') {
    const failure = current.failure ?? current.last;
    const since = current.since ?? failure.at;
    notices.push({ event: 'broke', at: now, run: failure, since });
    next = { state: 'down', failure, since };
  } else if (desired === 'flapping' && notified.state !== 'flapping') {
    const since = current.flappingSince ?? now;
    notices.push({ event: 'flapping', at: now, run: current.last, ...(lastFailure ? { previous: lastFailure } : {}), since });
    next = { state: 'flapping', ...(current.failure ? { failure: current.failure } : lastFailure ? { failure: lastFailure } : {}), since };
  } else if (desired === 'quiet' && notified.state !== 'quiet') {
    const since = current.since ?? current.last.at;
    notices.push({ event: 'recovered', at: now, run: current.last, ...(lastFailure ? { previous: lastFailure } : {}), since });
    next = { state: 'quiet' };
  } else if (desired === 'down' && notified.state === 'down' && current.failure && policy.layerChanges) {
    const moved = layerMove(notified.failure, current.failure);
    if (moved) {
      notices.push({ event: moved, at: now, run: current.failure, previous: notified.failure, since: notified.since });
      next = { state: 'down', failure: current.failure, since: notified.since };
    }
  }
  return { state: next === notified ? current : { ...current, notified: next }, notices, story };
}

/** progressed / regressed when a failure moved to a later / earlier layer. */
function layerMove(before: RunObservation, after: RunObservation): 'progressed' | 'regressed' | undefined {
  if (before.layer === undefined || after.layer === undefined) return undefined;
  const delta = LAYERS.indexOf(after.layer) - LAYERS.indexOf(before.layer);
  return delta > 0 ? 'progressed' : delta < 0 ? 'regressed' : undefined;
}

function pruneChanges(changes: readonly number[], now: number, policy: AlertPolicy): readonly number[] {
  if (!policy.flapping) return changes.length === 0 ? changes : [];
  const from = now - policy.flapping.windowMs;
  const kept = changes.filter((t) => t > from);
  return kept.length === changes.length ? changes : kept;
}

/**
 * What the status page shows for a journey: `checking` is a journey whose first runs failed
 * and whose break is not confirmed yet (it is being re-run).
 */
export type DisplayState = 'not-run' | 'checking' | 'up' | 'degraded' | 'down' | 'flapping';

export interface StateSummary {
  readonly state: DisplayState;
  /** Since when (wall ms), for up / down / flapping. */
  readonly since?: number;
  /** A streak against the confirmed state: `failing 1 of 2` before a down is confirmed. */
  readonly pending?: { readonly toward: 'down' | 'up'; readonly count: number; readonly of: number };
  /** The latest run's outcome when it passed with a note (degraded, or one we do not know). */
  readonly note?: string;
}

const PLAIN_PASSES: ReadonlySet<string> = new Set(['passed', 'flaky']);

/** The state in one word, with what qualifies it. Pure. */
export function summarize(state: JourneyAlertState, policy: AlertPolicy): StateSummary {
  if (!state.last) return { state: 'not-run' };
  const streak = state.streak;
  const pending =
    streak && streak.health === 'failing' && state.confirmed !== 'down' && streak.count < policy.confirm
      ? { toward: 'down' as const, count: streak.count, of: policy.confirm }
      : streak && streak.health === 'passing' && state.confirmed === 'down' && streak.count < policy.recover
        ? { toward: 'up' as const, count: streak.count, of: policy.recover }
        : undefined;
  const note = healthOf(state.last.outcome) === 'passing' && !PLAIN_PASSES.has(state.last.outcome) ? state.last.outcome : undefined;
  const base = { ...(pending ? { pending } : {}), ...(note ? { note } : {}) };
  if (state.flapping) return { state: 'flapping', ...(state.flappingSince !== undefined ? { since: state.flappingSince } : {}), ...base };
  if (state.confirmed === 'down') return { state: 'down', ...(state.since !== undefined ? { since: state.since } : {}), ...base };
  if (state.confirmed === 'unknown') return { state: 'checking', ...base };
  const shown: DisplayState = state.last.outcome === 'degraded' ? 'degraded' : 'up';
  return { state: shown, ...(state.since !== undefined ? { since: state.since } : {}), ...base };
}
