/**
 * (Test support: *.fixtures.ts is left out of the build.)
 *
 * Builds valid results for tests that only care about a few fields: the unions want a
 * failed journey to carry its stage, layer, hint, message and failure, and this fills what
 * a test leaves out with plain defaults.
 */
import type { AttemptResult, Degradation, Failure, JourneyResult, Layer, Outcome, Phase, RunnerError } from './types.js';

export interface JourneyFields {
  readonly name?: string;
  readonly file?: string;
  readonly tags?: readonly string[];
  readonly durationMs?: number;
  readonly startedAt?: string;
  readonly stage?: Phase;
  readonly layer?: Layer;
  readonly hint?: string;
  readonly message?: string;
  readonly error?: RunnerError;
  readonly reason?: string;
  readonly attempts?: readonly AttemptResult[];
  readonly [key: string]: unknown;
}

/** A journey result with `outcome` and whatever the test gives; the rest defaulted. */
export function journeyResult(outcome: Outcome, fields: JourneyFields = {}): JourneyResult {
  const { stage, layer, hint, message, error, reason, ...rest } = fields;
  const base = {
    name: 'journey',
    file: 'journeys/journey.yaml',
    tags: [],
    durationMs: 1,
    attempts: [],
    ...rest,
  } as Omit<Extract<JourneyResult, { outcome: 'passed' }>, 'outcome'>;
  const failure: Failure = { layer: layer ?? 'app', hint: hint ?? `${layer ?? 'app'} failure`, message: message ?? hint ?? 'failed' };
  switch (outcome) {
    case 'passed':
      return { ...base, outcome };
    case 'degraded': {
      const slow: Degradation = { kind: 'slow-journey', tookMs: 900, budgetMs: 500, message: message ?? "the journey's steps took 900ms (warnAfter 500ms)", hint: hint ?? 'slow' };
      return { ...base, outcome, hint: slow.hint, message: slow.message, degradations: [slow] };
    }
    case 'skipped':
      return { ...base, outcome, reason: reason ?? 'interrupted' };
    case 'failed':
      return { ...base, outcome, stage: stage ?? 'action', layer: failure.layer, hint: failure.hint, message: failure.message, failure };
    case 'error': {
      const err = error ?? { code: 'RUNNER_BUG' as const, message: message ?? hint ?? 'could not verify' };
      return { ...base, outcome, ...(stage === undefined ? {} : { stage }), hint: hint ?? err.message, message: message ?? err.message, error: err };
    }
    case 'flaky':
      return {
        ...base,
        outcome,
        stage: stage ?? 'action',
        ...(layer === undefined ? {} : { layer }),
        hint: failure.hint,
        message: failure.message,
        retried: { attempt: 1, outcome: 'failed', startedAt: '', durationMs: 1, steps: [], stage: stage ?? 'action', failure },
      };
  }
}
