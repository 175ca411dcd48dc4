import { describe, expect, it } from 'vitest';
import type { JourneyResult, RunResult } from '../result/types.js';
import { consoleReporter } from './console.js';
import { JOURNEYS, PARTIAL_POSTURE, PROTECTS_RUN, runOf } from './run.fixtures.js';

async function print(journey: JourneyResult): Promise<string> {
  let out = '';
  const reporter = consoleReporter({ write: (text) => (out += text), color: false });
  const run: RunResult = runOf([journey]);
  await reporter.onRunStart?.({ runId: run.runId, startedAt: run.startedAt, trigger: run.trigger, runDir: '/tmp/x', journeys: [journey], concurrency: 1 });
  await reporter.onJourneyEnd?.(journey, run);
  await reporter.onRunEnd?.(run);
  return out;
}

describe('console transitions', () => {
  it('leads with the status codes when both failures had one', async () => {
    const out = await print({ ...JOURNEYS.failed, layer: 'auth', transition: { kind: 'progressed', from: 'route', to: 'auth', fromStatus: 404, toStatus: 401, previousRunId: 'r0' } });
    expect(out).toMatch(/✗ refund-api +failed +\d+ms {2}action · auth {2}404 → 401 {2}progressed: route → auth\n/);
    expect(out).toContain('since   404 → 401  progressed: route → auth (previous run r0)');
  });

  it('keeps the layers alone when a side has no status', async () => {
    const out = await print({ ...JOURNEYS.failed, transition: { kind: 'broke', from: 'passed', to: 'route', toStatus: 404 } });
    expect(out).toMatch(/action · route {2}passed → route broke\n/);
    expect(out).toContain('since   broke: passed → route (404)');
  });
});

describe('console: needs attention, by what it protects', () => {
  async function printRun(run: RunResult): Promise<string> {
    let out = '';
    const reporter = consoleReporter({ write: (text) => (out += text), color: false });
    await reporter.onRunStart?.({ runId: run.runId, startedAt: run.startedAt, trigger: run.trigger, runDir: '/tmp/x', journeys: run.journeys, concurrency: 1 });
    await reporter.onRunEnd?.(run);
    return out;
  }

  it('groups the journeys that need attention identity first, then data, code, and those that do not say', async () => {
    const out = await printRun(PROTECTS_RUN);
    const lines = out.split('\n').filter((l) => l.startsWith('─ ') || /^ {2}\S+ \(journeys\//.test(l));
    expect(lines.map((l) => l.split(' (')[0]?.trim())).toEqual(['─ protects identity', 'login', '─ protects data', 'refunds', 'export', '─ without protects:', 'home']);
  });

  it('keeps the plain list when none says what it protects', async () => {
    const out = await printRun(runOf([JOURNEYS.failed, JOURNEYS.error]));
    expect(out).toContain('Needs attention\n  refund-api (journeys/refund-api.yaml)');
    expect(out).not.toContain('protects');
  });
});

describe('console: the posture of the run', () => {
  it('one line before the counts', async () => {
    let out = '';
    const reporter = consoleReporter({ write: (text) => (out += text), color: false });
    await reporter.onRunEnd?.(runOf([JOURNEYS.recovered], { posture: PARTIAL_POSTURE }));
    expect(out).toMatch(/posture {2}partial deployment: stale: worker — as intended: api, web \(project shop\)\n1 passed/);
  });
});
