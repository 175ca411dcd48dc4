import { describe, expect, it } from 'vitest';
import type { RunResult } from '../result/types.js';
import { createSemaphore } from '../schedule/semaphore.js';
import { ServiceClosedError, createRunService } from './runs.js';
import type { ExecuteRequest } from './runs.js';

function result(request: ExecuteRequest): RunResult {
  return {
    schemaVersion: 1,
    runId: request.id,
    status: 'complete',
    trigger: request.trigger,
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1,
    outcome: 'passed',
    counts: { passed: 1, degraded: 0, flaky: 0, failed: 0, error: 0, skipped: 0 },
    journeys: [],
  };
}

function service(options: { limit?: number; keep?: number; execute?: (r: ExecuteRequest) => Promise<RunResult> } = {}) {
  let n = 0;
  const finished: string[] = [];
  const runs = createRunService({
    semaphore: createSemaphore(options.limit ?? 2),
    makeId: () => `run-${++n}`,
    baseTrigger: { env: 'prod' },
    keep: options.keep,
    execute: options.execute ?? (async (r) => result(r)),
    onFinish: (record) => finished.push(`${record.id}:${record.status}`),
  });
  return { runs, finished };
}

describe('createRunService', () => {
  it('runs with permits for its journeys, merges the base trigger, and reports the finish', async () => {
    const seen: ExecuteRequest[] = [];
    const { runs, finished } = service({ limit: 2, execute: async (r) => (seen.push(r), result(r)) });
    const record = runs.start(['a', 'b', 'c'], { source: 'api' });
    expect(record.status).toBe('queued');
    const done = await runs.wait(record.id);
    expect(done.status).toBe('complete');
    expect(seen[0]?.concurrency).toBe(2);
    expect(done.trigger).toEqual({ env: 'prod', source: 'api' });
    expect(finished).toEqual(['run-1:complete']);
  });

  it('a failing execute is an error record, never a rejection', async () => {
    const { runs } = service({
      execute: async () => {
        throw new Error('disk gone');
      },
    });
    const done = await runs.wait(runs.start(['a'], {}).id);
    expect(done).toMatchObject({ status: 'error', error: 'the run could not complete: disk gone' });
  });

  it('close() cancels queued runs, lets running ones finish, and refuses new ones', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { runs } = service({ limit: 1, execute: async (r) => (await gate, result(r)) });
    const running = runs.start(['a'], {});
    const queued = runs.start(['b'], {});
    await new Promise((resolve) => setImmediate(resolve));
    expect(runs.get(running.id)?.status).toBe('running');
    runs.close();
    expect(() => runs.start(['c'], {})).toThrow(ServiceClosedError);
    expect((await runs.wait(queued.id)).status).toBe('cancelled');
    release();
    expect((await runs.wait(running.id)).status).toBe('complete');
    await runs.idle();
    expect(runs.active()).toBe(0);
  });

  it('keeps a bounded number of finished runs', async () => {
    const { runs } = service({ keep: 3 });
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const id = runs.start(['a'], {}).id;
      ids.push(id);
      await runs.wait(id);
    }
    expect(ids.map((id) => runs.get(id)?.status ?? 'gone')).toEqual(['gone', 'gone', 'gone', 'complete', 'complete', 'complete']);
  });

  it('never reuses an id, even when the id source repeats', async () => {
    let calls = 0;
    const runs = createRunService({
      semaphore: createSemaphore(1),
      makeId: () => (++calls <= 2 ? 'same' : `other-${calls}`),
      execute: async (r) => result(r),
    });
    const a = runs.start(['a'], {});
    const b = runs.start(['a'], {});
    expect(a.id).toBe('same');
    expect(b.id).not.toBe('same');
    await runs.idle();
  });
});
