/**
 * Degraded and traces in every report (issue #17): a degraded journey is shown wherever a
 * flaky one is — console, junit, ctrf, summary.md, the HTML report, the investigation record —
 * always as passed, with why; a failure leads to its backend trace.
 */
import { describe, expect, it } from 'vitest';
import type { AttemptResult, JourneyResult, RunResult } from '../result/types.js';
import { consoleReporter } from './console.js';
import { renderCtrf } from './ctrf.js';
import { renderReport } from './html/page.js';
import { verdictOf } from './html/verdict.js';
import { buildInvestigation, renderInvestigation } from './investigation.js';
import { renderJunit } from './junit.js';
import { JOURNEYS, runOf } from './run.fixtures.js';
import { renderSummary, verdictLine } from './summary-md.js';
import { findAll, parseXml } from './xml-reader.fixtures.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

async function consoleOf(run: RunResult): Promise<string> {
  let out = '';
  const reporter = consoleReporter({ write: (text) => (out += text), color: false });
  await reporter.onRunStart?.({ runId: run.runId, startedAt: run.startedAt, trigger: run.trigger, runDir: '/tmp/x', journeys: run.journeys, concurrency: 1 });
  for (const journey of run.journeys) await reporter.onJourneyEnd?.(journey, run);
  await reporter.onRunEnd?.(run);
  return out;
}

/** The failed journey with a traced attempt, as the runner leaves it with `traceUrl:`. */
function tracedFailure(url = `https://tempo.example/trace/${TRACE}`): JourneyResult {
  const failed = JOURNEYS.failed;
  const attempt = failed.attempts[0] as AttemptResult;
  return { ...failed, attempts: [{ ...attempt, trace: { id: TRACE, ...(url ? { url } : {}) } }] };
}

describe('a degraded journey in every report', () => {
  const run = runOf([JOURNEYS.recovered, JOURNEYS.degraded]);

  it('run outcome and counts: degraded, exit 0', () => {
    expect(run.outcome).toBe('degraded');
    expect(run.exitCode).toBe(0);
    expect(run.counts).toMatchObject({ passed: 1, degraded: 1 });
  });

  it('console: its own line, each reason under it, the hint and the trace; counted in the summary line', async () => {
    const out = await consoleOf(run);
    expect(out).toMatch(/≈ orders-api +degraded +830ms {2}worked, but slowly; a certificate expires soon\n/);
    expect(out).toContain('    slow    GET /api/orders took 812ms (expect.warnMs 500ms)\n');
    expect(out).toContain('    tls     the TLS certificate of https://shop.example expires in 7 days');
    expect(out).toContain('    hint    GET /api/orders answered correctly but slowly');
    expect(out).toContain(`    trace   https://tempo.example/trace/${TRACE}\n`);
    expect(out).toContain('1 passed, 1 degraded, 0 flaky, 0 failed');
    // Not a problem to attend to: it passed.
    expect(out).not.toContain('Needs attention');
  });

  it('junit: a passing testcase with the outcome and each reason as properties, and in system-out', () => {
    const root = parseXml(renderJunit(run));
    const testcase = findAll(root, 'testcase').find((c) => c.attributes.name === 'orders-api');
    expect(testcase).toBeDefined();
    expect(findAll(testcase!, 'failure')).toEqual([]);
    expect(findAll(testcase!, 'property').map((p) => [p.attributes.name, p.attributes.value])).toEqual([
      ['pathproof.outcome', 'degraded'],
      ['pathproof.degraded', 'GET /api/orders took 812ms (expect.warnMs 500ms)'],
      ['pathproof.degraded', 'the TLS certificate of https://shop.example expires in 7 days (2026-11-30T00:00:00Z, tlsWarnWithin 14d)'],
    ]);
    expect(findAll(testcase!, 'system-out')[0]?.text).toContain('degraded: GET /api/orders took 812ms');
    expect(root.attributes.failures).toBe('0');
  });

  it('ctrf: passed, with the outcome, the reasons and the trace under extra', () => {
    const test = renderCtrf(run).results.tests.find((t) => t.name === 'orders-api');
    expect(test).toMatchObject({ status: 'passed', rawStatus: 'degraded', flaky: false, message: 'degraded: GET /api/orders took 812ms (expect.warnMs 500ms)' });
    expect(test?.extra).toMatchObject({ outcome: 'degraded', trace: { id: TRACE } });
    expect((test?.extra.degradations as unknown[]).length).toBe(2);
    expect(renderCtrf(run).results.extra).toMatchObject({ counts: { degraded: 1 } });
  });

  it('summary.md: the verdict says it, the row carries the hint', () => {
    expect(verdictLine(run)).toBe(
      '✅ pathproof: all 2 journeys passed (1 degraded: worked, but slowly or on a certificate about to expire) — after rollback `customer-service:2.0.3`',
    );
    const row = renderSummary(run).split('\n').find((line) => line.includes('`orders-api`'));
    expect(row).toMatch(/^\| 🟠 \| `orders-api` \| degraded \| +\| +\| GET \/api\/orders answered correctly but slowly/);
    expect(renderSummary(run)).toContain('1 passed, 1 degraded, 0 flaky, 0 failed, 0 error, 0 skipped');
  });

  it('HTML: the verdict and its tone, the badge, why, the certificate and the trace link', () => {
    expect(verdictOf(run)).toEqual({ text: 'All 2 user paths work after rollback to 2.0.3 (1 degraded)', tone: 'degraded' });
    const page = renderReport(run);
    expect(page).toContain('<span class="badge o-degraded">1 degraded</span>');
    const section = page.slice(page.indexOf('id="journey-orders-api"'));
    expect(section).toContain('data-outcome="degraded"');
    expect(section).toContain('<strong>Worked, but degraded</strong>');
    expect(section).toContain('<span class="badge o-degraded">certificate</span> the TLS certificate of https://shop.example expires in 7 days');
    expect(section).toContain(`<a href="https://tempo.example/trace/${TRACE}" rel="noopener noreferrer" target="_blank" class="mono">${TRACE}</a>`);
    expect(section).toMatch(/<dt>certificate<\/dt><dd><span class="mono">https:\/\/shop.example<\/span> <span class="muted">expires<\/span> <time datetime="2026-11-30T00:00:00.000Z"/);
  });

  it('investigation record: among the paths that are back, with why it is degraded', () => {
    const markdown = renderInvestigation(buildInvestigation(run, 'rollback'));
    expect(markdown).toContain('- `orders-api` degraded (worked, but GET /api/orders took 812ms (expect.warnMs 500ms))');
  });
});

describe('a failure leads to its backend trace', () => {
  it('console and HTML link it with traceUrl; without it the id is still shown', async () => {
    expect(await consoleOf(runOf([tracedFailure()]))).toContain(`    trace   https://tempo.example/trace/${TRACE}\n`);
    expect(await consoleOf(runOf([tracedFailure('')]))).toContain(`    trace   ${TRACE}\n`);
    const page = renderReport(runOf([tracedFailure()]));
    expect(page).toContain(`backend trace <a href="https://tempo.example/trace/${TRACE}"`);
  });

  it('a run.json from elsewhere cannot smuggle a javascript: link into the page', () => {
    const page = renderReport(runOf([tracedFailure('javascript:alert(1)')]));
    expect(page).not.toContain('javascript:');
    expect(page).toContain(`backend trace <span class="mono">${TRACE}</span>`);
  });
});
