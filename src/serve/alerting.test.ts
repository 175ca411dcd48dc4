/**
 * Alerting over an outbox that records what it was given (the delivery itself is covered
 * against real receivers in receivers.test.ts and end to end with a real Alertmanager).
 */
import { describe, expect, it } from 'vitest';
import type { JourneyResult, Layer, Outcome } from '../result/types.js';
import { journeyResult } from '../result/results.fixtures.js';
import { DEFAULT_POLICY } from './alert-state.js';
import type { AlertPolicy } from './alert-state.js';
import { createAlerting } from './alerting.js';
import type { AlertJourney } from './alerting.js';
import type { AlertmanagerAlert } from './alert-payload.js';
import { compileMaintenance } from './quiet.js';
import type { Delivery, Outbox, Receiver } from './receivers.js';

const RECEIVERS: Receiver[] = [
  { id: 'webhook-1', kind: 'webhook', url: 'https://hooks.example/p/SECRET-PATH', secret: 'HMAC-KEY' },
  { id: 'alertmanager-1', kind: 'alertmanager', url: 'http://am:9093' },
  { id: 'slack-1', kind: 'slack', url: 'https://hooks.slack.com/services/T/B/SLACK-SECRET' },
];

function recordingOutbox(): Outbox & { sent: { to: string; delivery: Delivery }[] } {
  const sent: { to: string; delivery: Delivery }[] = [];
  return {
    sent,
    send: (receiver, delivery) => void sent.push({ to: receiver.id, delivery }),
    flush: async () => undefined,
    close: () => undefined,
  };
}

function result(name: string, outcome: Outcome, layer?: Layer, status?: number): JourneyResult {
  const journey = journeyResult(outcome, {
    name,
    file: `journeys/${name}.yaml`,
    tags: ['api'],
    durationMs: 42,
    stage: 'action',
    ...(layer ? { layer } : {}),
    hint: `${status} on POST /api/refunds: check the route`,
  });
  return journey.outcome === 'failed' && status !== undefined ? { ...journey, failure: { ...journey.failure, status } } : journey;
}

function setup(policy: Partial<AlertPolicy> = {}, extra: { scheduled?: boolean } = {}) {
  let now = Date.parse('2026-11-22T09:15:00Z');
  const outbox = recordingOutbox();
  const logs: string[] = [];
  const states: string[] = [];
  const alerting = createAlerting({
    now: () => now,
    env: 'production',
    baseUrl: 'https://pathproof.example',
    receivers: RECEIVERS,
    outbox,
    log: (line) => logs.push(line),
    onState: (journey, summary) => states.push(`${journey}=${summary.state}`),
    maintenance: compileMaintenance([{ cron: '0 2 * * SUN', duration: 3_600_000, name: 'patching' }], 'UTC'),
  });
  const journey: AlertJourney = { name: 'refund-api', tags: ['api'], protects: 'data', policy: { ...DEFAULT_POLICY, ...policy }, scheduled: extra.scheduled ?? true };
  alerting.setJourneys([journey]);
  let n = 0;
  const run = (outcome: Outcome, layer?: Layer, status?: number) => {
    now += 1_000;
    return alerting.observe(result('refund-api', outcome, layer, status), { runId: `run-${++n}`, source: 'schedule' });
  };
  const sentTo = (id: string) => outbox.sent.filter((s) => s.to === id).map((s) => JSON.parse(s.delivery.body) as unknown);
  return { alerting, outbox, logs, states, run, sentTo, advance: (ms: number) => (now += ms), at: () => now };
}

describe('a confirmed break and its recovery', () => {
  it('re-runs the first failure, then tells every receiver once; recovery resolves once', () => {
    const { run, sentTo, outbox, states } = setup();
    expect(run('passed')).toEqual({ rerun: false });
    expect(run('failed', 'route', 404)).toEqual({ rerun: true });
    expect(outbox.sent).toEqual([]);
    expect(run('failed', 'route', 404)).toEqual({ rerun: false });
    run('failed', 'route', 404);
    run('passed');

    const [broke, recovered] = sentTo('webhook-1') as Record<string, unknown>[];
    expect(broke).toMatchObject({
      version: 1,
      event: 'broke',
      journey: 'refund-api',
      env: 'production',
      state: 'down',
      outcome: 'failed',
      layer: 'route',
      stage: 'action',
      status: 404,
      hint: '404 on POST /api/refunds: check the route',
      runId: 'run-3',
      since: '2026-11-22T09:15:02.000Z',
      transition: { kind: 'broke', from: 'passed', to: 'route', toStatus: 404, text: 'broke: passed → route (404)' },
      tags: ['api'],
      protects: 'data',
      links: { status: 'https://pathproof.example/#journey-refund-api', report: 'https://pathproof.example/runs/run-3/' },
    });
    expect(recovered).toMatchObject({
      event: 'recovered',
      state: 'up',
      outcome: 'passed',
      runId: 'run-5',
      transition: { kind: 'recovered', from: 'route', to: 'passed', fromStatus: 404, previousRunId: 'run-4', text: 'recovered: route (404) → passed' },
    });
    expect(sentTo('webhook-1')).toHaveLength(2);

    const slack = sentTo('slack-1') as { text: string }[];
    expect(slack[0]?.text).toBe(
      ':red_circle: *refund-api is down in production: route at action (404)*\n404 on POST /api/refunds: check the route\n`broke: passed → route (404)`\n<https://pathproof.example/#journey-refund-api|status page> · <https://pathproof.example/runs/run-3/|run report>',
    );
    expect(slack[1]?.text).toMatch(/^:large_green_circle: \*refund-api recovered in production\*\n`recovered: route \(404\) → passed`/);

    const [firing, resolved] = sentTo('alertmanager-1') as AlertmanagerAlert[][];
    expect(firing).toEqual([
      {
        labels: { alertname: 'PathproofJourneyDown', journey: 'refund-api', env: 'production', layer: 'route', severity: 'critical' },
        annotations: {
          summary: 'refund-api is down in production: route at action (404)',
          hint: '404 on POST /api/refunds: check the route',
          stage: 'action',
          status: '404',
          transition: 'broke: passed → route (404)',
          status_page: 'https://pathproof.example/#journey-refund-api',
          report: 'https://pathproof.example/runs/run-3/',
          run_id: 'run-3',
        },
        startsAt: '2026-11-22T09:15:02.000Z',
        endsAt: '2026-11-22T09:20:03.000Z',
        generatorURL: 'https://pathproof.example/#journey-refund-api',
      },
    ]);
    expect(resolved).toEqual([{ ...firing?.[0], endsAt: '2026-11-22T09:15:05.000Z' }]);
    expect(states.at(-1)).toBe('refund-api=up');
    expect(states).toContain('refund-api=down');
  });

  it('never puts a receiver URL or signing key into a payload', () => {
    const { run, outbox } = setup();
    run('failed', 'app', 500);
    run('failed', 'app', 500);
    run('passed');
    const everything = outbox.sent.map((s) => `${s.delivery.body}${JSON.stringify(s.delivery.headers ?? {})}`).join('\n');
    expect(outbox.sent.length).toBeGreaterThan(0);
    for (const secret of ['SECRET-PATH', 'HMAC-KEY', 'SLACK-SECRET']) expect(everything).not.toContain(secret);
  });

  it('re-runs only scheduled journeys (an API-only journey waits for its next run)', () => {
    const { run } = setup({}, { scheduled: false });
    expect(run('failed', 'app', 500)).toEqual({ rerun: false });
  });
});

describe('layer changes while down', () => {
  it('re-label the Alertmanager alert when told (old resolved, new firing), and send progressed', () => {
    const { run, sentTo } = setup({ layerChanges: true });
    run('failed', 'route', 404);
    run('failed', 'route', 404);
    run('failed', 'auth', 401);
    const webhooks = sentTo('webhook-1') as Record<string, unknown>[];
    expect(webhooks.map((w) => w.event)).toEqual(['broke', 'progressed']);
    expect(webhooks[1]).toMatchObject({ layer: 'auth', status: 401, transition: { text: '404 → 401  progressed: route → auth' } });
    const batches = sentTo('alertmanager-1') as AlertmanagerAlert[][];
    expect(batches[1]?.map((a) => [a.labels.layer, a.endsAt > a.startsAt && a.endsAt !== '2026-11-22T09:15:03.000Z'])).toEqual([
      ['route', false],
      ['auth', true],
    ]);
  });

  it('keep the alert as it was when layer changes are not told', () => {
    const { run, sentTo } = setup();
    run('failed', 'route', 404);
    run('failed', 'route', 404);
    run('failed', 'auth', 401);
    expect((sentTo('webhook-1') as Record<string, unknown>[]).map((w) => w.event)).toEqual(['broke']);
    expect(sentTo('alertmanager-1')).toHaveLength(1);
  });
});

describe('Alertmanager re-sends', () => {
  it('re-send every firing alert with a later endsAt while it fires, coalesced under one key', () => {
    const { alerting, run, outbox, advance } = setup();
    run('failed', 'app', 500);
    run('failed', 'app', 500);
    alerting.tick(); // the first tick re-sends at once
    advance(30_000);
    alerting.tick(); // not due yet
    advance(31_000);
    alerting.tick();
    const resends = outbox.sent.filter((s) => s.to === 'alertmanager-1' && s.delivery.key === 'resend');
    expect(resends).toHaveLength(2);
    const [first, second] = resends.map((s) => JSON.parse(s.delivery.body) as AlertmanagerAlert[]);
    expect(Date.parse(second?.[0]?.endsAt ?? '')).toBeGreaterThan(Date.parse(first?.[0]?.endsAt ?? ''));
    expect(second?.[0]?.labels).toEqual(first?.[0]?.labels);
  });

  it('resolve the alert of a journey that a reload removed', () => {
    const { alerting, run, sentTo } = setup();
    run('failed', 'app', 500);
    run('failed', 'app', 500);
    alerting.setJourneys([]);
    const last = sentTo('alertmanager-1').at(-1) as AlertmanagerAlert[];
    expect(Date.parse(last[0]?.endsAt ?? '')).toBeLessThanOrEqual(Date.parse('2026-11-22T09:15:03Z'));
    expect(alerting.board()).toEqual([]);
  });
});

describe('quiet windows', () => {
  it('a silence sends nothing; once it ends, what is still true is told', () => {
    const { alerting, run, outbox, advance, logs } = setup();
    alerting.silence(600_000, 'POST /api/silence');
    run('failed', 'app', 500);
    run('failed', 'app', 500);
    alerting.tick();
    expect(outbox.sent).toEqual([]);
    expect(alerting.quiet()).toMatchObject([{ reason: 'silence', what: 'POST /api/silence' }]);
    advance(600_000);
    alerting.tick();
    expect(outbox.sent.filter((s) => s.to === 'webhook-1')).toHaveLength(1);
    expect(logs).toContain('alerts: quiet window over; receivers hear what is still true');
  });

  it('a deploy in progress (Flagger Progressing) is quiet until Succeeded', () => {
    const { alerting, run, outbox } = setup();
    alerting.deployPhase('Progressing', 'shop/customer-service');
    expect(alerting.quiet()).toMatchObject([{ reason: 'deploy', what: 'shop/customer-service' }]);
    run('failed', 'app', 500);
    run('failed', 'app', 500);
    expect(outbox.sent).toEqual([]);
    alerting.deployPhase('Succeeded', 'shop/customer-service');
    expect(alerting.quiet()).toEqual([]);
    alerting.tick();
    expect(outbox.sent.filter((s) => s.to === 'webhook-1')).toHaveLength(1);
  });

  it('unsilence ends only the silence', () => {
    const { alerting } = setup();
    expect(alerting.unsilence()).toBe(false);
    alerting.silence(60_000, 'x');
    expect(alerting.unsilence()).toBe(true);
    expect(alerting.quiet()).toEqual([]);
  });
});

describe('the board', () => {
  it('keeps the recent runs, the state and the story for the status page', () => {
    const { alerting, run } = setup();
    run('passed');
    run('failed', 'route', 404);
    run('failed', 'route', 404);
    const [entry] = alerting.board();
    expect(entry?.summary).toEqual({ state: 'down', since: Date.parse('2026-11-22T09:15:02Z') });
    expect(entry?.runs.map((r) => [r.runId, r.outcome, r.layer, r.status, r.durationMs, r.source])).toEqual([
      ['run-1', 'passed', undefined, undefined, 42, 'schedule'],
      ['run-2', 'failed', 'route', 404, 42, 'schedule'],
      ['run-3', 'failed', 'route', 404, 42, 'schedule'],
    ]);
    expect(alerting.story().map((e) => [e.journey, e.kind, e.run.runId])).toEqual([['refund-api', 'down', 'run-3']]);
  });
});
