/**
 * Runtime truth end to end (DESIGN §1 `runtime`): the demo app serving one version while
 * the journey, --expect-version or the named environment expects another; every source
 * (JSON path, header, HTML meta, asset fingerprint); environment identity; and what the
 * target does not say. Driven through the built CLI, asserted in run.json and the console.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoApp } from '../src/demo/app.js';
import type { DemoApp } from '../src/demo/app.js';
import { runCli, startServer, tempDir } from './helpers.js';
import type { CliResult, LooseJourney, LooseRun, TestServer } from './helpers.js';

let stale: DemoApp | undefined; // serves 2.1.0 (wrong-version)
let staging: DemoApp | undefined; // serves 2.0.3, but says it is staging
let spa: TestServer | undefined; // a single-page app with a fingerprinted bundle

const SERVED_FINGERPRINT = '1a2b3c4d';

beforeAll(async () => {
  stale = await startDemoApp({ scenario: 'wrong-version' });
  staging = await startDemoApp({ environment: 'staging' });
  spa = await startServer((req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json', server: 'spa-cdn' });
      return res.end('{"status":"ok"}');
    }
    res.writeHead(200, { 'content-type': 'text/html', server: 'spa-cdn', 'x-served-by': 'cache-fra-1' });
    res.end(`<!doctype html><html><head><script type="module" src="/assets/app.${SERVED_FINGERPRINT}.js"></script></head><body></body></html>`);
  });
});

afterAll(async () => {
  await Promise.all([stale?.close(), staging?.close(), spa?.close()]);
});

interface Run {
  readonly cli: CliResult;
  readonly run: LooseRun;
}

/** Writes journeys (name → YAML lines after `name:`) and runs them with the built CLI. */
async function runJourneys(journeys: Record<string, string[]>, args: string[] = [], files: Record<string, string> = {}): Promise<Run> {
  const dir = tempDir('pathproof-runtime-');
  const journeysDir = join(dir, 'journeys');
  mkdirSync(journeysDir);
  for (const [name, lines] of Object.entries(journeys)) {
    writeFileSync(join(journeysDir, `${name}.yaml`), [`name: ${name}`, ...lines, 'entry:', '  - request: GET /healthz', ''].join('\n'));
  }
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  const out = join(dir, 'out');
  const cli = await runCli(['run', journeysDir, '--out', out, '--concurrency', '8', ...args], { cwd: dir, timeoutMs: 90_000 });
  let run: LooseRun;
  try {
    run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as LooseRun;
  } catch (error) {
    throw new Error(`no run.json (exit ${cli.code}):\n${cli.stdout}\n${cli.stderr}`, { cause: error });
  }
  return { cli, run };
}

function journey(run: LooseRun, name: string): LooseJourney {
  const found = run.journeys.find((j) => j.name === name);
  if (!found) throw new Error(`journey ${name} is not in run.json`);
  return found;
}

function version(check: string[], expect?: string): string[] {
  return ['runtime:', '  version:', ...check.map((line) => `    ${line}`), ...(expect === undefined ? [] : [`    expect: "${expect}"`])];
}

describe('runtime truth from every source', () => {
  let result: Run;

  beforeAll(async () => {
    result = await runJourneys({
      'from-json': [`target: ${stale!.url}`, ...version(['request: GET /version', 'json: $.version'], '2.0.3')],
      'from-header': [`target: ${stale!.url}`, ...version(['header: x-app-version'], '2.0.3')],
      'from-meta': [`target: ${stale!.url}`, ...version(['meta: app-version'], '2.0.3')],
      'from-fingerprint': [`target: ${spa!.url}`, ...version([String.raw`regex: '/assets/app\.([0-9a-f]{8})\.js'`], '9f8e7d6c')],
      'wrong-environment': [
        `target: ${staging!.url}`,
        'runtime:',
        '  environment:',
        '    request: GET /api/env',
        '    json: $.name',
        '    expect: production',
      ],
      'no-version-header': [`target: ${staging!.url}`, ...version(['header: x-build-id'], '2.0.3')],
      'json-path-nothing': [`target: ${staging!.url}`, ...version(['request: GET /version', 'json: $.build.version'], '2.0.3')],
      'right-version': [`target: ${staging!.url}`, ...version(['request: GET /version', 'json: $.version'], '2.0.3')],
    });
  }, 120_000);

  it('fails every mismatch with drift before any stage runs, and passes the right build', () => {
    expect(result.cli.code).toBe(1);
    expect(result.run.counts).toMatchObject({ passed: 1, failed: 7, error: 0 });
    for (const j of result.run.journeys.filter((r) => r.name !== 'right-version')) {
      expect(j, j.name).toMatchObject({ outcome: 'failed', stage: 'runtime', layer: 'drift' });
      expect(j.attempts[0]!.steps.map((s) => [s.phase, s.status])).toEqual([
        ['runtime', 'failed'],
        ['entry', 'skipped'],
      ]);
    }
    expect(journey(result.run, 'right-version')).toMatchObject({ outcome: 'passed', runtime: { version: { served: '2.0.3', expected: '2.0.3' } } });
    // --out outside the report root: the history index is still written (its root is created).
    expect(result.cli.stdout).not.toContain('warning:');
  });

  it.each([
    ['from-json', 'GET /version ($.version)'],
    ['from-header', 'GET / (header x-app-version)'],
    ['from-meta', 'GET / (<meta name="app-version">)'],
  ])('%s: "serving 2.1.0, expected 2.0.3" with the source recorded', (name, source) => {
    const j = journey(result.run, name);
    expect(j.hint).toMatch(/^serving 2\.1\.0, expected 2\.0\.3: the running container is not the intended build — /);
    expect(j.runtime?.version).toEqual({ expected: '2.0.3', served: '2.1.0', source });
  });

  it('an asset fingerprint in the HTML is a version too', () => {
    const j = journey(result.run, 'from-fingerprint');
    expect(j.hint).toMatch(new RegExp(`^serving ${SERVED_FINGERPRINT}, expected 9f8e7d6c: `));
    expect(j.runtime?.version?.served).toBe(SERVED_FINGERPRINT);
  });

  it('a staging marker on the URL meant for production is drift', () => {
    const j = journey(result.run, 'wrong-environment');
    expect(j.hint).toMatch(/^environment staging answered where production was expected: pathproof is talking to the wrong environment/);
    expect(j.runtime?.environment).toEqual({ expected: 'production', served: 'staging', source: 'GET /api/env ($.name)' });
  });

  it('an absent version header is drift "no version exposed at …", never a crash', () => {
    const j = journey(result.run, 'no-version-header');
    expect(j.hint).toMatch(/^no version exposed at GET \/ \(header x-build-id\): the running build does not say what it is/);
    expect(j.message).toBe('no version exposed at GET / (header x-build-id): the response has no x-build-id header');
  });

  it('a JSON path that matches nothing says so', () => {
    const j = journey(result.run, 'json-path-nothing');
    expect(j.message).toBe('no version exposed at GET /version ($.build.version): $.build.version matched nothing in the JSON body');
    expect(result.cli.stdout).toContain('$.build.version matched nothing in the JSON body');
  });

  it('records who answered for every journey, failed or passed', () => {
    for (const j of result.run.journeys) {
      expect(j.runtime?.servedBy, j.name).toMatch(/server: (pathproof-demo|spa-cdn)/);
      expect(j.runtime?.remoteAddress, j.name).toMatch(/^127\.0\.0\.1:\d+$/);
    }
    expect(journey(result.run, 'from-fingerprint').runtime?.servedBy).toBe('x-served-by: cache-fra-1, server: spa-cdn');
    expect(journey(result.run, 'from-json').runtime?.remoteAddress).toBe(`127.0.0.1:${stale!.port}`);
  });

  it('shows drift, the served version and who answered on the console', () => {
    const { stdout } = result.cli;
    expect(stdout).toMatch(/✗ from-json\s+failed\s+\S+\s+runtime · drift/);
    expect(stdout).toContain('runtime ✗ → entry – → open · → action · → result ·');
    expect(stdout).toMatch(/served\s+version 2\.1\.0 \(expected 2\.0\.3\) · server: pathproof-demo · 127\.0\.0\.1:\d+/);
  });
});

describe('where the expected version comes from', () => {
  const journeys = (target: string) => ({
    'journey-expects': [`target: ${target}`, ...version(['request: GET /version', 'json: $.version'], '2.0.3')],
    'no-expectation': [`target: ${target}`, ...version(['request: GET /version', 'json: $.version'])],
  });

  it('--expect-version overrides the journey', async () => {
    const { cli, run } = await runJourneys(journeys(staging!.url), ['--expect-version', '2.0.4']);
    expect(cli.code).toBe(1);
    expect(run.trigger.expectVersion).toBe('2.0.4');
    for (const j of run.journeys) {
      expect(j, j.name).toMatchObject({ layer: 'drift', runtime: { version: { served: '2.0.3', expected: '2.0.4' } } });
      expect(j.hint).toMatch(/^serving 2\.0\.3, expected 2\.0\.4: /);
    }
  }, 120_000);

  it('the journey alone: its expect applies, no expectation records what is served', async () => {
    const { cli, run } = await runJourneys(journeys(stale!.url));
    expect(cli.code).toBe(1);
    expect(journey(run, 'journey-expects')).toMatchObject({ layer: 'drift', runtime: { version: { served: '2.1.0', expected: '2.0.3' } } });
    expect(journey(run, 'no-expectation')).toMatchObject({ outcome: 'passed', runtime: { version: { served: '2.1.0' } } });
    expect(journey(run, 'no-expectation').runtime?.version?.expected).toBeUndefined();
  }, 120_000);

  it('a named environment in pathproof.yaml sets target and expected version; --expect-version still wins', async () => {
    const project = [
      'environments:',
      '  prod:',
      `    target: ${staging!.url}`,
      '    expectVersion: 2.0.4',
      '  staging:',
      `    target: ${staging!.url}`,
      '    expectVersion: 2.0.3',
      '',
    ].join('\n');
    const lines = { 'by-env': ['target: ${BASE_URL}', ...version(['request: GET /version', 'json: $.version'])] };
    const prod = await runJourneys(lines, ['--env', 'prod'], { 'pathproof.yaml': project });
    expect(prod.cli.code).toBe(1);
    expect(prod.run.trigger).toMatchObject({ env: 'prod', expectVersion: '2.0.4' });
    expect(journey(prod.run, 'by-env')).toMatchObject({ layer: 'drift', hint: expect.stringMatching(/^serving 2\.0\.3, expected 2\.0\.4: /) as unknown });

    const stagingRun = await runJourneys(lines, ['--env', 'staging'], { 'pathproof.yaml': project });
    expect(stagingRun.cli.code).toBe(0);
    expect(journey(stagingRun.run, 'by-env').runtime?.version).toMatchObject({ served: '2.0.3', expected: '2.0.3' });

    const override = await runJourneys(lines, ['--env', 'prod', '--expect-version', '2.0.3'], { 'pathproof.yaml': project });
    expect(override.cli.code).toBe(0);
  }, 180_000);
});
