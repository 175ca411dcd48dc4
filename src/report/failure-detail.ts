/**
 * What the file reports (junit, ctrf, summary, investigation) say about a journey that
 * did not pass: the one-line headline, the failing step with its failed assertions, and
 * the evidence files. One place, so every report names a failure the same way.
 *
 * Everything here reads results the runner already redacted at its boundary.
 */
import type { AttemptResult, EvidenceFile, JourneyResult, StepResult, StoppedAttempt } from '../result/types.js';
import { attentionOf } from './attention.js';

/**
 * The attempt worth showing: the last one for failed/error journeys, the one retried away
 * for a flaky journey (the failure that a retry hid), none for passed/skipped.
 */
export function shownAttempt(journey: JourneyResult): StoppedAttempt | undefined {
  return attentionOf(journey)?.attempt;
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
  switch (journey.outcome) {
    case 'failed':
      return `${journey.stage}/${journey.layer}: ${journey.hint}`;
    case 'error':
      return `${journey.stage ?? 'runner'}/error: ${journey.error.code}: ${journey.error.message}`;
    case 'flaky':
      return attemptHeadline(journey.retried);
    case 'skipped':
      return `not run: ${journey.reason}`;
    case 'degraded':
      return `degraded: ${journey.message}`;
    case 'passed':
      return 'passed';
  }
}

/** The same headline for one attempt (flaky journeys list each failed attempt). */
export function attemptHeadline(attempt: AttemptResult): string {
  switch (attempt.outcome) {
    case 'passed':
      return 'passed';
    case 'error':
      return `${attempt.stage}/error: ${attempt.error.code}: ${attempt.error.message}`;
    case 'failed':
      return `${attempt.stage}/${attempt.failure.layer}: ${attempt.failure.hint}`;
  }
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
  if (attempt.outcome === 'error') {
    if (failedAssertions.length === 0) lines.push(`error: ${attempt.error.code}: ${attempt.error.message}`);
    return lines;
  }
  if (attempt.outcome !== 'failed') return lines;
  const { failure } = attempt;
  if (failedAssertions.length === 0) lines.push(`error: ${failure.message}`);
  if (failure.code) lines.push(`code: ${failure.code}`);
  if (failure.reason) lines.push(`why ${failure.layer}: ${failure.reason}`);
  for (const aside of failure.setAside ?? []) lines.push(`set aside: ${aside.evidence} (${aside.why})`);
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
