import { describe, expect, it } from 'vitest';
import type { RunResult } from '../result/types.js';
import { journeyResult } from '../result/results.fixtures.js';
import { createSemaphore } from '../schedule/semaphore.js';
import { createFlaggerHook, flaggerReply, parseFlaggerPayload } from './flagger.js';
import { createRunService } from './runs.js';
import type { RunRecord } from './runs.js';

function run(outcomes: Record<string, RunResult['outcome']>): RunResult {
  const journeys = Object.entries(outcomes).map(([name, outcome]) =>
    journeyResult(outcome, {
      name,
      file: `${name}.yaml`,
      ...(outcome === 'failed' ? { stage: 'action' as const, layer: 'authz' as const, hint: 'secret-ish hint', message: 'https://internal/x' } : {}),
    }),
  );
  const bad = journeys.some((j) => j.outcome === 'failed' || j.outcome === 'error');
  return {
    schemaVersion: 1,
    runId: 'r1',
    status: 'complete',
    trigger: {},
    startedAt: '',
    durationMs: 1,
    outcome: bad ? 'failed' : journeys.some((j) => j.outcome === 'flaky') ? 'flaky' : journeys.some((j) => j.outcome === 'degraded') ? 'degraded' : 'passed',
    counts: { passed: 0, degraded: 0, flaky: 0, failed: 0, error: 0, skipped: 0 },
    journeys,
  };
}

const record = (status: RunRecord['status'], result?: RunResult): RunRecord => ({
  id: 'r1',
  trigger: {},
  journeys: [],
  status,
  createdAt: '',
  ...(result ? { run: result } : {}),
});

describe('flaggerReply', () => {
  it.each<[string, RunRecord, number, string]>([
    ['passed', record('complete', run({ a: 'passed', b: 'passed' })), 200, 'pathproof: 2 journeys passed; run r1'],
    ['flaky counts as passed', record('complete', run({ a: 'flaky' })), 200, 'pathproof: 1 journey passed (flaky: a); run r1'],
    // Slow is not broken: a degraded canary is promoted, never rolled back.
    ['degraded counts as passed', record('complete', run({ a: 'degraded', b: 'passed' })), 200, 'pathproof: 2 journeys passed (degraded: a); run r1'],
    ['failed', record('complete', run({ a: 'passed', b: 'failed' })), 500, 'pathproof: 1 of 2 journeys did not pass: b failed at action (layer authz); run r1'],
    ['error', record('complete', run({ a: 'error' })), 500, 'pathproof: 1 of 1 journeys did not pass: a could not be verified; run r1'],
    ['cancelled by shutdown', record('cancelled'), 503, 'pathproof: could not verify (run r1 cancelled)'],
  ])('%s → %d', (_name, input, status, body) => {
    const reply = flaggerReply(input);
    expect(reply).toEqual({ status, body });
    expect(reply.body).not.toMatch(/secret-ish|https:/);
  });
});

describe('parseFlaggerPayload', () => {
  it('accepts Flagger payloads with extra fields', () => {
    const parsed = parseFlaggerPayload({ name: 'podinfo', namespace: 'test', phase: 'Progressing', checksum: 'x', metadata: { a: 'b' }, extra: 1 });
    expect(parsed.ok).toBe(true);
  });

  it.each<[unknown, RegExp]>([
    [[], /payload: /],
    [{ name: 'x', namespace: 'y', metadata: { journeys: ['a'] } }, /metadata\.journeys: /],
  ])('rejects %j', (value, message) => {
    const parsed = parseFlaggerPayload(value);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.message).toMatch(message);
  });
});

describe('createFlaggerHook', () => {
  it('reuses a finished result until the TTL passes, then runs again', async () => {
    let now = 0;
    let executed = 0;
    const service = createRunService({
      semaphore: createSemaphore(1),
      makeId: () => `run-${executed}`,
      execute: async (r) => (executed++, run({ [r.journeys[0] ?? 'a']: 'passed' })),
    });
    const hook = createFlaggerHook({ service, catalog: () => [{ name: 'a', tags: [] }], ttlMs: 60_000, now: () => now });
    const payload = { name: 'app', namespace: 'ns', phase: 'Progressing', checksum: 'c', metadata: {} };
    await hook.handle(payload);
    await new Promise((resolve) => setImmediate(resolve));
    now = 59_000;
    await hook.handle(payload);
    expect(executed).toBe(1);
    now = 61_000;
    await hook.handle(payload);
    expect(executed).toBe(2);
    // No checksum: never deduplicated.
    await hook.handle({ ...payload, checksum: undefined });
    expect(executed).toBe(3);
  });

  it('passes metadata.expectVersion on as the expected version of the run', async () => {
    const triggers: unknown[] = [];
    const service = createRunService({
      semaphore: createSemaphore(1),
      makeId: () => 'run-x',
      execute: async (r) => (triggers.push(r.trigger), run({ a: 'passed' })),
    });
    const hook = createFlaggerHook({ service, catalog: () => [{ name: 'a', tags: [] }], ttlMs: 60_000, now: () => 0 });
    await hook.handle({ name: 'app', namespace: 'ns', phase: 'Progressing', checksum: 'c', metadata: { expectVersion: '2.0.3' } });
    expect(triggers).toEqual([expect.objectContaining({ source: 'flagger', deployId: 'ns/app', expectVersion: '2.0.3' })]);
  });

  it('waits as wait: of pathproof.yaml says, metadata.wait of the call overriding it; a bad one is 400', async () => {
    const triggers: { waitMs?: number }[] = [];
    let ids = 0;
    const service = createRunService({
      semaphore: createSemaphore(1),
      makeId: () => `run-${++ids}`,
      execute: async (r) => (triggers.push(r.trigger), run({ a: 'passed' })),
    });
    const hook = createFlaggerHook({ service, catalog: () => [{ name: 'a', tags: [] }], now: () => 0, waitMs: 120_000 });
    await hook.handle({ name: 'app', namespace: 'ns' });
    await hook.handle({ name: 'app', namespace: 'ns', metadata: { wait: '30s' } });
    await hook.handle({ name: 'app', namespace: 'ns', metadata: { wait: '0s' } });
    expect(triggers.map((t) => t.waitMs)).toEqual([120_000, 30_000, undefined]);
    for (const wait of ['soon', '2h']) {
      expect(await hook.handle({ name: 'app', namespace: 'ns', metadata: { wait } })).toEqual({
        status: 400,
        body: 'pathproof: metadata.wait expects a duration up to 1h, such as 30s or 2m',
      });
    }
    expect(triggers).toHaveLength(3);
  });
});
