/**
 * summary.md: what a person reads in a PR, a chat or a GitHub job page. A verdict line,
 * one table row per journey (outcome, stage, layer, hint, movement since the previous
 * run), the transitions, and the runtime truth (expected vs served version).
 *
 * When `GITHUB_STEP_SUMMARY` is set, the same markdown is appended to that file, which
 * GitHub Actions renders on the job's summary page. Appending (not overwriting) matters:
 * other steps of the job write there too.
 */
import { appendFile } from 'node:fs/promises';
import { writeTextAtomic } from './atomic.js';
import { join } from 'node:path';
import type { JourneyResult, Outcome, RunResult } from '../result/types.js';
import { LAYERS } from '../result/types.js';
import { describeTransition } from '../classify/transition.js';
import { formatDuration } from '../util/format.js';
import { attemptHeadline } from './failure-detail.js';
import { brokenByProtects } from './attention.js';
import { cell, code, codeCell, table, text } from './markdown.js';
import { endOfRunReporter } from './reporter.js';
import type { Reporter } from './reporter.js';

export interface SummaryOptions {
  /** Path of GitHub's job summary file (the `GITHUB_STEP_SUMMARY` variable); appended to when set. */
  readonly githubStepSummary?: string;
}

const ICON: Record<Outcome, string> = { passed: '✅', degraded: '🟠', flaky: '🟡', failed: '❌', error: '⚠️', skipped: '⏭️' };

/** `after rollback customer-service:2.0.3`, or '' for a run with no trigger. */
function triggerText(run: RunResult): string {
  const { after, deployId } = run.trigger;
  if (!after && !deployId) return '';
  return [after ? `after ${after}` : 'for deploy', deployId ? code(deployId) : ''].filter(Boolean).join(' ');
}

/** One line a person reads first: did it work, and if not, where to look. */
export function verdictLine(run: RunResult): string {
  const total = run.journeys.length;
  const c = run.counts;
  const trigger = triggerText(run);
  const suffix = trigger ? ` — ${trigger}` : '';
  const layers = LAYERS.filter((layer) => run.journeys.some((j) => j.outcome === 'failed' && j.layer === layer));
  const where = layers.length > 0 ? ` (look at: ${layers.join(', ')})` : '';
  if (run.status === 'interrupted') {
    const finished = total - run.journeys.filter((j) => j.outcome === 'skipped' && j.reason === 'interrupted').length;
    const failed = c.failed > 0 ? `, ${c.failed} failed${where}` : '';
    return `⏹️ pathproof: interrupted — ${finished} of ${total} journeys finished${failed}${suffix}`;
  }
  switch (run.outcome) {
    case 'failed':
      return `❌ pathproof: ${c.failed} of ${total} ${total === 1 ? 'journey' : 'journeys'} failed${where}${suffix}`;
    case 'error':
      return `⚠️ pathproof: could not verify ${c.error} of ${total} ${total === 1 ? 'journey' : 'journeys'} (not a verdict on the target)${suffix}`;
    case 'passed':
    case 'degraded':
    case 'flaky': {
      const notes = [
        c.flaky > 0 ? `${c.flaky} flaky: passed on a retry` : undefined,
        c.degraded > 0 ? `${c.degraded} degraded: worked, but slowly or on a certificate about to expire` : undefined,
      ].filter((note): note is string => note !== undefined);
      const qualified = notes.length > 0 ? ` (${notes.join('; ')})` : '';
      return `✅ pathproof: ${total === 1 ? 'the journey' : `all ${total} journeys`} passed${qualified}${suffix}`;
    }
    case 'skipped':
      return `⚠️ pathproof: nothing was verified (${total} skipped)${suffix}`;
  }
}

function hintOf(journey: JourneyResult): string {
  switch (journey.outcome) {
    case 'failed':
      return journey.hint ?? journey.message ?? '';
    case 'error':
      return `could not verify: ${journey.error ? `${journey.error.code}: ${journey.error.message}` : (journey.message ?? '')}`;
    case 'flaky': {
      const first = journey.attempts.find((a) => a.outcome !== 'passed');
      return `passed on attempt ${journey.attempts.length}; first: ${first ? attemptHeadline(first) : '?'}`;
    }
    case 'skipped':
      return journey.reason ?? '';
    case 'degraded':
      return journey.hint;
    case 'passed':
      return '';
  }
}

function journeyRow(journey: JourneyResult): string[] {
  const transition = journey.transition && journey.transition.kind !== 'new' ? describeTransition(journey.transition) : '';
  return [
    ICON[journey.outcome],
    codeCell(journey.name),
    journey.outcome,
    journey.outcome === 'failed' || journey.outcome === 'error' ? cell(journey.stage) : '',
    journey.outcome === 'failed' ? `**${cell(journey.layer)}**` : '',
    cell(hintOf(journey)),
    cell(transition),
  ];
}

function runtimeRows(run: RunResult): string[][] {
  return run.journeys
    .filter((j) => j.runtime?.version || j.runtime?.environment || j.runtime?.servedBy)
    .map((j) => {
      const version = j.runtime?.version;
      const environment = j.runtime?.environment;
      const drift = version?.expected !== undefined && version.served !== undefined && version.expected !== version.served;
      return [
        codeCell(j.name),
        codeCell(version?.expected),
        drift ? `**${codeCell(version?.served)}** ≠` : codeCell(version?.served),
        environment ? `${codeCell(environment.served)}${environment.expected && environment.expected !== environment.served ? ` (expected ${codeCell(environment.expected)})` : ''}` : '',
        cell(j.runtime?.servedBy),
      ];
    });
}

/** The whole summary.md. Pure: the reporter only writes it. */
export function renderSummary(run: RunResult): string {
  const c = run.counts;
  const facts = [
    `run ${code(run.runId)}`,
    run.trigger.expectVersion ? `expected version ${code(run.trigger.expectVersion)}` : undefined,
    run.trigger.env ? `environment ${code(run.trigger.env)}` : undefined,
    run.continues ? `re-runs the failed journeys of ${code(run.continues)}` : undefined,
    formatDuration(run.durationMs),
    `${c.passed} passed, ${c.degraded} degraded, ${c.flaky} flaky, ${c.failed} failed, ${c.error} error, ${c.skipped} skipped`,
  ].filter((fact): fact is string => fact !== undefined);

  const parts = [`### ${verdictLine(run)}`, '', facts.join(' · '), ''];
  // What the broken journeys protect, identity first (protects:), before any table.
  const protects = brokenByProtects(run.journeys, (j) => code(j.name));
  if (protects !== undefined) parts.push(`**Broken, by what they protect:** ${protects}`, '');
  // intended: of pathproof.yaml: which services run as intended (a partial deployment names both sides).
  if (run.posture?.status === 'read') parts.push(`**Posture** (project ${code(run.posture.project)}): ${run.posture.consistent ? '✅' : '❌'} ${text(run.posture.summary)}`, '');
  if (run.journeys.length > 0) {
    parts.push(table(['', 'Journey', 'Outcome', 'Stage', 'Layer', 'Hint', 'Since last run'], run.journeys.map(journeyRow)), '');
  }

  const moved = run.journeys.filter((j) => j.transition && j.transition.kind !== 'unchanged' && j.transition.kind !== 'new');
  if (moved.length > 0) {
    parts.push('**Since the previous run**', '');
    for (const j of moved) parts.push(`- ${code(j.name)}: ${text(describeTransition(j.transition!))}`);
    parts.push('');
  }

  const runtime = runtimeRows(run);
  if (runtime.length > 0) {
    parts.push('**Runtime truth** (what is actually serving)', '');
    parts.push(table(['Journey', 'Expected version', 'Served version', 'Environment', 'Served by'], runtime), '');
  }

  if (run.warnings && run.warnings.length > 0) {
    parts.push('**Warnings**', '', ...run.warnings.map((w) => `- ${text(w)}`), '');
  }
  return `${parts.join('\n').trimEnd()}\n`;
}

/** Writes summary.md into the run directory and appends it to GITHUB_STEP_SUMMARY when set. */
export function summaryReporter(options: SummaryOptions = {}): Reporter {
  return endOfRunReporter('summary', async (run, runDir) => {
    const markdown = renderSummary(run);
    await writeTextAtomic(join(runDir, 'summary.md'), markdown);
    // A blank line first: whatever an earlier step left there must not swallow our heading.
    if (options.githubStepSummary) await appendFile(options.githubStepSummary, `\n${markdown}`);
  });
}
