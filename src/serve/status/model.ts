/**
 * What the status page shows, as plain JSON (`GET /api/status`): every journey with its
 * state, the failure when it is down, since when, its last runs, the latest transition,
 * runtime truth, and the story of what happened; the quiet windows. The page is rendered
 * from exactly this, so what a machine reads and what a person sees cannot disagree.
 *
 * Built from data that was redacted before serve stored it (results, hints) and from names
 * and times we made. Pure.
 */
import { createHash } from 'node:crypto';
import type { JourneyResult, RuntimeTruth, TraceRef } from '../../result/types.js';
import { describeTransition } from '../../classify/transition.js';
import type { DisplayState, StateSummary, StoryKind } from '../alert-state.js';
import type { JourneyBoard, JourneyStory, RunEntry } from '../alerting.js';
import type { QuietWindow } from '../quiet.js';

export const STATUS_VERSION = 1;

export interface StatusRun {
  readonly runId: string;
  readonly at: string;
  readonly outcome: string;
  readonly layer?: string;
  readonly status?: number;
  readonly durationMs: number;
  readonly source?: string;
  /** The run's HTML report, served by serve. */
  readonly report: string;
}

export interface StatusFailure {
  readonly runId: string;
  readonly at: string;
  readonly outcome: string;
  readonly layer?: string;
  readonly stage?: string;
  readonly status?: number;
  readonly hint?: string;
  readonly report: string;
  /** The backend trace of the failing run (`url` with `traceUrl:` in pathproof.yaml). */
  readonly trace?: TraceRef;
}

/** Why the latest run, which worked, is degraded. */
export interface StatusDegradation {
  /** What to do about the first reason. */
  readonly hint: string;
  /** Every reason, one line each: `GET /api/orders took 812ms (expect.warnMs 500ms)`. */
  readonly reasons: readonly string[];
  readonly trace?: TraceRef;
}

export interface StatusJourney {
  readonly name: string;
  readonly file: string;
  readonly tags: readonly string[];
  readonly protects?: string;
  readonly schedule?: string;
  readonly nextRunAt?: string;
  readonly running: boolean;
  readonly state: DisplayState;
  readonly since?: string;
  readonly pending?: StateSummary['pending'];
  /** The latest run passed with a note (degraded, or an outcome this serve does not know). */
  readonly note?: string;
  /** What is broken: while down, checking, or a failure being confirmed. */
  readonly failure?: StatusFailure;
  /** Why the latest run is degraded (slow, a certificate expiring soon), when it is. */
  readonly degradation?: StatusDegradation;
  /** The latest run compared with the one before it (run.json's transition) when it moved, with its text. */
  readonly transition?: JourneyResult['transition'] & { readonly text: string };
  readonly runtime?: RuntimeTruth;
  /** Oldest first. */
  readonly runs: readonly StatusRun[];
  /** The latest run's report. */
  readonly report?: string;
}

export interface StatusStory {
  readonly journey: string;
  readonly kind: StoryKind;
  readonly at: string;
  readonly runId: string;
  readonly text: string;
  readonly report: string;
}

export interface StatusQuiet {
  readonly reason: QuietWindow['reason'];
  readonly startsAt: string;
  readonly endsAt: string;
  readonly what?: string;
}

export interface StatusModel {
  readonly version: typeof STATUS_VERSION;
  /** Changes whenever anything but the time changes: the page re-renders only then. */
  readonly revision: string;
  readonly generatedAt: string;
  readonly env: string;
  readonly counts: Readonly<Record<DisplayState, number>>;
  readonly quiet: readonly StatusQuiet[];
  readonly nextMaintenance?: StatusQuiet;
  readonly journeys: readonly StatusJourney[];
  /** Newest first. */
  readonly story: readonly StatusStory[];
}

export interface StatusCatalogEntry {
  readonly name: string;
  readonly file: string;
  readonly tags: readonly string[];
  readonly protects?: string;
  readonly schedule?: string;
}

export interface StatusInputs {
  readonly now: number;
  readonly env: string;
  readonly catalog: readonly StatusCatalogEntry[];
  readonly board: readonly JourneyBoard[];
  readonly story: readonly JourneyStory[];
  readonly quiet: readonly QuietWindow[];
  readonly nextMaintenance?: QuietWindow;
  /** The latest result of each journey (runtime truth, transition). */
  readonly latest: ReadonlyMap<string, { readonly runId: string; readonly result: JourneyResult }>;
  readonly nextRuns: ReadonlyMap<string, Date>;
  readonly busy: readonly string[];
}

/** Runs shown on each journey's strip. */
export const STRIP_RUNS = 20;
/** Story events shown. */
export const STORY_EVENTS = 30;

export const DISPLAY_STATES: readonly DisplayState[] = ['down', 'flapping', 'checking', 'degraded', 'up', 'not-run'];

const iso = (ms: number): string => new Date(ms).toISOString();
export const reportPath = (runId: string): string => `/runs/${encodeURIComponent(runId)}/`;

function quietOf(window: QuietWindow): StatusQuiet {
  return { reason: window.reason, startsAt: iso(window.startsAt), endsAt: iso(window.endsAt), ...(window.what ? { what: window.what } : {}) };
}

function failureOf(run: RunEntry | JourneyBoard['state']['failure']): StatusFailure | undefined {
  if (!run) return undefined;
  return {
    runId: run.runId,
    at: iso(run.at),
    outcome: run.outcome,
    ...(run.layer ? { layer: run.layer } : {}),
    ...(run.stage ? { stage: run.stage } : {}),
    ...(run.status !== undefined ? { status: run.status } : {}),
    ...(run.hint ? { hint: run.hint } : {}),
    report: reportPath(run.runId),
    ...(run.trace ? { trace: run.trace } : {}),
  };
}

function degradationOf(result: JourneyResult | undefined): StatusDegradation | undefined {
  if (result?.outcome !== 'degraded') return undefined;
  const trace = result.attempts.at(-1)?.trace;
  return { hint: result.hint, reasons: result.degradations.map((d) => d.message), ...(trace ? { trace } : {}) };
}

/** `down: route at action (404)`, `up (recovered from route (404))`: one line per story event. */
export function storyText(event: JourneyStory): string {
  const run = event.run;
  const where = run.outcome === 'error' ? 'could not verify' : `${run.layer ?? 'failed'}${run.stage ? ` at ${run.stage}` : ''}${run.status !== undefined ? ` (${run.status})` : ''}`;
  const before = event.previous;
  const was = before ? `${before.layer ?? before.outcome}${before.status !== undefined ? ` (${before.status})` : ''}` : undefined;
  switch (event.kind) {
    case 'down':
      return `down: ${where}`;
    case 'up':
      return was ? `up again (was ${was})` : 'up again';
    case 'progressed':
    case 'regressed': {
      const codes = before?.status !== undefined && run.status !== undefined ? `${before.status} → ${run.status}  ` : '';
      return `${codes}${event.kind}: ${before?.layer ?? '?'} → ${run.layer ?? '?'}`;
    }
    case 'flapping':
      return 'flapping: it keeps changing between passing and failing';
    case 'settled':
      return `settled: ${run.outcome === 'failed' || run.outcome === 'error' ? where : 'passing'}`;
  }
}

export function buildStatus(inputs: StatusInputs): StatusModel {
  const boards = new Map(inputs.board.map((b) => [b.journey.name, b]));
  const busy = new Set(inputs.busy);
  const counts = Object.fromEntries(DISPLAY_STATES.map((s) => [s, 0])) as Record<DisplayState, number>;

  const journeys: StatusJourney[] = inputs.catalog.map((entry) => {
    const board = boards.get(entry.name);
    const summary: StateSummary = board?.summary ?? { state: 'not-run' };
    counts[summary.state] += 1;
    const latest = inputs.latest.get(entry.name);
    const runs = (board?.runs ?? []).slice(-STRIP_RUNS).map((run) => ({
      runId: run.runId,
      at: iso(run.at),
      outcome: run.outcome,
      ...(run.layer ? { layer: run.layer } : {}),
      ...(run.status !== undefined ? { status: run.status } : {}),
      durationMs: Math.round(run.durationMs),
      ...(run.source ? { source: run.source } : {}),
      report: reportPath(run.runId),
    }));
    const broken = summary.state === 'down' || summary.state === 'checking' || summary.state === 'flapping' || summary.pending?.toward === 'down';
    const failure = broken ? failureOf(board?.state.failure) : undefined;
    const degradation = summary.state === 'degraded' ? degradationOf(latest?.result) : undefined;
    const transition = latest?.result.transition;
    const next = inputs.nextRuns.get(entry.name);
    return {
      name: entry.name,
      file: entry.file,
      tags: entry.tags,
      ...(entry.protects ? { protects: entry.protects } : {}),
      ...(entry.schedule ? { schedule: entry.schedule } : {}),
      ...(next ? { nextRunAt: next.toISOString() } : {}),
      running: busy.has(entry.name),
      state: summary.state,
      ...(summary.since !== undefined ? { since: iso(summary.since) } : {}),
      ...(summary.pending ? { pending: summary.pending } : {}),
      ...(summary.note ? { note: summary.note } : {}),
      ...(failure ? { failure } : {}),
      ...(degradation ? { degradation } : {}),
      // News only: a first run or the same result again says nothing (the story keeps the rest).
      ...(transition && transition.kind !== 'new' && transition.kind !== 'unchanged' ? { transition: { ...transition, text: describeTransition(transition) } } : {}),
      ...(latest?.result.runtime ? { runtime: latest.result.runtime } : {}),
      runs,
      ...(latest ? { report: reportPath(latest.runId) } : {}),
    };
  });

  const story = inputs.story
    .slice(-STORY_EVENTS)
    .reverse()
    .map((event) => ({ journey: event.journey, kind: event.kind, at: iso(event.at), runId: event.run.runId, text: storyText(event), report: reportPath(event.run.runId) }));

  const body = {
    env: inputs.env,
    counts,
    quiet: inputs.quiet.map(quietOf),
    ...(inputs.nextMaintenance ? { nextMaintenance: quietOf(inputs.nextMaintenance) } : {}),
    journeys,
    story,
  };
  // Running flags and next-run times change every tick; they are part of the page too.
  const revision = createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 16);
  return { version: STATUS_VERSION, revision, generatedAt: iso(inputs.now), ...body };
}
