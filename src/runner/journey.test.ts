/**
 * The runner on its own: stub drivers, a fake clock, no network. What it owns — attempts and
 * retries, deadlines and hung steps, captures, interruption, failed versus error, the one
 * redaction boundary, notes and what one step teaches the next (baselines) — is tested here
 * in milliseconds; drivers and classification have their own tests.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Journey } from '../journey/schema.js';
import type { StepKind, StepOf } from '../journey/schema.js';
import type { LoadedJourney } from '../journey/load.js';
import { createRedactor } from '../journey/secrets.js';
import type { HttpObservation, JourneyResult, StepResult } from '../result/types.js';
import type { StepContext, StepOutcome } from '../steps/types.js';
import { STEP_REGISTRY } from '../steps/registry.js';
import { HANG_GRACE_MS, maskCookieValues, runJourney } from './journey.js';
import { testDeps, withRequest } from './journey.fixtures.js';

describe('maskCookieValues', () => {
  it.each([
    ['sid=abc123; Path=/; HttpOnly', 'sid=***; Path=/; HttpOnly'],
    ['a=1, b=2; Secure', 'a=***, b=***; Secure'],
    ['sid=x; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/', 'sid=***; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/'],
  ])('%s', (input, expected) => {
    expect(maskCookieValues(input)).toBe(expected);
  });
});


function loaded(raw: Record<string, unknown>, secrets: string[] = []): LoadedJourney {
  const journey = Journey.parse({ name: 'refunds', target: 'http://shop.test', ...raw });
  return { journey, file: 'journeys/refunds.yaml', secrets, warnings: [] };
}

function http(status: number, extra: Partial<HttpObservation> = {}): HttpObservation {
  return {
    kind: 'http',
    method: 'GET',
    url: 'http://shop.test/api/refunds',
    status,
    headers: {},
    body: '',
    bodyBytes: 0,
    bodyTruncated: false,
    timings: { totalMs: 1 },
    redirects: [],
    ...extra,
  };
}

type RequestRun = (step: StepOf<'request'>, ctx: StepContext) => Promise<StepOutcome>;

const deps = testDeps;

const passed = (observation = http(200)): StepOutcome => ({ status: 'passed', observation });
const failedStatus = (status: number, extra: Partial<HttpObservation> = {}): StepOutcome => ({
  status: 'failed',
  symptom: { kind: 'response', request: { method: 'GET', url: 'http://shop.test/api/refunds' } },
  observation: http(status, extra),
  assertions: [{ kind: 'status', expression: `status (${status}) in [2xx, 3xx]`, expected: '2xx or 3xx', actual: status, passed: false }],
});

function stepsOf(result: JourneyResult): readonly StepResult[] {
  return result.attempts.at(-1)?.steps ?? [];
}

describe('runJourney', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('passes, labelling steps from the registry with the values they used', async () => {
    const registry = withRequest(async (_step, ctx) => {
      ctx.vars.set('id', '1001');
      return passed();
    });
    const result = await runJourney(loaded({ entry: [{ request: 'GET /api/orders?token=x', capture: { id: '$.id' } }, { request: 'GET /api/orders/{{ id }}' }] }), deps(registry));
    expect(result.outcome).toBe('passed');
    expect(stepsOf(result).map((s) => [s.name, s.status])).toEqual([
      ['GET /api/orders', 'passed'],
      ['GET /api/orders/1001', 'passed'],
    ]);
  });

  it('keeps every attempt: a pass on retry is flaky, and shows the failure it retried away', async () => {
    let calls = 0;
    const registry = withRequest(async () => (++calls === 1 ? failedStatus(500, { body: '{"e":1}', headers: { 'content-type': 'application/json' } }) : passed()));
    const result = await runJourney(loaded({ retries: 2, entry: [{ request: 'GET /api/refunds' }] }), deps(registry));
    expect(result.outcome).toBe('flaky');
    if (result.outcome !== 'flaky') return;
    expect(result.attempts.map((a) => a.outcome)).toEqual(['failed', 'passed']);
    expect(result.retried.outcome === 'failed' && result.retried.failure.layer).toBe('app');
    expect(result).toMatchObject({ stage: 'entry', layer: 'app', hint: expect.stringContaining('500 on GET /api/refunds') as unknown });
  });

  it('a failed journey carries stage, layer, hint and failure; later steps are skipped with why', async () => {
    const registry = withRequest(async () => failedStatus(404));
    const result = await runJourney(loaded({ entry: [{ request: 'GET /a' }], action: [{ request: 'POST /b' }] }), deps(registry));
    expect(result.outcome).toBe('failed');
    if (result.outcome !== 'failed') return;
    expect(result).toMatchObject({ stage: 'entry', layer: 'route', failure: { layer: 'route', status: 404 } });
    expect(stepsOf(result)[1]).toMatchObject({ status: 'skipped', reason: 'stage entry failed', name: 'POST /b' });
  });

  it.each([
    ['a header value with a newline', 'UND_ERR_INVALID_ARG'],
    ['an invalid URL', 'ERR_INVALID_URL'],
  ])('pathproof-side transport codes are error, never the target: %s', async (_name, code) => {
    const registry = withRequest(async () => ({
      status: 'failed',
      symptom: { kind: 'transport', request: { method: 'GET', url: 'http://shop.test/a' }, code, message: 'invalid header value', phase: 'request' },
    }));
    const result = await runJourney(loaded({ entry: [{ request: 'GET /a' }] }), deps(registry));
    expect(result.outcome).toBe('error');
    if (result.outcome !== 'error') return;
    expect(result.error.code).toBe('REQUEST_NOT_SENDABLE');
    expect(result.error.message).toMatch(new RegExp(`pathproof could not send GET /a as written \\(${code}: invalid header value\\).*the target was not contacted`));
  });

  it('a step that outlives its deadline is STEP_HUNG (our fault), not a verdict', async () => {
    const registry = withRequest(() => new Promise<StepOutcome>(() => undefined));
    const running = runJourney(loaded({ entry: [{ request: 'GET /a', timeout: '1s' }] }), deps(registry));
    await vi.advanceTimersByTimeAsync(1_000 + HANG_GRACE_MS + 10);
    const result = await running;
    expect(result.outcome).toBe('error');
    expect(result.outcome === 'error' && result.error).toEqual({ code: 'STEP_HUNG', message: `the step did not settle ${HANG_GRACE_MS}ms after its deadline` });
  });

  it('a {{ capture }} nobody captured is CAPTURE_MISSING, and the driver never runs', async () => {
    const run = vi.fn<RequestRun>(async () => passed());
    const result = await runJourney(loaded({ entry: [{ request: 'GET /api/orders/{{ id }}' }] }), deps(withRequest(run)));
    expect(result.outcome === 'error' && result.error).toEqual({ code: 'CAPTURE_MISSING', message: 'no captured value for {{ id }}' });
    expect(run).not.toHaveBeenCalled();
  });

  it('an interrupted run skips the journey (reason interrupted) and starts no retry', async () => {
    const controller = new AbortController();
    const run = vi.fn<RequestRun>(async () => {
      controller.abort();
      return { status: 'error', error: { code: 'INTERRUPTED', message: 'the run was interrupted during this step' } };
    });
    const result = await runJourney(loaded({ retries: 3, entry: [{ request: 'GET /a' }] }), deps(withRequest(run), { signal: controller.signal }));
    expect(result).toMatchObject({ outcome: 'skipped', reason: 'interrupted' });
    expect(run).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['a browser step whose browser the hard stop closed', { status: 'error', error: { code: 'BROWSER_CRASHED', message: 'the browser closed or crashed' } }],
    ['a request the hard stop cut', { status: 'failed', failure: { layer: 'endpoint', hint: 'connection reset', message: 'socket hang up' } }],
  ] as const)('%s is interrupted, not an error or a failure of the target', async (_, cut) => {
    const controller = new AbortController();
    const run = vi.fn<RequestRun>(async () => {
      controller.abort();
      return cut as unknown as StepOutcome;
    });
    const result = await runJourney(loaded({ retries: 2, entry: [{ request: 'GET /a' }] }), deps(withRequest(run), { signal: controller.signal }));
    expect(result).toMatchObject({ outcome: 'skipped', reason: 'interrupted' });
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('a step that failed before the hard stop keeps its failure', async () => {
    const controller = new AbortController();
    const run = vi.fn<RequestRun>(async () => ({ status: 'error', error: { code: 'BROWSER_CRASHED', message: 'the browser closed or crashed' } }));
    const result = await runJourney(loaded({ entry: [{ request: 'GET /a' }] }), deps(withRequest(run), { signal: controller.signal }));
    controller.abort();
    expect(result).toMatchObject({ outcome: 'error', error: { code: 'BROWSER_CRASHED' } });
  });

  it('a driver that throws is a RUNNER_BUG error with the message, never a failure', async () => {
    const registry = withRequest(async () => {
      throw new TypeError('boom');
    });
    const result = await runJourney(loaded({ entry: [{ request: 'GET /a' }] }), deps(registry));
    expect(result.outcome === 'error' && result.error).toEqual({ code: 'RUNNER_BUG', message: 'internal error: boom' });
  });

  it('redacts what came from outside at one boundary, never keys, kinds or paths it made', async () => {
    // The secret is also a field name, a kind and a layer: none of those may change.
    const secrets = ['tok-SECRET-1', 'http', 'name'];
    const registry = withRequest(async (_step, ctx) => {
      ctx.vars.set('token', 'tok-SECRET-1');
      return {
        status: 'failed',
        symptom: { kind: 'response', request: { method: 'GET', url: 'http://shop.test/api?token=tok-SECRET-1' } },
        observation: http(403, { url: 'http://shop.test/api?token=tok-SECRET-1', headers: { 'x-echo': 'tok-SECRET-1' }, body: '{"name":"tok-SECRET-1"}' }),
        assertions: [{ kind: 'status', expression: 'status (403) == 200', expected: 200, actual: 403, passed: false }],
        evidence: [{ kind: 'screenshot', path: 'evidence/refunds/attempt-1/http-name.png', description: 'page tok-SECRET-1' }],
      };
    });
    const result = await runJourney(loaded({ entry: [{ request: 'GET /api?token=tok-SECRET-1' }] }, secrets), deps(registry, { redactor: createRedactor(secrets) }));
    const step = stepsOf(result)[0];
    expect(step?.status).toBe('failed');
    if (step?.status !== 'failed' || step.observation?.kind !== 'http') throw new Error('expected a failed HTTP step');
    expect(JSON.stringify(result)).not.toContain('tok-SECRET-1');
    expect(step.observation.kind).toBe('http');
    expect(step.observation.headers['x-echo']).toBe('***');
    expect(step.observation.body).toBe('{"***":"***"}');
    expect(step.evidence?.[0]).toEqual({ kind: 'screenshot', path: 'evidence/refunds/attempt-1/http-name.png', description: 'page ***' });
    expect(step.failure.layer).toBe('authz');
    expect(result.name).toBe('refunds');
    expect(Object.keys(step)).toContain('name');
  });

  it('the normal replies of an origin teach who generated a later error: a reply lacking the app’s headers is the proxy’s', async () => {
    let calls = 0;
    const registry = withRequest(async () =>
      ++calls === 1
        ? passed(http(200, { headers: { 'x-powered-by': 'Express', 'content-type': 'application/json' } }))
        : failedStatus(503, { headers: { 'content-type': 'text/html' }, body: '<html><body>Service Unavailable</body></html>' }),
    );
    const result = await runJourney(loaded({ entry: [{ request: 'GET /api/health' }, { request: 'GET /api/refunds' }] }), deps(registry));
    expect(result.outcome === 'failed' && result.failure).toMatchObject({
      layer: 'proxy',
      reason: expect.stringContaining('the reply lacks x-powered-by, which every one of the 1 normal reply of http://shop.test carried') as unknown,
    });
  });

  it('the same error reply carrying the app’s own headers stays the app’s', async () => {
    let calls = 0;
    const registry = withRequest(async () =>
      ++calls === 1
        ? passed(http(200, { headers: { 'x-powered-by': 'Express' } }))
        : failedStatus(503, { headers: { 'x-powered-by': 'Express', 'content-type': 'text/html' }, body: '<html><body>We are down for maintenance</body></html>' }),
    );
    const result = await runJourney(loaded({ entry: [{ request: 'GET /api/health' }, { request: 'GET /api/refunds' }] }), deps(registry));
    expect(result.outcome === 'failed' && result.failure.layer).toBe('app');
  });

  it('runtime facts are planned before the stages, labelled by name', async () => {
    const result = await runJourney(
      loaded({ runtime: { facts: [{ name: 'workflow-enabled', request: 'GET /api/plugins', json: '$.workflow.enabled', expect: 'true' }] }, entry: [{ request: 'GET /a' }] }),
      deps(withRequest(async () => passed()), { signal: AbortSignal.abort() }),
    );
    expect(result.attempts[0]?.steps.map((s) => [s.kind, s.name])).toEqual([
      ['runtime.fact', 'runtime.fact workflow-enabled'],
      ['request', 'GET /a'],
    ]);
  });
});

describe('runJourney: slow is not broken, TLS expiry, traces (issue #17)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.parse('2026-12-01T00:00:00.000Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a step that passed slower than expect.warnMs makes the journey degraded, with which step, how long and which budget', async () => {
    const registry = withRequest(async () => passed(http(200, { timings: { totalMs: 812, ttfbMs: 790 } })));
    const result = await runJourney(loaded({ entry: [{ request: 'GET /api/refunds', expect: { warnMs: 500 } }] }), deps(registry));
    expect(result.outcome).toBe('degraded');
    if (result.outcome !== 'degraded') return;
    expect(result.degradations).toEqual([
      expect.objectContaining({ kind: 'slow-step', phase: 'entry', index: 0, step: 'GET /api/refunds', tookMs: 812, budget: 'warnMs', budgetMs: 500 }),
    ]);
    expect(result.message).toBe('GET /api/refunds took 812ms (expect.warnMs 500ms)');
    expect(result.hint).toContain('waiting for the server to answer (ttfb 790ms)');
    const attempt = result.attempts[0];
    expect(attempt?.outcome === 'passed' && attempt.degradations).toHaveLength(1);
  });

  it('under its warnMs the same step is a plain pass; a failed step is never degraded', async () => {
    const quick = await runJourney(loaded({ entry: [{ request: 'GET /a', expect: { warnMs: 500 } }] }), deps(withRequest(async () => passed(http(200, { timings: { totalMs: 499 } })))));
    expect(quick.outcome).toBe('passed');
    const broken = await runJourney(
      loaded({ entry: [{ request: 'GET /a', expect: { warnMs: 500 } }] }),
      deps(withRequest(async () => failedStatus(500, { timings: { totalMs: 900 } }))),
    );
    expect(broken.outcome).toBe('failed');
  });

  it('a journey whose steps together exceed warnAfter is degraded; runtime checks are not counted', async () => {
    const registry = withRequest(async () => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      return passed();
    });
    const running = runJourney(loaded({ warnAfter: '700ms', entry: [{ request: 'GET /a' }, { request: 'GET /b' }] }), deps(registry));
    await vi.advanceTimersByTimeAsync(1_000);
    const result = await running;
    expect(result.outcome).toBe('degraded');
    expect(result.outcome === 'degraded' && result.degradations[0]).toMatchObject({ kind: 'slow-journey', tookMs: 800, budgetMs: 700 });
  });

  it('flaky outranks degraded, and keeps the degradations of the attempt that passed', async () => {
    let calls = 0;
    const registry = withRequest(async () => (++calls === 1 ? failedStatus(502) : passed(http(200, { timings: { totalMs: 900 } }))));
    const result = await runJourney(loaded({ retries: 1, entry: [{ request: 'GET /a', expect: { warnMs: 500 } }] }), deps(registry));
    expect(result.outcome).toBe('flaky');
    expect(result.outcome === 'flaky' && result.degradations?.map((d) => d.kind)).toEqual(['slow-step']);
  });

  it('records each first-party origin’s certificate (soonest expiry) in runtime truth, and degrades within tlsWarnWithin', async () => {
    const soon = { notAfter: '2026-12-08T00:00:00.000Z', subject: 'shop.test', issuer: 'Test CA' };
    const later = { notAfter: '2027-03-01T00:00:00.000Z', subject: 'shop.test', issuer: 'Test CA' };
    let calls = 0;
    const registry = withRequest(async () => passed(http(200, { url: 'https://shop.test/a', tls: ++calls === 1 ? later : soon })));
    const journey = loaded({ target: 'https://shop.test', entry: [{ request: 'GET /a' }, { request: 'GET /b' }] });
    const recorded = await runJourney(journey, deps(registry));
    expect(recorded.outcome).toBe('passed');
    expect(recorded.runtime?.certificates).toEqual([{ origin: 'https://shop.test', ...soon }]);

    calls = 0;
    const warned = await runJourney(journey, deps(registry, { tlsWarnWithinMs: 14 * 86_400_000 }));
    expect(warned.outcome).toBe('degraded');
    expect(warned.outcome === 'degraded' && warned.degradations[0]).toMatchObject({ kind: 'tls-expiry', origin: 'https://shop.test', expiresInMs: 7 * 86_400_000 });
    expect(warned.outcome === 'degraded' && warned.message).toBe('the TLS certificate of https://shop.test expires in 7 days (2026-12-08T00:00:00Z, tlsWarnWithin 14d)');
  });

  it('a third-party origin’s certificate is not ours to record', async () => {
    const registry = withRequest(async () => passed(http(200, { url: 'https://cdn.elsewhere.test/x', tls: { notAfter: '2026-12-02T00:00:00.000Z' } })));
    const result = await runJourney(loaded({ target: 'https://shop.test', entry: [{ request: 'GET https://cdn.elsewhere.test/x' }] }), deps(registry, { tlsWarnWithinMs: 14 * 86_400_000 }));
    expect(result.outcome).toBe('passed');
    expect(result.runtime?.certificates).toBeUndefined();
  });

  it('one trace per attempt, handed to drivers; the step and the attempt carry its id, traceUrl makes the link', async () => {
    const seen: (string | undefined)[] = [];
    let calls = 0;
    const registry = withRequest(async (_step, ctx) => {
      seen.push(ctx.trace?.traceId);
      return ++calls === 1 ? failedStatus(500, { traceparent: ctx.trace?.next() }) : passed(http(200, { traceparent: ctx.trace?.next() }));
    });
    let n = 0;
    const random = (size: number): Uint8Array => new Uint8Array(size).fill(++n);
    const result = await runJourney(
      loaded({ retries: 1, entry: [{ request: 'GET /a' }] }),
      deps(registry, { random, traceUrl: 'https://tempo.example/trace/{traceId}?from=pathproof' }),
    );
    expect(result.attempts.map((a) => a.trace?.id)).toEqual(seen);
    expect(new Set(seen).size).toBe(2);
    for (const attempt of result.attempts) {
      expect(attempt.trace?.id).toMatch(/^[0-9a-f]{32}$/);
      expect(attempt.trace?.url).toBe(`https://tempo.example/trace/${attempt.trace?.id}?from=pathproof`);
      expect(attempt.steps[0]?.traceId).toBe(attempt.trace?.id);
    }
  });

  it('traceparent: false (journey, or the project unless the journey says otherwise) sends none', async () => {
    const seen: (string | undefined)[] = [];
    const registry = withRequest(async (_step, ctx) => {
      seen.push(ctx.trace?.traceId);
      return passed();
    });
    const off = await runJourney(loaded({ traceparent: false, entry: [{ request: 'GET /a' }] }), deps(registry));
    const projectOff = await runJourney(loaded({ entry: [{ request: 'GET /a' }] }), deps(registry, { traceparent: false }));
    const journeyOn = await runJourney(loaded({ traceparent: true, entry: [{ request: 'GET /a' }] }), deps(registry, { traceparent: false }));
    expect(off.attempts[0]?.trace).toBeUndefined();
    expect(projectOff.attempts[0]?.trace).toBeUndefined();
    expect(journeyOn.attempts[0]?.trace?.id).toMatch(/^[0-9a-f]{32}$/);
    expect(seen.map((id) => id !== undefined)).toEqual([false, false, true]);
  });
});

// Type-level check: every step kind has a registry entry with a label and needsBrowser.
const _kinds: readonly StepKind[] = Object.keys(STEP_REGISTRY) as StepKind[];
void _kinds;
