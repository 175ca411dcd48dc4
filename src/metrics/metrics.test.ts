import { journeyResult } from '../result/results.fixtures.js';
import type { JourneyFields } from '../result/results.fixtures.js';
import { spawnSync } from 'node:child_process';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { JourneyResult, Outcome, RuntimeTruth, StepResult } from '../result/types.js';
import { createMetrics, driftOf, phaseTimings } from './metrics.js';
import { collectProcessMetrics } from './process-metrics.js';
import { metricsReporter } from './reporter.js';

function httpStep(timings: Record<string, number>): StepResult {
  return {
    name: 'GET /',
    kind: 'request',
    phase: 'entry',
    index: 0,
    durationMs: 5,
    status: 'passed',
    observation: {
      kind: 'http',
      method: 'GET',
      url: 'http://127.0.0.1:1/secret-path?token=abc',
      status: 200,
      headers: {},
      body: '',
      bodyBytes: 0,
      bodyTruncated: false,
      timings: { totalMs: 5, ...timings },
      redirects: [],
    },
  };
}

function journey(overrides: JourneyFields & { outcome?: Outcome } = {}): JourneyResult {
  const { outcome = 'passed', ...fields } = overrides;
  return journeyResult(outcome, {
    name: 'refund-api',
    file: 'journeys/refund-api.yaml',
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1500,
    attempts: [
      { attempt: 1, outcome: 'passed', startedAt: '2026-01-01T00:00:00.000Z', durationMs: 1500, steps: [httpStep({ dnsMs: 2, connectMs: 3, ttfbMs: 40, transferMs: 1 })] },
    ],
    ...fields,
  });
}

/** The sample lines of one metric, as `name{labels} value`. */
async function lines(registry: Registry, name: string): Promise<string[]> {
  const text = await registry.metrics();
  return text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
}

describe('createMetrics', () => {
  it('records up, runs, duration, phases and last-run time from a passed journey', async () => {
    const registry = new Registry();
    const metrics = createMetrics(registry);
    metrics.recordJourney(journey(), 'prod');
    expect(await lines(registry, 'pathproof_journey_up')).toEqual(['pathproof_journey_up{journey="refund-api",env="prod"} 1']);
    expect(await lines(registry, 'pathproof_journey_runs_total')).toEqual([
      'pathproof_journey_runs_total{journey="refund-api",env="prod",outcome="passed"} 1',
    ]);
    expect(await lines(registry, 'pathproof_journey_duration_seconds_sum')).toEqual([
      'pathproof_journey_duration_seconds_sum{journey="refund-api",env="prod"} 1.5',
    ]);
    expect(await lines(registry, 'pathproof_journey_last_run_timestamp_seconds')).toEqual([
      'pathproof_journey_last_run_timestamp_seconds{journey="refund-api",env="prod"} 1767225601.5',
    ]);
    const phases = await lines(registry, 'pathproof_http_phase_duration_seconds_count');
    expect(phases.map((l) => /phase="(\w+)"/.exec(l)?.[1]).sort()).toEqual(['connect', 'dns', 'transfer', 'ttfb']);
  });

  it('never puts a URL, message or run id in a label', async () => {
    const registry = new Registry();
    const metrics = createMetrics(registry);
    metrics.recordJourney(
      journey({ outcome: 'failed', layer: 'route', message: 'status (404) == 200 on http://internal.example/x', hint: 'a hint' }),
      '',
    );
    const text = await registry.metrics();
    expect(text).not.toMatch(/http:|secret-path|status \(404\)|a hint/);
  });

  it.each([
    ['passed', 1],
    ['flaky', 1],
    ['failed', 0],
    ['error', 0],
  ] as const)('%s sets up to %d', async (outcome, up) => {
    const registry = new Registry();
    const metrics = createMetrics(registry);
    metrics.recordJourney(journey({ outcome, ...(outcome === 'failed' ? { layer: 'authz' } : {}) }), '');
    expect(await lines(registry, 'pathproof_journey_up')).toEqual([`pathproof_journey_up{journey="refund-api",env=""} ${up}`]);
  });

  it('counts failures by layer, only for failed journeys', async () => {
    const registry = new Registry();
    const metrics = createMetrics(registry);
    metrics.recordJourney(journey({ outcome: 'failed', layer: 'authz' }), '');
    metrics.recordJourney(journey({ outcome: 'failed', layer: 'authz' }), '');
    metrics.recordJourney(journey({ outcome: 'error', layer: 'app' }), '');
    expect(await lines(registry, 'pathproof_journey_failures_total')).toEqual([
      'pathproof_journey_failures_total{journey="refund-api",env="",layer="authz"} 2',
    ]);
  });

  it('ignores skipped journeys (they did not run)', async () => {
    const registry = new Registry();
    const metrics = createMetrics(registry);
    metrics.recordJourney(journey({ outcome: 'skipped', reason: 'interrupted', attempts: [] }), '');
    expect(await lines(registry, 'pathproof_journey_up')).toEqual([]);
    expect(await lines(registry, 'pathproof_journey_runs_total')).toEqual([]);
  });

  it('initialises counters at 0 for every journey, outcome and layer, but not up', async () => {
    const registry = new Registry();
    const metrics = createMetrics(registry);
    metrics.initJourneys(['a', 'b'], 'staging', { scheduled: ['a'] });
    expect(await lines(registry, 'pathproof_journey_runs_total')).toHaveLength(2 * 5); // passed, degraded, flaky, failed, error
    expect(await lines(registry, 'pathproof_journey_failures_total')).toHaveLength(2 * 9);
    expect(await lines(registry, 'pathproof_schedule_skipped_total')).toEqual(['pathproof_schedule_skipped_total{journey="a"} 0']);
    expect(await lines(registry, 'pathproof_journey_up')).toEqual([]);
  });

  it('keeps one version_info series per journey: the old one goes when the version changes', async () => {
    const registry = new Registry();
    const metrics = createMetrics(registry);
    const runtime = (served: string): RuntimeTruth => ({ version: { expected: '2.0.3', served } });
    metrics.recordJourney(journey({ runtime: runtime('2.0.3') }), '');
    metrics.recordJourney(journey({ outcome: 'failed', layer: 'drift', runtime: runtime('2.1.0') }), '');
    expect(await lines(registry, 'pathproof_runtime_version_info')).toEqual([
      'pathproof_runtime_version_info{journey="refund-api",env="",expected="2.0.3",served="2.1.0"} 1',
    ]);
    expect(await lines(registry, 'pathproof_runtime_drift')).toEqual(['pathproof_runtime_drift{journey="refund-api",env=""} 1']);
  });

  it('counts a degraded run as a run that passed: up 1, runs_total{outcome="degraded"}', async () => {
    const registry = new Registry();
    const metrics = createMetrics(registry);
    metrics.initJourneys(['refund-api'], 'prod');
    metrics.recordJourney(journey({ outcome: 'degraded' }), 'prod');
    expect(await lines(registry, 'pathproof_journey_up')).toEqual(['pathproof_journey_up{journey="refund-api",env="prod"} 1']);
    const runs = await lines(registry, 'pathproof_journey_runs_total');
    expect(runs).toContain('pathproof_journey_runs_total{journey="refund-api",env="prod",outcome="degraded"} 1');
    expect(runs).toContain('pathproof_journey_runs_total{journey="refund-api",env="prod",outcome="passed"} 0');
  });

  it('exports the soonest first-party certificate expiry, and keeps it when a run reached none', async () => {
    const registry = new Registry();
    const metrics = createMetrics(registry);
    const certificates = [
      { origin: 'https://api.shop.example', notAfter: '2026-12-10T00:00:00.000Z' },
      { origin: 'https://shop.example', notAfter: '2026-12-03T12:00:00.000Z' },
    ];
    expect(await lines(registry, 'pathproof_tls_cert_expiry_timestamp_seconds')).toEqual([]);
    metrics.recordJourney(journey({ runtime: { certificates } }), 'prod');
    const expected = [`pathproof_tls_cert_expiry_timestamp_seconds{journey="refund-api",env="prod"} ${Date.parse('2026-12-03T12:00:00.000Z') / 1000}`];
    expect(await lines(registry, 'pathproof_tls_cert_expiry_timestamp_seconds')).toEqual(expected);
    // A connection refused says nothing new about the certificate.
    metrics.recordJourney(journey({ outcome: 'failed', layer: 'endpoint' }), 'prod');
    expect(await lines(registry, 'pathproof_tls_cert_expiry_timestamp_seconds')).toEqual(expected);
  });

  it('forgets every series of a journey that is no longer loaded', async () => {
    const registry = new Registry();
    const metrics = createMetrics(registry);
    metrics.initJourneys(['refund-api'], '', { scheduled: ['refund-api'] });
    metrics.recordJourney(journey({ runtime: { version: { expected: '1', served: '1' }, certificates: [{ origin: 'https://shop.example', notAfter: '2026-12-03T12:00:00.000Z' }] } }), '');
    metrics.scheduleSkipped('refund-api');
    metrics.forgetJourney('refund-api', '');
    expect((await registry.metrics()).split('\n').filter((l) => l.includes('refund-api'))).toEqual([]);
  });

  it('feeds metrics as a reporter', async () => {
    const registry = new Registry();
    const reporter = metricsReporter(createMetrics(registry), 'prod');
    await reporter.onJourneyEnd?.(journey(), {} as never);
    expect(await lines(registry, 'pathproof_journey_up')).toEqual(['pathproof_journey_up{journey="refund-api",env="prod"} 1']);
  });

  it('passes promtool check metrics, process metrics included', async () => {
    const registry = new Registry();
    collectProcessMetrics(registry);
    const metrics = createMetrics(registry);
    metrics.initJourneys(['refund-api'], '', { scheduled: ['refund-api'] });
    metrics.recordJourney(journey({ outcome: 'failed', layer: 'drift', runtime: { version: { expected: '2.0.3', served: '2.1.0' } } }), '');
    metrics.recordJourney(journey({ outcome: 'degraded', runtime: { certificates: [{ origin: 'https://shop.example', notAfter: '2026-12-03T12:00:00.000Z' }] } }), '');
    metrics.scheduleSkipped('refund-api');
    const checked = spawnSync('promtool', ['check', 'metrics'], { input: await registry.metrics(), encoding: 'utf8', timeout: 20_000 });
    expect(checked.error).toBeUndefined();
    expect(`${checked.stdout}${checked.stderr}`).toBe('');
    expect(checked.status).toBe(0);
  });
});

describe('confirmed state (serve)', () => {
  it('journey_up follows the confirmed state, not the last run; the raw outcome stays in runs_total', async () => {
    const registry = new Registry();
    const metrics = createMetrics(registry, { upFollows: 'confirmed' });
    metrics.recordJourney(journey({ outcome: 'failed', layer: 'route' }), '');
    expect(await lines(registry, 'pathproof_journey_up')).toEqual([]);
    metrics.recordState('refund-api', '', { confirmed: 'up', flapping: false, state: 'up' });
    metrics.recordJourney(journey({ outcome: 'failed', layer: 'route' }), '');
    expect(await lines(registry, 'pathproof_journey_up')).toEqual(['pathproof_journey_up{journey="refund-api",env=""} 1']);
    expect(await lines(registry, 'pathproof_journey_runs_total')).toEqual(['pathproof_journey_runs_total{journey="refund-api",env="",outcome="failed"} 2']);
    metrics.recordState('refund-api', '', { confirmed: 'down', flapping: true, state: 'flapping' });
    expect(await lines(registry, 'pathproof_journey_up')).toEqual(['pathproof_journey_up{journey="refund-api",env=""} 0']);
    expect(await lines(registry, 'pathproof_journey_flapping')).toEqual(['pathproof_journey_flapping{journey="refund-api",env=""} 1']);
    expect((await lines(registry, 'pathproof_journey_state')).filter((l) => l.endsWith(' 1'))).toEqual([
      'pathproof_journey_state{journey="refund-api",env="",state="flapping"} 1',
    ]);
    expect(await lines(registry, 'pathproof_journey_state')).toHaveLength(6);
  });

  it('counts deliveries per receiver and says which quiet reasons are active', async () => {
    const registry = new Registry();
    const metrics = createMetrics(registry, { upFollows: 'confirmed' });
    metrics.initReceivers(['alertmanager-1']);
    metrics.delivery('alertmanager-1', 'failed');
    metrics.quiet(['deploy']);
    expect(await lines(registry, 'pathproof_alert_deliveries_total')).toEqual([
      'pathproof_alert_deliveries_total{receiver="alertmanager-1",result="delivered"} 0',
      'pathproof_alert_deliveries_total{receiver="alertmanager-1",result="failed"} 1',
      'pathproof_alert_deliveries_total{receiver="alertmanager-1",result="dropped"} 0',
    ]);
    expect(await lines(registry, 'pathproof_alerts_quiet')).toEqual([
      'pathproof_alerts_quiet{reason="maintenance"} 0',
      'pathproof_alerts_quiet{reason="silence"} 0',
      'pathproof_alerts_quiet{reason="deploy"} 1',
    ]);
  });

  it('is not exported by a one-shot run (Pushgateway): there is no confirmed state there', async () => {
    const registry = new Registry();
    const metrics = createMetrics(registry);
    metrics.recordState('refund-api', '', { confirmed: 'down', flapping: false, state: 'down' });
    expect(await registry.metrics()).not.toMatch(/pathproof_journey_flapping|pathproof_journey_state|pathproof_alert/);
  });

  it('passes promtool check metrics', async () => {
    const registry = new Registry();
    const metrics = createMetrics(registry, { upFollows: 'confirmed' });
    metrics.initJourneys(['refund-api'], 'prod');
    metrics.initReceivers(['webhook-1']);
    metrics.recordState('refund-api', 'prod', { confirmed: 'down', flapping: false, state: 'down' });
    const checked = spawnSync('promtool', ['check', 'metrics'], { input: await registry.metrics(), encoding: 'utf8', timeout: 20_000 });
    expect(`${checked.stdout}${checked.stderr}`).toBe('');
    expect(checked.status).toBe(0);
  });
});

describe('driftOf', () => {
  it.each<[string, RuntimeTruth | undefined, boolean | undefined]>([
    ['no runtime', undefined, undefined],
    ['no check', {}, undefined],
    ['served unknown', { version: { expected: '1' } }, undefined],
    ['match', { version: { expected: '1', served: '1' } }, false],
    ['version differs', { version: { expected: '1', served: '2' } }, true],
    ['environment differs', { version: { expected: '1', served: '1' }, environment: { expected: 'prod', served: 'staging' } }, true],
  ])('%s', (_name, runtime, expected) => {
    expect(driftOf(runtime)).toBe(expected);
  });
});

describe('phaseTimings', () => {
  it('takes every HTTP step of every attempt, in seconds, and skips absent phases', () => {
    const result = journey({
      attempts: [
        { attempt: 1, outcome: 'failed', stage: 'entry', failure: { layer: 'app', hint: 'x', message: 'x' }, startedAt: '', durationMs: 1, steps: [httpStep({ connectMs: 10 })] },
        { attempt: 2, outcome: 'passed', startedAt: '', durationMs: 1, steps: [httpStep({ ttfbMs: 20 })] },
      ],
    });
    expect(phaseTimings(result)).toEqual([
      ['connect', 0.01],
      ['ttfb', 0.02],
    ]);
  });
});
