/**
 * Cron schedules for `pathproof serve`, and nothing else: one `cron` CronJob per journey
 * with a `schedule`, ticks handed to an injected `run`. Running journeys, concurrency
 * permits, reports and metrics belong to the caller.
 *
 * Rules kept here:
 * - a journey never overlaps itself: a tick while its previous run is still going (or still
 *   waiting for a permit, or in its jitter delay) is skipped and reported through `onSkip`,
 *   never silently dropped (cron's own `waitForCompletion` would drop it without a word);
 * - the time zone is explicit (cron would otherwise use the host's, which differs between a
 *   laptop and a container);
 * - jitter: a random delay in [0, jitter) before each run, so 200 journeys on `*\/5` do not
 *   fire in the same millisecond against the same target;
 * - a reload (SIGHUP) validates every new schedule before replacing any: a bad set leaves
 *   the running one untouched, and a journey that is mid-run keeps its no-overlap guard.
 */
import { CronJob } from 'cron';

export interface ScheduledJourney {
  readonly name: string;
  /** Cron expression: 5 fields, or 6 with seconds first. */
  readonly schedule: string;
}

/** Why `run` was called: a cron tick, `--run-on-start`, or a re-run to confirm a result. */
export type TickTrigger = 'schedule' | 'start' | 'confirm';

export interface SchedulerOptions {
  /** IANA time zone for every expression, e.g. UTC or Europe/Berlin. */
  readonly timeZone: string;
  /** Upper bound of the random delay before each run (0: none). */
  readonly jitterMs?: number;
  readonly random?: () => number;
  /** Runs the journeys; the scheduler waits for it to know when a journey is free again. */
  readonly run: (journeys: readonly string[], trigger: TickTrigger) => Promise<void>;
  /** A tick found the journey busy. */
  readonly onSkip: (journey: string, info: { readonly busyForMs: number }) => void;
  /** `run` rejected: the caller's bug, reported, never allowed to stop the schedule. */
  readonly onError: (journey: string, error: unknown) => void;
  /** Monotonic milliseconds (for `busyForMs`). */
  readonly now?: () => number;
}

export class ScheduleError extends Error {
  override readonly name = 'ScheduleError';
  readonly code = 'SCHEDULE_INVALID';
  constructor(
    readonly journey: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface Scheduler {
  /**
   * Replaces the schedules (at start and on reload) and starts them. Throws ScheduleError
   * (naming the journey) before changing anything when an expression or the time zone is invalid.
   */
  load(journeys: readonly ScheduledJourney[]): void;
  /** Runs every scheduled journey once now (`--run-on-start`), with the same overlap rule. */
  runAll(trigger?: TickTrigger): void;
  /**
   * Runs these scheduled journeys now, without jitter (a re-run to confirm a result). A
   * journey already running is left alone, silently: its run will tell the same story.
   */
  runNow(journeys: readonly string[], trigger: TickTrigger): void;
  /** Journeys with a run in progress (or waiting to start). */
  busy(): string[];
  /** Next fire time of each scheduled journey. */
  nextRuns(): Map<string, Date>;
  /** Stops every schedule and cancels pending jitter delays; running journeys are not touched. */
  stop(): void;
  /** Resolves once no journey started by the scheduler is running. */
  idle(): Promise<void>;
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  const random = options.random ?? Math.random;
  const now = options.now ?? (() => performance.now());
  const jitterMs = Math.max(0, options.jitterMs ?? 0);
  let jobs = new Map<string, CronJob>();
  let stopped = false;
  /** journey → when its current run was asked for (monotonic ms). */
  const inFlight = new Map<string, { since: number; done: Promise<void> }>();
  /** Pending jitter delays, cancelled by stop(). */
  const delays = new Set<{ timer: NodeJS.Timeout; resolve: (go: boolean) => void }>();

  const delay = (ms: number): Promise<boolean> =>
    new Promise((resolve) => {
      if (ms <= 0) return resolve(true);
      const entry = {
        timer: setTimeout(() => {
          delays.delete(entry);
          resolve(true);
        }, ms),
        resolve,
      };
      delays.add(entry);
    });

  const tick = (journey: string, trigger: TickTrigger, immediate = false): void => {
    if (stopped) return;
    const current = inFlight.get(journey);
    if (current) {
      if (!immediate) options.onSkip(journey, { busyForMs: Math.max(0, now() - current.since) });
      return;
    }
    const done = (async () => {
      try {
        const go = await delay(immediate ? 0 : Math.floor(random() * jitterMs));
        if (go && !stopped) await options.run([journey], trigger);
      } catch (error) {
        options.onError(journey, error);
      } finally {
        inFlight.delete(journey);
      }
    })();
    inFlight.set(journey, { since: now(), done });
  };

  return {
    load(journeys) {
      if (stopped) throw new ScheduleError('', 'the scheduler is stopped');
      // Build every job stopped first: one invalid expression or zone changes nothing.
      const next = new Map<string, CronJob>();
      for (const { name, schedule } of journeys) {
        try {
          next.set(
            name,
            CronJob.from({ cronTime: schedule, onTick: () => tick(name, 'schedule'), start: false, timeZone: options.timeZone, name }),
          );
        } catch (error) {
          throw new ScheduleError(name, `journey ${name}: cannot schedule "${schedule}" in time zone ${options.timeZone}: ${(error as Error).message}`, { cause: error });
        }
      }
      for (const job of jobs.values()) void job.stop();
      jobs = next;
      for (const job of jobs.values()) job.start();
    },
    runAll(trigger = 'start') {
      for (const name of jobs.keys()) tick(name, trigger);
    },
    runNow(journeys, trigger) {
      for (const name of journeys) if (jobs.has(name)) tick(name, trigger, true);
    },
    busy: () => [...inFlight.keys()],
    nextRuns() {
      const next = new Map<string, Date>();
      for (const [name, job] of jobs) next.set(name, job.nextDate().toJSDate());
      return next;
    },
    stop() {
      stopped = true;
      for (const job of jobs.values()) void job.stop();
      for (const entry of delays) {
        clearTimeout(entry.timer);
        entry.resolve(false);
      }
      delays.clear();
    },
    async idle() {
      while (inFlight.size > 0) await Promise.all([...inFlight.values()].map((entry) => entry.done));
    },
  };
}
