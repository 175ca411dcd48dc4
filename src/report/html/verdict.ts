/**
 * The report's headline in words: "2 of 9 user paths broken after rollback to 2.0.3",
 * "All 5 user paths work". Pure, so every wording is pinned by a table test.
 */
import type { RunResult, Trigger } from '../../result/types.js';

export type VerdictTone = 'passed' | 'degraded' | 'flaky' | 'failed' | 'error' | 'running' | 'empty';

export interface Verdict {
  readonly text: string;
  readonly tone: VerdictTone;
}

function paths(n: number): string {
  return `${n} user ${n === 1 ? 'path' : 'paths'}`;
}

/** "after rollback to 2.0.3", "after deploy of shop:2.1.0", "" — what this run was checking. */
export function triggerClause(trigger: Trigger): string {
  const target = trigger.expectVersion ?? trigger.deployId;
  if (trigger.after === 'rollback') return target ? ` after rollback to ${target}` : ' after rollback';
  if (trigger.after === 'deploy') return target ? ` after deploy of ${target}` : ' after deploy';
  return trigger.expectVersion ? ` on ${trigger.expectVersion}` : '';
}

export function verdictOf(run: Pick<RunResult, 'counts' | 'trigger' | 'status' | 'journeys'>, expectedTotal?: number): Verdict {
  const { counts } = run;
  const ran = counts.passed + counts.degraded + counts.flaky + counts.failed + counts.error;
  const working = counts.passed + counts.degraded + counts.flaky;
  const total = Math.max(expectedTotal ?? 0, run.journeys.length);
  const after = triggerClause(run.trigger);
  const qualifiers = [counts.flaky > 0 ? `${counts.flaky} flaky` : undefined, counts.degraded > 0 ? `${counts.degraded} degraded` : undefined].filter(Boolean);
  const flaky = qualifiers.length > 0 ? ` (${qualifiers.join(', ')})` : '';
  const workingTone: VerdictTone = counts.flaky > 0 ? 'flaky' : counts.degraded > 0 ? 'degraded' : 'passed';
  let verdict: Verdict;
  if (total === 0 || ran === 0) {
    verdict = { text: run.status === 'running' ? 'No user path has finished yet' : `No user path was checked${after}`, tone: 'empty' };
  } else if (counts.failed > 0) {
    const unverified = counts.error > 0 ? `, ${counts.error} could not be verified` : '';
    verdict = { text: `${counts.failed} of ${paths(total)} broken${after}${unverified}`, tone: 'failed' };
  } else if (counts.error > 0) {
    verdict = { text: `Could not verify ${counts.error} of ${paths(total)}${after} — not a verdict on the target`, tone: 'error' };
  } else if (working === total) {
    verdict = { text: `All ${paths(total)} work${after}${flaky}`, tone: workingTone };
  } else {
    // Some journeys skipped (or not finished): never claim "all".
    verdict = { text: `${working} of ${paths(total)} work${after}${flaky}`, tone: workingTone };
  }
  if (run.status === 'running' && verdict.tone === 'empty') return { text: verdict.text, tone: 'running' };
  if (run.status === 'running') return { text: `In progress: ${verdict.text.charAt(0).toLowerCase()}${verdict.text.slice(1)} so far`, tone: verdict.tone };
  if (run.status === 'interrupted') return { text: `Interrupted: ${verdict.text.charAt(0).toLowerCase()}${verdict.text.slice(1)}`, tone: verdict.tone };
  return verdict;
}
