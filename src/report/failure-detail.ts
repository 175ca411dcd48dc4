/**
 * What the file reports (junit, ctrf, summary, investigation) say about a journey that
 * did not pass: the one-line headline, the failing step with its failed assertions, and
 * the evidence files. One place, so every report names a failure the same way.
 *
 * Everything here reads results that the multiplexer already redacted.
 */
import type { AttemptResult, EvidenceFile, JourneyResult, StepResult } from '../result/types.js';

/**
 * The attempt worth showing: the last one for failed/error journeys, the first failing one
 * for a flaky journey (the failure that a retry hid), none for passed/skipped.
 */
export function shownAttempt(journey: JourneyResult): AttemptResult | undefined {
  if (journey.outcome === 'flaky') return journey.attempts.find((a) => a.outcome !== 'passed');
  if (journey.outcome === 'failed' || journey.outcome === 'error') return journey.attempts.at(-1);
  return undefined;
}

/** The step that stopped the attempt (failed or errored), if any. */
export function failingStep(attempt: AttemptResult | undefined): StepResult | undefined {
  return attempt?.steps.find((s) => s.status === 'failed' || s.status === 'error');
}

/**
 * `action/route: 404 on POST /api/refunds: …` for a failure, `open/error: BROWSER_UNAVAILABLE: …`
 * when we could not verify. The shape CI systems show as the failure message.
 */
export function headline(journey: JourneyResult): string {
  const stage = journey.stage ?? 'runner';
  if (journey.outcome === 'error') {
    const code = journey.error?.code;
    const message = journey.error?.message ?? journey.message ?? journey.hint ?? 'could not verify';
    return `${stage}/error: ${code ? `${code}: ` : ''}${message}`;
  }
  return `${stage}/${journey.layer ?? 'unknown'}: ${journey.hint ?? journey.message ?? 'failed'}`;
}

/** The same headline for one attempt (flaky journeys list each failed attempt). */
export function attemptHeadline(attempt: AttemptResult): string {
  const stage = attempt.stage ?? 'runner';
  if (attempt.outcome === 'error' || !attempt.failure) {
    const error = attempt.error;
    return `${stage}/error: ${error ? `${error.code}: ${error.message}` : 'could not verify'}`;
  }
  return `${stage}/${attempt.failure.layer}: ${attempt.failure.hint}`;
}

/**
 * Lines describing what failed in an attempt: the step, each failed assertion as written
 * with what was seen (`status (404) == 201`), and the transport message when there is no
 * assertion (connection refused has nothing to compare).
 */
export function failureLines(attempt: AttemptResult | undefined): string[] {
  if (!attempt) return [];
  const step = failingStep(attempt);
  const lines: string[] = [];
  if (step) lines.push(`step: ${step.phase} #${step.index + 1} ${step.name}`);
  const failedAssertions = step?.assertions?.filter((a) => !a.passed) ?? [];
  for (const assertion of failedAssertions) lines.push(`expected: ${assertion.expression}`);
  if (failedAssertions.length === 0) {
    const message = attempt.failure?.message ?? (attempt.error ? `${attempt.error.code}: ${attempt.error.message}` : undefined);
    if (message) lines.push(`error: ${message}`);
  }
  if (attempt.failure?.code) lines.push(`code: ${attempt.failure.code}`);
  if (attempt.failure?.reason) lines.push(`why ${attempt.failure.layer}: ${attempt.failure.reason}`);
  return lines;
}

/** Every evidence file of an attempt (steps first, then the attempt's own, e.g. a trace), paths relative to the run dir. */
export function evidenceOf(attempt: AttemptResult | undefined): EvidenceFile[] {
  if (!attempt) return [];
  const files = [...attempt.steps.flatMap((s) => s.evidence ?? []), ...(attempt.evidence ?? [])];
  const seen = new Set<string>();
  return files.filter((file) => !seen.has(file.path) && seen.add(file.path));
}

/** When a journey finished (wall time), from its start and duration: the timeline needs no other clock. */
export function finishedAt(journey: JourneyResult): string | undefined {
  if (!journey.startedAt) return undefined;
  const start = Date.parse(journey.startedAt);
  return Number.isNaN(start) ? undefined : new Date(start + journey.durationMs).toISOString();
}
