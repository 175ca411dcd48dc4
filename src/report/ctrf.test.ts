import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ctrfReporter, renderCtrf } from './ctrf.js';
import { MIXED_RUN } from './run.fixtures.js';

// The CTRF JSON schema sets additionalProperties: false on each of these objects.
const ALLOWED = {
  root: ['reportFormat', 'specVersion', 'reportId', 'timestamp', 'generatedBy', 'extra', 'results', 'insights', 'baseline'],
  results: ['tool', 'summary', 'tests', 'environment', 'extra'],
  summary: ['tests', 'passed', 'failed', 'skipped', 'pending', 'other', 'flaky', 'suites', 'start', 'stop', 'duration', 'extra'],
  test: ['id', 'name', 'status', 'duration', 'start', 'stop', 'suite', 'message', 'trace', 'snippet', 'ai', 'line', 'rawStatus', 'tags', 'labels', 'type', 'filePath', 'retries', 'retryAttempts', 'flaky', 'stdout', 'stderr', 'threadId', 'browser', 'device', 'screenshot', 'attachments', 'parameters', 'steps', 'insights', 'extra'],
  attachment: ['name', 'contentType', 'path', 'extra'],
};

describe('renderCtrf', () => {
  const report = renderCtrf(MIXED_RUN);

  it('uses only keys the CTRF schema allows, with our fields under extra', () => {
    const keys = (value: object) => Object.keys(value);
    expect(ALLOWED.root).toEqual(expect.arrayContaining(keys(report)));
    expect(ALLOWED.results).toEqual(expect.arrayContaining(keys(report.results)));
    expect(ALLOWED.summary).toEqual(expect.arrayContaining(keys(report.results.summary)));
    for (const test of report.results.tests) {
      expect(ALLOWED.test).toEqual(expect.arrayContaining(keys(test)));
      for (const attachment of test.attachments ?? []) expect(ALLOWED.attachment).toEqual(expect.arrayContaining(keys(attachment)));
    }
    expect(report).toMatchObject({ reportFormat: 'CTRF', results: { tool: { name: 'pathproof' } } });
    expect(report.specVersion).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('summarises with CTRF statuses and epoch-millisecond times', () => {
    expect(report.results.summary).toEqual({
      tests: 5,
      passed: 2,
      failed: 1,
      pending: 0,
      skipped: 1,
      other: 1,
      flaky: 1,
      start: Date.parse(MIXED_RUN.startedAt),
      stop: Date.parse(MIXED_RUN.finishedAt!),
      duration: 1834,
    });
  });

  it.each([
    ['api-health', 'passed', false, 0],
    ['order-api', 'passed', true, 1],
    ['refund-api', 'failed', false, 0],
    ['refund-request', 'other', false, 0],
    ['home-page', 'skipped', false, 0],
  ])('%s is %s (flaky %s, retries %d)', (name, status, flaky, retries) => {
    const test = report.results.tests.find((t) => t.name === name)!;
    expect(test).toMatchObject({ status, flaky, retries });
    expect(Number.isInteger(test.duration)).toBe(true);
  });

  it('carries message, trace, file, evidence and the pathproof fields of a failure', () => {
    const test = report.results.tests.find((t) => t.name === 'refund-api')!;
    expect(test.message).toMatch(/^action\/route: 404 on POST \/api\/refunds/);
    expect(test.trace).toContain('expected: status (404) == 201');
    expect(test.filePath).toBe('journeys/refund-api.yaml');
    expect(test.attachments).toContainEqual({ name: 'page.png', contentType: 'image/png', path: 'evidence/refund-api/attempt-1/page.png' });
    expect(test.extra).toMatchObject({ stage: 'action', layer: 'route', transition: { kind: 'broke' }, runtime: { version: { served: '2.0.3' } } });
    expect(report.results.extra).toMatchObject({ runId: MIXED_RUN.runId, trigger: { after: 'rollback' } });
  });
});

describe('ctrfReporter', () => {
  it('writes ctrf.json into the run directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pathproof-ctrf-'));
    const reporter = ctrfReporter();
    await reporter.onRunStart?.({ runId: 'r', startedAt: MIXED_RUN.startedAt, trigger: {}, runDir: dir, journeys: [], concurrency: 1 });
    await reporter.onRunEnd?.(MIXED_RUN);
    expect(JSON.parse(await readFile(join(dir, 'ctrf.json'), 'utf8'))).toEqual(renderCtrf(MIXED_RUN));
  });
});
