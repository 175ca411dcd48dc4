/**
 * Every pathproof metric, created once against an injected prom-client `Registry` (never the
 * global one: `serve` and `run --pushgateway` each own theirs, and tests make fresh ones).
 *
 * Labels are bounded by the journey set: journey, env, outcome, layer, phase. Never a URL,
 * an error message or a run id (each would mint a new series per run and grow Prometheus
 * without bound). Versions appear only in `pathproof_runtime_version_info`, which keeps one
 * series per journey and env: the old label set is removed when the served version changes.
 *
 * Series initialisation (documented for users):
 * - `runs_total` (per outcome) and `failures_total` (per layer) start at 0 for every loaded
 *   journey, so `rate()` and `increase()` see the first failure instead of a series appearing;
 * - `journey_up`, `duration_seconds`, `last_run_timestamp_seconds`, drift and version info are
 *   absent until the journey's first run: an unknown state is not "down" (`absent()` finds it);
 * - `tls_cert_expiry_timestamp_seconds` is absent until a run reached a first-party HTTPS
 *   origin, and keeps its last value when a later run did not (an HTTP failure says nothing
 *   new about the certificate).
 */
import { Counter, Gauge, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';
import { countsAsPassed, LAYERS } from '../result/types.js';
import type { JourneyResult, Outcome, RuntimeTruth } from '../result/types.js';

/** Outcomes counted by `pathproof_journey_runs_total` (a `skipped` journey did not run). */
export const COUNTED_OUTCOMES = ['passed', 'degraded', 'flaky', 'failed', 'error'] as const satisfies readonly Outcome[];

export const HTTP_PHASES = ['dns', 'connect', 'tls', 'ttfb', 'transfer'] as const;
export type HttpPhase = (typeof HTTP_PHASES)[number];

/** Journey durations: HTTP probes take milliseconds, browser journeys tens of seconds, hung ones hit their timeout. */
export const JOURNEY_DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300];

/** One HTTP phase: sub-millisecond on loopback up to a connect timeout. */
export const PHASE_DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

const TIMING_KEYS = {
  dns: 'dnsMs',
  connect: 'connectMs',
  tls: 'tlsMs',
  ttfb: 'ttfbMs',
  transfer: 'transferMs',
} as const satisfies Record<HttpPhase, string>;

/** What `pathproof_journey_state` can say (serve's status page words). */
export const JOURNEY_STATES = ['not-run', 'checking', 'up', 'degraded', 'down', 'flapping'] as const;
export type JourneyStateName = (typeof JOURNEY_STATES)[number];

/** Reasons alerts can be quiet (`pathproof_alerts_quiet{reason}`). */
export const QUIET_REASONS = ['maintenance', 'silence', 'deploy'] as const;

export const DELIVERY_RESULTS = ['delivered', 'failed', 'dropped'] as const;

/** serve's confirmed view of a journey (its alert state). */
export interface ConfirmedState {
  /** unknown: not confirmed either way yet (`pathproof_journey_up` absent). */
  readonly confirmed: 'unknown' | 'up' | 'down';
  readonly flapping: boolean;
  readonly state: JourneyStateName;
}

export interface PathproofMetrics {
  readonly registry: Registry;
  /** Creates the zero-valued counter series of these journeys (call at start and after a reload). */
  initJourneys(journeys: readonly string[], env: string, options?: { scheduled?: readonly string[] }): void;
  /** Updates every journey metric from one finished journey. A `skipped` result changes nothing. */
  recordJourney(result: JourneyResult, env: string): void;
  /** A schedule tick found the journey still running (or queued) and was skipped. */
  scheduleSkipped(journey: string): void;
  /** Removes every series of a journey that is no longer loaded (after SIGHUP). */
  forgetJourney(journey: string, env: string): void;
  /** serve: the journey's confirmed state (`journey_up` follows it with `upFollows: 'confirmed'`), flapping, state set. */
  recordState(journey: string, env: string, state: ConfirmedState): void;
  /** serve: starts the delivery counters of these receivers at 0. */
  initReceivers(receivers: readonly string[]): void;
  /** serve: one alert delivery ended. */
  delivery(receiver: string, result: (typeof DELIVERY_RESULTS)[number]): void;
  /** serve: which quiet reasons are active now. */
  quiet(active: readonly string[]): void;
}

export interface MetricsOptions {
  /** Wall time for `last_run_timestamp_seconds` when a result has no start time. */
  readonly now?: () => Date;
  /**
   * What `pathproof_journey_up` follows: each run's outcome (`run`, Pushgateway), or the
   * confirmed state serve's alerting computes (`confirmed`: one failed run is not "down").
   */
  readonly upFollows?: 'last-run' | 'confirmed';
}

/** Registers the pathproof metrics on `registry` (which must not already hold them). */
export function createMetrics(registry: Registry, options: MetricsOptions = {}): PathproofMetrics {
  const now = options.now ?? (() => new Date());
  const confirmedUp = options.upFollows === 'confirmed';
  const registers = [registry];

  const up = new Gauge({
    name: 'pathproof_journey_up',
    help: confirmedUp
      ? 'Whether the journey is up by its confirmed state (1: up, 0: down after alerts.confirm failed runs). Absent until confirmed either way.'
      : 'Whether the last run of the journey passed (1: passed, degraded or flaky, 0: failed or could not verify). Absent until the first run.',
    labelNames: ['journey', 'env'] as const,
    registers,
  });
  const duration = new Histogram({
    name: 'pathproof_journey_duration_seconds',
    help: 'Duration of journey runs, all attempts included.',
    labelNames: ['journey', 'env'] as const,
    buckets: JOURNEY_DURATION_BUCKETS,
    registers,
  });
  const runs = new Counter({
    name: 'pathproof_journey_runs_total',
    help: 'Journey runs by outcome (passed, degraded, flaky, failed, error).',
    labelNames: ['journey', 'env', 'outcome'] as const,
    registers,
  });
  const failures = new Counter({
    name: 'pathproof_journey_failures_total',
    help: 'Failed journey runs by the layer that broke (endpoint, proxy, route, drift, auth, authz, app, frontend, result).',
    labelNames: ['journey', 'env', 'layer'] as const,
    registers,
  });
  const phases = new Histogram({
    name: 'pathproof_http_phase_duration_seconds',
    help: 'HTTP exchange phases of journey steps (dns, connect, tls, ttfb, transfer); absent phases were not performed (reused socket).',
    labelNames: ['journey', 'phase'] as const,
    buckets: PHASE_DURATION_BUCKETS,
    registers,
  });
  const lastRun = new Gauge({
    name: 'pathproof_journey_last_run_timestamp_seconds',
    help: 'Unix time at which the last run of the journey finished.',
    labelNames: ['journey', 'env'] as const,
    registers,
  });
  const drift = new Gauge({
    name: 'pathproof_runtime_drift',
    help: '1 when the served version (or environment identity) differs from the expected one, 0 when it matches. Absent when the journey has no runtime check.',
    labelNames: ['journey', 'env'] as const,
    registers,
  });
  const versionInfo = new Gauge({
    name: 'pathproof_runtime_version_info',
    help: 'Always 1: the expected and the served version seen by the last run of the journey (one series per journey).',
    labelNames: ['journey', 'env', 'expected', 'served'] as const,
    registers,
  });
  const certificateExpiry = new Gauge({
    name: 'pathproof_tls_cert_expiry_timestamp_seconds',
    help: "Unix time at which the first-party TLS certificate that expires first (of the journey's HTTPS origins, last run) expires. Absent until a run reached one.",
    labelNames: ['journey', 'env'] as const,
    registers,
  });
  const skipped = new Counter({
    name: 'pathproof_schedule_skipped_total',
    help: 'Schedule ticks skipped because the previous run of the journey was still going.',
    labelNames: ['journey'] as const,
    registers,
  });

  // Created only where they mean something (serve): a one-shot push has no confirmed state.
  const stateMetrics = confirmedUp
    ? {
        flapping: new Gauge({
          name: 'pathproof_journey_flapping',
          help: '1 while the journey changes between passing and failing too often (alerts.flapping); alarmed once.',
          labelNames: ['journey', 'env'] as const,
          registers,
        }),
        state: new Gauge({
          name: 'pathproof_journey_state',
          help: 'The journey state on the status page, one series per state (not-run, checking, up, degraded, down, flapping): 1 for the current one.',
          labelNames: ['journey', 'env', 'state'] as const,
          registers,
        }),
        deliveries: new Counter({
          name: 'pathproof_alert_deliveries_total',
          help: 'Alert deliveries by receiver (webhook-1, alertmanager-1, slack-1, …) and result (delivered, failed after retries, dropped from a full backlog).',
          labelNames: ['receiver', 'result'] as const,
          registers,
        }),
        quiet: new Gauge({
          name: 'pathproof_alerts_quiet',
          help: '1 while alerts are quiet for this reason (maintenance window, silence, deploy in progress): journeys run, nothing is sent.',
          labelNames: ['reason'] as const,
          registers,
        }),
      }
    : undefined;
  if (stateMetrics) for (const reason of QUIET_REASONS) stateMetrics.quiet.set({ reason }, 0);

  // The version series currently exported per journey+env, so a change removes the old one.
  const versionLabels = new Map<string, { expected: string; served: string }>();
  const key = (journey: string, env: string): string => `${journey}\u0000${env}`;

  const initJourneys: PathproofMetrics['initJourneys'] = (journeys, env, init = {}) => {
    for (const journey of journeys) {
      for (const outcome of COUNTED_OUTCOMES) runs.inc({ journey, env, outcome }, 0);
      for (const layer of LAYERS) failures.inc({ journey, env, layer }, 0);
    }
    for (const journey of init.scheduled ?? []) skipped.inc({ journey }, 0);
  };

  return {
    registry,
    initJourneys,
    recordJourney(result, env) {
      if (result.outcome === 'skipped') return;
      const journey = result.name;
      const labels = { journey, env };
      if (!confirmedUp) up.set(labels, countsAsPassed(result.outcome) ? 1 : 0);
      duration.observe(labels, result.durationMs / 1000);
      runs.inc({ ...labels, outcome: result.outcome });
      if (result.outcome === 'failed' && result.layer) failures.inc({ ...labels, layer: result.layer });
      for (const [phase, seconds] of phaseTimings(result)) phases.observe({ journey, phase }, seconds);
      lastRun.set(labels, finishedAtSeconds(result, now));

      const runtime = result.runtime;
      const expiry = certificateExpiryOf(runtime);
      if (expiry !== undefined) certificateExpiry.set(labels, expiry);
      const drifted = driftOf(runtime);
      if (drifted !== undefined) drift.set(labels, drifted ? 1 : 0);
      const served = runtime?.version?.served;
      if (served !== undefined) {
        const next = { expected: runtime?.version?.expected ?? '', served };
        const previous = versionLabels.get(key(journey, env));
        if (previous && (previous.expected !== next.expected || previous.served !== next.served)) {
          versionInfo.remove({ ...labels, ...previous });
        }
        versionInfo.set({ ...labels, ...next }, 1);
        versionLabels.set(key(journey, env), next);
      }
    },
    scheduleSkipped(journey) {
      skipped.inc({ journey });
    },
    forgetJourney(journey, env) {
      const labels = { journey, env };
      up.remove(labels);
      duration.remove(labels);
      lastRun.remove(labels);
      drift.remove(labels);
      certificateExpiry.remove(labels);
      for (const outcome of COUNTED_OUTCOMES) runs.remove({ ...labels, outcome });
      for (const layer of LAYERS) failures.remove({ ...labels, layer });
      for (const phase of HTTP_PHASES) phases.remove({ journey, phase });
      skipped.remove({ journey });
      const previous = versionLabels.get(key(journey, env));
      if (previous) versionInfo.remove({ ...labels, ...previous });
      versionLabels.delete(key(journey, env));
      if (stateMetrics) {
        stateMetrics.flapping.remove(labels);
        for (const state of JOURNEY_STATES) stateMetrics.state.remove({ ...labels, state });
      }
    },
    recordState(journey, env, state) {
      const labels = { journey, env };
      if (confirmedUp) {
        if (state.confirmed === 'unknown') up.remove(labels);
        else up.set(labels, state.confirmed === 'up' ? 1 : 0);
      }
      if (!stateMetrics) return;
      stateMetrics.flapping.set(labels, state.flapping ? 1 : 0);
      for (const name of JOURNEY_STATES) stateMetrics.state.set({ ...labels, state: name }, name === state.state ? 1 : 0);
    },
    initReceivers(receivers) {
      if (!stateMetrics) return;
      for (const receiver of receivers) for (const result of DELIVERY_RESULTS) stateMetrics.deliveries.inc({ receiver, result }, 0);
    },
    delivery(receiver, result) {
      stateMetrics?.deliveries.inc({ receiver, result });
    },
    quiet(active) {
      if (!stateMetrics) return;
      for (const reason of QUIET_REASONS) stateMetrics.quiet.set({ reason }, active.includes(reason) ? 1 : 0);
    },
  };
}

/** Every HTTP phase timing of every attempt's steps, in seconds (each is a real exchange). */
export function phaseTimings(result: JourneyResult): [HttpPhase, number][] {
  const timings: [HttpPhase, number][] = [];
  for (const attempt of result.attempts) {
    for (const step of attempt.steps) {
      const observation = step.observation;
      if (observation?.kind !== 'http') continue;
      for (const phase of HTTP_PHASES) {
        const ms = observation.timings[TIMING_KEYS[phase]];
        if (typeof ms === 'number' && Number.isFinite(ms) && ms >= 0) timings.push([phase, ms / 1000]);
      }
    }
  }
  return timings;
}

/** Unix seconds of the soonest first-party certificate expiry seen, or undefined when none was seen. */
export function certificateExpiryOf(runtime: RuntimeTruth | undefined): number | undefined {
  let soonest: number | undefined;
  for (const certificate of runtime?.certificates ?? []) {
    const at = Date.parse(certificate.notAfter);
    if (Number.isFinite(at) && (soonest === undefined || at < soonest)) soonest = at;
  }
  return soonest === undefined ? undefined : soonest / 1000;
}

/**
 * True when a runtime check saw a served value other than the expected one; undefined when
 * nothing was both expected and seen (no check, or the request failed before an answer).
 */
export function driftOf(runtime: RuntimeTruth | undefined): boolean | undefined {
  let known = false;
  for (const truth of [runtime?.version, runtime?.environment]) {
    if (truth?.expected === undefined || truth.served === undefined) continue;
    if (truth.expected !== truth.served) return true;
    known = true;
  }
  return known ? false : undefined;
}

function finishedAtSeconds(result: JourneyResult, now: () => Date): number {
  const started = result.startedAt ? Date.parse(result.startedAt) : Number.NaN;
  const finished = Number.isFinite(started) ? started + result.durationMs : now().getTime();
  return finished / 1000;
}
