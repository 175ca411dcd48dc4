/**
 * The console reporter: one line per journey as it finishes, then each failure with its
 * stage ladder, layer, hint and failing assertion, then one summary line.
 */
import { formatDuration } from '../util/format.js';
import { attemptSummary, attentionOf, degradationsOf, endpointText, groupByProtects, protectsTitle, traceOf } from './attention.js';
import type { AttemptResult, Degradation, JourneyResult, Outcome, Phase, RunResult, WaitRecord } from '../result/types.js';
import { STAGES } from '../result/types.js';
import { describeTransition, hasCodes, transitionCodes } from '../classify/transition.js';
import type { Reporter } from './reporter.js';

export interface ConsoleOptions {
  readonly write: (text: string) => void;
  readonly color: boolean;
  /** Show passing journeys too (default true). */
  readonly verbose?: boolean;
}

const SYMBOL: Record<Outcome, string> = { passed: '✓', degraded: '≈', flaky: '~', failed: '✗', error: '!', skipped: '-' };

type Paint = (text: string) => string;
function painter(enabled: boolean, code: string): Paint {
  return enabled ? (text) => `\u001b[${code}m${text}\u001b[0m` : (text) => text;
}

/** entry ✓ → open ✓ → action ✗ → result –: how far the user got, without reading. */
export function stageLadder(attempt: AttemptResult | undefined): string {
  if (!attempt) return '';
  const phases: Phase[] = [...STAGES];
  const status = (phase: Phase): string => {
    const steps = attempt.steps.filter((s) => s.phase === phase);
    if (steps.length === 0) return '·';
    if (steps.some((s) => s.status === 'failed')) return '✗';
    if (steps.some((s) => s.status === 'error')) return '!';
    if (steps.every((s) => s.status === 'skipped')) return '–';
    return '✓';
  };
  const runtimeSteps = attempt.steps.filter((s) => s.phase === 'runtime');
  const parts = phases.map((p) => `${p} ${status(p)}`);
  if (runtimeSteps.length > 0) parts.unshift(`runtime ${status('runtime')}`);
  return parts.join(' → ');
}

/** `held after 34s (5 polls)`: how a --wait ended, in a few words. */
export function waitText(wait: WaitRecord): string {
  const polls = `${wait.polls} ${wait.polls === 1 ? 'poll' : 'polls'}`;
  switch (wait.ended) {
    case 'held':
      return `the runtime checks held after ${formatDuration(wait.waitedMs)} (${polls})`;
    case 'expired':
      return `the runtime checks never held within ${formatDuration(wait.windowMs)} (${polls})`;
    case 'stopped':
      return `stopped after ${formatDuration(wait.waitedMs)} (${polls}): waiting does not fix this`;
    case 'interrupted':
      return `interrupted after ${formatDuration(wait.waitedMs)} (${polls})`;
  }
}

export function consoleReporter(options: ConsoleOptions): Reporter {
  const { write } = options;
  const bold = painter(options.color, '1');
  const dim = painter(options.color, '2');
  const red = painter(options.color, '31');
  const green = painter(options.color, '32');
  const yellow = painter(options.color, '33');
  const magenta = painter(options.color, '35');
  const colorOf: Record<Outcome, Paint> = { passed: green, degraded: yellow, flaky: yellow, failed: red, error: magenta, skipped: dim };
  let nameWidth = 20;

  const line = (result: JourneyResult): string => {
    const text = outcomeLine(result);
    // `insecure: true` must never pass quietly: the certificate was not checked.
    return result.insecure ? `${text}\n    ${yellow(`⚠ insecure: TLS certificates not verified for ${result.name}`)}` : text;
  };

  const outcomeLine = (result: JourneyResult): string => {
    const paint = colorOf[result.outcome];
    const head = `  ${paint(SYMBOL[result.outcome])} ${result.name.padEnd(nameWidth)} ${paint(result.outcome.padEnd(8))}`;
    const duration = dim(formatDuration(result.durationMs).padStart(6));
    switch (result.outcome) {
      case 'passed':
        return `${head} ${duration}  ${transitionText(result)}`.trimEnd();
      case 'degraded':
        return `${head} ${duration}  ${yellow(degradedSummary(result.degradations))}  ${transitionText(result)}`.trimEnd();
      case 'flaky':
        return `${head} ${duration}  ${dim(`passed on attempt ${result.attempts.length}`)}  ${transitionText(result)}`.trimEnd();
      case 'failed':
        return `${head} ${duration}  ${result.stage} · ${bold(result.layer)}  ${transitionText(result)}`.trimEnd();
      case 'error':
        return `${head} ${duration}  ${result.error.code} ${dim('could not verify')}`;
      case 'skipped':
        return `${head} ${duration}  ${dim(result.reason)}`;
    }
  };

  /**
   * `404 → 401  progressed: route → authz` (or `route → authz progressed` when the codes are
   * not both known) after the journey line; nothing when new or unchanged (no news).
   */
  const transitionText = (result: JourneyResult): string => {
    const t = result.transition;
    if (!t || t.kind === 'new' || t.kind === 'unchanged') return '';
    const paint = t.kind === 'broke' || t.kind === 'regressed' ? red : t.kind === 'recovered' ? green : yellow;
    const codes = transitionCodes(t);
    if (codes) return `${codes}  ${paint(t.kind)}: ${dim(`${t.from ?? '?'} → ${t.to ?? '?'}`)}`;
    return `${dim(`${t.from ?? '?'} →`)} ${dim(t.to ?? '?')} ${paint(t.kind)}`;
  };

  const details = (result: JourneyResult): string[] => {
    const seen = attentionOf(result);
    const attempt = seen?.attempt ?? result.attempts.at(-1);
    const step = seen?.step;
    const out: string[] = [];
    out.push(`  ${bold(result.name)} ${dim(`(${result.file})`)}  ${colorOf[result.outcome](result.outcome)}`);
    out.push(`    ${dim('path  ')}  ${stageLadder(attempt)}`);
    if (seen?.failure) out.push(`    ${dim('layer ')}  ${bold(seen.failure.layer)}${seen.failure.reason ? dim(`  (${seen.failure.reason})`) : ''}`);
    if (step) out.push(`    ${dim('step  ')}  ${step.phase} #${step.index + 1}: ${step.name}`);
    const failedAssertions = step?.assertions?.filter((a) => !a.passed) ?? [];
    for (const assertion of failedAssertions.slice(0, 3)) out.push(`    ${dim('failed')}  ${red(assertion.expression)}`);
    if (failedAssertions.length === 0 && seen) out.push(`    ${dim('failed')}  ${red(seen.message)}`);
    if (seen && seen.hint !== seen.message) out.push(`    ${dim('hint  ')}  ${seen.hint}`);
    for (const aside of (seen?.failure?.setAside ?? []).slice(0, 3)) out.push(`    ${dim('aside ')}  ${dim(`${aside.evidence}: ${aside.why}`)}`);
    const moreAside = (seen?.failure?.setAside?.length ?? 0) - 3;
    if (moreAside > 0) out.push(`    ${dim('aside ')}  ${dim(`${moreAside} more in run.json`)}`);
    if (result.insecure) out.push(`    ${dim('tls   ')}  ${yellow('insecure: true — certificates were not verified')}`);
    const runtime = result.runtime;
    const served: string[] = [];
    if (runtime?.version?.served) served.push(`version ${runtime.version.served}${runtime.version.expected ? ` (expected ${runtime.version.expected})` : ''}`);
    if (runtime?.environment?.served) served.push(`env ${runtime.environment.served}`);
    for (const [name, fact] of Object.entries(runtime?.facts ?? {})) if (fact.served !== undefined) served.push(`${name} ${fact.served}`);
    const container = runtime?.container?.container;
    if (container) {
      const image = container.image.id.replace(/^(sha256:)?([0-9a-f]{12})[0-9a-f]*$/, '$1$2');
      served.push(`container ${container.name} (${image} from ${container.image.reference || '?'}, ${container.state.status})`);
    }
    if (runtime?.servedBy) served.push(runtime.servedBy);
    if (runtime?.remoteAddress) served.push(runtime.remoteAddress);
    if (served.length > 0) out.push(`    ${dim('served')}  ${served.join(' · ')}`);
    if (runtime?.container?.endpoint) out.push(`    ${dim('target')}  ${endpointText(runtime.container.endpoint)}`);
    if (runtime?.wait) out.push(`    ${dim('wait  ')}  ${waitText(runtime.wait)}`);
    const t = result.transition;
    if (t && t.kind !== 'new') {
      const what =
        t.kind === 'unchanged' && t.from === t.to
          ? `unchanged: ${t.to ?? '?'} as in the previous run${t.toStatus !== undefined ? ` (${t.toStatus})` : ''}`
          : hasCodes(t)
            ? describeTransition(t)
            : `${t.from ?? '?'} → ${t.to ?? '?'}  ${t.kind}`;
      out.push(`    ${dim('since ')}  ${what}${t.previousRunId ? dim(` (previous run ${t.previousRunId})`) : ''}`);
    }
    for (const evidence of step?.evidence ?? []) out.push(`    ${dim('file  ')}  ${evidence.path}`);
    const trace = traceLine(result);
    if (trace) out.push(`    ${dim('trace ')}  ${trace}`);
    if (result.attempts.length > 1) out.push(`    ${dim('tries ')}  ${result.attempts.map(attemptSummary).join(', ')}`);
    return out;
  };

  /** Third-party failures and page errors that did not decide anything: shown, never hidden. */
  const noteLines = (result: JourneyResult): string => (result.notes ?? []).map((note) => `\n    ${dim(`note  ${note.message}`)}`).join('');

  /**
   * Why a journey that worked is degraded, under its line (slow steps, a certificate about
   * to expire), the first hint, and the trace of a slow run: degraded is passed, never hidden.
   */
  const degradedLines = (result: JourneyResult): string => {
    const degradations = degradationsOf(result);
    if (degradations.length === 0) return '';
    const lines = degradations.slice(0, 3).map((d) => `\n    ${yellow(d.kind === 'tls-expiry' ? 'tls   ' : 'slow  ')}  ${d.message}`);
    if (degradations.length > 3) lines.push(`\n    ${dim(`${degradations.length - 3} more in run.json`)}`);
    const first = degradations[0];
    if (first) lines.push(`\n    ${dim('hint  ')}  ${first.hint}`);
    const trace = traceLine(result);
    if (trace && result.outcome === 'degraded') lines.push(`\n    ${dim('trace ')}  ${trace}`);
    return lines.join('');
  };

  return {
    name: 'console',
    onRunStart(start) {
      nameWidth = Math.min(40, Math.max(12, ...start.journeys.map((j) => j.name.length)));
      const after = start.trigger.after ? ` after ${start.trigger.after}` : '';
      const plural = start.journeys.length === 1 ? 'journey' : 'journeys';
      const wait = start.trigger.waitMs ? ` · waiting up to ${formatDuration(start.trigger.waitMs)} for the runtime checks` : '';
      write(`${bold('pathproof')} run ${start.runId}${after} · ${start.journeys.length} ${plural} · concurrency ${start.concurrency}${wait}\n`);
    },
    onJourneyEnd(result) {
      if (options.verbose === false && (result.outcome === 'passed' || result.outcome === 'skipped')) return;
      write(`${line(result)}${degradedLines(result)}${noteLines(result)}\n`);
    },
    onRunEnd(run: RunResult) {
      const problems = run.journeys.filter((j) => j.outcome === 'failed' || j.outcome === 'error' || j.outcome === 'flaky');
      if (problems.length > 0) {
        write(`\n${bold('Needs attention')}\n`);
        // Grouped by what they protect, identity first, once any of them says (protects:).
        const groups = groupByProtects(problems);
        const titled = groups.some((g) => g.protects !== undefined);
        for (const group of groups) {
          if (titled) write(`${bold(`─ ${protectsTitle(group.protects)}`)}\n`);
          for (const result of group.journeys) write(`${details(result).join('\n')}\n\n`);
        }
      } else {
        write('\n');
      }
      // intended: of pathproof.yaml: what runs vs what the compose file says (a fault is already a warning).
      if (run.posture?.status === 'read') write(`${dim('posture')}  ${(run.posture.consistent ? green : red)(run.posture.summary)} ${dim(`(project ${run.posture.project})`)}\n`);
      const c = run.counts;
      const parts = [
        green(`${c.passed} passed`),
        ...(c.degraded ? [yellow(`${c.degraded} degraded`)] : []),
        (c.flaky ? yellow : dim)(`${c.flaky} flaky`),
        (c.failed ? red : dim)(`${c.failed} failed`),
        (c.error ? magenta : dim)(`${c.error} error`),
        dim(`${c.skipped} skipped`),
      ];
      write(`${parts.join(', ')} ${dim(`· ${formatDuration(run.durationMs)}`)}\n`);
    },
  };
}

/** `worked, but slowly`, `worked, but its certificate expires soon`, or both: the line's summary; details follow. */
function degradedSummary(degradations: readonly Degradation[]): string {
  const slow = degradations.some((d) => d.kind !== 'tls-expiry');
  const certificate = degradations.some((d) => d.kind === 'tls-expiry');
  return `worked, but ${[slow ? 'slowly' : '', certificate ? 'a certificate expires soon' : ''].filter(Boolean).join('; ')}`;
}

/** The backend trace of a journey: its link with `traceUrl:`, else the bare trace id. */
function traceLine(result: JourneyResult): string | undefined {
  const trace = traceOf(result);
  if (trace === undefined) return undefined;
  return trace.url ?? trace.id;
}
