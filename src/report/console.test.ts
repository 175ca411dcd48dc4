import { describe, expect, it } from 'vitest';
import type { JourneyResult, RunResult } from '../result/types.js';
import { consoleReporter } from './console.js';
import { JOURNEYS, runOf } from './run.fixtures.js';

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
