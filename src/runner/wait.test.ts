/**
 * --wait on its own: a stub engine (a PlatformSource whose answers change from poll to poll),
 * stub stage drivers, fake timers. The real engine and a real server are in
 * test/wait-rollout.test.ts; here are the polls, the back-off, what keeps the wait going and
 * what ends it, in milliseconds.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Journey } from '../journey/schema.js';
import type { LoadedJourney } from '../journey/load.js';
import type { ContainerObservation, JourneyResult } from '../result/types.js';
import type { StepOutcome } from '../steps/types.js';
import { NEW_ID, OLD_ID, containerObservation } from '../platform/container.fixtures.js';
import { PlatformError } from '../platform/types.js';
import type { PlatformErrorCode, PlatformSource } from '../platform/types.js';
import { runJourney } from './journey.js';
import type { JourneyDeps } from './journey.js';
import { testDeps, withRequest } from './journey.fixtures.js';
import { POLL_INTERVAL } from './wait.js';

const T0 = 1_000_000;

/** What the stub engine answers at one poll: a container, or a fault. */
type Answer = ContainerObservation | PlatformErrorCode;

/** An engine whose container changes as polls go by: `answers[i]` for the i-th poll (the last one repeats). */
function engine(answers: readonly Answer[]): PlatformSource & { readonly listedAt: number[] } {
  const listedAt: number[] = [];
  const current = (): Answer => answers[Math.min(listedAt.length - 1, answers.length - 1)] as Answer;
  return {
    listedAt,
    describe: () => 'docker engine at unix:///stub.sock (API 1.41)',
    async listContainers() {
      listedAt.push(Date.now() - T0);
      const answer = current();
      if (typeof answer === 'string') throw new PlatformError(answer, `stub engine: ${answer}`);
      return [{ id: answer.id, name: answer.name, state: answer.state.status, labels: {} }];
    },
    async inspectContainer() {
      const answer = current();
      return typeof answer === 'string' ? undefined : answer;
    },
    async resolveImage(reference) {
      return { reference, present: true, id: NEW_ID, createdAt: '2026-11-22T09:00:00Z' };
    },
    async statPath(_id, path) {
      return { path, exists: true, type: 'directory' };
    },
    async mapEndpoint(target) {
      return { kind: 'unmapped', target: `${target.host}:${target.port}`, why: 'a stub engine publishes nothing' };
    },
    async close() {},
  };
}

const old = containerObservation({ image: { id: OLD_ID } });
const fresh = containerObservation();

function loaded(retries = 0): LoadedJourney {
  const journey = Journey.parse({
    name: 'checkout',
    target: 'http://shop.test',
    retries,
    runtime: { container: { name: 'shop-api-1', expect: { image: 'shop-api:2.0.3' } } },
    entry: [{ request: 'GET /' }],
  });
  return { journey, file: 'journeys/checkout.yaml', secrets: [], warnings: [] };
}

function deps(source: PlatformSource, windowMs: number, extra: Partial<JourneyDeps> & { request?: () => Promise<StepOutcome> } = {}): JourneyDeps {
  const { request = async (): Promise<StepOutcome> => ({ status: 'passed' }), ...rest } = extra;
  return testDeps(withRequest(request), { containers: { source }, wait: { since: T0, until: T0 + windowMs }, ...rest });
}

async function settle(running: Promise<JourneyResult>, ms = 120_000): Promise<JourneyResult> {
  await vi.advanceTimersByTimeAsync(ms);
  return running;
}

describe('--wait: the runtime checks are polled until they hold', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: T0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a container recreated during the wait: the stages run once it holds, and the record says how long it took', async () => {
    const source = engine([old, old, fresh]);
    const request = vi.fn(async (): Promise<StepOutcome> => ({ status: 'passed' }));
    const result = await settle(runJourney(loaded(), deps(source, 120_000, { request })));
    expect(result.outcome).toBe('passed');
    // Three polls (0s, 2s, 5s), then the attempt's own runtime phase right before the stages.
    expect(source.listedAt).toEqual([0, 2_000, 5_000, 5_000]);
    expect(request).toHaveBeenCalledTimes(1);
    expect(result.runtime?.wait).toEqual({ ended: 'held', polls: 3, waitedMs: 5_000, windowMs: 120_000 });
    expect(result.runtime?.container?.container?.image.id).toBe(NEW_ID);
  });

  it('held at once: one poll, no pause', async () => {
    const source = engine([fresh]);
    const result = await settle(runJourney(loaded(), deps(source, 120_000)), 0);
    expect(result.outcome).toBe('passed');
    expect(result.runtime?.wait).toMatchObject({ ended: 'held', polls: 1, waitedMs: 0 });
  });

  it('polls back off from 2s by half each time up to 10s, and the last poll is at the end of the window', async () => {
    const source = engine([old]);
    await settle(runJourney(loaded(), deps(source, 40_000)));
    const pauses = source.listedAt.slice(1).map((at, i) => at - (source.listedAt[i] as number));
    expect(POLL_INTERVAL).toEqual({ firstMs: 2_000, factor: 1.5, maxMs: 10_000 });
    expect(pauses).toEqual([2_000, 3_000, 4_500, 6_750, 10_000, 10_000, 3_750]);
    expect(source.listedAt.at(-1)).toBe(40_000);
  });

  it('never held: the check’s own verdict, with how long and how often in the hint; the stages are skipped, no retry', async () => {
    const source = engine([old]);
    const request = vi.fn(async (): Promise<StepOutcome> => ({ status: 'passed' }));
    const result = await settle(runJourney(loaded(2), deps(source, 20_000, { request })));
    expect(result.outcome).toBe('failed');
    if (result.outcome !== 'failed') return;
    // 0, 2, 5, 9.5, 16.25 and 20s.
    expect(result).toMatchObject({ stage: 'runtime', layer: 'drift' });
    expect(result.hint).toMatch(/^waited 20s \(6 polls\); still container shop-api-1 runs sha256:1a2b3c4d5e6f but shop-api:2\.0\.3 is now sha256:9f8e7d6c5b4a: the tag moved/);
    expect(result.message).toBe('image (sha256:1a2b3c4d5e6f from shop-api:2.0.3) == shop-api:2.0.3 @ sha256:9f8e7d6c5b4a');
    expect(result.attempts).toHaveLength(1);
    expect(result.runtime?.wait).toEqual({ ended: 'expired', polls: 6, waitedMs: 20_000, windowMs: 20_000 });
    const steps = result.attempts[0]?.steps ?? [];
    expect(steps.map((s) => [s.kind, s.status])).toEqual([
      ['runtime.container', 'failed'],
      ['request', 'skipped'],
    ]);
    expect(steps[0]?.status === 'failed' && steps[0].failure.hint).toBe(result.hint);
    expect(steps[1]?.status === 'skipped' && steps[1].reason).toBe('stage runtime failed');
    expect(request).not.toHaveBeenCalled();
  });

  it('an engine fault is retried until it clears', async () => {
    const source = engine(['ENGINE_UNREACHABLE', 'ENGINE_TIMEOUT', fresh]);
    const result = await settle(runJourney(loaded(), deps(source, 120_000)));
    expect(result.outcome).toBe('passed');
    expect(result.runtime?.wait).toMatchObject({ ended: 'held', polls: 3 });
  });

  it('an engine fault until the end of the window is error (could not verify), never drift', async () => {
    const source = engine(['ENGINE_UNREACHABLE']);
    const result = await settle(runJourney(loaded(), deps(source, 10_000)));
    expect(result.outcome).toBe('error');
    if (result.outcome !== 'error') return;
    expect(result.error).toEqual({ code: 'ENGINE_UNREACHABLE', message: 'waited 10s (5 polls); still stub engine: ENGINE_UNREACHABLE' });
    expect(result.runtime?.wait).toMatchObject({ ended: 'expired', polls: 5 });
  });

  it.each<PlatformErrorCode>(['ENGINE_PERMISSION_DENIED', 'ENGINE_FORBIDDEN', 'ENGINE_ADDRESS_INVALID'])('%s ends the wait at once: waiting does not fix it', async (code) => {
    const source = engine([code]);
    const result = await settle(runJourney(loaded(), deps(source, 120_000)), 0);
    expect(result.outcome === 'error' && result.error).toEqual({ code, message: `stub engine: ${code}` });
    expect(result.runtime?.wait).toMatchObject({ ended: 'stopped', polls: 1 });
  });

  it('a fault waiting cannot fix after some polls says so: "then …"', async () => {
    const source = engine([old, 'ENGINE_PERMISSION_DENIED']);
    const result = await settle(runJourney(loaded(), deps(source, 120_000)));
    expect(result.outcome === 'error' && result.error.message).toBe('waited 2s (2 polls); then stub engine: ENGINE_PERMISSION_DENIED');
  });

  it('SIGTERM ends the wait within a moment: no verdict on the target, what the last poll saw', async () => {
    const source = engine([old]);
    let stopping = false;
    const running = runJourney(loaded(), deps(source, 120_000, { stopping: () => stopping }));
    await vi.advanceTimersByTimeAsync(6_000);
    stopping = true;
    await vi.advanceTimersByTimeAsync(250);
    let done = false;
    void running.then(() => (done = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(true);
    const result = await running;
    expect(result.outcome).toBe('error');
    if (result.outcome !== 'error') return;
    expect(result.error.code).toBe('INTERRUPTED');
    expect(result.error.message).toMatch(/^the run was interrupted while waiting for the rollout \(waited 6\.2s, 3 polls\); the last poll: container shop-api-1 runs /);
    expect(result.runtime?.wait).toMatchObject({ ended: 'interrupted', polls: 3 });
    expect(result.attempts[0]?.steps.map((s) => s.status)).toEqual(['error', 'skipped']);
  });

  it('the window is the run’s: a journey that starts after it ended looks once', async () => {
    const source = engine([old]);
    vi.setSystemTime(T0 + 60_000);
    const result = await settle(runJourney(loaded(), deps(source, 30_000)), 0);
    expect(source.listedAt).toHaveLength(1);
    expect(result.outcome === 'failed' && result.hint).toMatch(/^waited 1m \(1 poll\); still container shop-api-1 runs/);
  });

  it('a journey without runtime checks does not wait', async () => {
    const journey = Journey.parse({ name: 'home', target: 'http://shop.test', entry: [{ request: 'GET /' }] });
    const result = await settle(
      runJourney({ journey, file: 'journeys/home.yaml', secrets: [], warnings: [] }, deps(engine([old]), 120_000)),
      0,
    );
    expect(result.outcome).toBe('passed');
    expect(result.runtime?.wait).toBeUndefined();
  });

  it('once the wait held, a stage failure is retried as always and keeps the wait record', async () => {
    let calls = 0;
    const request = async (): Promise<StepOutcome> =>
      ++calls === 1
        ? {
            status: 'failed',
            symptom: { kind: 'response', request: { method: 'GET', url: 'http://shop.test/' } },
            observation: { kind: 'http', method: 'GET', url: 'http://shop.test/', status: 500, headers: {}, body: '', bodyBytes: 0, bodyTruncated: false, timings: { totalMs: 1 }, redirects: [] },
            assertions: [{ kind: 'status', expression: 'status (500) in [2xx, 3xx]', expected: '2xx or 3xx', actual: 500, passed: false }],
          }
        : { status: 'passed' };
    const result = await settle(runJourney(loaded(1), deps(engine([old, fresh]), 120_000, { request })));
    expect(result.outcome).toBe('flaky');
    expect(result.attempts.map((a) => a.runtime?.wait?.ended)).toEqual(['held', 'held']);
  });
});
