/**
 * What receivers are sent: the JSON webhook body, the Slack message, and Alertmanager v2
 * alerts. Pure: notice and context in, plain data out.
 *
 * Secrets: every field comes from results that were redacted before alerting saw them
 * (the run's one redaction boundary), and from names and links we build; a receiver's own
 * URL or signing key never goes into a body.
 */
import type { Transition, TransitionKind } from '../result/types.js';
import { describeTransition } from '../classify/transition.js';
import { anchorId } from '../report/html/escape.js';
import { traceHref } from '../report/attention.js';
import type { Notice, RunObservation } from './alert-state.js';

/** The version of the webhook body; fields are added, never renamed. */
export const WEBHOOK_VERSION = 1;

/** HMAC-SHA256 of the raw body with the webhook's `secret`, as `sha256=<hex>`. */
export const SIGNATURE_HEADER = 'x-pathproof-signature-256';

export interface AlertContext {
  readonly journey: string;
  /** The --env name, '' when none. */
  readonly env: string;
  readonly tags: readonly string[];
  readonly protects?: string;
  readonly notice: Notice;
  /** Base URL of the status page (externalUrl, else the listen address), without a trailing slash. */
  readonly baseUrl: string;
  /** Severity label of a down journey (Alertmanager). */
  readonly severity: string;
}

export interface AlertLinks {
  readonly status: string;
  readonly report: string;
  /** The backend trace of the run that is the news (`traceUrl:` of pathproof.yaml), when there is one. */
  readonly trace?: string;
}

export function linksOf(context: Pick<AlertContext, 'baseUrl' | 'journey' | 'notice'>): AlertLinks {
  const trace = traceHref(context.notice.run.trace);
  return {
    status: `${context.baseUrl}/#${anchorId(context.journey)}`,
    report: `${context.baseUrl}/runs/${encodeURIComponent(context.notice.run.runId)}/`,
    ...(trace === undefined ? {} : { trace }),
  };
}

/** The layer, or the outcome for a failure without one (error), or the outcome for a pass. */
function sideOf(run: RunObservation): string {
  return run.outcome === 'failed' ? (run.layer ?? 'failed') : run.outcome;
}

/** The notice as a transition between what receivers knew and what is true now. */
export function noticeTransition(notice: Notice): Transition | undefined {
  const kind: TransitionKind | undefined = notice.event === 'flapping' ? undefined : notice.event;
  if (!kind) return undefined;
  const from = kind === 'broke' ? undefined : notice.previous;
  const to = notice.run;
  return {
    kind,
    from: from ? sideOf(from) : 'passed',
    to: sideOf(to),
    ...(from?.status !== undefined && from.outcome === 'failed' ? { fromStatus: from.status } : {}),
    ...(to.status !== undefined && to.outcome === 'failed' ? { toStatus: to.status } : {}),
    ...(from ? { previousRunId: from.runId } : {}),
  };
}

/** `refund-api broke: route at action (404) in production`: one line for people. */
export function summaryLine(context: AlertContext): string {
  const { notice, journey } = context;
  const run = notice.run;
  const env = context.env ? ` in ${context.env}` : '';
  const where = run.outcome === 'error' ? 'could not verify' : `${run.layer ?? 'failed'}${run.stage ? ` at ${run.stage}` : ''}${run.status !== undefined ? ` (${run.status})` : ''}`;
  switch (notice.event) {
    case 'broke':
      return `${journey} is down${env}: ${where}`;
    case 'recovered':
      return `${journey} recovered${env}`;
    case 'progressed':
    case 'regressed':
      return `${journey} ${notice.event}${env}: now ${where}`;
    case 'flapping':
      return `${journey} is flapping${env}: it keeps changing between passing and failing`;
  }
}

/** The JSON webhook body (documented in the README; `version` 1). */
export function webhookBody(context: AlertContext, delivery: { readonly id: string; readonly sentAt: string }): Record<string, unknown> {
  const { notice } = context;
  const run = notice.run;
  const transition = noticeTransition(notice);
  const state = notice.event === 'flapping' ? 'flapping' : notice.event === 'recovered' ? 'up' : 'down';
  return {
    version: WEBHOOK_VERSION,
    id: delivery.id,
    sentAt: delivery.sentAt,
    event: notice.event,
    journey: context.journey,
    env: context.env,
    state,
    since: new Date(notice.since).toISOString(),
    summary: summaryLine(context),
    outcome: run.outcome,
    ...(run.layer ? { layer: run.layer } : {}),
    ...(run.stage ? { stage: run.stage } : {}),
    ...(run.status !== undefined ? { status: run.status } : {}),
    ...(run.hint ? { hint: run.hint } : {}),
    ...(transition ? { transition: { ...transition, text: describeTransition(transition) } } : {}),
    runId: run.runId,
    ...(run.trace ? { traceId: run.trace.id } : {}),
    ...(notice.previous ? { previous: { runId: notice.previous.runId, outcome: notice.previous.outcome, ...(notice.previous.layer ? { layer: notice.previous.layer } : {}), ...(notice.previous.status !== undefined ? { status: notice.previous.status } : {}) } } : {}),
    tags: [...context.tags],
    ...(context.protects ? { protects: context.protects } : {}),
    links: linksOf(context),
  };
}

const SLACK_ICON: Record<Notice['event'], string> = {
  broke: ':red_circle:',
  recovered: ':large_green_circle:',
  progressed: ':large_yellow_circle:',
  regressed: ':red_circle:',
  flapping: ':large_orange_circle:',
};

/** Slack mrkdwn needs &, < and > escaped; everything else is literal. */
function slackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A Slack incoming-webhook message: one text with the summary, the hint, the transition and links. */
export function slackBody(context: AlertContext): { text: string } {
  const { notice } = context;
  const links = linksOf(context);
  const transition = noticeTransition(notice);
  const lines = [`${SLACK_ICON[notice.event]} *${slackText(summaryLine(context))}*`];
  if (notice.event !== 'recovered' && notice.run.hint) lines.push(slackText(notice.run.hint));
  if (transition) lines.push(`\`${slackText(describeTransition(transition))}\``);
  lines.push(`<${links.status}|status page> · <${links.report}|run report>${links.trace ? ` · <${links.trace}|backend trace>` : ''}`);
  return { text: lines.join('\n') };
}

/** An alert of Alertmanager's v2 API (`POST /api/v2/alerts` takes an array of these). */
export interface AlertmanagerAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly generatorURL: string;
}

export const ALERTNAME_DOWN = 'PathproofJourneyDown';
export const ALERTNAME_FLAPPING = 'PathproofJourneyFlapping';

/**
 * The alert that is firing after `notice` (broke, flapping, or a layer change while down),
 * valid until `endsAt`. Labels are the alert's identity in Alertmanager: journey, env,
 * layer, severity; an empty value is left out (Alertmanager treats it as absent).
 */
export function alertmanagerAlert(context: AlertContext, endsAt: number): AlertmanagerAlert {
  const { notice } = context;
  const run = notice.run;
  const flapping = notice.event === 'flapping';
  const links = linksOf(context);
  const transition = noticeTransition(notice);
  const labels: Record<string, string> = {
    alertname: flapping ? ALERTNAME_FLAPPING : ALERTNAME_DOWN,
    journey: context.journey,
    severity: flapping || run.outcome === 'error' ? 'warning' : context.severity,
  };
  if (context.env) labels.env = context.env;
  if (!flapping && run.layer) labels.layer = run.layer;
  const annotations: Record<string, string> = {
    summary: summaryLine(context),
    status_page: links.status,
    report: links.report,
    run_id: run.runId,
  };
  if (run.hint) annotations.hint = run.hint;
  if (run.stage) annotations.stage = run.stage;
  if (run.status !== undefined) annotations.status = String(run.status);
  if (transition) annotations.transition = describeTransition(transition);
  if (run.trace) annotations.trace_id = run.trace.id;
  if (links.trace) annotations.trace = links.trace;
  return {
    labels,
    annotations,
    startsAt: new Date(notice.since).toISOString(),
    endsAt: new Date(endsAt).toISOString(),
    generatorURL: links.status,
  };
}

/** The same alert, resolved now. */
export function resolvedAlert(alert: AlertmanagerAlert, now: number): AlertmanagerAlert {
  return { ...alert, endsAt: new Date(Math.max(now, Date.parse(alert.startsAt))).toISOString() };
}
