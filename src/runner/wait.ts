/**
 * `--wait`: the runtime checks of an attempt (container, version, environment, facts) are
 * polled until they all hold, and only then do the stages run (DESIGN §7). A hook started
 * before the rollout finished no longer judges a half-rolled-out system.
 *
 * The window is the run's, from its start: journeys queued behind others (concurrency) do not
 * each wait the whole window again. Polls back off (2s, 3s, 4.5s … 10s) and the last one is at
 * the end of the window.
 *
 * What keeps the wait going: a check that fails (drift, a 502 while the proxy switches,
 * connection refused while a container restarts), a transient engine fault (unreachable,
 * refused, timed out, a 5xx: the engine may be restarting too), several containers matching
 * (old and new side by side mid-rollout). What ends it: every check holds (the stages run); the
 * window ends (the last poll's verdict stands and its hint says how long we waited); a fault
 * waiting cannot fix (a bad journey, no permission on the socket: `stopped`); SIGTERM (no
 * verdict, the run exits 4).
 *
 * This module only decides when to poll again and how the wait ended; the runner runs each
 * poll exactly like a runtime phase (same drivers, same settle), and src/classify words the
 * hint.
 */
import type { Clock } from '../result/clock.js';
import type { AttemptResult, RunnerError, RunnerErrorCode, StepResult, WaitEnd, WaitRecord } from '../result/types.js';
import { errorAfterWaiting, failureAfterWaiting, interruptedWhileWaiting } from '../classify/wait.js';

/** Monotonic times (clock.now()) of the wait: when it began (the run's start) and when it ends. */
export interface WaitWindow {
  readonly since: number;
  readonly until: number;
}

/** The pause after the first poll, its growth per poll, and its cap. */
export const POLL_INTERVAL = { firstMs: 2_000, factor: 1.5, maxMs: 10_000 } as const;

/** How often a pause looks at SIGTERM: the wait ends within this long of it. */
const STOP_CHECK_MS = 200;

/**
 * Faults a rollout in progress causes and that clear by themselves: polled again until the
 * window ends, then the journey is `error` (could not verify). Every other runner error ends
 * the wait at once: waiting does not fix a journey, a configuration or a permission.
 */
export const RETRIED_WHILE_WAITING: ReadonlySet<RunnerErrorCode> = new Set<RunnerErrorCode>([
  'ENGINE_UNREACHABLE',
  'ENGINE_REFUSED',
  'ENGINE_TIMEOUT',
  'ENGINE_API_ERROR',
  'CONTAINER_AMBIGUOUS',
]);

export interface WaitOptions {
  readonly clock: Clock;
  readonly window: WaitWindow;
  /** True once the run stops taking new work (SIGTERM). */
  readonly stopping: () => boolean;
  readonly signal: AbortSignal;
}

/**
 * Polls (each poll: the runtime checks alone, run by the runner as an attempt) until they hold
 * or the wait ends. The last poll comes back worded as the end of a wait: its failure's hint
 * says how long and how often, an interrupted wait is an `INTERRUPTED` error.
 */
export async function waitForRuntime(poll: () => Promise<AttemptResult>, options: WaitOptions): Promise<{ readonly last: AttemptResult; readonly record: WaitRecord }> {
  const { clock, window } = options;
  const interrupted = (): boolean => options.stopping() || options.signal.aborted;
  let pauseMs: number = POLL_INTERVAL.firstMs;
  for (let polls = 1; ; polls++) {
    const last = await poll();
    let ended = endOf(last, interrupted);
    if (ended === undefined) {
      const left = window.until - clock.now();
      if (left <= 0) ended = 'expired';
      else if (await pause(Math.min(pauseMs, left), interrupted)) ended = 'interrupted';
    }
    if (ended !== undefined) {
      const record: WaitRecord = {
        ended,
        polls,
        waitedMs: Math.max(0, Math.round(clock.now() - window.since)),
        windowMs: Math.round(window.until - window.since),
      };
      return { last: annotate(last, record), record };
    }
    pauseMs = Math.min(pauseMs * POLL_INTERVAL.factor, POLL_INTERVAL.maxMs);
  }
}

/** How this poll ends the wait, or undefined to poll again. */
function endOf(poll: AttemptResult, interrupted: () => boolean): WaitEnd | undefined {
  if (poll.outcome === 'passed') return 'held';
  if (interrupted() || (poll.outcome === 'error' && poll.error.code === 'INTERRUPTED')) return 'interrupted';
  if (poll.outcome === 'error' && !RETRIED_WHILE_WAITING.has(poll.error.code)) return 'stopped';
  return undefined;
}

/** Sleeps `ms`, looking at SIGTERM meanwhile; true when it was cut short by it. */
async function pause(ms: number, interrupted: () => boolean): Promise<boolean> {
  let left = ms;
  while (left > 0) {
    if (interrupted()) return true;
    const slice = Math.min(left, STOP_CHECK_MS);
    // Never unref'd: between polls this timer may be all that keeps the process alive.
    await new Promise<void>((resolve) => setTimeout(resolve, slice));
    left -= slice;
  }
  return interrupted();
}

/** The last poll, worded as the end of a wait: the attempt's verdict and the step it came from. */
function annotate(poll: AttemptResult, record: WaitRecord): AttemptResult {
  if (poll.outcome === 'passed' || record.ended === 'held') return poll;
  const runtime = { ...poll.runtime, wait: record };
  if (record.ended === 'interrupted') {
    const seen = poll.outcome === 'failed' ? poll.failure.hint : poll.error.code === 'INTERRUPTED' ? undefined : poll.error.message;
    const error = interruptedWhileWaiting(seen, record);
    const { attempt, startedAt, durationMs, evidence, notes } = poll;
    return {
      attempt,
      startedAt,
      durationMs,
      runtime,
      ...(evidence === undefined ? {} : { evidence }),
      ...(notes === undefined ? {} : { notes }),
      steps: poll.steps.map((step) => (stopsHere(step) ? asError(step, error) : step)),
      outcome: 'error',
      stage: poll.stage,
      error,
    };
  }
  if (poll.outcome === 'failed') {
    const failure = failureAfterWaiting(poll.failure, record);
    return { ...poll, runtime, failure, steps: poll.steps.map((step) => (step.status === 'failed' ? { ...step, failure } : step)) };
  }
  const error = errorAfterWaiting(poll.error, record, record.ended);
  return { ...poll, runtime, error, steps: poll.steps.map((step) => (step.status === 'error' ? { ...step, error } : step)) };
}

const stopsHere = (step: StepResult): step is Extract<StepResult, { status: 'failed' | 'error' }> => step.status === 'failed' || step.status === 'error';

function asError(step: Extract<StepResult, { status: 'failed' | 'error' }>, error: RunnerError): StepResult {
  const { name, kind, phase, index, durationMs, assertions, observation, evidence, captured, notes } = step;
  return {
    name,
    kind,
    phase,
    index,
    durationMs,
    ...(assertions === undefined ? {} : { assertions }),
    ...(observation === undefined ? {} : { observation }),
    ...(evidence === undefined ? {} : { evidence }),
    ...(captured === undefined ? {} : { captured }),
    ...(notes === undefined ? {} : { notes }),
    status: 'error',
    error,
  };
}
