/**
 * What a report shows for a journey that needs attention (failed, error, or flaky: the
 * attempt that was retried away), read through the result unions — no `a ?? b ?? 'unknown'`.
 */
import type { Degradation, Failure, JourneyResult, Layer, Phase, RunnerError, StepResult, StoppedAttempt, TraceRef } from '../result/types.js';

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
