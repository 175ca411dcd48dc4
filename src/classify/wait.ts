/**
 * What `--wait` adds to a verdict on runtime truth: how long the rollout was given and how
 * often it was looked at, before the check's own hint (DESIGN §7). The verdict itself (layer,
 * message) stays the check's: waiting changes when we judge, never what.
 *
 * Forms (stable; tests assert them):
 * - expired: `waited 2m (9 polls); still serving 2.1.0, expected 2.0.3: the running container …`
 * - stopped by a fault waiting cannot fix, after polling: `waited 12s (4 polls); then …`
 * - interrupted: `the run was interrupted while waiting for the rollout (waited 12s, 4 polls); the last poll: …`
 */
import type { Failure, RunnerError, WaitRecord } from '../result/types.js';
import { formatDuration } from '../util/format.js';

type Waited = Pick<WaitRecord, 'waitedMs' | 'polls'>;

const polls = (n: number): string => `${n} ${n === 1 ? 'poll' : 'polls'}`;

/** `waited 2m (9 polls)`. */
export function waitedText(waited: Waited): string {
  return `waited ${formatDuration(waited.waitedMs)} (${polls(waited.polls)})`;
}

/** A runtime check that never held within the window: its own failure, said to be the end of a wait. */
export function failureAfterWaiting(failure: Failure, waited: Waited): Failure {
  return { ...failure, hint: `${waitedText(waited)}; still ${failure.hint}` };
}

/**
 * A runtime check that could not be verified at the end of the wait: the window expired on a
 * fault that was retried (`still`), or a fault waiting cannot fix ended it (`then`).
 */
export function errorAfterWaiting(error: RunnerError, waited: Waited, ended: 'expired' | 'stopped'): RunnerError {
  if (ended === 'stopped' && waited.polls <= 1) return error;
  return { ...error, message: `${waitedText(waited)}; ${ended === 'expired' ? 'still' : 'then'} ${error.message}` };
}

/** SIGTERM during the wait: no verdict on the target, with what the last poll saw. */
export function interruptedWhileWaiting(lastSeen: string | undefined, waited: Waited): RunnerError {
  const seen = lastSeen === undefined ? '' : `; the last poll: ${lastSeen}`;
  return {
    code: 'INTERRUPTED',
    message: `the run was interrupted while waiting for the rollout (waited ${formatDuration(waited.waitedMs)}, ${polls(waited.polls)})${seen}`,
  };
}
