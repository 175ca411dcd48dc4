import { journeyResult } from '../result/results.fixtures.js';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunResult } from '../result/types.js';
import { PushError, pushRunMetrics, pushTarget } from './push.js';

interface Received {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server | undefined;
afterEach(async () => {
  const s = server;
  server = undefined;
  if (s) await new Promise<void>((resolve) => { s.closeAllConnections(); s.close(() => resolve()); });
});

/** A stand-in Pushgateway: records each request and answers `status`. */
async function receiver(status = 200, reply = ''): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, headers: req.headers, body });
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(reply);
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

const RUN: RunResult = {
  schemaVersion: 1,
  runId: '2026-11-22T09-15-02Z-7f3a',
  status: 'complete',
  trigger: { env: 'staging' },
  startedAt: '2026-11-22T09:15:02.000Z',
  durationMs: 900,
  outcome: 'failed',
  counts: { passed: 1, degraded: 0, flaky: 0, failed: 1, error: 0, skipped: 0 },
  journeys: [
    { name: 'home-page', file: 'journeys/home-page.yaml', tags: [], outcome: 'passed', startedAt: '2026-11-22T09:15:02.000Z', durationMs: 300, attempts: [] },
    journeyResult('failed', { name: 'refund-api', file: 'journeys/refund-api.yaml', layer: 'authz', stage: 'action', startedAt: '2026-11-22T09:15:02.000Z', durationMs: 600 }),
  ],
};

describe('pushRunMetrics', () => {
  it('PUTs each journey to its own group job=pathproof/env=<env>/journey=<name>, never a run id', async () => {
    const gateway = await receiver();
    expect(await pushRunMetrics({ url: gateway.url, run: RUN, env: 'staging' })).toBe(2);
    const puts = [...gateway.received].sort((a, b) => String(a.url).localeCompare(String(b.url)));
    expect(puts.map((p) => [p.method, p.url])).toEqual([
      ['PUT', '/metrics/job/pathproof/env/staging/journey/home-page'],
      ['PUT', '/metrics/job/pathproof/env/staging/journey/refund-api'],
    ]);
    const [home, refund] = puts;
    expect(home?.headers['content-type']).toMatch(/^text\/plain/);
    expect(home?.body).toContain('pathproof_journey_up{journey="home-page",env="staging"} 1');
    // Each group holds its own journey only: a PUT must never replace another journey's series.
    expect(home?.body).not.toContain('refund-api');
    expect(refund?.body).toContain('pathproof_journey_up{journey="refund-api",env="staging"} 0');
    expect(refund?.body).toContain('pathproof_journey_failures_total{journey="refund-api",env="staging",layer="authz"} 1');
    expect(refund?.body).not.toContain('home-page');
    for (const put of puts) {
      expect(put.url).not.toContain(RUN.runId);
      expect(put.body).not.toContain(RUN.runId);
      // A dedicated registry: no process metrics of a process about to exit.
      expect(put.body).not.toMatch(/^process_|^nodejs_/m);
    }
  });

  it('omits env from the grouping key when none is named, and never pushes a skipped journey', async () => {
    const gateway = await receiver();
    const skipped = { name: 'never-ran', file: 'journeys/never-ran.yaml', tags: [], outcome: 'skipped', reason: 'interrupted', startedAt: RUN.startedAt, durationMs: 0, attempts: [] } as const;
    await pushRunMetrics({ url: `${gateway.url}/`, run: { ...RUN, journeys: [RUN.journeys[0]!, skipped] } });
    expect(gateway.received.map((r) => r.url)).toEqual(['/metrics/job/pathproof/journey/home-page']);
    expect(gateway.received[0]?.body).toContain('pathproof_journey_up{journey="home-page",env=""} 1');
  });

  it('moves URL credentials into an Authorization header and keeps a path prefix', async () => {
    const gateway = await receiver();
    const withCredentials = gateway.url.replace('http://', 'http://ci:p%40ss@');
    await pushRunMetrics({ url: `${withCredentials}/gw`, run: RUN, env: 'prod' });
    expect(gateway.received.map((r) => r.url).sort()).toEqual(['/gw/metrics/job/pathproof/env/prod/journey/home-page', '/gw/metrics/job/pathproof/env/prod/journey/refund-api']);
    expect(gateway.received[0]?.headers.authorization).toBe(`Basic ${Buffer.from('ci:p@ss').toString('base64')}`);
  });

  it('rejects with PUSH_REJECTED and the gateway reason, without the credentials', async () => {
    const gateway = await receiver(400, 'pushed metrics are invalid or inconsistent with existing metrics\n');
    const url = gateway.url.replace('http://', 'http://ci:hunter2@');
    const error = await pushRunMetrics({ url, run: RUN }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PushError);
    expect((error as PushError).code).toBe('PUSH_REJECTED');
    expect((error as PushError).message).toMatch(/answered 400: pushed metrics are invalid.* \(no journey was pushed\)$/);
    expect((error as PushError).message).not.toContain('hunter2');
  });

  it('rejects with PUSH_UNREACHABLE when nothing listens', async () => {
    const gateway = await receiver();
    const url = gateway.url;
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    server = undefined;
    const error = await pushRunMetrics({ url, run: RUN, fetchTimeoutMs: 5_000 }).catch((e: unknown) => e);
    expect((error as PushError).code).toBe('PUSH_UNREACHABLE');
    expect((error as PushError).message).toMatch(/ECONNREFUSED/);
  });
});

describe('pushTarget', () => {
  it.each([
    ['http://gw:9091', undefined, 'http://gw:9091/metrics/job/pathproof'],
    ['http://gw:9091/', 'prod', 'http://gw:9091/metrics/job/pathproof/env/prod'],
    ['https://gw.example/prefix/?x=1', 'eu/west', 'https://gw.example/prefix/metrics/job/pathproof/env@base64/ZXUvd2VzdA'],
  ])('%s env=%s → %s', (base, env, expected) => {
    expect(pushTarget(base, env).url).toBe(expected);
  });

  it.each([
    ['http://gw:9091', 'prod', 'refund-api', 'http://gw:9091/metrics/job/pathproof/env/prod/journey/refund-api'],
    ['http://gw:9091', undefined, 'home', 'http://gw:9091/metrics/job/pathproof/journey/home'],
  ])('%s env=%s journey=%s → %s', (base, env, journey, expected) => {
    expect(pushTarget(base, env, journey).url).toBe(expected);
  });

  it.each(['not a url', 'ftp://gw:21'])('rejects %s', (base) => {
    expect(() => pushTarget(base, undefined)).toThrow(PushError);
  });
});
