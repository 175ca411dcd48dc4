/**
 * Alerting for `pathproof serve`: feeds every finished journey result into its alert state
 * (./alert-state.ts), keeps what the status page shows (recent runs, the story of each
 * journey, quiet windows), and turns notices into deliveries (./receivers.ts).
 *
 * Never on the verdict's path: `observe` is synchronous and cheap (the state machine is
 * pure; deliveries are queued), and a bug in a receiver cannot reach a run.
 *
 * Alertmanager: an alert fires on a confirmed break (or flapping), is re-sent every
 * `resendMs` with `endsAt` a few re-sends ahead while it fires, and is resolved (endsAt =
 * now) on recovery. Its labels are its identity, so when they change (a layer change that is
 * told, or down ↔ flapping) the old alert is resolved and the new one fires.
 */
import { randomUUID } from 'node:crypto';
import type { JourneyResult } from '../result/types.js';
import { failureStatus } from '../classify/failure-status.js';
import { traceOf, verdictFields } from '../report/attention.js';
import { INITIAL_STATE, observe, reconcile, summarize } from './alert-state.js';
import type { AlertPolicy, JourneyAlertState, Notice, RunObservation, StateSummary, StoryEvent } from './alert-state.js';
import { alertmanagerAlert, resolvedAlert, slackBody, webhookBody } from './alert-payload.js';
import type { AlertContext, AlertmanagerAlert } from './alert-payload.js';
import type { Outbox, Receiver } from './receivers.js';
import { webhookHeaders } from './receivers.js';
import { deploySignal, quietAt } from './quiet.js';
import type { CompiledWindow, QuietWindow, Silences } from './quiet.js';

/** A journey as alerting knows it. */
export interface AlertJourney {
  readonly name: string;
  readonly tags: readonly string[];
  readonly protects?: string;
  readonly policy: AlertPolicy;
  /** Only journeys with a schedule are re-run at once to confirm. */
  readonly scheduled: boolean;
}

/** One run of a journey on the status page's strip. */
export interface RunEntry extends RunObservation {
  readonly durationMs: number;
  readonly source?: string;
}

export interface JourneyStory extends StoryEvent {
  readonly journey: string;
}

export interface AlertingOptions {
  /** Wall-clock milliseconds (the one clock). */
  readonly now: () => number;
  readonly env: string;
  /** Status page base URL for links, no trailing slash (a function: the port is known after listen). */
  readonly baseUrl: string | (() => string);
  readonly severity?: string;
  readonly receivers: readonly Receiver[];
  readonly outbox: Outbox;
  readonly maintenance?: readonly CompiledWindow[];
  /** How long one deploy signal keeps alerts quiet (renewed by each call). */
  readonly deploySilenceMs?: number;
  /** Alertmanager re-send interval while an alert fires (default 60 s). */
  readonly resendMs?: number;
  /** The journey's state changed (metrics). */
  readonly onState?: (journey: string, summary: StateSummary, state: JourneyAlertState) => void;
  readonly log: (line: string) => void;
  /** Runs kept per journey for the strip (default 30). */
  readonly keepRuns?: number;
  /** Story events kept across journeys (default 100). */
  readonly keepStory?: number;
}

export interface JourneyBoard {
  readonly journey: AlertJourney;
  readonly summary: StateSummary;
  readonly state: JourneyAlertState;
  /** Oldest first. */
  readonly runs: readonly RunEntry[];
}

export interface Alerting {
  /** The loaded journeys (at start and after a reload): new ones start empty, removed ones are forgotten. */
  setJourneys(journeys: readonly AlertJourney[]): void;
  /** One finished journey (redacted). Returns whether to re-run it at once. */
  observe(result: JourneyResult, run: { readonly runId: string; readonly source?: string }): { rerun: boolean };
  /** Whether the journey's last observed run asked for an immediate re-run. */
  wantsRerun(journey: string): boolean;
  /** Time passes: quiet windows end, flapping settles, Alertmanager alerts are re-sent when due. */
  tick(): void;
  /** `POST /api/silence?for=…`: quiet until now + ms; a new silence replaces the previous one. */
  silence(ms: number, what: string): QuietWindow;
  /** `DELETE /api/silence`: ends the silence (not maintenance, not a deploy). */
  unsilence(): boolean;
  /** A Flagger hook call: renews or ends the deploy silence. */
  deployPhase(phase: string | undefined, what: string): void;
  /** Reasons alerts are quiet now. */
  quiet(): QuietWindow[];
  board(): JourneyBoard[];
  /** Newest last. */
  story(): readonly JourneyStory[];
  /** How often `tick` re-sends firing Alertmanager alerts. */
  readonly resendMs: number;
}

export const DEFAULT_RESEND_MS = 60_000;
export const DEFAULT_DEPLOY_SILENCE_MS = 10 * 60_000;

export function createAlerting(options: AlertingOptions): Alerting {
  const resendMs = options.resendMs ?? DEFAULT_RESEND_MS;
  const keepRuns = options.keepRuns ?? 30;
  const keepStory = options.keepStory ?? 100;
  const severity = options.severity ?? 'critical';
  const maintenance = options.maintenance ?? [];
  const alertmanagers = options.receivers.filter((r) => r.kind === 'alertmanager');

  const journeys = new Map<string, AlertJourney>();
  const states = new Map<string, JourneyAlertState>();
  const runs = new Map<string, RunEntry[]>();
  const reruns = new Set<string>();
  const story: JourneyStory[] = [];
  /** journey → the Alertmanager alert firing for it. */
  const firing = new Map<string, AlertmanagerAlert>();
  let silences: Silences = {};
  let lastResend = Number.NEGATIVE_INFINITY;
  let wasQuiet = false;

  const tell = (journey: AlertJourney, notice: Notice): void => {
    const context: AlertContext = {
      journey: journey.name,
      env: options.env,
      tags: journey.tags,
      ...(journey.protects ? { protects: journey.protects } : {}),
      notice,
      baseUrl: typeof options.baseUrl === 'string' ? options.baseUrl : options.baseUrl(),
      severity,
    };
    const what = `${notice.event} ${journey.name}`;
    const sentAt = new Date(options.now()).toISOString();
    for (const receiver of options.receivers) {
      if (receiver.kind === 'webhook') {
        const id = randomUUID();
        const body = JSON.stringify(webhookBody(context, { id, sentAt }));
        options.outbox.send(receiver, { body, headers: webhookHeaders(receiver, body, id), what });
      } else if (receiver.kind === 'slack') {
        options.outbox.send(receiver, { body: JSON.stringify(slackBody(context)), what });
      }
    }
    if (alertmanagers.length === 0) return;
    const now = options.now();
    const before = firing.get(journey.name);
    const batch: AlertmanagerAlert[] = [];
    if (notice.event === 'recovered') {
      if (before) batch.push(resolvedAlert(before, now));
      firing.delete(journey.name);
    } else {
      const alert = alertmanagerAlert(context, now + 5 * resendMs);
      if (before && !sameLabels(before, alert)) batch.push(resolvedAlert(before, now));
      batch.push(alert);
      firing.set(journey.name, alert);
    }
    for (const receiver of alertmanagers) options.outbox.send(receiver, { body: JSON.stringify(batch), what });
  };

  const quietNow = (now: number): QuietWindow[] => quietAt(silences, maintenance, now);

  /** Reconciles one journey at `now`; true when its state changed. */
  const settle = (name: string, now: number, quiet: boolean): boolean => {
    const journey = journeys.get(name);
    const state = states.get(name);
    if (!journey || !state) return false;
    const result = reconcile(state, journey.policy, { now, quiet });
    if (result.state !== state) states.set(name, result.state);
    for (const event of result.story) remember(name, event);
    for (const notice of result.notices) tell(journey, notice);
    return result.state !== state;
  };

  const remember = (journey: string, event: StoryEvent): void => {
    story.push({ journey, ...event });
    if (story.length > keepStory) story.splice(0, story.length - keepStory);
  };

  const resend = (now: number): void => {
    if (alertmanagers.length === 0 || firing.size === 0) return;
    const alerts = [...firing.entries()].map(([name, alert]) => {
      const renewed = { ...alert, endsAt: new Date(now + 5 * resendMs).toISOString() };
      firing.set(name, renewed);
      return renewed;
    });
    for (const receiver of alertmanagers) {
      options.outbox.send(receiver, { body: JSON.stringify(alerts), key: 'resend', what: `${alerts.length} firing alerts (re-send)` });
    }
  };

  return {
    resendMs,
    setJourneys(list) {
      const names = new Set(list.map((j) => j.name));
      const now = options.now();
      for (const name of journeys.keys()) {
        if (names.has(name)) continue;
        // A journey that is gone cannot recover: its firing alert is resolved, not left to lapse.
        const alert = firing.get(name);
        if (alert) for (const receiver of alertmanagers) options.outbox.send(receiver, { body: JSON.stringify([resolvedAlert(alert, now)]), what: `removed ${name}` });
        firing.delete(name);
        journeys.delete(name);
        states.delete(name);
        runs.delete(name);
        reruns.delete(name);
      }
      for (const journey of list) {
        journeys.set(journey.name, journey);
        if (!states.has(journey.name)) states.set(journey.name, INITIAL_STATE);
      }
    },
    observe(result, run) {
      const journey = journeys.get(result.name);
      const state = states.get(result.name);
      if (!journey || !state || result.outcome === 'skipped') return { rerun: false };
      const now = options.now();
      const status = failureStatus(result);
      // A flaky run passed: what its retried attempt said is not what is broken now. A degraded
      // one passed too; its hint says why it is degraded (the status page shows it).
      const verdict = result.outcome === 'failed' || result.outcome === 'error' || result.outcome === 'degraded' ? verdictFields(result) : {};
      const trace = traceOf(result);
      const observation: RunObservation = {
        runId: run.runId,
        at: now,
        outcome: result.outcome,
        ...(verdict.layer ? { layer: verdict.layer } : {}),
        ...(verdict.stage ? { stage: verdict.stage } : {}),
        ...(status !== undefined ? { status } : {}),
        ...(verdict.error ? { hint: `could not verify (${verdict.error.code}): ${verdict.hint ?? verdict.error.message}` } : verdict.hint ? { hint: verdict.hint } : {}),
        ...(trace === undefined ? {} : { trace }),
      };
      const list = runs.get(result.name) ?? [];
      list.push({ ...observation, durationMs: result.durationMs, ...(run.source ? { source: run.source } : {}) });
      if (list.length > keepRuns) list.splice(0, list.length - keepRuns);
      runs.set(result.name, list);

      const observed = observe(state, observation, journey.policy);
      states.set(result.name, observed.state);
      for (const event of observed.story) remember(result.name, event);
      const rerun = observed.rerun && journey.scheduled;
      if (rerun) reruns.add(result.name);
      else reruns.delete(result.name);
      settle(result.name, now, quietNow(now).length > 0);
      const settled = states.get(result.name) as JourneyAlertState;
      options.onState?.(result.name, summarize(settled, journey.policy), settled);
      return { rerun };
    },
    wantsRerun: (journey) => reruns.has(journey),
    tick() {
      const now = options.now();
      const quiet = quietNow(now).length > 0;
      if (quiet !== wasQuiet) {
        options.log(quiet ? `alerts: quiet (${describeQuiet(quietNow(now))}); journeys keep running` : 'alerts: quiet window over; receivers hear what is still true');
        wasQuiet = quiet;
      }
      for (const [name, journey] of journeys) {
        if (!settle(name, now, quiet)) continue;
        const state = states.get(name) as JourneyAlertState;
        options.onState?.(name, summarize(state, journey.policy), state);
      }
      if (now - lastResend >= resendMs) {
        lastResend = now;
        resend(now);
      }
    },
    silence(ms, what) {
      const now = options.now();
      const window: QuietWindow = { reason: 'silence', startsAt: now, endsAt: now + ms, what };
      silences = { ...silences, silence: window };
      options.log(`alerts: silenced until ${new Date(window.endsAt).toISOString()} (${what})`);
      return window;
    },
    unsilence() {
      const had = silences.silence !== undefined && silences.silence.endsAt > options.now();
      const { silence: _ended, ...rest } = silences;
      silences = rest;
      if (had) options.log('alerts: silence ended');
      return had;
    },
    deployPhase(phase, what) {
      const signal = deploySignal(phase);
      const now = options.now();
      if (signal === 'start') {
        const startsAt = silences.deploy && silences.deploy.endsAt > now ? silences.deploy.startsAt : now;
        silences = { ...silences, deploy: { reason: 'deploy', startsAt, endsAt: now + (options.deploySilenceMs ?? DEFAULT_DEPLOY_SILENCE_MS), what } };
      } else if (signal === 'end' && silences.deploy) {
        const { deploy: _ended, ...rest } = silences;
        silences = rest;
      }
    },
    quiet: () => quietNow(options.now()),
    board() {
      return [...journeys.values()].map((journey) => {
        const state = states.get(journey.name) ?? INITIAL_STATE;
        return { journey, state, summary: summarize(state, journey.policy), runs: runs.get(journey.name) ?? [] };
      });
    },
    story: () => story,
  };
}

function sameLabels(a: AlertmanagerAlert, b: AlertmanagerAlert): boolean {
  const keys = new Set([...Object.keys(a.labels), ...Object.keys(b.labels)]);
  for (const key of keys) if (a.labels[key] !== b.labels[key]) return false;
  return true;
}

export function describeQuiet(windows: readonly QuietWindow[]): string {
  return windows
    .map((w) => `${w.reason}${w.what ? ` ${w.what}` : ''} until ${new Date(w.endsAt).toISOString()}`)
    .join('; ');
}
