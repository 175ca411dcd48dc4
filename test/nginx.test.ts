/**
 * Classification behind a real nginx (Debian's /usr/sbin/nginx): every proxy case of
 * DESIGN §2 produced for real, driven through the built CLI, asserted in run.json.
 *
 * nginx sits in front of the demo app (healthy, and a second one in `unavailable`), a
 * server that never answers, and a port nothing listens on.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoApp } from '../src/demo/app.js';
import type { DemoApp } from '../src/demo/app.js';
import { closedPort, runCli, startServer, tempDir } from './helpers.js';
import type { LooseJourney, LooseRun, TestServer } from './helpers.js';
import { startNginx } from './fixtures/nginx/nginx.js';
import type { RunningNginx } from './fixtures/nginx/nginx.js';

let nginx: RunningNginx | undefined;
let healthy: DemoApp | undefined;
let unavailable: DemoApp | undefined;
let hanging: TestServer | undefined;
let run: LooseRun;
let stdout = '';
let exitCode: number | null = null;

/** Journey name → the path it requests through nginx. */
const CASES = {
  'upstream-down': 'GET /legacy/orders',
  'upstream-slow': 'GET /reports/daily',
  'deny-all': 'GET /internal/metrics',
  'basic-auth': 'GET /admin/users',
  'no-location': 'GET /nowhere/page.html',
  'return-503': 'GET /maintenance',
  'app-own-503': 'GET /shop/api/orders',
  'through-nginx': 'GET /app/healthz',
} as const;

beforeAll(async () => {
  const prefix = tempDir('pathproof-nginx-');
  healthy = await startDemoApp();
  unavailable = await startDemoApp({ scenario: 'unavailable' });
  // Accepts and never answers: nginx gives up after proxy_read_timeout.
  hanging = await startServer(() => undefined);
  const down = await closedPort();
  writeFileSync(join(prefix, 'htpasswd'), 'qa:{PLAIN}not-the-journeys-password\n');
  nginx = await startNginx({
    prefix,
    server: (p) => `
    location /legacy/ { proxy_pass http://127.0.0.1:${down}; }
    location /reports/ { proxy_pass http://127.0.0.1:${hanging!.port}; proxy_read_timeout 1s; }
    location /internal/ { deny all; }
    location /admin/ {
      auth_basic "acme admin";
      auth_basic_user_file ${join(p, 'htpasswd')};
      proxy_pass ${healthy!.url};
    }
    location = /maintenance { return 503; }
    location /shop/ { proxy_pass ${unavailable!.url}/; }
    location /app/ { proxy_pass ${healthy!.url}/; }
`,
  });

  const dir = tempDir('pathproof-nginx-journeys-');
  for (const [name, request] of Object.entries(CASES)) {
    const runtime =
      name === 'through-nginx' ? ['runtime:', '  version:', '    request: GET /app/', '    header: x-app-version', '    expect: 2.0.3'] : [];
    writeFileSync(
      join(dir, `${name}.yaml`),
      [`name: ${name}`, `target: ${nginx.url}`, ...runtime, 'entry:', `  - request: ${request}`, '    expect: { status: 200 }', ''].join('\n'),
    );
  }
  const out = join(dir, 'out');
  // cwd = the temp dir: the history index (reports/history.json) stays out of the repository.
  const result = await runCli(['run', dir, '--out', out, '--concurrency', '8'], { cwd: dir, timeoutMs: 90_000 });
  stdout = result.stdout;
  exitCode = result.code;
  try {
    run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as LooseRun;
  } catch (error) {
    throw new Error(`no run.json (exit ${result.code}): ${result.stderr}\n${result.stdout}\nnginx log: ${nginx.errorLog()}`, { cause: error });
  }
}, 120_000);

afterAll(async () => {
  await nginx?.stop();
  await Promise.all([healthy?.close(), unavailable?.close(), hanging?.close()]);
});

function journey(name: keyof typeof CASES): LooseJourney {
  const found = run.journeys.find((j) => j.name === name);
  if (!found) throw new Error(`journey ${name} is not in run.json`);
  return found;
}

function failureReason(result: LooseJourney): string | undefined {
  const step = result.attempts.at(-1)?.steps.find((s) => s.status === 'failed');
  return step?.status === 'failed' ? step.failure.reason : undefined;
}

describe('behind a real nginx', () => {
  it('fails the run (exit 1) and passes only the healthy path', () => {
    expect(exitCode).toBe(1);
    expect(run.counts).toMatchObject({ passed: 1, failed: 7, error: 0 });
    expect(journey('through-nginx').outcome).toBe('passed');
  });

  it('upstream down: 502 from nginx is proxy, the hint names nginx and the upstream prefix', () => {
    const result = journey('upstream-down');
    expect(result).toMatchObject({ outcome: 'failed', stage: 'entry', layer: 'proxy' });
    expect(result.hint).toMatch(/^502 from nginx \(server: nginx\/[\d.]+\) on GET \/legacy\/orders: /);
    expect(result.hint).toContain('could not reach its upstream');
    expect(result.hint).toContain('check which container the proxy forwards /legacy/ to');
    expect(failureReason(result)).toMatch(/server: nginx\/[\d.]+ and nginx's stock 502 page/);
  });

  it('upstream too slow: 504 after proxy_read_timeout is proxy, naming nginx', () => {
    const result = journey('upstream-slow');
    expect(result).toMatchObject({ outcome: 'failed', layer: 'proxy' });
    expect(result.hint).toMatch(/^504 from nginx \(server: nginx\/[\d.]+\) on GET \/reports\/daily: /);
    expect(result.hint).toContain('did not answer the proxy in time');
    expect(failureReason(result)).toContain("nginx's stock 504 page");
  });

  it('deny all: 403 generated by nginx is authz, pointing at the proxy access rules', () => {
    const result = journey('deny-all');
    expect(result).toMatchObject({ outcome: 'failed', layer: 'authz' });
    expect(result.hint).toContain('403 on GET /internal/metrics from nginx');
    expect(result.hint).toContain('access rules of nginx for /internal/');
    expect(failureReason(result)).toContain('nginx generated it');
  });

  it('auth_basic: 401 is auth, with the challenge in the reason', () => {
    const result = journey('basic-auth');
    expect(result).toMatchObject({ outcome: 'failed', layer: 'auth' });
    expect(result.hint).toContain('401 on GET /admin/users from nginx');
    expect(result.hint).toContain('not authenticated');
    expect(failureReason(result)).toMatch(/www-authenticate: Basic realm="acme admin"/);
  });

  it('a location that does not exist: 404 from nginx is route, at the proxy rules', () => {
    const result = journey('no-location');
    expect(result).toMatchObject({ outcome: 'failed', layer: 'route' });
    expect(result.hint).toContain('404 on GET /nowhere/page.html from nginx');
    expect(result.hint).toContain('proxy or ingress rules for /nowhere/');
  });

  it('return 503: the stock page is the proxy talking', () => {
    const result = journey('return-503');
    expect(result).toMatchObject({ outcome: 'failed', layer: 'proxy' });
    expect(result.hint).toMatch(/^503 from nginx \(server: nginx\/[\d.]+\) on GET \/maintenance: /);
    expect(failureReason(result)).toContain("nginx's stock 503 page");
  });

  it("the app's own 503 with a JSON body passes through nginx and stays app", () => {
    const result = journey('app-own-503');
    expect(result).toMatchObject({ outcome: 'failed', layer: 'app' });
    expect(result.hint).toContain('the app itself answered "unavailable" (retry-after: 30)');
    expect(failureReason(result)).toContain('a JSON body');
    // nginx replaced the app's server header: the header alone must not decide.
    const step = result.attempts[0]!.steps.find((s) => s.status === 'failed');
    expect(step?.observation?.kind === 'http' ? step.observation.headers['server'] : undefined).toMatch(/^nginx/);
  });

  it('records who answered: nginx and its address, for passing and failing journeys', () => {
    for (const name of ['through-nginx', 'upstream-down'] as const) {
      const runtime = journey(name).runtime;
      expect(runtime?.servedBy).toMatch(/server: nginx\/[\d.]+/);
      expect(runtime?.remoteAddress).toBe(`127.0.0.1:${nginx!.port}`);
    }
    expect(journey('through-nginx').runtime?.version).toMatchObject({ served: '2.0.3', expected: '2.0.3' });
  });

  it('shows the proxy layer on the console', () => {
    expect(stdout).toMatch(/✗ upstream-down\s+failed\s+\S+\s+entry · proxy/);
    expect(stdout).toMatch(/✗ app-own-503\s+failed\s+\S+\s+entry · app/);
  });
});
