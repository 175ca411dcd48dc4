/**
 * Issue #17, part 2, end to end: the built CLI against real servers on 127.0.0.1 — an HTTPS
 * app with a one-day self-signed certificate (trusted through NODE_EXTRA_CA_CERTS, as an
 * operator trusts a private CA), one with an expired certificate, and a plain HTTP app.
 *
 * What must hold: slow is not broken (degraded, exit 0, in every report) while maxMs still
 * fails; a certificate about to expire degrades the run with a hint, an expired one is
 * `endpoint`; every first-party request carries the attempt's traceparent, and run.json and
 * the console lead from a failure to its trace; serve shows degraded on the status page and
 * in metrics, and a confirmed break's webhook links the backend trace.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JourneyResult, RunResult } from '../src/result/types.js';
import { traceIdOf } from '../src/steps/trace.js';
import { findAll, parseXml } from '../src/report/xml-reader.fixtures.js';
import { runCli, startServer, tempDir } from './helpers.js';
import type { TestServer } from './helpers.js';
import { eventually, sample, startServe } from './fixtures/serve/process.js';
import type { ServeProcess } from './fixtures/serve/process.js';

const dir = tempDir('pathproof-degraded-');

/** openssl, as an operator would: a certificate for 127.0.0.1 valid `days` (negative: already expired). */
function certificate(name: string, days: number): { key: Buffer; cert: Buffer; path: string } {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.pem`);
  const csr = join(dir, `${name}.csr`);
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=critical,CA:TRUE\n');
  execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${name}.test`], { stdio: 'ignore', timeout: 10_000 });
  execFileSync('openssl', ['x509', '-req', '-in', csr, '-signkey', key, '-days', String(days), '-extfile', ext, '-out', cert], { stdio: 'ignore', timeout: 10_000 });
  return { key: readFileSync(key), cert: readFileSync(cert), path: cert };
}

interface Seen {
  readonly path: string;
  readonly traceparent: string | undefined;
}

let valid: ReturnType<typeof certificate>;
let expired: ReturnType<typeof certificate>;
let caFile: string;
let shop: Server;
let shopUrl = '';
let stale: Server;
let staleUrl = '';
let plain: TestServer;
const shopSeen: Seen[] = [];

function header(request: IncomingMessage): string | undefined {
  const value = request.headers.traceparent;
  return Array.isArray(value) ? value[0] : value;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function shopRoutes(request: IncomingMessage, response: ServerResponse): void {
  shopSeen.push({ path: request.url ?? '', traceparent: header(request) });
  const json = (status: number, body: string): void => void response.writeHead(status, { 'content-type': 'application/json' }).end(body);
  if (request.url === '/api/slow') return void setTimeout(() => json(200, '{"orders":[]}'), 300);
  if (request.url === '/api/orders') return json(200, '{"orders":[]}');
  if (request.url === '/api/boom') return json(500, '{"error":"boom"}');
  if (request.url === '/page') {
    response.writeHead(200, { 'content-type': 'text/html' });
    return void response.end('<!doctype html><title>shop</title><p id="out">loading</p><script>fetch("/api/orders").then(r => r.json()).then(() => { document.getElementById("out").textContent = "orders loaded"; });</script>');
  }
  json(404, '{"error":"not found"}');
}

beforeAll(async () => {
  valid = certificate('shop', 1);
  expired = certificate('stale', -1);
  caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, Buffer.concat([valid.cert, expired.cert]));
  shop = createHttpsServer({ key: valid.key, cert: valid.cert }, shopRoutes);
  shopUrl = await listen(shop);
  stale = createHttpsServer({ key: expired.key, cert: expired.cert }, (_request, response) => void response.end('ok'));
  staleUrl = await listen(stale);
  plain = await startServer((request, response) => {
    if (request.url === '/api/slow') return void setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'), 300);
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
}, 30_000);

afterAll(async () => {
  for (const server of [shop, stale]) {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
  await plain?.close();
});

/** A project directory with these journeys and this pathproof.yaml. */
function project(name: string, journeys: Record<string, string>, config = ''): string {
  const cwd = join(dir, name);
  mkdirSync(join(cwd, 'journeys'), { recursive: true });
  for (const [file, text] of Object.entries(journeys)) writeFileSync(join(cwd, 'journeys', `${file}.yaml`), text);
  if (config) writeFileSync(join(cwd, 'pathproof.yaml'), config);
  return cwd;
}

function runJson(cwd: string): RunResult {
  const reports = join(cwd, 'out');
  return JSON.parse(readFileSync(join(reports, 'run.json'), 'utf8')) as RunResult;
}

const journeyOf = (run: RunResult, name: string): JourneyResult => {
  const found = run.journeys.find((j) => j.name === name);
  if (!found) throw new Error(`no journey ${name} in run.json`);
  return found;
};

describe('pathproof run: degraded, TLS expiry, traces', () => {
  it('a slow pass and an expiring certificate are degraded (exit 0, shown in every report); the trace the app received is the one linked', { timeout: 120_000 }, async () => {
    const cwd = project(
      'run',
      {
        slow: `name: slow-orders\ntarget: ${shopUrl}\nentry:\n  - request: GET /api/slow\n    expect: { status: 200, warnMs: 100, maxMs: 30000 }\n`,
        expiring: `name: expiring\ntarget: ${shopUrl}\nentry:\n  - request: GET /api/orders\n`,
        plain: `name: plain-slow\ntarget: ${plain.url}\nwarnAfter: 100ms\nentry:\n  - request: GET /api/slow\n`,
      },
      'tlsWarnWithin: 14d\ntraceUrl: ${TEMPO}/trace/{traceId}\n',
    );
    shopSeen.splice(0);
    const result = await runCli(['run', '--out', 'out', '--reporter', 'console,junit=out/junit.xml'], { cwd, env: { NODE_EXTRA_CA_CERTS: caFile, TEMPO: 'https://tempo.example' }, timeoutMs: 90_000 });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const run = runJson(cwd);
    expect(run).toMatchObject({ outcome: 'degraded', exitCode: 0, counts: { passed: 0, degraded: 3, failed: 0 } });

    const slow = journeyOf(run, 'slow-orders');
    expect(slow.outcome).toBe('degraded');
    if (slow.outcome !== 'degraded') return;
    expect(slow.degradations.map((d) => d.kind)).toEqual(['slow-step', 'tls-expiry']);
    expect(slow.degradations[0]).toMatchObject({ step: 'GET /api/slow', budget: 'warnMs', budgetMs: 100 });
    expect(slow.degradations[0]?.kind === 'slow-step' && slow.degradations[0].tookMs).toBeGreaterThanOrEqual(300);
    expect(slow.degradations[1]).toMatchObject({ origin: shopUrl });
    expect(slow.degradations[1]?.hint).toContain(`renew the certificate of ${shopUrl} (CN shop.test, issued by shop.test)`);
    expect(slow.runtime?.certificates).toEqual([expect.objectContaining({ origin: shopUrl, subject: 'shop.test' })]);

    // The journey warnAfter on plain http: no certificate, one reason.
    const plainSlow = journeyOf(run, 'plain-slow');
    expect(plainSlow.outcome === 'degraded' && plainSlow.degradations.map((d) => d.kind)).toEqual(['slow-journey']);
    expect(plainSlow.runtime?.certificates).toBeUndefined();

    // The traceparent the app received is the one run.json links.
    const attempt = slow.attempts[0];
    const sent = shopSeen.find((s) => s.path === '/api/slow')?.traceparent;
    expect(traceIdOf(sent)).toBe(attempt?.trace?.id);
    expect(attempt?.trace?.url).toBe(`https://tempo.example/trace/${attempt?.trace?.id}`);
    expect(attempt?.steps[0]?.traceId).toBe(attempt?.trace?.id);

    expect(result.stdout).toMatch(/≈ slow-orders +degraded +\S+ +worked, but slowly; a certificate expires soon/);
    expect(result.stdout).toContain('    slow    GET /api/slow took');
    expect(result.stdout).toContain(`    tls     the TLS certificate of ${shopUrl} expires in`);
    expect(result.stdout).toContain(`    trace   https://tempo.example/trace/${attempt?.trace?.id}`);
    expect(result.stdout).toMatch(/0 passed, 3 degraded, 0 flaky, 0 failed/);

    const testcase = findAll(parseXml(readFileSync(join(cwd, 'out', 'junit.xml'), 'utf8')), 'testcase').find((c) => c.attributes.name === 'slow-orders');
    expect(findAll(testcase!, 'property').map((p) => p.attributes.value)).toContain('degraded');
    expect(readFileSync(join(cwd, 'out', 'summary.md'), 'utf8')).toContain('| 🟠 | `slow-orders` | degraded |');
    expect(JSON.parse(readFileSync(join(cwd, 'out', 'ctrf.json'), 'utf8'))).toMatchObject({ results: { summary: { passed: 3, failed: 0 } } });
    expect(readFileSync(join(cwd, 'out', 'index.html'), 'utf8')).toContain('data-testid="degraded"');
  });

  it('maxMs still fails, and the failure leads to its trace; an expired certificate is endpoint', { timeout: 120_000 }, async () => {
    const cwd = project('broken', {
      toslow: `name: too-slow\ntarget: ${shopUrl}\nentry:\n  - request: GET /api/slow\n    expect: { warnMs: 50, maxMs: 100 }\n`,
      boom: `name: boom\ntarget: ${shopUrl}\nentry:\n  - request: GET /api/boom\n`,
      stale: `name: stale-cert\ntarget: ${staleUrl}\nentry:\n  - request: GET /\n`,
    }, 'tlsWarnWithin: 14d\ntraceUrl: https://tempo.example/trace/{traceId}\n');
    shopSeen.splice(0);
    const result = await runCli(['run', '--out', 'out'], { cwd, env: { NODE_EXTRA_CA_CERTS: caFile }, timeoutMs: 90_000 });
    expect(result.code, result.stdout + result.stderr).toBe(1);
    const run = runJson(cwd);
    expect(journeyOf(run, 'too-slow')).toMatchObject({ outcome: 'failed', layer: 'app' });
    expect(journeyOf(run, 'stale-cert')).toMatchObject({ outcome: 'failed', layer: 'endpoint', failure: { code: 'CERT_HAS_EXPIRED' } });

    const boom = journeyOf(run, 'boom');
    expect(boom).toMatchObject({ outcome: 'failed', layer: 'app' });
    const id = boom.attempts[0]?.trace?.id;
    expect(traceIdOf(shopSeen.find((s) => s.path === '/api/boom')?.traceparent)).toBe(id);
    expect(result.stdout).toContain(`    trace   https://tempo.example/trace/${id}`);
  });

  it('traceparent: false sends none; a browser journey sends it on first-party requests and records the document certificate', { timeout: 120_000 }, async () => {
    const cwd = project('browser', {
      quiet: `name: quiet\ntarget: ${shopUrl}\ntraceparent: false\nentry:\n  - request: GET /api/orders\n`,
      page: `name: page\ntarget: ${shopUrl}\ninsecure: true\nentry:\n  - goto: /page\n  - see: orders loaded\n`,
    });
    shopSeen.splice(0);
    const result = await runCli(['run', '--out', 'out', '--concurrency', '1'], { cwd, env: { NODE_EXTRA_CA_CERTS: caFile }, timeoutMs: 90_000 });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const run = runJson(cwd);
    expect(journeyOf(run, 'quiet').attempts[0]?.trace).toBeUndefined();

    const page = journeyOf(run, 'page');
    const id = page.attempts[0]?.trace?.id;
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    const browserSeen = shopSeen.filter((s) => s.path === '/page' || (s.path === '/api/orders' && s.traceparent !== undefined));
    expect(browserSeen.map((s) => s.path).sort()).toEqual(['/api/orders', '/page']);
    for (const seen of browserSeen) expect(traceIdOf(seen.traceparent)).toBe(id);
    // The HTTP journey with traceparent: false sent none.
    expect(shopSeen.filter((s) => s.path === '/api/orders' && s.traceparent === undefined)).toHaveLength(1);
    expect(page.attempts[0]?.steps[0]?.traceId).toBe(id);
    expect(page.runtime?.certificates).toEqual([expect.objectContaining({ origin: shopUrl, subject: 'shop.test' })]);
  });

  it('a traceUrl that does not resolve is exit 2, naming the file and the field', async () => {
    const cwd = project('bad-trace-url', { ok: `name: ok\ntarget: ${plain.url}\nentry:\n  - request: GET /\n` }, 'traceUrl: ${TEMPO}/trace/{traceId}\n');
    const result = await runCli(['run'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('pathproof.yaml: traceUrl: environment variable TEMPO is not set');
  });
});

describe('pathproof serve: degraded on the status page and in metrics; the alert links the trace', () => {
  let serve: ServeProcess | undefined;
  let hook: TestServer | undefined;
  const deliveries: Record<string, unknown>[] = [];
  afterAll(async () => {
    serve?.kill();
    await hook?.close();
  });

  it('shows why a journey is degraded and exports it; a confirmed break’s webhook carries the trace link', { timeout: 120_000 }, async () => {
    hook = await startServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        deliveries.push(JSON.parse(body) as Record<string, unknown>);
        response.writeHead(204).end();
      });
    });
    const cwd = project(
      'serve',
      {
        slow: `name: slow-orders\ntarget: ${shopUrl}\nschedule: "*/2 * * * * *"\nentry:\n  - request: GET /api/slow\n    expect: { warnMs: 100 }\n`,
        boom: `name: boom\ntarget: ${shopUrl}\nschedule: "*/2 * * * * *"\nentry:\n  - request: GET /api/boom\n`,
      },
      ['tlsWarnWithin: 14d', 'traceUrl: https://tempo.example/trace/{traceId}', 'alerts:', '  confirm: 2', '  webhooks:', `    - url: ${hook.url}/pathproof`, ''].join('\n'),
    );
    serve = await startServe([join(cwd, 'journeys'), '--report-dir', join(cwd, 'reports'), '--config', join(cwd, 'pathproof.yaml')], { NODE_EXTRA_CA_CERTS: caFile });
    const { url } = serve;

    const status = await eventually(async () => {
      const model = (await (await fetch(`${url}/api/status`)).json()) as { journeys: { name: string; state: string; degradation?: { hint: string; reasons: string[]; trace?: { url?: string } } }[] };
      const slow = model.journeys.find((j) => j.name === 'slow-orders');
      return slow?.state === 'degraded' ? slow : undefined;
    }, 'slow-orders degraded on the status page', 60_000);
    expect(status.degradation?.reasons[0]).toMatch(/^GET \/api\/slow took \d+ms \(expect.warnMs 100ms\)$/);
    expect(status.degradation?.trace?.url).toMatch(/^https:\/\/tempo\.example\/trace\/[0-9a-f]{32}$/);
    const page = await (await fetch(`${url}/`)).text();
    expect(page).toContain('data-testid="degradation"');
    expect(page).toContain(`<dt>certificate</dt><dd data-testid="certificate">${shopUrl} expires`);

    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(sample(metrics, 'pathproof_journey_runs_total{journey="slow-orders",env="",outcome="degraded"}')).toBeGreaterThanOrEqual(1);
    expect(sample(metrics, 'pathproof_journey_up{journey="slow-orders",env=""}')).toBe(1);
    expect(sample(metrics, 'pathproof_journey_state{journey="slow-orders",env="",state="degraded"}')).toBe(1);
    const expiry = sample(metrics, 'pathproof_tls_cert_expiry_timestamp_seconds{journey="slow-orders",env=""}');
    expect(expiry).toBeGreaterThan(Date.now() / 1000);
    expect(expiry).toBeLessThan(Date.now() / 1000 + 2 * 86_400);

    const broke = await eventually(async () => deliveries.find((d) => d.event === 'broke' && d.journey === 'boom'), 'the broke webhook of boom', 60_000);
    const links = broke.links as { trace?: string };
    expect(links.trace).toBe(`https://tempo.example/trace/${String(broke.traceId)}`);
    expect(String(broke.traceId)).toMatch(/^[0-9a-f]{32}$/);
    // The degraded journey never pages.
    expect(deliveries.filter((d) => d.journey === 'slow-orders')).toEqual([]);
  });
});
