/**
 * serve as a canary people trust, in one piece the composition root plugs in: alerting over
 * the journeys (./alerting.ts), the outbox that delivers alerts (./receivers.ts), the
 * metrics of the confirmed state, the reporter that feeds results in, the status page's
 * data, and the timer that lets time pass (quiet windows end, Alertmanager re-sends).
 *
 * The CLI builds the HTTP client (`post`) and the clock and hands them in; this module
 * holds no singleton and starts nothing until `start()`.
 */
import type { JourneyResult } from '../result/types.js';
import type { JourneyAlerts } from '../journey/schema.js';
import type { PathproofMetrics } from '../metrics/metrics.js';
import type { Reporter } from '../report/reporter.js';
import { createRedactor } from '../journey/secrets.js';
import type { ResolvedAlerts } from './alert-config.js';
import { createAlerting } from './alerting.js';
import type { Alerting } from './alerting.js';
import { nextMaintenance } from './quiet.js';
import { createOutbox } from './receivers.js';
import type { Post, RetryPolicy } from './receivers.js';
import type { StatusProvider } from './server.js';
import { buildStatus } from './status/model.js';
import type { StatusCatalogEntry } from './status/model.js';

/** How often time is let pass (quiet windows, flapping, Alertmanager re-sends). */
export const TICK_MS = 5_000;
/** After SIGTERM, alerts still queued get this long to go out. */
export const FLUSH_MS = 5_000;
/** Immediate re-runs of one journey in a row, whatever confirm / recover say. */
export const MAX_CONFIRM_RUNS = 20;

export interface CanaryJourney extends StatusCatalogEntry {
  readonly alerts?: JourneyAlerts;
}

export interface CanarySources {
  readonly catalog: () => readonly CanaryJourney[];
  readonly latest: () => ReadonlyMap<string, { readonly runId: string; readonly result: JourneyResult }>;
  readonly nextRuns: () => ReadonlyMap<string, Date>;
  readonly busy: () => readonly string[];
}

export interface CanaryOptions {
  readonly alerts: ResolvedAlerts;
  /** The `--env` name ('' for none). */
  readonly env: string;
  /** Wall-clock milliseconds. */
  readonly now: () => number;
  readonly post: Post;
  readonly log: (line: string) => void;
  readonly metrics: PathproofMetrics;
  /** Links in alerts: alerts.externalUrl, else this (the listen address, known after listen). */
  readonly listenUrl: () => string;
  readonly sources: CanarySources;
  readonly retry?: RetryPolicy;
  readonly resendMs?: number;
  readonly tickMs?: number;
}

export interface Canary {
  readonly alerting: Alerting;
  /** Feeds finished journeys into alerting (behind the reporter multiplexer: redacted, isolated). */
  readonly reporter: Reporter;
  readonly status: StatusProvider;
  /** The loaded journeys changed (start, SIGHUP). */
  reload(): void;
  start(): void;
  /** Stops the timer, gives queued alerts `FLUSH_MS`, drops the rest. */
  stop(): Promise<void>;
}

export function createCanary(options: CanaryOptions): Canary {
  const { alerts, metrics, env } = options;
  const redactor = createRedactor(alerts.secrets);
  const outbox = createOutbox({
    post: options.post,
    ...(options.retry ? { retry: options.retry } : {}),
    log: options.log,
    redact: (text) => redactor.redact(text),
    onDelivery: (receiver, result) => metrics.delivery(receiver.id, result),
  });
  metrics.initReceivers(alerts.receivers.map((r) => r.id));
  const alerting = createAlerting({
    now: options.now,
    env,
    baseUrl: () => alerts.externalUrl ?? options.listenUrl(),
    severity: alerts.severity,
    receivers: alerts.receivers,
    outbox,
    maintenance: alerts.maintenance,
    deploySilenceMs: alerts.deploySilenceMs,
    ...(options.resendMs ? { resendMs: options.resendMs } : {}),
    log: options.log,
    onState: (journey, summary, state) => metrics.recordState(journey, env, { confirmed: state.confirmed, flapping: state.flapping, state: summary.state }),
  });
  let timer: NodeJS.Timeout | undefined;

  const tick = (): void => {
    alerting.tick();
    metrics.quiet(alerting.quiet().map((w) => w.reason));
  };

  return {
    alerting,
    reporter: {
      name: 'alerts',
      onJourneyEnd(result, snapshot) {
        alerting.observe(result, { runId: snapshot.runId, ...(snapshot.trigger.source ? { source: snapshot.trigger.source } : {}) });
      },
    },
    status: {
      model: () =>
        buildStatus({
          now: options.now(),
          env,
          catalog: options.sources.catalog(),
          board: alerting.board(),
          story: alerting.story(),
          quiet: alerting.quiet(),
          ...(alerts.maintenance.length > 0 ? { nextMaintenance: nextMaintenance(alerts.maintenance, options.now()) } : {}),
          latest: options.sources.latest(),
          nextRuns: options.sources.nextRuns(),
          busy: options.sources.busy(),
        }),
      silence: (ms, what) => alerting.silence(ms, what),
      unsilence: () => alerting.unsilence(),
    },
    reload() {
      alerting.setJourneys(
        options.sources.catalog().map((journey) => ({
          name: journey.name,
          tags: journey.tags,
          ...(journey.protects ? { protects: journey.protects } : {}),
          policy: alerts.policyFor(journey.alerts),
          scheduled: journey.schedule !== undefined,
        })),
      );
    },
    start() {
      tick();
      timer = setInterval(tick, options.tickMs ?? TICK_MS);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      await outbox.flush(FLUSH_MS);
      outbox.close();
    },
  };
}
