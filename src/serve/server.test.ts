/**
 * The HTTP layer over a real RunService and a real server on 127.0.0.1:0; only `execute`
 * (the journey runner, covered by test/serve.test.ts end to end) is replaced by a table of
 * outcomes, so routing, auth, bodies and the Flagger verdict can be checked exactly.
 */
import { journeyResult as journeyFixture } from '../result/results.fixtures.js';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { JourneyResult, Outcome, RunResult } from '../result/types.js';
import { createMetrics } from '../metrics/metrics.js';
import { createSemaphore } from '../schedule/semaphore.js';
import { createFlaggerHook } from './flagger.js';
import { createRunService } from './runs.js';
import type { ExecuteRequest } from './runs.js';
import { createServeServer } from './server.js';
import type { JourneyInfo, ServeServer, ServeState } from './server.js';

const CATALOG: JourneyInfo[] = [
  { name: 'healthy', file: 'j/healthy.yaml', tags: ['canary'], schedule: '*/5 * * * *' },
  { name: 'broken', file: 'j/broken.yaml', tags: ['api'] },
];
const OUTCOMES: Record<string, Outcome> = { healthy: 'passed', broken: 'failed' };

function journeyResult(name: string): JourneyResult {
  const outcome = OUTCOMES[name] ?? 'error';
  return journeyFixture(outcome, {
    name,
    file: `j/${name}.yaml`,
    durationMs: 10,
    startedAt: '2026-01-01T00:00:00.000Z',
    ...(outcome === 'failed' ? { stage: 'entry', layer: 'route', hint: '404 on GET /x: the route is missing', message: 'status (404) == 200' } : {}),
  });
}

function runOf(request: ExecuteRequest, journeys: JourneyResult[]): RunResult {
  const failed = journeys.some((j) => j.outcome === 'failed');
  return {
    schemaVersion: 1,
    runId: request.id,
    status: 'complete',
    trigger: request.trigger,
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 10,
    outcome: failed ? 'failed' : 'passed',
    exitCode: failed ? 1 : 0,
    counts: { passed: 0, degraded: 0, flaky: 0, failed: 0, error: 0, skipped: 0 },
    journeys,
  };
}

interface Harness {
  url: string;
  executed: ExecuteRequest[];
  setState(state: ServeState): void;
  release(): void;
}

let open: ServeServer | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

async function start(options: { token?: string; hold?: boolean } = {}): Promise<Harness> {
  const executed: ExecuteRequest[] = [];
  let gate: (() => void) | undefined;
  let held = options.hold ? new Promise<void>((resolve) => (gate = resolve)) : Promise.resolve();
  let state: ServeState = 'ready';
  let n = 0;
  const registry = new Registry();
  const metrics = createMetrics(registry);
  metrics.initJourneys(['healthy', 'broken'], '');
  const service = createRunService({
    semaphore: createSemaphore(4),
    makeId: () => `run-${++n}`,
    async execute(request) {
      executed.push(request);
      await held;
      const journeys = request.journeys.map(journeyResult);
      for (const journey of journeys) {
        metrics.recordJourney(journey, '');
        request.onJourneyEnd(journey, runOf(request, journeys));
      }
      return runOf(request, journeys);
    },
  });
  const server = createServeServer({
    registry,
    token: options.token,
    service,
    flagger: createFlaggerHook({ service, catalog: () => CATALOG }),
    catalog: () => CATALOG,
    nextRuns: () => new Map([['healthy', new Date('2030-01-01T00:05:00Z')]]),
    busy: () => [],
    state: () => state,
  });
  open = server;
  const { url } = await server.listen('127.0.0.1', 0);
  return {
    url,
    executed,
    setState: (next) => (state = next),
    release: () => {
      gate?.();
      held = Promise.resolve();
    },
  };
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

async function poll<T>(get: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await get();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('not done in time');
}

describe('serve HTTP endpoints', () => {
  it('serves /metrics with the Prometheus content type, and /healthz', async () => {
    const { url } = await start();
    const metrics = await fetch(`${url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await metrics.text()).toContain('pathproof_journey_runs_total{journey="healthy",env="",outcome="passed"} 0');
    const health = await fetch(`${url}/healthz`);
    expect([health.status, await health.text()]).toEqual([200, 'ok\n']);
  });

  it('/readyz follows the state', async () => {
    const harness = await start();
    expect((await fetch(`${harness.url}/readyz`)).status).toBe(200);
    harness.setState('draining');
    const draining = await fetch(`${harness.url}/readyz`);
    expect([draining.status, await draining.text()]).toEqual([503, 'draining: shutting down\n']);
    harness.setState('starting');
    expect((await fetch(`${harness.url}/readyz`)).status).toBe(503);
  });

  it('POST /api/runs → 202 { id }, then GET /api/runs/:id has the run', async () => {
    const { url } = await start();
    const accepted = await post(`${url}/api/runs`, { journeys: ['broken'] });
    expect(accepted.status).toBe(202);
    const body = (await accepted.json()) as { id: string; journeys: string[] };
    expect(body.journeys).toEqual(['broken']);
    expect(accepted.headers.get('location')).toBe(`/api/runs/${body.id}`);
    const record = await poll(
      async () => (await (await fetch(`${url}/api/runs/${body.id}`)).json()) as { status: string; run?: RunResult },
      (r) => r.status === 'complete',
    );
    expect(record.run?.journeys.map((j) => [j.name, j.outcome, j.outcome === 'failed' ? j.layer : undefined])).toEqual([['broken', 'failed', 'route']]);
    expect(record.run?.trigger.source).toBe('api');
  });

  it('an empty body runs every journey; tags select', async () => {
    const harness = await start();
    await post(`${harness.url}/api/runs`, '');
    await post(`${harness.url}/api/runs`, { tags: ['canary'] });
    await poll(async () => harness.executed.length, (n) => n === 2);
    expect(harness.executed.map((r) => r.journeys)).toEqual([['healthy', 'broken'], ['healthy']]);
  });

  it.each<[string, string, RegExp]>([
    ['bad JSON', '{"journeys": [', /^request body is not valid JSON: /],
    ['unknown field', '{"journey": ["healthy"]}', /^invalid run request: .*journey.*expected \{ "journeys"/],
    ['unknown journey', '{"journeys": ["helthy"]}', /^unknown journey "helthy" \(did you mean "healthy"\?\)$/],
    ['wrong type', '{"tags": "canary"}', /^invalid run request: tags: /],
  ])('POST /api/runs with %s → 400 with a clear message', async (_name, body, message) => {
    const { url } = await start();
    const response = await post(`${url}/api/runs`, body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(message);
  });

  it('bounds the body size', async () => {
    const { url } = await start();
    const response = await post(`${url}/api/runs`, JSON.stringify({ journeys: ['x'.repeat(100_000)] }));
    expect(response.status).toBe(413);
  });

  it('GET /api/journeys lists journeys with their latest result', async () => {
    const { url } = await start();
    const { id } = (await (await post(`${url}/api/runs`, {})).json()) as { id: string };
    await poll(async () => (await (await fetch(`${url}/api/runs/${id}`)).json()) as { status: string }, (r) => r.status === 'complete');
    const listed = (await (await fetch(`${url}/api/journeys`)).json()) as { journeys: Record<string, unknown>[] };
    expect(listed.journeys).toEqual([
      expect.objectContaining({ name: 'healthy', schedule: '*/5 * * * *', nextRunAt: '2030-01-01T00:05:00.000Z', running: false, last: expect.objectContaining({ runId: id, outcome: 'passed', source: 'api' }) }),
      expect.objectContaining({ name: 'broken', last: expect.objectContaining({ outcome: 'failed', layer: 'route', stage: 'entry' }) }),
    ]);
  });

  it('unknown endpoints → 404, wrong methods → 405 with Allow, unknown runs → 404', async () => {
    const { url } = await start();
    expect((await fetch(`${url}/nope`)).status).toBe(404);
    const wrong = await fetch(`${url}/api/runs`);
    expect([wrong.status, wrong.headers.get('allow')]).toEqual([405, 'POST']);
    expect((await fetch(`${url}/api/runs/does-not-exist`)).status).toBe(404);
  });

  it('with a token: /api, /readyz and the hook need it; /metrics and /healthz do not', async () => {
    const { url } = await start({ token: 't0ken' });
    expect((await fetch(`${url}/metrics`)).status).toBe(200);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const denied = await fetch(`${url}/api/journeys`);
    expect([denied.status, denied.headers.get('www-authenticate')]).toEqual([401, 'Bearer']);
    expect((await fetch(`${url}/api/journeys`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await fetch(`${url}/api/journeys`, { headers: { authorization: 'Bearer t0ken' } })).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(401);
    expect((await post(`${url}/api/runs`, {})).status).toBe(401);
    const hook = { name: 'app', namespace: 'prod', phase: 'Progressing', checksum: 'c1', metadata: { journeys: 'healthy' } };
    expect((await post(`${url}/hooks/flagger`, hook)).status).toBe(401);
    expect((await post(`${url}/hooks/flagger`, hook, { authorization: 'Bearer t0ken' })).status).toBe(200);
    // Flagger cannot send headers: metadata.token works too, and is not taken for a journey selector.
    const viaMetadata = await post(`${url}/hooks/flagger`, { ...hook, checksum: 'c2', metadata: { journeys: 'healthy', token: 't0ken' } });
    expect(viaMetadata.status).toBe(200);
  });
});

describe('POST /hooks/flagger', () => {
  const payload = (metadata: Record<string, string>, checksum = 'abc123') => ({ name: 'podinfo', namespace: 'test', phase: 'Progressing', checksum, metadata });

  it('answers 200 when the selected journeys pass and 500 when one fails, with a short text', async () => {
    const { url } = await start();
    const ok = await post(`${url}/hooks/flagger`, payload({ journeys: 'healthy' }));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/^pathproof: 1 journey passed; run run-\d+\n$/);
    const bad = await post(`${url}/hooks/flagger`, payload({ tags: 'canary,api' }, 'other'));
    expect(bad.status).toBe(500);
    const text = await bad.text();
    expect(text).toMatch(/^pathproof: 1 of 2 journeys did not pass: broken failed at entry \(layer route\); run run-\d+\n$/);
    // Hints and messages (which may hold URLs) never reach Kubernetes events.
    expect(text).not.toMatch(/404|GET \/x/);
  });

  it('reuses the in-flight run for a duplicate delivery (same checksum and phase)', async () => {
    const harness = await start({ hold: true });
    const first = post(`${harness.url}/hooks/flagger`, payload({ journeys: 'healthy' }));
    const second = post(`${harness.url}/hooks/flagger`, payload({ journeys: 'healthy' }));
    await poll(async () => harness.executed.length, (n) => n >= 1);
    harness.release();
    const [a, b] = await Promise.all([first, second]);
    const [textA, textB] = await Promise.all([a.text(), b.text()]);
    expect(textA).toBe(textB);
    // And the finished one for a later retry; another phase runs again.
    const again = await post(`${harness.url}/hooks/flagger`, payload({ journeys: 'healthy' }));
    expect(await again.text()).toBe(textA);
    expect(harness.executed).toHaveLength(1);
    await post(`${harness.url}/hooks/flagger`, { ...payload({ journeys: 'healthy' }), phase: 'Promoting' });
    expect(harness.executed).toHaveLength(2);
  });

  it.each<[string, unknown, number, RegExp]>([
    ['bad JSON', '{', 400, /^pathproof: request body is not valid JSON/],
    ['missing name', { namespace: 'x' }, 400, /^pathproof: not a Flagger webhook payload: name: /],
    ['unknown journey', payload({ journeys: 'nope' }), 400, /^pathproof: unknown journey "nope"/],
  ])('%s → %d', async (_name, body, status, text) => {
    const { url } = await start();
    const response = await post(`${url}/hooks/flagger`, body);
    expect(response.status).toBe(status);
    expect(await response.text()).toMatch(text);
  });
});
