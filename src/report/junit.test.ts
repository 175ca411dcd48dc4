import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JourneyResult } from '../result/types.js';
import { attachmentBaseFrom, junitClassname, junitReporter, renderJunit, xmlEscape } from './junit.js';
import { JOURNEYS, MIXED_RUN, runOf } from './run.fixtures.js';
import { findAll, parseXml } from './xml-reader.fixtures.js';

function testcases(xml: string) {
  const root = parseXml(xml);
  return { root, cases: findAll(root, 'testcase') };
}

describe('renderJunit', () => {
  it('is well-formed with counts that match the run', () => {
    const { root, cases } = testcases(renderJunit(MIXED_RUN));
    expect(root.name).toBe('testsuites');
    const suite = findAll(root, 'testsuite')[0]!;
    for (const element of [root, suite]) {
      expect(element.attributes).toMatchObject({ tests: '5', failures: '1', errors: '1', skipped: '1', time: '1.834' });
    }
    expect(cases).toHaveLength(5);
    expect(findAll(root, 'failure')).toHaveLength(1);
    expect(findAll(root, 'error')).toHaveLength(1);
    expect(findAll(root, 'skipped')).toHaveLength(1);
    expect(findAll(root, 'flakyFailure')).toHaveLength(1);
  });

  it('names a Jenkins-readable classname, the journey and its file, and times in seconds', () => {
    const { cases } = testcases(renderJunit(MIXED_RUN));
    expect(cases[2]!.attributes).toMatchObject({ classname: 'pathproof.journeys.refund-api', name: 'refund-api', file: 'journeys/refund-api.yaml', time: '0.412' });
  });

  it.each([
    ['journeys/refund-api.yaml', 'refund-api', 'pathproof.journeys.refund-api'],
    ['journeys/shop/v2.1/refund-api.yaml', 'refund-api', 'pathproof.journeys.shop.v2_1.refund-api'],
    ['./journeys/a.yml', 'a', 'pathproof.journeys.a'],
    ['refund.yaml', 'refund', 'pathproof.refund'],
    ['/usr/lib/node_modules/pathproof/journeys/home.yaml', 'home', 'pathproof.journeys.home'],
    ['../shared/journeys/home.yaml', 'home', 'pathproof.journeys.home'],
  ])('junitClassname(%s, %s) = %s (package before the last dot, the journey after it)', (file, name, expected) => {
    expect(junitClassname(file, name)).toBe(expected);
  });

  it('puts stage/layer: hint in the failure message and the assertion and evidence in the body', () => {
    const { root } = testcases(renderJunit(MIXED_RUN));
    const failure = findAll(root, 'failure')[0]!;
    expect(failure.attributes.message).toBe(`action/route: ${JOURNEYS.failed.hint}`);
    expect(failure.attributes.type).toBe('route');
    expect(failure.text).toContain('step: action #1 request a refund');
    expect(failure.text).toContain('expected: status (404) == 201');
    expect(failure.text).toContain('expected: $.id (undefined) exists');
    expect(failure.text).toContain('[[ATTACHMENT|evidence/refund-api/attempt-1/response-body.txt]]');
    expect(failure.text).toContain('[[ATTACHMENT|evidence/refund-api/attempt-1/page.png]]');
    const out = findAll(root, 'system-out').map((e) => e.text);
    expect(out).toContain('[[ATTACHMENT|evidence/refund-api/attempt-1/response-body.txt]]\n[[ATTACHMENT|evidence/refund-api/attempt-1/page.png]]');
  });

  it('prefixes attachments with attachmentBase', () => {
    const xml = renderJunit(MIXED_RUN, { attachmentBase: '/pathproof/reports/run-1' });
    expect(xml).toContain('[[ATTACHMENT|/pathproof/reports/run-1/evidence/refund-api/attempt-1/page.png]]');
  });

  it('reports an error as <error>, never as a failure of the target', () => {
    const { root } = testcases(renderJunit(runOf([JOURNEYS.error])));
    const error = findAll(root, 'error')[0]!;
    expect(error.attributes).toMatchObject({ type: 'BROWSER_UNAVAILABLE', message: 'entry/error: BROWSER_UNAVAILABLE: no browser: install Chromium' });
    expect(findAll(root, 'failure')).toHaveLength(0);
  });

  it('reports a skipped journey with its reason', () => {
    const { root } = testcases(renderJunit(runOf([JOURNEYS.skipped])));
    expect(findAll(root, 'skipped')[0]!.attributes.message).toBe('interrupted');
  });

  it('keeps a flaky journey passing with a flakyFailure per failed attempt (Surefire)', () => {
    const { root, cases } = testcases(renderJunit(runOf([JOURNEYS.flaky])));
    expect(root.attributes).toMatchObject({ tests: '1', failures: '0', errors: '0' });
    const flaky = findAll(cases[0]!, 'flakyFailure');
    expect(flaky).toHaveLength(1);
    expect(flaky[0]!.attributes.message).toBe('entry/app: 500 on POST /api/login: the app failed');
    expect(findAll(flaky[0]!, 'stackTrace')[0]!.text).toContain('expected: status (500) == 200');
  });

  it('lists earlier failed attempts of a failed journey as rerunFailure', () => {
    const second = { ...JOURNEYS.failed.attempts[0]!, attempt: 2 };
    const journey: JourneyResult = { ...JOURNEYS.failed, attempts: [JOURNEYS.failed.attempts[0]!, second] };
    const { root } = testcases(renderJunit(runOf([journey])));
    expect(findAll(root, 'failure')).toHaveLength(1);
    expect(findAll(root, 'rerunFailure')).toHaveLength(1);
  });

  it('records the trigger and run id as properties', () => {
    const { root } = testcases(renderJunit(MIXED_RUN));
    const properties = Object.fromEntries(findAll(root, 'property').map((p) => [p.attributes.name, p.attributes.value]));
    expect(properties).toMatchObject({ runId: MIXED_RUN.runId, 'trigger.after': 'rollback', 'trigger.deployId': 'customer-service:2.0.3', status: 'complete' });
    expect(properties).not.toHaveProperty('continues');
    const rerun = parseXml(renderJunit({ ...MIXED_RUN, continues: 'run-before' }));
    expect(findAll(rerun, 'property').find((p) => p.attributes.name === 'continues')?.attributes.value).toBe('run-before');
  });

  it('stays well-formed whatever the target sent: markup, quotes, control characters, lone surrogates', () => {
    const nasty = 'a < b & "c" \'d\' ]]> \u0000\u0007\u001b[31m \uD800 \uFFFF </failure> &amp;\ttab\r\nnew';
    const journey: JourneyResult = { ...JOURNEYS.failed, name: nasty, file: `x${nasty}.yaml`, hint: nasty, message: nasty };
    const xml = renderJunit(runOf([journey]));
    const { root, cases } = testcases(xml);
    expect(cases[0]!.attributes.name).toBe(xmlEscapeRoundTrip(nasty));
    expect(findAll(root, 'failure')[0]!.attributes.message).toBe(`action/route: ${xmlEscapeRoundTrip(nasty)}`);
  });
});

/** What a reader gets back for `value`: forbidden characters shown as \uXXXX, everything else intact. */
function xmlEscapeRoundTrip(value: string): string {
  return value.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}

describe('xmlEscape', () => {
  it.each([
    ['&', '&amp;'],
    ['<tag>', '&lt;tag&gt;'],
    ['"\'', '&quot;&apos;'],
    ['\u0007', '\\u0007'],
    ['\uD83D\uDE00', '\uD83D\uDE00'],
    ['\uDE00', '\\ude00'],
    ['a\nb', 'a&#10;b'],
  ])('%j → %j', (input, expected) => {
    expect(xmlEscape(input)).toBe(expected);
  });
});

describe('junitReporter', () => {
  it('writes junit.xml into the run directory at the end of the run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pathproof-junit-'));
    const reporter = junitReporter();
    await reporter.onRunStart?.({ runId: MIXED_RUN.runId, startedAt: MIXED_RUN.startedAt, trigger: MIXED_RUN.trigger, runDir: dir, journeys: [], concurrency: 1 });
    await reporter.onRunEnd?.(MIXED_RUN);
    const xml = await readFile(join(dir, 'junit.xml'), 'utf8');
    expect(findAll(parseXml(xml), 'testcase')).toHaveLength(5);
  });

  it('writes attachment paths that resolve from the directory the command ran in', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'pathproof-junit-cwd-'));
    const runDir = join(cwd, 'reports', MIXED_RUN.runId);
    const reporter = junitReporter({ attachmentsFrom: cwd });
    await reporter.onRunStart?.({ runId: MIXED_RUN.runId, startedAt: MIXED_RUN.startedAt, trigger: MIXED_RUN.trigger, runDir, journeys: [], concurrency: 1 });
    await mkdir(runDir, { recursive: true });
    await reporter.onRunEnd?.(MIXED_RUN);
    const xml = await readFile(join(runDir, 'junit.xml'), 'utf8');
    expect(xml).toContain(`[[ATTACHMENT|reports/${MIXED_RUN.runId}/evidence/refund-api/attempt-1/page.png]]`);
  });

  it.each([
    ['/ws', '/ws/reports/r1', 'reports/r1'],
    ['/ws', '/ws', ''],
    ['/ws', '/tmp/reports/r1', '/tmp/reports/r1'],
  ])('attachmentBaseFrom(%s, %s) = %j', (from, runDir, expected) => {
    expect(attachmentBaseFrom(from, runDir)).toBe(expected);
  });
});

describe('the test XML reader rejects what a CI parser rejects', () => {
  it.each(['<a><b></a>', '<a>&</a>', '<a>&nbsp;</a>', '<a x="1" x="2"/>', '<a>\u0007</a>', '<a/><b/>', '<a>', '<a x="<"/>'])('%j', (xml) => {
    expect(() => parseXml(xml)).toThrow();
  });
});
