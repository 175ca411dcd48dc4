import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, runCli, startServer, tempDir } from './helpers.js';
import type { LooseRun, TestServer } from './helpers.js';

const SECRET = 'pp-s3cr3t-Token/+=value';

let server: TestServer;
let flakyCalls = 0;

beforeAll(async () => {
  server = await startServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', server: 'fixture', ...headers });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/version') return json(200, { version: url.searchParams.get('v') ?? '2.0.3' });
    if (url.pathname === '/api/items') return json(200, { count: 1, items: [{ id: 1, name: 'widget' }] });
    if (url.pathname === '/api/items/1') return json(200, { id: 1, name: 'widget' });
    if (url.pathname === '/api/private') {
      return req.headers.authorization === `Bearer ${SECRET}` ? json(403, { error: 'policy denied', echo: req.headers.authorization }) : json(401, { error: 'no token' });
    }
    if (url.pathname === '/flaky') {
      flakyCalls += 1;
      return flakyCalls % 2 === 1 ? json(500, { error: 'first call fails' }) : json(200, { ok: true });
    }
    if (url.pathname === '/slow') {
      const timer = setTimeout(() => json(200, { late: true }), 20_000);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    json(404, { error: 'not found' });
  });
});
afterAll(() => server.close());

function readRun(dir: string): LooseRun {
  return JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as LooseRun;
}

function writeJourney(dir: string, file: string, text: string): string {
  const path = join(dir, file);
  writeFileSync(path, text);
  return path;
}

describe('pathproof validate', () => {
  it('accepts the fixtures and the bundled journeys', async () => {
    const result = await runCli(['validate', 'test/fixtures/http', 'journeys'], { env: { TARGET: server.url, BASE_URL: server.url, DEMO_API_TOKEN: 'x', DEMO_PASSWORD: 'y' } });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^\d+ journeys valid\n$/);
    expect(result.code).toBe(0);
  });

  it('reports every problem with file:line:col and exits 2', async () => {
    const result = await runCli(['validate', 'test/fixtures/bad'], { env: {} });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('test/fixtures/bad/misspelt.yaml:2:1');
    expect(result.stderr).toMatch(/tgas.*did you mean "tags"/);
    expect(result.stderr).toMatch(/misspelt\.yaml:6:\d+ .*2xx/);
    expect(result.stderr).toMatch(/misspelt\.yaml:7:\d+ .*clik/);
    expect(result.stderr).toContain('test/fixtures/bad/not-a-mapping.yaml:1:1');
    expect(result.stderr).not.toMatch(/\n\s+at /); // never a stack trace
  });
});

describe('pathproof run (HTTP journeys)', () => {
  it('passes a healthy journey with runtime truth, captures and run.json', async () => {
    const out = join(tempDir(), 'run');
    const result = await runCli(['run', 'test/fixtures/http/items.yaml', '--out', out], { env: { TARGET: server.url } });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/✓ items-api\s+passed/);
    expect(result.stdout).toContain('1 passed, 0 flaky, 0 failed, 0 error, 0 skipped');
    const run = readRun(out);
    expect(run).toMatchObject({ schemaVersion: 1, status: 'complete', outcome: 'passed', exitCode: 0, counts: { passed: 1 } });
    const journey = run.journeys[0]!;
    expect(journey.runtime?.version).toMatchObject({ served: '2.0.3', expected: '2.0.3' });
    expect(journey.runtime?.remoteAddress).toMatch(/^127\.0\.0\.1:\d+$/);
    const steps = journey.attempts[0]!.steps;
    expect(steps.map((s) => [s.phase, s.status])).toEqual([
      ['runtime', 'passed'],
      ['entry', 'passed'],
      ['result', 'passed'],
    ]);
    expect(steps[1]!.captured).toEqual({ firstId: '1' });
    expect(steps[2]!.name).toBe('GET /api/items/1');
  });

  it('fails a missing route at the open stage with layer route, and skips what follows', async () => {
    const out = join(tempDir(), 'run');
    const result = await runCli(['run', 'test/fixtures/http/missing.yaml', '--out', out], { env: { TARGET: server.url } });
    expect(result.code).toBe(1);
    const journey = readRun(out).journeys[0]!;
    expect(journey).toMatchObject({ outcome: 'failed', stage: 'open', layer: 'route' });
    expect(journey.hint).toContain('POST /api/refunds');
    expect(journey.attempts[0]!.steps.map((s) => s.status)).toEqual(['passed', 'failed', 'skipped']);
    expect(result.stdout).toMatch(/✗ missing-route\s+failed/);
    expect(result.stdout).toContain('status (404) == 201');
    expect(result.stdout).toContain('entry ✓ → open ✗ → action · → result –');
  });

  it('names drift when the served version is not the expected one', async () => {
    const out = join(tempDir(), 'run');
    const result = await runCli(['run', 'test/fixtures/http/items.yaml', '--out', out, '--expect-version', '9.9.9'], { env: { TARGET: server.url } });
    expect(result.code).toBe(1);
    const journey = readRun(out).journeys[0]!;
    expect(journey).toMatchObject({ outcome: 'failed', stage: 'runtime', layer: 'drift' });
    expect(journey.hint).toContain('serving 2.0.3, expected 9.9.9');
    expect(readRun(out).trigger).toMatchObject({ expectVersion: '9.9.9' });
  });

  it('blames the endpoint when nothing listens', async () => {
    const port = await closedPort();
    const out = join(tempDir(), 'run');
    const result = await runCli(['run', 'test/fixtures/http/missing.yaml', '--out', out], { env: { TARGET: `http://127.0.0.1:${port}` } });
    expect(result.code).toBe(1);
    expect(readRun(out).journeys[0]).toMatchObject({ outcome: 'failed', stage: 'entry', layer: 'endpoint' });
  });

  it('reports a pass on retry as flaky and keeps every attempt', async () => {
    const dir = tempDir();
    writeJourney(dir, 'flaky.yaml', `name: flaky\ntarget: ${server.url}\nretries: 1\nentry:\n  - request: GET /flaky\n`);
    flakyCalls = 0;
    const result = await runCli(['run', dir, '--out', join(dir, 'out')]);
    expect(result.code).toBe(0);
    const journey = readRun(join(dir, 'out')).journeys[0]!;
    expect(journey.outcome).toBe('flaky');
    expect(journey.attempts.map((a) => a.outcome)).toEqual(['failed', 'passed']);
    expect(journey.layer).toBe('app');
  });

  it('bounds a hanging target by the step timeout', async () => {
    const dir = tempDir();
    writeJourney(dir, 'slow.yaml', `name: slow\ntarget: ${server.url}\nentry:\n  - request: GET /slow\n    timeout: 500ms\n`);
    const result = await runCli(['run', dir, '--out', join(dir, 'out')]);
    expect(result.code).toBe(1);
    const journey = readRun(join(dir, 'out')).journeys[0]!;
    expect(journey).toMatchObject({ outcome: 'failed', layer: 'app' });
  });

  it('prints run.json on stdout with --reporter json', async () => {
    const out = join(tempDir(), 'run');
    const result = await runCli(['run', 'test/fixtures/http/items.yaml', '--reporter', 'json', '--out', out], { env: { TARGET: server.url } });
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as LooseRun;
    expect(printed.runId).toBe(readRun(out).runId);
    expect(result.stderr).toContain('items-api');
  });

  it('never writes a secret anywhere, in any encoding', async () => {
    const dir = tempDir();
    writeJourney(
      dir,
      'secret.yaml',
      [
        'name: secret-path',
        `target: ${server.url}`,
        'entry:',
        '  - request:',
        '      url: /api/private?token=${secret:PP_TOKEN}',
        '      headers: { authorization: "Bearer ${secret:PP_TOKEN}" }',
        '    expect: { status: 200, body: "${secret:PP_TOKEN}" }',
      ].join('\n'),
    );
    const out = join(dir, 'out');
    const result = await runCli(['run', dir, '--out', out, '--reporter', 'json', '--reporter', 'console'], { env: { PP_TOKEN: SECRET } });
    expect(result.code).toBe(1);
    expect(readRun(out).journeys[0]).toMatchObject({ layer: 'authz' });
    const forms = [SECRET, encodeURIComponent(SECRET), Buffer.from(SECRET).toString('base64')];
    const texts = [result.stdout, result.stderr];
    const walk = (d: string): void => {
      for (const entry of readdirSync(d)) {
        const path = join(d, entry);
        if (statSync(path).isDirectory()) walk(path);
        else texts.push(readFileSync(path, 'latin1'));
      }
    };
    walk(out);
    expect(texts.length).toBeGreaterThan(2);
    for (const text of texts) for (const form of forms) expect(text).not.toContain(form);
    expect(result.stdout).toContain('***');
  });

  it('exits 2 with the variable named when ${VAR} is missing', async () => {
    const result = await runCli(['run', 'test/fixtures/http/items.yaml'], { env: {} });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/items\.yaml:4:\d+.*TARGET/);
  });

  it('runs only the selected tags and exits 2 when none match', async () => {
    const none = await runCli(['run', 'test/fixtures/http', '--tag', 'nope'], { env: { TARGET: server.url } });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no journeys with tag nope');
    const out = join(tempDir(), 'run');
    const smoke = await runCli(['run', 'test/fixtures/http', '--tag', 'smoke', '--out', out], { env: { TARGET: server.url } });
    expect(smoke.code).toBe(0);
    expect(readRun(out).journeys.map((j) => j.name)).toEqual(['items-api']);
  });
});

describe('pathproof run --keep-runs', () => {
  it('keeps only the newest run directories of the report root', async () => {
    const dir = tempDir();
    writeJourney(dir, 'k.yaml', `name: kept\ntarget: ${server.url}\nentry:\n  - request: GET /api/items\n`);
    const root = join(dir, 'reports');
    for (let i = 0; i < 3; i++) {
      const result = await runCli(['run', join(dir, 'k.yaml'), '--report-dir', root, '--keep-runs', '2']);
      expect(result.code).toBe(0);
    }
    const runs = readdirSync(root).filter((name) => existsSync(join(root, name, 'run.json')));
    expect(runs).toHaveLength(2);
    expect(existsSync(join(root, 'history.json'))).toBe(true);
  });
});

describe('pathproof run --pushgateway', () => {
  it('pushes the journey metrics grouped by job, env and journey, never by run id', async () => {
    const received: { method?: string; url?: string; body: string }[] = [];
    const gateway = await startServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ method: req.method, url: req.url, body });
        res.writeHead(200);
        res.end();
      });
    });
    try {
      const dir = tempDir();
      writeJourney(dir, 'p.yaml', `name: pushed\ntarget: ${server.url}\nentry:\n  - request: GET /api/items\n`);
      writeJourney(dir, 'pathproof.yaml', 'environments:\n  staging: {}\n');
      const out = join(dir, 'out');
      const result = await runCli(['run', dir, '--out', out, '--env', 'staging', '--pushgateway', gateway.url], { cwd: dir });
      expect(result.code).toBe(0);
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({ method: 'PUT', url: '/metrics/job/pathproof/env/staging/journey/pushed' });
      expect(result.stdout).toContain(`metrics of 1 journey pushed to ${gateway.url}`);
      expect(received[0]!.body).toMatch(/pathproof_journey_up\{journey="pushed",env="staging"\} 1/);
      expect(received[0]!.body).not.toContain(readRun(out).runId);
    } finally {
      await gateway.close();
    }
  });
});

describe('pathproof demo', () => {
  it('runs the bundled journeys against the healthy demo and exits 0', async () => {
    const cwd = tempDir();
    const result = await runCli(['demo'], { cwd, timeoutMs: 90_000 });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/demo app \(healthy/);
    expect(result.stdout).toMatch(/\d+ passed, 0 flaky, 0 failed, 0 error, 0 skipped/);
    expect(existsSync(join(cwd, 'reports'))).toBe(true);
  });

  it.each([
    ['missing-route', 'route'],
    ['wrong-version', 'drift'],
    ['forbidden', 'authz'],
  ])('catches the %s scenario as layer %s', async (scenario, layer) => {
    const cwd = tempDir();
    const result = await runCli(['demo', '--scenario', scenario, '--out', 'out'], { cwd, timeoutMs: 90_000 });
    expect(result.code).toBe(1);
    const run = readRun(join(cwd, 'out'));
    expect(run.journeys.filter((j) => j.outcome === 'failed').map((j) => j.layer)).toContain(layer);
  });
});
