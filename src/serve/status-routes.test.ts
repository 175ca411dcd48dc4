/**
 * The status page, sign-in, run reports and silences over a real server on 127.0.0.1:0,
 * with real alerting behind /api/status and real files under a temporary report root.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { JourneyResult } from '../result/types.js';
import { journeyResult } from '../result/results.fixtures.js';
import { createMetrics } from '../metrics/metrics.js';
import { createSemaphore } from '../schedule/semaphore.js';
import { DEFAULT_POLICY } from './alert-state.js';
import { createAlerting } from './alerting.js';
import { createFlaggerHook } from './flagger.js';
import { createRunService } from './runs.js';
import { LOGIN_ATTEMPTS_PER_MINUTE, createServeServer } from './server.js';
import type { JourneyInfo, ServeServer } from './server.js';
import { buildStatus } from './status/model.js';
import type { StatusModel } from './status/model.js';

const TOKEN = 'st4tus-t0ken';
const CATALOG: JourneyInfo[] = [
  { name: 'login', file: 'j/login.yaml', tags: ['web'], protects: 'identity', schedule: '*/5 * * * *' },
  { name: 'refund-api', file: 'j/refund-api.yaml', tags: ['api'], protects: 'data' },
];

let open: ServeServer | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

function failed(name: string, layer: 'route' | 'auth', status: number): JourneyResult {
  const journey = journeyResult('failed', { name, file: `j/${name}.yaml`, durationMs: 12, stage: 'entry', layer, hint: `${status} on GET /api/orders: <b>check</b> the ${layer}` });
  return journey.outcome === 'failed' ? { ...journey, failure: { ...journey.failure, status } } : journey;
}

async function start(options: { token?: string } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'pathproof-status-'));
  const run = join(root, '2026-11-22T09-15-02Z-7f3a');
  mkdirSync(join(run, 'evidence', 'refund-api'), { recursive: true });
  writeFileSync(join(run, 'index.html'), '<!doctype html><title>report</title>');
  writeFileSync(join(run, 'run.json'), '{"runId":"2026-11-22T09-15-02Z-7f3a"}');
  writeFileSync(join(run, 'evidence', 'refund-api', 'page.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  writeFileSync(join(run, 'evidence', 'refund-api', 'body.html'), '<script>alert(1)</script>');
  writeFileSync(join(root, 'outside.txt'), 'not yours');
  symlinkSync(join(root, 'outside.txt'), join(run, 'evidence', 'link.txt'));
  symlinkSync('/etc', join(root, '2026-11-22T09-16-00Z-0000'));

  let now = Date.parse('2026-11-22T09:15:00Z');
  const alerting = createAlerting({
    now: () => now,
    env: 'production',
    baseUrl: 'http://status.test',
    receivers: [],
    outbox: { send: () => undefined, flush: async () => undefined, close: () => undefined },
    log: () => undefined,
  });
  alerting.setJourneys(CATALOG.map((j) => ({ name: j.name, tags: j.tags, ...(j.protects ? { protects: j.protects } : {}), policy: DEFAULT_POLICY, scheduled: true })));
  const registry = new Registry();
  createMetrics(registry);
  const service = createRunService({ semaphore: createSemaphore(2), makeId: () => 'x', execute: async () => Promise.reject(new Error('not used')) });
  const model = (): StatusModel =>
    buildStatus({
      now,
      env: 'production',
      catalog: CATALOG,
      board: alerting.board(),
      story: alerting.story(),
      quiet: alerting.quiet(),
      latest: new Map(),
      nextRuns: new Map(),
      busy: [],
    });
  const server = createServeServer({
    registry,
    token: options.token,
    service,
    flagger: createFlaggerHook({ service, catalog: () => CATALOG }),
    catalog: () => CATALOG,
    nextRuns: () => new Map(),
    busy: () => [],
    state: () => 'ready',
    status: { model, silence: (ms, what) => alerting.silence(ms, what), unsilence: () => alerting.unsilence() },
    reportRoot: root,
    now: () => now,
  });
  open = server;
  const { url } = await server.listen('127.0.0.1', 0);
  const observe = (result: JourneyResult, runId: string) => {
    now += 1_000;
    alerting.observe(result, { runId, source: 'schedule' });
  };
  return { url, observe, alerting };
}

const bearer = { authorization: `Bearer ${TOKEN}` };

/** GET with the path sent exactly as written. */
function rawGet(url: string): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  const [, host, port, path] = /^http:\/\/([^/:]+):(\d+)(\/.*)$/.exec(url) ?? [];
  return new Promise((resolve, reject) => {
    const req = request({ host, port: Number(port), path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the status page', () => {
  it('shows each journey in its group (identity first), a broken one with its layer, status and escaped hint', async () => {
    const { url, observe } = await start();
    observe(failed('refund-api', 'route', 404), 'run-1');
    observe(failed('refund-api', 'route', 404), 'run-2');
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).toMatch(/connect-src 'self'/);
    const text = await page.text();
    expect(text).not.toMatch(/ on[a-z]+=|style="| src="http/);
    expect(text.indexOf('protects identity')).toBeLessThan(text.indexOf('protects data'));
    expect(text).toMatch(/<h1 id="headline">1 of 2 user paths down<\/h1>/);
    expect(text).toMatch(/data-journey="refund-api" data-state="down"/);
    expect(text).toContain('<span class="badge layer" data-testid="layer">route</span><span class="where">at entry · 404</span>');
    expect(text).toContain('404 on GET /api/orders: &lt;b&gt;check&lt;/b&gt; the route');
    expect(text).toMatch(/data-journey="login" data-state="not-run"/);
    expect(text).toContain('href="/runs/run-2/"');
    expect(text).toContain('<span class="k-down">down: route at entry (404)</span>');

    const byTag = await (await fetch(`${url}/?group=tag`)).text();
    expect(byTag.indexOf('<h2>api</h2>')).toBeLessThan(byTag.indexOf('<h2>web</h2>'));
  });

  it('/api/status is the same model as JSON, with a revision that moves when something happens', async () => {
    const { url, observe } = await start();
    const before = (await (await fetch(`${url}/api/status`)).json()) as StatusModel;
    expect(before.journeys.map((j) => [j.name, j.state])).toEqual([
      ['login', 'not-run'],
      ['refund-api', 'not-run'],
    ]);
    observe(failed('refund-api', 'auth', 401), 'run-1');
    const after = (await (await fetch(`${url}/api/status`)).json()) as StatusModel;
    expect(after.revision).not.toBe(before.revision);
    expect(after.journeys[1]).toMatchObject({ state: 'checking', pending: { toward: 'down', count: 1, of: 2 }, failure: { layer: 'auth', status: 401, report: '/runs/run-1/' } });
  });
});

describe('run reports under /runs/<id>/', () => {
  it.each<[string, number, string | RegExp]>([
    ['/runs/2026-11-22T09-15-02Z-7f3a/', 200, 'text/html; charset=utf-8'],
    ['/runs/2026-11-22T09-15-02Z-7f3a/run.json', 200, 'application/json; charset=utf-8'],
    ['/runs/2026-11-22T09-15-02Z-7f3a/evidence/refund-api/page.png', 200, 'image/png'],
    ['/runs/2026-11-22T09-15-02Z-7f3a/evidence/refund-api/body.html', 200, 'text/plain; charset=utf-8'],
    ['/runs/2026-11-22T09-15-02Z-7f3a/evidence/', 404, /no such file/],
    ['/runs/2026-11-22T09-15-02Z-7f3a/evidence/link.txt', 404, /no such file/],
    ['/runs/2026-11-22T09-15-02Z-7f3a/..%2Foutside.txt', 400, /not a path inside/],
    // The URL parser resolves %2e%2e before routing: these land outside /runs/<id>/.
    ['/runs/2026-11-22T09-15-02Z-7f3a/%2e%2e/outside.txt', 308, '/runs/outside.txt/'],
    ['/runs/outside.txt/', 404, /no run/],
    ['/runs/2026-11-22T09-15-02Z-7f3a/%2e%2e/%2e%2e/%2e%2e/etc/passwd', 404, /no such endpoint/],
    ['/runs/2026-11-22T09-16-00Z-0000/passwd', 404, /no such file/],
    ['/runs/..%2F..%2Fetc/passwd', 404, /no run/],
    ['/runs/nope/index.html', 404, /no such file/],
  ])('%s → %d', async (path, status, type) => {
    const { url } = await start();
    // A raw request: fetch would resolve `%2e%2e` itself before sending it.
    const response = await rawGet(`${url}${path}`);
    expect(response.status).toBe(status);
    if (status === 200) {
      expect(response.headers['content-type']).toBe(type);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['content-security-policy']).toMatch(path.endsWith('/') ? /default-src 'none'.*frame-ancestors 'none'/ : /sandbox/);
    } else if (status === 308) {
      expect(response.headers.location).toBe(type);
    } else {
      expect((JSON.parse(response.body) as { error: string }).error).toMatch(type);
    }
  });

  it('redirects /runs/<id> to /runs/<id>/ so the report finds its evidence', async () => {
    const { url } = await start();
    const response = await fetch(`${url}/runs/2026-11-22T09-15-02Z-7f3a`, { redirect: 'manual' });
    expect([response.status, response.headers.get('location')]).toEqual([308, '/runs/2026-11-22T09-15-02Z-7f3a/']);
  });
});

describe('with --token', () => {
  it('pages answer the sign-in form; a signed-in browser reads pages, the JSON and reports, but cannot change anything', async () => {
    const { url } = await start({ token: TOKEN });
    const page = await fetch(`${url}/runs/2026-11-22T09-15-02Z-7f3a/?x=1`);
    expect(page.status).toBe(401);
    const form = await page.text();
    expect(form).toContain('<form class="login" method="post" action="/login">');
    expect(form).toContain('name="next" value="/runs/2026-11-22T09-15-02Z-7f3a/?x=1"');
    expect((await fetch(`${url}/api/status`)).status).toBe(401);
    expect((await fetch(`${url}/metrics`)).status).toBe(200);

    const wrong = await fetch(`${url}/login`, { method: 'POST', body: new URLSearchParams({ token: 'nope', next: '/' }), redirect: 'manual' });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('That is not the token');

    const signIn = await fetch(`${url}/login`, { method: 'POST', body: new URLSearchParams({ token: TOKEN, next: '/?group=tag' }), redirect: 'manual' });
    expect(signIn.status).toBe(303);
    expect(signIn.headers.get('location')).toBe('/?group=tag');
    const cookie = signIn.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^pathproof_session=v1\.\d+\.[\w-]+; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Strict$/);
    expect(cookie).not.toContain(TOKEN);
    const session = { cookie: cookie.split(';')[0] as string };

    expect((await fetch(`${url}/`, { headers: session })).status).toBe(200);
    expect(await (await fetch(`${url}/`, { headers: session })).text()).toContain('sign out</button>');
    expect((await fetch(`${url}/api/status`, { headers: session })).status).toBe(200);
    expect((await fetch(`${url}/runs/2026-11-22T09-15-02Z-7f3a/run.json`, { headers: session })).status).toBe(200);
    // State changes need the bearer token: a cookie alone never starts runs or silences alerts.
    expect((await fetch(`${url}/api/silence?for=10m`, { method: 'POST', headers: session })).status).toBe(401);
    expect((await fetch(`${url}/api/runs`, { method: 'POST', headers: { ...session, 'content-type': 'application/json' }, body: '{}' })).status).toBe(401);
    expect((await fetch(`${url}/api/silence?for=10m`, { method: 'POST', headers: bearer })).status).toBe(200);

    const signOut = await fetch(`${url}/logout`, { method: 'POST', headers: session, redirect: 'manual' });
    expect(signOut.headers.get('set-cookie')).toMatch(/^pathproof_session=; Max-Age=0/);
  });

  it('refuses a sign-in posted from another site, and slows down guessing', async () => {
    const { url } = await start({ token: TOKEN });
    const cross = await fetch(`${url}/login`, { method: 'POST', headers: { origin: 'https://evil.example' }, body: new URLSearchParams({ token: TOKEN }), redirect: 'manual' });
    expect(cross.status).toBe(403);
    const fetchSite = await fetch(`${url}/login`, { method: 'POST', headers: { 'sec-fetch-site': 'cross-site', origin: 'null' }, body: new URLSearchParams({ token: TOKEN }), redirect: 'manual' });
    expect(fetchSite.status).toBe(403);
    // Our own form under no-referrer: Origin is `null`, Sec-Fetch-Site says same-origin.
    const own = await fetch(`${url}/login`, { method: 'POST', headers: { 'sec-fetch-site': 'same-origin', origin: 'null' }, body: new URLSearchParams({ token: TOKEN }), redirect: 'manual' });
    expect(own.status).toBe(303);
    for (let i = 0; i < LOGIN_ATTEMPTS_PER_MINUTE; i++) {
      expect((await fetch(`${url}/login`, { method: 'POST', body: new URLSearchParams({ token: `guess-${i}` }) })).status).toBe(401);
    }
    const limited = await fetch(`${url}/login`, { method: 'POST', body: new URLSearchParams({ token: TOKEN }), redirect: 'manual' });
    expect(limited.status).toBe(429);
  });

  it('never sends a browser to another site after signing in', async () => {
    const { url } = await start({ token: TOKEN });
    for (const next of ['//evil.example/', 'https://evil.example/', '/\\evil.example']) {
      const response = await fetch(`${url}/login`, { method: 'POST', body: new URLSearchParams({ token: TOKEN, next }), redirect: 'manual' });
      expect(response.headers.get('location')).toBe('/');
    }
  });
});

describe('silences', () => {
  it('POST /api/silence?for=10m quiets alerts (shown on the page), DELETE ends it; bad durations are 400', async () => {
    const { url, alerting } = await start();
    const silenced = await fetch(`${url}/api/silence?for=10m&reason=db%20migration`, { method: 'POST' });
    expect(silenced.status).toBe(200);
    expect(await silenced.json()).toEqual({ silenced: true, startsAt: '2026-11-22T09:15:00.000Z', endsAt: '2026-11-22T09:25:00.000Z' });
    expect(alerting.quiet()).toMatchObject([{ reason: 'silence', what: 'db migration (API)' }]);
    expect(await (await fetch(`${url}/`)).text()).toMatch(/<strong>Alerts are quiet:<\/strong> silenced \(db migration \(API\)\) until <time datetime="2026-11-22T09:25:00.000Z">/);
    for (const bad of ['', 'soon', '0s', '2d']) {
      const response = await fetch(`${url}/api/silence?for=${bad}`, { method: 'POST' });
      expect(response.status).toBe(400);
    }
    expect(await (await fetch(`${url}/api/silence`, { method: 'DELETE' })).json()).toEqual({ silenced: false, ended: true });
    expect(alerting.quiet()).toEqual([]);
  });
});
