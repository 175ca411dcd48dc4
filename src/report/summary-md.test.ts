import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JourneyResult, RunResult } from '../result/types.js';
import { renderSummary, summaryReporter, verdictLine } from './summary-md.js';
import { JOURNEYS, MIXED_RUN, PARTIAL_POSTURE, PROTECTS_RUN, runOf } from './run.fixtures.js';

describe('verdictLine', () => {
  it.each<[string, RunResult, string]>([
    ['failed', MIXED_RUN, '❌ pathproof: 1 of 5 journeys failed (look at: route) — after rollback `customer-service:2.0.3`'],
    ['passed', runOf([JOURNEYS.recovered], { trigger: {} }), '✅ pathproof: the journey passed'],
    ['flaky', runOf([JOURNEYS.recovered, JOURNEYS.flaky], { trigger: { after: 'deploy' } }), '✅ pathproof: all 2 journeys passed (1 flaky: passed on a retry) — after deploy'],
    ['error', runOf([JOURNEYS.error], { trigger: {} }), '⚠️ pathproof: could not verify 1 of 1 journey (not a verdict on the target)'],
    ['interrupted', runOf([JOURNEYS.failed, JOURNEYS.skipped], { status: 'interrupted', trigger: {} }), '⏹️ pathproof: interrupted — 1 of 2 journeys finished, 1 failed (look at: route)'],
    ['nothing', runOf([{ ...JOURNEYS.skipped, reason: 'filtered' }], { trigger: {} }), '⚠️ pathproof: nothing was verified (1 skipped)'],
  ])('%s', (_label, run, expected) => {
    expect(verdictLine(run)).toBe(expected);
  });
});

describe('renderSummary', () => {
  const markdown = renderSummary(MIXED_RUN);

  it('has a row per journey with outcome, stage, layer and hint', () => {
    expect(markdown).toContain('| Journey | Outcome | Stage | Layer | Hint | Since last run |');
    expect(markdown).toMatch(/\| ❌ \| `refund-api` \| failed \| action \| \*\*route\*\* \| 404 on POST \/api\/refunds: .* \| broke passed → route \|/);
    expect(markdown).toMatch(/\| ⚠️ \| `refund-request` \| error \| entry \| {2}\| could not verify: BROWSER_UNAVAILABLE: no browser: install Chromium \|/);
    expect(markdown).toMatch(/\| 🟡 \| `order-api` \| flaky \|.*passed on attempt 2; first: entry\/app: 500 on POST \/api\/login/);
    expect(markdown).toMatch(/\| ⏭️ \| `home-page` \| skipped \|.*interrupted/);
  });

  it('lists what moved since the previous run, not what stayed', () => {
    expect(markdown).toContain('- `api-health`: recovered proxy → passed');
    expect(markdown).toContain('- `refund-api`: broke passed → route');
    expect(markdown).not.toMatch(/- `order-api`:/);
  });

  it('says the status codes first when both failures had one', () => {
    const moved: JourneyResult = { ...JOURNEYS.failed, layer: 'auth', transition: { kind: 'progressed', from: 'route', to: 'auth', fromStatus: 404, toStatus: 401 } };
    expect(renderSummary(runOf([moved]))).toContain('- `refund-api`: 404 → 401  progressed: route → auth');
  });

  it('shows runtime truth and marks drift', () => {
    expect(markdown).toContain('| `api-health` | `2.0.3` | `2.0.3` | `demo` | pathproof-demo |');
    const drifted: JourneyResult = { ...JOURNEYS.recovered, runtime: { version: { expected: '2.0.3', served: '2.1.0' } } };
    expect(renderSummary(runOf([drifted]))).toContain('| `api-health` | `2.0.3` | **`2.1.0`** ≠ |');
  });

  it('names the run a re-run continues', () => {
    expect(renderSummary(runOf([JOURNEYS.recovered], { continues: 'run-before' }))).toContain('re-runs the failed journeys of `run-before`');
  });

  it('keeps the table intact whatever the hint says', () => {
    const nasty: JourneyResult = { ...JOURNEYS.failed, hint: 'a | b\nc <script>alert(1)</script>' };
    const row = renderSummary(runOf([nasty])).split('\n').find((line) => line.includes('`refund-api`'))!;
    expect(row).toContain('a \\| b c &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(row.split(/(?<!\\)\|/).length).toBe(9);
  });
});

describe('summaryReporter', () => {
  it('writes summary.md and appends to GITHUB_STEP_SUMMARY without overwriting it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pathproof-summary-'));
    const stepSummary = join(dir, 'step-summary.md');
    await writeFile(stepSummary, '# earlier step\n');
    const reporter = summaryReporter({ githubStepSummary: stepSummary });
    await reporter.onRunStart?.({ runId: 'r', startedAt: MIXED_RUN.startedAt, trigger: {}, runDir: dir, journeys: [], concurrency: 1 });
    await reporter.onRunEnd?.(MIXED_RUN);
    const written = await readFile(join(dir, 'summary.md'), 'utf8');
    expect(written).toBe(renderSummary(MIXED_RUN));
    expect(await readFile(stepSummary, 'utf8')).toBe(`# earlier step\n\n${written}`);
  });
});

describe('renderSummary: what the broken journeys protect', () => {
  it('says it under the verdict, identity first', () => {
    const lines = renderSummary(PROTECTS_RUN).split('\n');
    expect(lines[4]).toBe('**Broken, by what they protect:** identity: `login` · data: `refunds`, `export` · without protects: `home`');
  });

  it('adds nothing when no broken journey says', () => {
    expect(renderSummary(MIXED_RUN)).not.toContain('protect');
  });
});

describe('renderSummary: the posture of the run', () => {
  it('names the services that drift and those as intended', () => {
    expect(renderSummary({ ...MIXED_RUN, posture: PARTIAL_POSTURE })).toContain('**Posture** (project `shop`): ❌ partial deployment: stale: worker — as intended: api, web\n');
    expect(renderSummary(MIXED_RUN)).not.toContain('Posture');
  });
});
