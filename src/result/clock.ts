/**
 * One clock for the whole run: durations from a monotonic source, timestamps from wall
 * time. Created at the edge (src/cli) and passed down, so tests can substitute it.
 */
export interface Clock {
  /** Monotonic milliseconds; only differences are meaningful. */
  now(): number;
  /** Wall-clock time, for timestamps in reports. */
  wallNow(): Date;
}

export function systemClock(): Clock {
  return {
    now: () => performance.now(),
    wallNow: () => new Date(),
  };
}

/** Milliseconds left before `deadline` (monotonic), never negative. */
export function remaining(clock: Clock, deadline: number): number {
  return Math.max(0, deadline - clock.now());
}
