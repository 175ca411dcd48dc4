/**
 * `pathproof serve` end to end: the built CLI, real cron ticks on a seconds schedule, the
 * demo app as the target, a test server slower than its schedule, promtool on /metrics.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoApp } from '../src/demo/app.js';
import type { DemoApp } from '../src/demo/app.js';
import { runCli, startServer, tempDir } from './helpers.js';
import type { LooseRun, TestServer } from './helpers.js';
import { eventually, sample, startServe } from './fixtures/serve/process.js';
import type { ServeProcess } from './fixtures/serve/process.js';

const TOKEN = 'serve-test-t0ken';
const SLOW_MS = 2_500;

let demo: DemoApp;
let slow: TestServer;
let slowActive = 0;
let slowPeak = 0;
let slowRequests = 0;

beforeAll(async () => {
  demo = await startDemoApp();
  slow = await startServer((req, res) => {
    slowRequests++;
    slowActive++;
    slowPeak = Math.max(slowPeak, slowActive);
    const ms = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('ms') ?? SLOW_MS);
    const timer = setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    }, ms);
    res.on('close', () => {
      clearTimeout(timer);
      slowActive--;
    });
  });
});

afterAll(async () => {
  await Promise.all([demo?.close(), slow?.close()]);
});

const auth = { authorization: `Bearer ${TOKEN}` };
const postJson = (url: string, body: unknown, headers: Record<string, string> = auth) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('pathproof serve', () => {
  let serve: ServeProcess | undefined;
  afterAll(() => serve?.kill());

  it('runs schedules, exports metrics, answers the API and Flagger, never overlaps, drains on SIGTERM', async () => {
    const reports = tempDir('pathproof-serve-');
    serve = await startServe(
      ['test/fixtures/serve/basic', 'test/fixtures/serve/slow', '--report-dir', reports, '--token', TOKEN, '--concurrency', '8'],
      { BASE_URL: demo.url, SLOW_URL: slow.url },
    );
    const { url } = serve;

    // Schedules fire every second: up for the healthy and the broken journey, and the
    // slow journey's skipped ticks counted. /metrics needs no token.
    const exposition = await eventually(async () => {
      const text = await (await fetch(`${url}/metrics`)).text();
      const ok = sample(text, 'pathproof_journey_up{journey="ok",env=""}');
      const broken = sample(text, 'pathproof_journey_up{journey="broken",env=""}');
      const skipped = sample(text, 'pathproof_schedule_skipped_total{journey="slow"}') ?? 0;
      return ok === 1 && broken === 0 && skipped >= 2 ? text : undefined;
    }, 'up=1/0 and skipped ticks in /metrics');
    expect(sample(exposition, 'pathproof_journey_failures_total{journey="broken",env="",layer="route"}')).toBeGreaterThanOrEqual(1);
    expect(exposition).toMatch(/^process_resident_memory_bytes \d+/m);

    const checked = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8', timeout: 20_000 });
    expect(checked.error).toBeUndefined();
    expect(`${checked.stdout}${checked.stderr}`).toBe('');
    expect(checked.status).toBe(0);

    // No overlap: the slow endpoint never saw two requests at once.
    expect(slowRequests).toBeGreaterThanOrEqual(1);
    expect(slowPeak).toBe(1);
    expect(serve.stdout()).toMatch(/\[schedule\] slow tick skipped: its previous run is still going/);
    expect(serve.stdout()).toMatch(/\[schedule\] broken failed layer=route stage=entry /);
    expect(serve.stdout()).toMatch(/\[schedule\] ok passed /);

    // The token guards the API, not /metrics or /healthz.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/api/journeys`)).status).toBe(401);
    expect((await fetch(`${url}/readyz`, { headers: auth })).status).toBe(200);
    const journeys = (await (await fetch(`${url}/api/journeys`, { headers: auth })).json()) as {
      journeys: { name: string; schedule?: string; last: { outcome: string; layer?: string } | null }[];
    };
    expect(journeys.journeys.map((j) => j.name).sort()).toEqual(['broken', 'ok', 'slow']);
    expect(journeys.journeys.find((j) => j.name === 'broken')?.last).toMatchObject({ outcome: 'failed', layer: 'route' });

    // POST /api/runs → 202, then the run with its run.json.
    const accepted = await postJson(`${url}/api/runs`, { journeys: ['broken'] });
    expect(accepted.status).toBe(202);
    const { id } = (await accepted.json()) as { id: string };
    const record = await eventually(async () => {
      const body = (await (await fetch(`${url}/api/runs/${id}`, { headers: auth })).json()) as { status: string; run?: LooseRun };
      return body.status === 'complete' ? body : undefined;
    }, 'the API run to complete');
    expect(record.run?.trigger.source).toBe('api');
    expect(record.run?.journeys.map((j) => [j.name, j.outcome, j.layer])).toEqual([['broken', 'failed', 'route']]);
    const onDisk = JSON.parse(readFileSync(join(reports, id, 'run.json'), 'utf8')) as LooseRun;
    expect(onDisk.runId).toBe(id);
    expect(onDisk.outcome).toBe('failed');

    // Flagger: 200 healthy, 500 broken; a duplicate delivery reuses the result (same run id).
    const hook = (journeysMeta: string, checksum: string) => ({
      name: 'podinfo',
      namespace: 'test',
      phase: 'Progressing',
      checksum,
      metadata: { journeys: journeysMeta },
    });
    const healthy = await postJson(`${url}/hooks/flagger`, hook('ok', 'rev-1'));
    expect(healthy.status).toBe(200);
    expect(await healthy.text()).toMatch(/^pathproof: 1 journey passed; run \S+\n$/);
    const failing = await postJson(`${url}/hooks/flagger`, hook('ok,broken', 'rev-2'));
    expect(failing.status).toBe(500);
    const failingText = await failing.text();
    expect(failingText).toMatch(/^pathproof: 1 of 2 journeys did not pass: broken failed at entry \(layer route\); run \S+\n$/);
    const duplicate = await postJson(`${url}/hooks/flagger`, hook('ok,broken', 'rev-2'));
    expect(duplicate.status).toBe(500);
    expect(await duplicate.text()).toBe(failingText);
    expect((await postJson(`${url}/hooks/flagger`, hook('ok', 'rev-3'), {})).status).toBe(401);

    // SIGTERM drains and exits 0.
    serve.child.kill('SIGTERM');
    const exit = await serve.exited;
    expect(exit.code).toBe(0);
    expect(serve.stdout()).toMatch(/SIGTERM: draining/);
    expect(serve.stdout()).toMatch(/ stopped\n$/);
    expect(existsSync(join(reports, 'history.json'))).toBe(true);
  }, 90_000);
});

describe('pathproof serve under load', () => {
  it('/metrics keeps answering while 50 journeys run', async () => {
    const dir = tempDir('pathproof-serve-load-');
    const journeys = join(dir, 'journeys');
    mkdirSync(journeys);
    for (let i = 0; i < 50; i++) {
      writeFileSync(join(journeys, `j${i}.yaml`), `name: load-${i}\ntarget: \${SLOW_URL}\nentry:\n  - request: GET /slow?ms=1000&i=${i}\n`);
    }
    const serve = await startServe([journeys, '--report-dir', join(dir, 'reports'), '--concurrency', '50'], { SLOW_URL: slow.url });
    try {
      const before = slowRequests;
      expect((await postJson(`${serve.url}/api/runs`, {}, {})).status).toBe(202);
      // The shared dispatcher holds 8 connections per origin: that many requests at once.
      await eventually(async () => (slowActive >= 5 ? true : undefined), 'journeys to be running', 20_000);
      for (let i = 0; i < 5; i++) {
        const response = await fetch(`${serve.url}/metrics`);
        expect(response.status).toBe(200);
        expect(await response.text()).toContain('pathproof_journey_runs_total{journey="load-49",env="",outcome="passed"}');
      }
      expect(slowActive).toBeGreaterThan(0);
      await eventually(async () => {
        const text = await (await fetch(`${serve.url}/metrics`)).text();
        const done = Array.from({ length: 50 }, (_, i) => sample(text, `pathproof_journey_runs_total{journey="load-${i}",env="",outcome="passed"}`));
        return done.every((n) => n === 1) ? true : undefined;
      }, 'all 50 journeys to pass', 40_000);
      expect(slowRequests - before).toBeGreaterThanOrEqual(50);
      serve.child.kill('SIGTERM');
      expect((await serve.exited).code).toBe(0);
    } finally {
      serve.kill();
    }
  }, 80_000);
});

describe('pathproof serve: bad input and reload', () => {
  it('an invalid cron expression is a validation error with file:line:col, exit 2', async () => {
    const result = await runCli(['serve', 'test/fixtures/serve/invalid', '--listen', '127.0.0.1:0'], { timeoutMs: 30_000 });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('test/fixtures/serve/invalid/bad-cron.yaml:3:11  schedule  expected a cron expression');
  });

  it.each([
    [['--listen', 'nowhere'], /--listen expects host:port/],
    [['--jitter', 'soon'], /--jitter expects a duration/],
  ])('rejects %j with exit 2', async (args, message) => {
    const result = await runCli(['serve', 'test/fixtures/serve/basic', ...args], { env: { BASE_URL: 'http://127.0.0.1:9' }, timeoutMs: 30_000 });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('a browser journey in flight survives SIGHUP and finishes during the SIGTERM drain (the browser is ours to close)', async () => {
    const dir = tempDir('pathproof-serve-browser-');
    const journeys = join(dir, 'journeys');
    mkdirSync(journeys);
    // Holds its page open for 3 s between two browser steps.
    writeFileSync(
      join(journeys, 'page.yaml'),
      `name: page\ntarget: \${BASE_URL}\nretries: 0\nentry:\n  - goto: /\n  - wait: 3s\n  - see: { role: heading, name: Acme Shop }\n`,
    );
    const serve = await startServe([journeys, '--report-dir', join(dir, 'reports'), '--token', TOKEN], {
      BASE_URL: demo.url,
      PATHPROOF_CHROMIUM: process.env.PATHPROOF_CHROMIUM ?? '/usr/bin/chromium',
    });
    try {
      const accepted = await postJson(`${serve.url}/api/runs`, { journeys: ['page'] });
      expect(accepted.status).toBe(202);
      const { id } = (await accepted.json()) as { id: string };
      // The page is open (the reports directory of the run exists once it started): reload, then drain.
      await eventually(async () => (((await (await fetch(`${serve.url}/api/runs/${id}`, { headers: auth })).json()) as { status: string }).status === 'running' ? true : undefined), 'the run to start');
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      serve.child.kill('SIGHUP');
      await eventually(async () => (/SIGHUP: reloaded/.test(serve.stdout()) ? true : undefined), 'the reload');
      serve.child.kill('SIGTERM');
      expect((await serve.exited).code).toBe(0);
      expect(serve.stdout()).toMatch(/\[api\] page passed\b/);
      const run = JSON.parse(readFileSync(join(dir, 'reports', id, 'run.json'), 'utf8')) as LooseRun;
      expect(run.journeys.map((j) => [j.name, j.outcome])).toEqual([['page', 'passed']]);
    } finally {
      serve.kill();
    }
  }, 60_000);

  it('SIGHUP re-reads journeys: an invalid set is reported and the previous one keeps running', async () => {
    const dir = tempDir('pathproof-serve-reload-');
    const journeys = join(dir, 'journeys');
    mkdirSync(journeys);
    const journey = (name: string, schedule = '0 0 1 1 *') =>
      `name: ${name}\ntarget: \${BASE_URL}\nschedule: "${schedule}"\nentry:\n  - request: GET /healthz\n`;
    writeFileSync(join(journeys, 'first.yaml'), journey('first'));
    const serve = await startServe([journeys, '--report-dir', join(dir, 'reports'), '--run-on-start'], { BASE_URL: demo.url });
    try {
      // --run-on-start: the yearly journey ran once already.
      await eventually(async () => {
        const listed = (await (await fetch(`${serve.url}/api/journeys`)).json()) as { journeys: { last: { outcome: string; source: string } | null }[] };
        return listed.journeys[0]?.last?.outcome === 'passed' ? listed.journeys[0].last : undefined;
      }, 'the start run');
      const names = async () =>
        ((await (await fetch(`${serve.url}/api/journeys`)).json()) as { journeys: { name: string }[] }).journeys.map((j) => j.name).sort();
      expect(await names()).toEqual(['first']);

      writeFileSync(join(journeys, 'broken.yaml'), journey('second', 'whenever'));
      serve.child.kill('SIGHUP');
      await eventually(async () => (/journeys not reloaded/.test(serve.stderr()) ? true : undefined), 'the failed reload to be reported');
      expect(serve.stderr()).toMatch(/broken\.yaml:\d+:\d+/);
      expect(await names()).toEqual(['first']);

      writeFileSync(join(journeys, 'broken.yaml'), journey('second'));
      serve.child.kill('SIGHUP');
      await eventually(async () => ((await names()).length === 2 ? true : undefined), 'the reload to take effect');
      expect(await names()).toEqual(['first', 'second']);
      const metrics = await (await fetch(`${serve.url}/metrics`)).text();
      expect(metrics).toContain('pathproof_journey_runs_total{journey="second",env="",outcome="passed"} 0');

      serve.child.kill('SIGTERM');
      expect((await serve.exited).code).toBe(0);
    } finally {
      serve.kill();
    }
  }, 60_000);
});
