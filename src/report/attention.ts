/**
 * What a report shows for a journey that needs attention (failed, error, or flaky: the
 * attempt that was retried away), read through the result unions — no `a ?? b ?? 'unknown'`.
 */
import type { Degradation, EndpointMapping, Failure, JourneyResult, Layer, Phase, RunnerError, StepResult, StoppedAttempt, TraceRef } from '../result/types.js';

export interface Attention {
  /** The attempt that stopped (the last one, or for a flaky journey the one retried away). */
  readonly attempt: StoppedAttempt;
  readonly stage: Phase;
  /** The failed step (or the step that errored), when the attempt stopped in one. */
  readonly step?: Extract<StepResult, { status: 'failed' | 'error' }>;
  readonly hint: string;
  readonly message: string;
  /** Present when the target failed; absent when pathproof could not verify. */
  readonly failure?: Failure;
  readonly layer?: Layer;
  readonly error?: RunnerError;
}

/** The story of a failed, errored or flaky journey; undefined for passed and skipped ones. */
export function attentionOf(journey: JourneyResult): Attention | undefined {
  let attempt: StoppedAttempt | undefined;
  if (journey.outcome === 'flaky') attempt = journey.retried;
  else if (journey.outcome === 'failed' || journey.outcome === 'error') {
    const last = journey.attempts.at(-1);
    attempt = last !== undefined && last.outcome !== 'passed' ? last : undefined;
  }
  if (attempt === undefined) return undefined;
  const step = attempt.steps.find((s): s is Extract<StepResult, { status: 'failed' | 'error' }> => s.status === 'failed' || s.status === 'error');
  const base = { attempt, stage: attempt.stage, ...(step === undefined ? {} : { step }) };
  if (attempt.outcome === 'failed') {
    return { ...base, hint: attempt.failure.hint, message: attempt.failure.message, failure: attempt.failure, layer: attempt.failure.layer };
  }
  return { ...base, hint: attempt.error.message, message: attempt.error.message, error: attempt.error };
}

/** `failed (route)`, `error (STEP_HUNG)`, `passed`: one attempt in a line. */
export function attemptSummary(attempt: JourneyResult['attempts'][number]): string {
  switch (attempt.outcome) {
    case 'passed':
      return 'passed';
    case 'failed':
      return `failed (${attempt.failure.layer})`;
    case 'error':
      return `error (${attempt.error.code})`;
  }
}

/** The verdict fields a journey carries, for serialisers that list what is present (ctrf, history). */
export function verdictFields(journey: JourneyResult): {
  stage?: Phase;
  layer?: Layer;
  hint?: string;
  message?: string;
  error?: RunnerError;
  reason?: string;
} {
  switch (journey.outcome) {
    case 'passed':
      return {};
    case 'degraded':
      return { hint: journey.hint, message: journey.message };
    case 'skipped':
      return { reason: journey.reason };
    case 'failed':
      return { stage: journey.stage, layer: journey.layer, hint: journey.hint, message: journey.message };
    case 'flaky':
      return { stage: journey.stage, ...(journey.layer === undefined ? {} : { layer: journey.layer }), hint: journey.hint, message: journey.message };
    case 'error':
      return { ...(journey.stage === undefined ? {} : { stage: journey.stage }), hint: journey.hint, message: journey.message, error: journey.error };
  }
}

/** What a journey guards (`protects:`), most urgent first: a broken identity path locks users out. */
export const PROTECTS_ORDER = ['identity', 'data', 'code'] as const;
export type Protects = (typeof PROTECTS_ORDER)[number];

/** Journeys that protect one thing, or (`protects` undefined) those that do not say. */
export interface ProtectsGroup<T> {
  readonly protects: Protects | undefined;
  readonly journeys: readonly T[];
}

/**
 * Journeys grouped by what they protect: identity, data, code, then those without `protects:`.
 * The order within a group is kept; empty groups are left out.
 */
export function groupByProtects<T extends { readonly protects?: Protects }>(journeys: readonly T[]): ProtectsGroup<T>[] {
  const groups: ProtectsGroup<T>[] = [];
  for (const protects of [...PROTECTS_ORDER, undefined]) {
    const members = journeys.filter((j) => j.protects === protects);
    if (members.length > 0) groups.push({ protects, journeys: members });
  }
  return groups;
}

/** `protects identity`, or `without protects:` for the rest. */
export function protectsTitle(protects: Protects | undefined): string {
  return protects === undefined ? 'without protects:' : `protects ${protects}`;
}

/**
 * The broken journeys (failed, or could not be verified) by what they protect, when any of them
 * says: `identity: login · data: refund-request, refund-api · without protects: home`.
 * Undefined when none is broken or none says what it protects (nothing to add then).
 */
export function brokenByProtects(journeys: readonly JourneyResult[], name: (journey: JourneyResult) => string = (j) => j.name): string | undefined {
  const broken = journeys.filter((j) => j.outcome === 'failed' || j.outcome === 'error');
  if (!broken.some((j) => j.protects !== undefined)) return undefined;
  return groupByProtects(broken)
    .map((group) => `${group.protects ?? 'without protects:'}${group.protects === undefined ? '' : ':'} ${group.journeys.map(name).join(', ')}`)
    .join(' · ');
}

/**
 * Endpoint mapping in words: `127.0.0.1:8080 → container shop-web-1 (service web, 80/tcp)`, or
 * `127.0.0.1:8080 → not determined: no container publishes port 8080; …`.
 */
export function endpointText(mapping: EndpointMapping): string {
  if (mapping.kind === 'unmapped') return `${mapping.target} → not determined: ${mapping.why}`;
  const { container } = mapping;
  const details = [container.compose ? `service ${container.compose.service}` : undefined, container.port, mapping.selected ? 'the one checked' : undefined].filter(Boolean);
  return `${mapping.target} → container ${container.name} (${details.join(', ')})`;
}

/** Why a journey that worked is degraded (a flaky one may be too); empty for every other outcome. */
export function degradationsOf(journey: JourneyResult): readonly Degradation[] {
  if (journey.outcome === 'degraded') return journey.degradations;
  if (journey.outcome === 'flaky') return journey.degradations ?? [];
  return [];
}

/**
 * The backend trace worth opening for a journey: the trace of the attempt that tells its
 * story (the failed attempt of a failed or flaky journey, else the last one). Undefined
 * when no trace was sent (`traceparent: false`, nothing ran).
 */
export function traceOf(journey: JourneyResult): TraceRef | undefined {
  const attempt = attentionOf(journey)?.attempt ?? journey.attempts.at(-1);
  return attempt?.trace;
}

/** A trace link safe to put in an href: only http(s) (run.json may come from anywhere). */
export function traceHref(trace: TraceRef | undefined): string | undefined {
  const url = trace?.url;
  if (url === undefined || !/^https?:\/\//i.test(url) || !URL.canParse(url)) return undefined;
  return url;
}
