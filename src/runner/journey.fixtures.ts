/**
 * Runner test fixtures: JourneyDeps with stub drivers on vitest's fake timers, shared by the
 * runner's unit tests (journey.test.ts, wait.test.ts).
 */
import { createRedactor } from '../journey/secrets.js';
import type { Clock } from '../result/clock.js';
import type { HttpDeps, StepDriver, StepRegistry } from '../steps/types.js';
import { STEP_REGISTRY } from '../steps/registry.js';
import type { JourneyDeps } from './journey.js';

/** A clock driven by vitest's fake timers: monotonic time is `Date.now()` of the fake clock. */
export const fakeClock: Clock = { now: () => Date.now(), wallNow: () => new Date(Date.now()) };

/** The real registry with the request driver replaced: labels and needsBrowser stay the registry's. */
export function withRequest(run: StepDriver<'request'>['run']): StepRegistry {
  const driver: StepDriver<'request'> = { run };
  return { ...STEP_REGISTRY, request: { ...STEP_REGISTRY.request, driver } };
}

/** Deps for one journey: no HTTP, no browser, no evidence, nothing stopping. */
export function testDeps(steps: StepRegistry, extra: Partial<JourneyDeps> = {}): JourneyDeps {
  return {
    clock: fakeClock,
    http: {} as HttpDeps,
    browser: undefined,
    steps,
    redactor: createRedactor([]),
    evidence: () => ({ write: () => Promise.reject(new Error('no evidence here')) }),
    defaults: { journeyTimeoutMs: 30_000, stepTimeoutMs: 10_000, retries: 0 },
    signal: new AbortController().signal,
    stopping: () => false,
    ...extra,
  };
}
