import { afterEach, describe, expect, it, vi } from 'vitest';
import { ScheduleError, createScheduler } from './scheduler.js';
import type { TickTrigger } from './scheduler.js';



describe('createScheduler (the cron package, on fake time)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs a journey on its schedule and skips ticks while it is still running, never overlapping', async () => {
    // cron schedules with setTimeout and reads the Date: both fake, so seconds pass in microseconds.
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 30, 12, 0, 0, 500), toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'] });
    let running = 0;
    let peak = 0;
    let runs = 0;
    const skips: string[] = [];
    const errors: unknown[] = [];
    const scheduler = createScheduler({
      timeZone: 'UTC',
      run: async () => {
        running++;
        peak = Math.max(peak, running);
        runs++;
        await new Promise((resolve) => setTimeout(resolve, 2_500)); // slower than its every-second schedule
        running--;
      },
      onSkip: (journey) => skips.push(journey),
      onError: (_journey, error) => errors.push(error),
    });
    scheduler.load([{ name: 'slow', schedule: '* * * * * *' }]);
    try {
      await vi.advanceTimersByTimeAsync(6_000);
    } finally {
      scheduler.stop();
      await vi.advanceTimersByTimeAsync(3_000);
      await scheduler.idle();
    }
    expect(errors).toEqual([]);
    expect(runs).toBe(2);
    expect(peak).toBe(1);
    expect(skips.length).toBeGreaterThanOrEqual(3);
    expect(skips.every((journey) => journey === 'slow')).toBe(true);
  });

  it('runAll runs every scheduled journey once with the start trigger', async () => {
    const calls: [readonly string[], TickTrigger][] = [];
    const scheduler = createScheduler({
      timeZone: 'UTC',
      run: async (journeys, trigger) => void calls.push([journeys, trigger]),
      onSkip: () => undefined,
      onError: () => undefined,
    });
    scheduler.load([
      { name: 'a', schedule: '0 0 1 1 *' },
      { name: 'b', schedule: '0 0 1 1 *' },
    ]);
    scheduler.runAll();
    await scheduler.idle();
    scheduler.stop();
    expect(calls).toEqual([
      [['a'], 'start'],
      [['b'], 'start'],
    ]);
  });

  it('reports a rejected run and keeps scheduling', async () => {
    const errors: string[] = [];
    const scheduler = createScheduler({
      timeZone: 'UTC',
      run: async () => {
        throw new Error('boom');
      },
      onSkip: () => undefined,
      onError: (journey, error) => errors.push(`${journey}: ${(error as Error).message}`),
    });
    scheduler.load([{ name: 'a', schedule: '0 0 1 1 *' }]);
    scheduler.runAll();
    await scheduler.idle();
    scheduler.runAll();
    await scheduler.idle();
    scheduler.stop();
    expect(errors).toEqual(['a: boom', 'a: boom']);
  });

  it('an invalid time zone is a ScheduleError naming the journey, and the previous schedules stay', () => {
    const scheduler = createScheduler({ timeZone: 'Mars/Olympus', run: async () => undefined, onSkip: () => undefined, onError: () => undefined });
    expect(() => scheduler.load([{ name: 'a', schedule: '*/5 * * * *' }])).toThrow(ScheduleError);
    expect(() => scheduler.load([{ name: 'a', schedule: '*/5 * * * *' }])).toThrow(/journey a: .*Mars\/Olympus/);
    scheduler.stop();
  });

  it('a reload with a bad expression changes nothing', () => {
    const scheduler = createScheduler({ timeZone: 'Europe/Berlin', run: async () => undefined, onSkip: () => undefined, onError: () => undefined });
    scheduler.load([{ name: 'a', schedule: '0 3 * * *' }]);
    expect(() => scheduler.load([{ name: 'b', schedule: 'not cron' }])).toThrow(/journey b/);
    expect([...scheduler.nextRuns().keys()]).toEqual(['a']);
    // 03:00 in Berlin is 01:00 or 02:00 UTC: the zone is applied, not the host's.
    expect([1, 2]).toContain(scheduler.nextRuns().get('a')?.getUTCHours());
    scheduler.stop();
  });

  it('stop() cancels a pending jitter delay: the run never starts', async () => {
    let ran = false;
    const scheduler = createScheduler({
      timeZone: 'UTC',
      jitterMs: 60_000,
      random: () => 0.5,
      run: async () => void (ran = true),
      onSkip: () => undefined,
      onError: () => undefined,
    });
    scheduler.load([{ name: 'a', schedule: '0 0 1 1 *' }]);
    scheduler.runAll();
    expect(scheduler.busy()).toEqual(['a']);
    scheduler.stop();
    await scheduler.idle();
    expect(ran).toBe(false);
  });

  it('runNow runs at once without jitter, only scheduled journeys, and leaves a busy one alone without counting a skip', async () => {
    const runs: [readonly string[], string][] = [];
    const skips: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const scheduler = createScheduler({
      timeZone: 'UTC',
      jitterMs: 60_000,
      random: () => 0.99,
      run: async (journeys, trigger) => {
        runs.push([journeys, trigger]);
        await gate;
      },
      onSkip: (journey) => skips.push(journey),
      onError: () => undefined,
    });
    scheduler.load([{ name: 'a', schedule: '0 0 1 1 *' }]);
    scheduler.runNow(['a', 'not-scheduled'], 'confirm');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(runs).toEqual([[['a'], 'confirm']]);
    scheduler.runNow(['a'], 'confirm');
    expect(skips).toEqual([]);
    release();
    await scheduler.idle();
    expect(runs).toHaveLength(1);
    scheduler.stop();
  });
});
