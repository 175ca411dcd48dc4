/** Builds the RunResult (run.json) from what has finished: the same shape mid-run and at the end. */
import type { JourneyResult, RunResult, RunStatus, Trigger } from '../result/types.js';
import { countOutcomes, runOutcome } from './outcome.js';

export function summarizeRun(input: {
  runId: string;
  trigger: Trigger;
  startedAt: string;
  durationMs: number;
  status: RunStatus;
  journeys: readonly JourneyResult[];
  finishedAt?: string;
  exitCode?: number;
  warnings?: readonly string[];
  extra?: Record<string, unknown>;
}): RunResult {
  const counts = countOutcomes(input.journeys);
  return {
    schemaVersion: 1,
    runId: input.runId,
    status: input.status,
    trigger: input.trigger,
    startedAt: input.startedAt,
    ...(input.finishedAt ? { finishedAt: input.finishedAt } : {}),
    durationMs: Math.round(input.durationMs),
    outcome: runOutcome(counts),
    ...(input.exitCode !== undefined ? { exitCode: input.exitCode } : {}),
    counts,
    journeys: input.journeys,
    ...(input.warnings && input.warnings.length > 0 ? { warnings: input.warnings } : {}),
    ...input.extra,
  };
}

/** `2026-11-22T09-15-02Z-7f3a`: sortable, safe as a directory name, unique enough per second. */
export function makeRunId(now: Date, random: () => number = Math.random): string {
  const stamp = now.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
  const suffix = Math.floor(random() * 0x10000)
    .toString(16)
    .padStart(4, '0');
  return `${stamp}-${suffix}`;
}
