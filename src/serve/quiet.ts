/**
 * Quiet windows: times when journeys keep running and recording but no alert is sent.
 *
 * - `maintenance:` in pathproof.yaml: recurring windows, a cron expression for the start and
 *   a duration, in a time zone (the window's, else serve's: TZ, else UTC);
 * - a silence: `POST /api/silence?for=10m` (until a time; a new one replaces it, `DELETE`
 *   ends it);
 * - a deploy in progress: the Flagger hook during a canary analysis renews a deploy silence
 *   on every call, and its final phases (Succeeded, Failed) end it.
 *
 * Everything here is pure: times are wall-clock milliseconds from the caller's clock.
 */
import { CronTime } from 'cron';
import type { MaintenanceWindow } from '../journey/schema.js';

export interface CompiledWindow {
  readonly cron: string;
  readonly timeZone: string;
  readonly durationMs: number;
  readonly name?: string;
  readonly time: CronTime;
}

/** Builds the windows once (the schema already validated the expressions and zones). */
export function compileMaintenance(windows: readonly MaintenanceWindow[], defaultZone: string): CompiledWindow[] {
  return windows.map((window) => {
    const timeZone = window.timezone ?? defaultZone;
    return {
      cron: window.cron,
      timeZone,
      durationMs: window.duration,
      ...(window.name ? { name: window.name } : {}),
      time: new CronTime(window.cron, timeZone),
    };
  });
}

export type QuietReason = 'maintenance' | 'silence' | 'deploy';

/** One reason alerts are quiet right now. */
export interface QuietWindow {
  readonly reason: QuietReason;
  /** Wall ms. */
  readonly startsAt: number;
  readonly endsAt: number;
  /** The maintenance window's name, who silenced, or which canary is deploying. */
  readonly what?: string;
}

/**
 * The maintenance window `now` falls into, if any: a window started at the first cron time
 * after `now - duration` when that time is not after `now`.
 */
export function activeMaintenance(windows: readonly CompiledWindow[], now: number): QuietWindow | undefined {
  let found: QuietWindow | undefined;
  for (const window of windows) {
    if (window.durationMs <= 0) continue;
    // The earliest start strictly after `now - duration` (getNextDateFrom is strictly after).
    const startsAt = window.time.getNextDateFrom(new Date(now - window.durationMs), window.timeZone).toMillis();
    if (startsAt > now) continue;
    const endsAt = startsAt + window.durationMs;
    // Overlapping windows: the one that lasts longest is the one to show.
    if (!found || endsAt > found.endsAt) found = { reason: 'maintenance', startsAt, endsAt, ...(window.name ? { what: window.name } : {}) };
  }
  return found;
}

/** The next maintenance window to start after `now` (for the status page). */
export function nextMaintenance(windows: readonly CompiledWindow[], now: number): QuietWindow | undefined {
  let found: QuietWindow | undefined;
  for (const window of windows) {
    const startsAt = window.time.getNextDateFrom(new Date(now), window.timeZone).toMillis();
    if (!found || startsAt < found.startsAt) {
      found = { reason: 'maintenance', startsAt, endsAt: startsAt + window.durationMs, ...(window.name ? { what: window.name } : {}) };
    }
  }
  return found;
}

/** Silences set through the API and the deploy hook. */
export interface Silences {
  readonly silence?: QuietWindow;
  readonly deploy?: QuietWindow;
}

/** Every reason alerts are quiet at `now`, maintenance first. */
export function quietAt(silences: Silences, windows: readonly CompiledWindow[], now: number): QuietWindow[] {
  const active: QuietWindow[] = [];
  const maintenance = activeMaintenance(windows, now);
  if (maintenance) active.push(maintenance);
  for (const window of [silences.silence, silences.deploy]) {
    if (window && window.startsAt <= now && now < window.endsAt) active.push(window);
  }
  return active;
}

/**
 * Flagger canary phases during which a deploy is in progress (pkg/apis/flagger CanaryPhase).
 * `Succeeded` and `Failed` (post-rollout) and `Terminating`/`Terminated` end it; a call
 * without a phase or with one we do not know changes nothing.
 */
const DEPLOYING_PHASES: ReadonlySet<string> = new Set([
  'Initializing',
  'Initialized',
  'Waiting',
  'Progressing',
  'WaitingPromotion',
  'Promoting',
  'Finalising',
]);
const FINAL_PHASES: ReadonlySet<string> = new Set(['Succeeded', 'Failed', 'Terminating', 'Terminated']);

export type DeploySignal = 'start' | 'end' | 'none';

/** What a Flagger webhook call says about a deploy in progress. */
export function deploySignal(phase: string | undefined): DeploySignal {
  if (phase === undefined) return 'none';
  if (DEPLOYING_PHASES.has(phase)) return 'start';
  if (FINAL_PHASES.has(phase)) return 'end';
  return 'none';
}
