import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../result/clock.js';
import type { Failure, HttpObservation } from '../../result/types.js';
import type { RuntimeCheck } from '../../journey/schema.js';
import { createRedactor } from '../../journey/secrets.js';
import { classifyFailure } from '../../classify/index.js';
import { createCookieJar } from '../cookie-jar.js';
import { createHttpDeps } from '../http/dispatcher.js';
import type { StepContext, StepOutcome, TruthRead } from '../types.js';
import { RunnerFault } from '../types.js';
import { readMeta, readRuntimeValue, runRuntimeCheck, servedByOf, sourceLabel } from './read.js';

function observation(extra: Partial<HttpObservation> = {}): HttpObservation {
  return {
    kind: 'http',
    method: 'GET',
    url: 'http://shop.test/version',
    status: 200,
    headers: {},
    body: '',
    bodyBytes: 0,
    bodyTruncated: false,
    timings: { totalMs: 1 },
    redirects: [],
    ...extra,
  };
}

const HTML = `<!doctype html><html><head>
<meta charset="utf-8">
<meta content="2.0.3" name="app-version">
<meta name='environment' content='production'>
<meta name=build content=abc123>
<meta name="app-version-old" content="1.0.0">
<script src="/assets/app.3f2a9c1b.js"></script>
</head></html>`;

describe('readRuntimeValue', () => {
  it.each<[string, RuntimeCheck, Partial<HttpObservation>, string]>([
    ['a JSON path', { json: '$.version' }, { body: '{"version":"2.0.3"}' }, '2.0.3'],
    ['a nested JSON path', { json: '$.build.git.tag' }, { body: '{"build":{"git":{"tag":"v2.0.3"}}}' }, 'v2.0.3'],
    ['a number at the JSON path', { json: '$.major' }, { body: '{"major":2}' }, '2'],
    ['a response header, any case', { header: 'X-App-Version' }, { headers: { 'x-app-version': ' 2.0.3 ' } }, '2.0.3'],
    ['an HTML meta, content first', { meta: 'app-version' }, { body: HTML }, '2.0.3'],
    ['an HTML meta, single quotes', { meta: 'environment' }, { body: HTML }, 'production'],
    ['an HTML meta, unquoted', { meta: 'build' }, { body: HTML }, 'abc123'],
    ['an asset fingerprint (first group)', { regex: '/assets/app\\.([0-9a-f]{8})\\.js' }, { body: HTML }, '3f2a9c1b'],
    ['a regex without a group (whole match)', { regex: 'app\\.[0-9a-f]{8}' }, { body: HTML }, 'app.3f2a9c1b'],
  ])('reads %s', (_what, check, extra, value) => {
    expect(readRuntimeValue(check, observation(extra))).toEqual({ ok: true, value });
  });

  it.each<[string, RuntimeCheck, Partial<HttpObservation>, string]>([
    ['an absent header', { header: 'x-app-version' }, { headers: { server: 'nginx' } }, 'the response has no x-app-version header'],
    ['a JSON path that matches nothing', { json: '$.build.version' }, { body: '{"version":"2.0.3"}' }, '$.build.version matched nothing in the JSON body'],
    ['a null at the JSON path', { json: '$.version' }, { body: '{"version":null}' }, '$.version is null'],
    ['an HTML body for a JSON path', { json: '$.version' }, { body: HTML, headers: { 'content-type': 'text/html' } }, 'the body is not JSON (content-type: text/html)'],
    ['no such meta', { meta: 'release' }, { body: HTML }, 'the page has no <meta name="release" content="…">'],
    ['no fingerprint', { regex: '/assets/main\\.([0-9a-f]{8})\\.js' }, { body: HTML }, '/assets/main\\.([0-9a-f]{8})\\.js/ matched nothing in the body'],
    ['an invalid regex', { regex: '([' }, { body: HTML }, 'invalid regex /([/'],
    ['a truncated body', { regex: 'never' }, { body: 'abc', bodyTruncated: true }, 'only the first 3 characters of the body were read'],
    // RegExp would backtrack over this body for hours, synchronously: RE2 answers in linear time.
    ['a backtracking pattern on a hostile body', { regex: '^(a+)+$' }, { body: `${'a'.repeat(100_000)}!` }, '/^(a+)+$/ matched nothing in the body'],
  ])('says why for %s', (_what, check, extra, why) => {
    const read = readRuntimeValue(check, observation(extra));
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.why).toContain(why);
  });

  it('does not take a meta whose name only starts with the one asked for', () => {
    expect(readMeta('<meta name="app-version-old" content="1.0.0">', 'app-version')).toBeUndefined();
    expect(readMeta('<meta name="x" content="a &amp; b">', 'x')).toBe('a & b');
  });
});

describe('sourceLabel and servedByOf', () => {
  it.each<[RuntimeCheck, string]>([
    [{ json: '$.version' }, 'GET /version ($.version)'],
    [{ header: 'X-App-Version' }, 'GET /version (header x-app-version)'],
    [{ meta: 'app-version' }, 'GET /version (<meta name="app-version">)'],
    [{ regex: 'app\\.(\\w+)\\.js' }, 'GET /version (/app\\.(\\w+)\\.js/)'],
  ])('%j → %s', (check, label) => {
    expect(sourceLabel(check, 'GET', '/version')).toBe(label);
  });

  it('names who answered: identifying headers, then the address', () => {
    expect(servedByOf(observation({ headers: { server: 'nginx/1.22.1', 'x-served-by': 'edge-1' }, remoteAddress: '10.0.0.7', remotePort: 443 }))).toBe(
      'x-served-by: edge-1, server: nginx/1.22.1, 10.0.0.7:443',
    );
    expect(servedByOf(observation())).toBeUndefined();
  });
});

describe('checkRuntime against a real server', () => {
  let server: Server;
  let base: string;
  const http = createHttpDeps({ clock: systemClock() });

  beforeAll(async () => {
    server = createServer((req, res) => {
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json', server: 'fixture', 'x-served-by': 'replica-b' });
        res.end(JSON.stringify(body));
      };
      if (req.url === '/version') return json(200, { version: '2.1.0' });
      if (req.url === '/env') return json(200, { name: 'staging' });
      if (req.url === '/') return json(200, {});
      json(404, { error: 'not found' });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await http.close();
  });

  function ctx(): StepContext {
    const clock = systemClock();
    return {
      journey: 'runtime-test',
      attempt: 1,
      phase: 'runtime',
      index: 0,
      label: 'runtime.version',
      target: base,
      firstParty: [],
      failOnPageErrors: false,
      insecure: false,
      vars: new Map(),
      cookies: createCookieJar(),
      deadline: clock.now() + 10_000,
      signal: new AbortController().signal,
      clock,
      http,
      browser: () => Promise.reject(new RunnerFault('BROWSER_UNAVAILABLE', 'no browser in this test')),
      secrets: createRedactor([]),
      evidence: { write: () => Promise.reject(new Error('no evidence in this test')) },
    };
  }

  /** The driver's outcome with its truth and, when it failed, the verdict src/classify gives (as the runner does). */
  async function checkRuntime(
    what: 'version' | 'environment',
    check: RuntimeCheck,
    expected: string,
    context: StepContext,
  ): Promise<{ outcome: StepOutcome & { failure?: Failure }; served?: string; expected?: string; source?: string }> {
    const outcome = await runRuntimeCheck({ what, check, ...(expected.trim() === '' ? {} : { expected }) }, context);
    const truth: TruthRead['value'] | undefined = outcome.truth?.value;
    const failure =
      outcome.status === 'failed'
        ? classifyFailure({ step: { kind: `runtime.${what}`, label: `runtime.${what}` }, symptom: outcome.symptom, ...(outcome.observation ? { observation: outcome.observation } : {}), ...(outcome.assertions ? { assertions: outcome.assertions } : {}) })
        : undefined;
    return { outcome: { ...outcome, ...(failure ? { failure } : {}) }, ...truth };
  }

  it('serving another version is drift, with who answered in the reason', async () => {
    const checked = await checkRuntime('version', { request: 'GET /version', json: '$.version' }, '2.0.3', ctx());
    expect(checked).toMatchObject({ served: '2.1.0', expected: '2.0.3', source: 'GET /version ($.version)' });
    expect(checked.outcome.status).toBe('failed');
    if (checked.outcome.status !== 'failed') return;
    expect(checked.outcome.failure?.layer).toBe('drift');
    expect(checked.outcome.failure?.hint).toMatch(/^serving 2\.1\.0, expected 2\.0\.3: the running container is not the intended build/);
    expect(checked.outcome.failure?.reason).toMatch(/answered by x-served-by: replica-b, server: fixture, 127\.0\.0\.1:\d+/);
    expect(checked.outcome.assertions?.[0]).toMatchObject({ kind: 'version', expression: 'version ("2.1.0") == "2.0.3"', passed: false });
  });

  it('the expected version passes and records what was served', async () => {
    const checked = await checkRuntime('version', { request: 'GET /version', json: '$.version' }, ' 2.1.0 ', ctx());
    expect(checked.outcome.status).toBe('passed');
    expect(checked).toMatchObject({ served: '2.1.0', expected: '2.1.0' });
  });

  it('with nothing expected, records what was served and passes', async () => {
    const checked = await checkRuntime('version', { request: 'GET /version', json: '$.version' }, '', ctx());
    expect(checked.outcome.status).toBe('passed');
    expect(checked.served).toBe('2.1.0');
    expect(checked.expected).toBeUndefined();
  });

  it('a staging marker on the URL meant for production is drift', async () => {
    const checked = await checkRuntime('environment', { request: 'GET /env', json: '$.name' }, 'production', ctx());
    expect(checked.outcome.status === 'failed' && checked.outcome.failure).toMatchObject({
      layer: 'drift',
      hint: expect.stringMatching(/^environment staging answered where production was expected/) as unknown,
    });
  });

  it('an absent version header is drift "no version exposed at …", never a crash', async () => {
    const checked = await checkRuntime('version', { header: 'x-app-version' }, '2.0.3', ctx());
    expect(checked.outcome.status === 'failed' && checked.outcome.failure).toMatchObject({
      layer: 'drift',
      message: 'no version exposed at GET / (header x-app-version): the response has no x-app-version header',
      hint: expect.stringMatching(/^no version exposed at GET \/ \(header x-app-version\): the running build does not say what it is/) as unknown,
    });
  });

  it('a missing version endpoint is classified by its status (route), not as drift', async () => {
    const checked = await checkRuntime('version', { request: 'GET /build-info', json: '$.version' }, '2.0.3', ctx());
    expect(checked.outcome.status === 'failed' && checked.outcome.failure?.layer).toBe('route');
  });

  it('nothing listening is endpoint', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const checked = await checkRuntime('version', { request: `GET http://127.0.0.1:${port}/version`, json: '$.version' }, '2.0.3', ctx());
    expect(checked.outcome.status === 'failed' && checked.outcome.failure?.layer).toBe('endpoint');
  });
});
