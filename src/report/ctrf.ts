/**
 * ctrf.json: the Common Test Report Format (https://ctrf.io), read by CTRF's GitHub, Slack
 * and Jenkins integrations. The CTRF schema forbids unknown keys everywhere but in `extra`,
 * so everything pathproof-specific (stage, layer, hint, transition, runtime truth, the
 * trigger) lives under `extra`.
 *
 * Outcome mapping: passed → passed; degraded → passed with `extra.outcome: degraded` and
 * `extra.degradations` (why), the message saying it; flaky → passed with `flaky: true`; failed → failed;
 * error → other (we could not verify: CTRF's `failed` would blame the target); skipped →
 * skipped.
 */
import { join } from 'node:path';
import type { JourneyResult, Outcome, RunResult } from '../result/types.js';
import { evidenceOf, failureLines, headline, shownAttempt } from './failure-detail.js';
import { writeJsonAtomic } from './json.js';
import { degradationsOf, traceOf, verdictFields } from './attention.js';
import { endOfRunReporter } from './reporter.js';
import type { Reporter } from './reporter.js';

export type CtrfStatus = 'passed' | 'failed' | 'skipped' | 'pending' | 'other';

export interface CtrfTest {
  readonly name: string;
  readonly status: CtrfStatus;
  readonly duration: number;
  readonly start?: number;
  readonly stop?: number;
  readonly message?: string;
  readonly trace?: string;
  readonly filePath: string;
  readonly tags: readonly string[];
  readonly retries: number;
  readonly flaky: boolean;
  readonly rawStatus: Outcome;
  readonly attachments?: readonly { name: string; contentType: string; path: string }[];
  readonly extra: Record<string, unknown>;
}

export interface CtrfReport {
  readonly reportFormat: 'CTRF';
  readonly specVersion: string;
  readonly timestamp: string;
  readonly generatedBy: 'pathproof';
  readonly results: {
    readonly tool: { readonly name: 'pathproof' };
    readonly summary: {
      readonly tests: number;
      readonly passed: number;
      readonly failed: number;
      readonly pending: number;
      readonly skipped: number;
      readonly other: number;
      readonly flaky: number;
      readonly start: number;
      readonly stop: number;
      readonly duration: number;
    };
    readonly tests: readonly CtrfTest[];
    readonly extra: Record<string, unknown>;
  };
}

const STATUS: Record<Outcome, CtrfStatus> = { passed: 'passed', degraded: 'passed', flaky: 'passed', failed: 'failed', error: 'other', skipped: 'skipped' };

const CONTENT_TYPE: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', zip: 'application/zip', txt: 'text/plain', json: 'application/json', html: 'text/html' };

function contentType(path: string): string {
  return CONTENT_TYPE[path.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream';
}

/** Undefined keys dropped, so the JSON holds only what is known. */
function defined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function test(journey: JourneyResult): CtrfTest {
  const shown = shownAttempt(journey);
  const verdict = verdictFields(journey);
  const start = journey.startedAt ? Date.parse(journey.startedAt) : undefined;
  const files = evidenceOf(shown);
  const notPassed = journey.outcome === 'failed' || journey.outcome === 'error';
  return defined({
    name: journey.name,
    status: STATUS[journey.outcome],
    duration: Math.round(journey.durationMs),
    start,
    stop: start === undefined ? undefined : start + Math.round(journey.durationMs),
    message: notPassed || journey.outcome === 'degraded' ? headline(journey) : journey.outcome === 'skipped' ? journey.reason : undefined,
    trace: notPassed ? failureLines(shown).join('\n') || undefined : undefined,
    filePath: journey.file,
    tags: journey.tags,
    retries: Math.max(0, journey.attempts.length - 1),
    flaky: journey.outcome === 'flaky',
    rawStatus: journey.outcome,
    attachments: files.length > 0 ? files.map((f) => ({ name: f.description ?? f.path.split('/').pop() ?? f.path, contentType: contentType(f.path), path: f.path })) : undefined,
    extra: defined({
      outcome: journey.outcome,
      stage: verdict.stage,
      layer: verdict.layer,
      hint: verdict.hint,
      errorCode: verdict.error?.code,
      reason: verdict.reason,
      transition: journey.transition,
      runtime: journey.runtime,
      degradations: degradationsOf(journey).length > 0 ? degradationsOf(journey) : undefined,
      trace: traceOf(journey),
      attempts: journey.attempts.map((a) =>
        defined({ attempt: a.attempt, outcome: a.outcome, durationMs: a.durationMs, ...(a.outcome === 'passed' ? {} : { stage: a.stage }), ...(a.outcome === 'failed' ? { layer: a.failure.layer } : {}) }),
      ),
    }),
  });
}

/** The whole ctrf.json document for a run. Pure: the reporter only writes it. */
export function renderCtrf(run: RunResult): CtrfReport {
  const start = Date.parse(run.startedAt);
  const stop = run.finishedAt ? Date.parse(run.finishedAt) : start + run.durationMs;
  const tests = run.journeys.map(test);
  const count = (status: CtrfStatus): number => tests.filter((t) => t.status === status).length;
  return {
    reportFormat: 'CTRF',
    specVersion: '0.0.0',
    timestamp: run.finishedAt ?? run.startedAt,
    generatedBy: 'pathproof',
    results: {
      tool: { name: 'pathproof' },
      summary: {
        tests: tests.length,
        passed: count('passed'),
        failed: count('failed'),
        pending: count('pending'),
        skipped: count('skipped'),
        other: count('other'),
        flaky: run.counts.flaky,
        start,
        stop,
        duration: run.durationMs,
      },
      tests,
      extra: defined({
        runId: run.runId,
        status: run.status,
        outcome: run.outcome,
        exitCode: run.exitCode,
        trigger: run.trigger,
        counts: run.counts,
        continues: run.continues,
      }),
    },
  };
}

/** Writes `ctrf.json` into the run directory when the run ends. */
export function ctrfReporter(): Reporter {
  return endOfRunReporter('ctrf', (run, runDir) => writeJsonAtomic(join(runDir, 'ctrf.json'), renderCtrf(run)));
}
