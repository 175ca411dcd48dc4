/**
 * The investigation record: investigation.md (for people) and investigation.json (its
 * twin, for tools) beside run.json. Written for every `--after rollback` run — a rollback
 * is when someone must answer "is the user path back?" — and for any run with
 * `--investigate`. It is written even when everything passed (then it says so): every
 * rollback leaves a record.
 *
 * What it holds: the trigger and a timeline (start, each journey's finish, end), the
 * intended vs served version per journey, what passed (the user paths that are back, with
 * those that recovered since the previous run named), what failed with stage, layer, hint
 * and evidence, the transitions since the previous run, and what to check next in the
 * operator's order (DESIGN §2: endpoint → proxy → route → drift → auth → authz → app →
 * frontend → result).
 */
import { writeTextAtomic } from './atomic.js';
import { join } from 'node:path';
import type { JourneyResult, Layer, Outcome, RunPosture, RunResult, RunStatus, Transition, Trigger } from '../result/types.js';
import { LAYERS } from '../result/types.js';
import { describeTransition } from '../classify/transition.js';
import { nextChecks } from '../classify/hints.js';
import { formatDuration } from '../util/format.js';
import { evidenceOf, failureLines, finishedAt, shownAttempt } from './failure-detail.js';
import { endpointText, groupByProtects, protectsTitle } from './attention.js';
import type { Protects } from './attention.js';
import { writeJsonAtomic } from './json.js';
import { cell, code, codeCell, table, text } from './markdown.js';
import { endOfRunReporter } from './reporter.js';
import type { Reporter } from './reporter.js';

export interface TimelineEvent {
  /** Wall time, ISO 8601. */
  readonly at: string;
  readonly event: 'run started' | 'journey finished' | 'run ended' | 'run interrupted';
  readonly journey?: string;
  readonly outcome?: Outcome;
  readonly layer?: Layer;
}

export interface VersionSeen {
  readonly journey: string;
  readonly expected?: string;
  readonly served?: string;
  /** False when both are known and differ (drift). */
  readonly matches?: boolean;
  readonly environment?: { readonly expected?: string; readonly served?: string };
  readonly servedBy?: string;
  /** Endpoint mapping (runtime.container): which container owns the target's port, or why that is not known. */
  readonly endpoint?: string;
}

export interface PathBack {
  readonly journey: string;
  readonly file: string;
  readonly outcome: 'passed' | 'degraded' | 'flaky';
  /** Why it is degraded (slow, a certificate expiring soon): the first reason. */
  readonly degraded?: string;
  /** True when it failed in the previous run: this rollback (or fix) brought it back. */
  readonly recovered: boolean;
  /** The previous layer or outcome when it recovered. */
  readonly was?: string;
}

export interface PathBroken {
  readonly journey: string;
  readonly file: string;
  /** What the journey guards (`protects:`): broken ones are listed identity first. */
  readonly protects?: Protects;
  readonly stage?: string;
  readonly layer?: Layer;
  readonly hint?: string;
  /** The failing step and its failed assertions, as written. */
  readonly failure: readonly string[];
  /** Evidence files, relative to the run directory. */
  readonly evidence: readonly string[];
  readonly transition?: Transition;
}

export interface NextCheck {
  readonly layer: Layer;
  readonly journeys: readonly string[];
  readonly checks: readonly string[];
}

/** investigation.json. Fields are stable like run.json's: add freely, rename never. */
export interface InvestigationRecord {
  readonly schemaVersion: 1;
  readonly runId: string;
  /** Why this record exists: a rollback run, or `--investigate`. */
  readonly why: 'rollback' | 'requested';
  readonly trigger: Trigger;
  readonly status: RunStatus;
  readonly outcome: Outcome;
  readonly exitCode?: number;
  /** The run this one re-runs the failures of (`--rerun-failed`). */
  readonly continues?: string;
  readonly verdict: string;
  /**
   * With `intended:` in pathproof.yaml: intended vs running containers per compose service, read
   * after the journeys (run.json's `posture`). The record leads with it.
   */
  readonly posture?: RunPosture;
  readonly timeline: readonly TimelineEvent[];
  readonly versions: readonly VersionSeen[];
  readonly back: readonly PathBack[];
  readonly broken: readonly PathBroken[];
  /** Journeys we could not verify (runner faults): never a verdict on the target. */
  readonly unverified: readonly { journey: string; file: string; protects?: Protects; stage?: string; code?: string; message: string }[];
  /**
   * The broken journeys (failed, then could not be verified) by what they protect: identity,
   * data, code, then those without `protects:` (no `protects` key). Empty when nothing is broken.
   */
  readonly brokenByProtects: readonly { protects?: Protects; journeys: readonly string[] }[];
  readonly notRun: readonly { journey: string; reason: string }[];
  /** Journeys whose state moved since their previous run (`unchanged` and `new` left out). */
  readonly transitions: readonly ({ journey: string } & Transition)[];
  /** In the operator's order (DESIGN §2); empty when nothing failed. */
  readonly nextChecks: readonly NextCheck[];
}

function verdict(run: RunResult, back: readonly PathBack[], broken: readonly PathBroken[], unverified: number): string {
  const total = run.journeys.length;
  const interrupted = run.status === 'interrupted' ? ' The run was interrupted: journeys that never started are listed under "Not run".' : '';
  if (broken.length === 0 && unverified === 0 && back.length === total && total > 0) {
    return `Every user path is back: all ${total} ${total === 1 ? 'journey' : 'journeys'} passed.`;
  }
  const parts = [`${back.length} of ${total} user paths are back`];
  if (broken.length > 0) {
    const layers = LAYERS.filter((layer) => broken.some((b) => b.layer === layer));
    parts.push(`${broken.length} still broken (${layers.join(', ') || 'no layer'})`);
  }
  if (unverified > 0) parts.push(`${unverified} could not be verified`);
  return `${parts.join('; ')}.${interrupted}`;
}

function timeline(run: RunResult): TimelineEvent[] {
  const finished = run.journeys
    .filter((j) => j.outcome !== 'skipped' || j.attempts.length > 0)
    .map((j) => ({ journey: j, at: finishedAt(j) }))
    .filter((e): e is { journey: JourneyResult; at: string } => e.at !== undefined)
    .sort((a, b) => a.at.localeCompare(b.at))
    .map(({ journey, at }): TimelineEvent => ({ at, event: 'journey finished', journey: journey.name, outcome: journey.outcome, ...(journey.outcome === 'failed' ? { layer: journey.layer } : {}) }));
  const end = run.finishedAt ?? new Date(Date.parse(run.startedAt) + run.durationMs).toISOString();
  return [
    { at: run.startedAt, event: 'run started' },
    ...finished,
    { at: end, event: run.status === 'interrupted' ? 'run interrupted' : 'run ended', outcome: run.outcome },
  ];
}

/** The record for a run. Pure: the reporter only writes it. */
export function buildInvestigation(run: RunResult, why: InvestigationRecord['why']): InvestigationRecord {
  const back: PathBack[] = run.journeys
    .filter((j): j is JourneyResult & { outcome: 'passed' | 'degraded' | 'flaky' } => j.outcome === 'passed' || j.outcome === 'degraded' || j.outcome === 'flaky')
    .map((j) => ({
      journey: j.name,
      file: j.file,
      outcome: j.outcome,
      ...(j.outcome === 'degraded' ? { degraded: j.message } : {}),
      recovered: j.transition?.kind === 'recovered',
      ...(j.transition?.kind === 'recovered' && j.transition.from ? { was: j.transition.from } : {}),
    }));
  // Identity first, then data, code, the rest (protects:); the run's order within each.
  const inOrder = groupByProtects(run.journeys).flatMap((g) => g.journeys);
  const broken: PathBroken[] = inOrder
    .filter((j) => j.outcome === 'failed')
    .map((j) => {
      const attempt = shownAttempt(j);
      return {
        journey: j.name,
        file: j.file,
        ...(j.protects ? { protects: j.protects } : {}),
        ...(j.stage ? { stage: j.stage } : {}),
        ...(j.layer ? { layer: j.layer } : {}),
        ...(j.hint ? { hint: j.hint } : {}),
        failure: failureLines(attempt),
        evidence: evidenceOf(attempt).map((f) => f.path),
        ...(j.transition ? { transition: j.transition } : {}),
      };
    });
  const unverified = inOrder
    .filter((j) => j.outcome === 'error')
    .map((j) => ({
      journey: j.name,
      file: j.file,
      ...(j.protects ? { protects: j.protects } : {}),
      ...(j.stage ? { stage: j.stage } : {}),
      ...(j.error?.code ? { code: j.error.code } : {}),
      message: j.error?.message ?? j.message ?? 'could not verify',
    }));
  const notRun = run.journeys.filter((j) => j.outcome === 'skipped').map((j) => ({ journey: j.name, reason: j.reason ?? 'skipped' }));
  const versions: VersionSeen[] = run.journeys
    .filter((j) => j.runtime)
    .map((j) => {
      const version = j.runtime?.version;
      const known = version?.expected !== undefined && version.served !== undefined;
      return {
        journey: j.name,
        ...(version?.expected !== undefined ? { expected: version.expected } : run.trigger.expectVersion ? { expected: run.trigger.expectVersion } : {}),
        ...(version?.served !== undefined ? { served: version.served } : {}),
        ...(known ? { matches: version.expected === version.served } : {}),
        ...(j.runtime?.environment ? { environment: { expected: j.runtime.environment.expected, served: j.runtime.environment.served } } : {}),
        ...(j.runtime?.servedBy ? { servedBy: j.runtime.servedBy } : {}),
        ...(j.runtime?.container?.endpoint ? { endpoint: endpointText(j.runtime.container.endpoint) } : {}),
      };
    });
  const transitions = run.journeys
    .filter((j) => j.transition && j.transition.kind !== 'unchanged' && j.transition.kind !== 'new')
    .map((j) => ({ journey: j.name, ...j.transition! }));
  const checks: NextCheck[] = LAYERS.flatMap((layer) => {
    const journeys = broken.filter((b) => b.layer === layer).map((b) => b.journey);
    return journeys.length > 0 ? [{ layer, journeys, checks: nextChecks(layer) }] : [];
  });
  return {
    schemaVersion: 1,
    runId: run.runId,
    why,
    trigger: run.trigger,
    status: run.status,
    outcome: run.outcome,
    ...(run.exitCode !== undefined ? { exitCode: run.exitCode } : {}),
    ...(run.continues ? { continues: run.continues } : {}),
    verdict: verdict(run, back, broken, unverified.length),
    ...(run.posture ? { posture: run.posture } : {}),
    brokenByProtects: groupByProtects([...broken, ...unverified]).map((g) => ({
      ...(g.protects ? { protects: g.protects } : {}),
      journeys: g.journeys.map((j) => j.journey),
    })),
    timeline: timeline(run),
    versions,
    back,
    broken,
    unverified,
    notRun,
    transitions,
    nextChecks: checks,
  };
}

function clock(iso: string, start: string): string {
  const offset = Date.parse(iso) - Date.parse(start);
  return `${iso.replace('T', ' ').replace(/Z$/, ' UTC')} (+${formatDuration(Math.max(0, offset))})`;
}

function eventText(event: TimelineEvent, record: InvestigationRecord): string {
  switch (event.event) {
    case 'run started': {
      const after = record.trigger.after ? ` after ${record.trigger.after}` : '';
      return `run started${after}${record.trigger.deployId ? ` of ${code(record.trigger.deployId)}` : ''}`;
    }
    case 'journey finished':
      return `${code(event.journey ?? '?')} ${event.outcome ?? ''}${event.layer ? ` (${event.layer})` : ''}`;
    case 'run ended':
    case 'run interrupted':
      return `${event.event}: ${event.outcome ?? ''}${record.exitCode !== undefined ? `, exit code ${record.exitCode}` : ''}`;
  }
}

const shortId = (id: string): string => id.replace(/^(sha256:)?([0-9a-f]{12})[0-9a-f]*$/, '$1$2');

/**
 * What runs vs what the compose file says, first in the record: a rollout that reached only part
 * of the project explains the rest of it. One line naming the services, then the table.
 */
function postureSection(posture: RunPosture): string[] {
  const out = ['## Posture: intended vs running', ''];
  if (posture.status === 'unavailable') {
    out.push(
      `Could not be read (${code(posture.code)}): ${text(posture.message)} — project ${code(posture.project)} of ${code(posture.file)}. This does not change the verdict.`,
      '',
    );
    return out;
  }
  const icon = posture.consistent ? '✅' : '❌';
  out.push(`**${icon} ${text(posture.summary)}**`, '', `Project ${code(posture.project)} of ${code(posture.file)}, read ${posture.at} from ${text(posture.engine)}.`, '');
  out.push(
    table(
      ['Service', 'Status', 'Containers', 'Image', 'Problems'],
      posture.rows.map((row) => [
        codeCell(row.service),
        row.status === 'ok' || row.status === 'inactive' ? cell(row.status) : `**${cell(row.status)}**`,
        cell(row.containers.join(', ')) || '—',
        cell([row.image.intended ?? '—', row.image.running.length > 0 ? `@ ${row.image.running.map(shortId).join(', ')}` : ''].filter(Boolean).join(' ')),
        cell(row.problems.map((p) => p.text).join('; ')),
      ]),
    ),
    '',
  );
  return out;
}

/** investigation.md: the same record, for a person. */
export function renderInvestigation(record: InvestigationRecord): string {
  const { trigger } = record;
  const title = trigger.after ? `${trigger.after}${trigger.deployId ? ` ${code(trigger.deployId)}` : ''}` : `run ${code(record.runId)}`;
  const icon = record.broken.length > 0 ? '❌' : record.unverified.length > 0 || record.status === 'interrupted' ? '⚠️' : '✅';
  const out: string[] = [`# Investigation: ${title}`, '', `**${icon} ${text(record.verdict)}**`, ''];
  // What the broken journeys protect, identity first, once any of them says (protects:).
  if (record.brokenByProtects.some((g) => g.protects !== undefined)) {
    const groups = record.brokenByProtects.map((g) => `${g.protects === undefined ? 'without protects:' : `**${g.protects}**:`} ${g.journeys.map(code).join(', ')}`);
    out.push(`Broken, by what they protect: ${groups.join(' · ')}`, '');
  }

  if (record.posture) out.push(...postureSection(record.posture));

  out.push('## Trigger', '');
  out.push(`- why this record: ${record.why === 'rollback' ? 'every rollback run leaves one' : 'requested with --investigate'}`);
  out.push(`- after: ${trigger.after ?? '—'}`);
  if (trigger.deployId) out.push(`- deploy: ${code(trigger.deployId)}`);
  if (trigger.expectVersion) out.push(`- intended version: ${code(trigger.expectVersion)}`);
  if (trigger.env) out.push(`- environment: ${code(trigger.env)}`);
  out.push(`- run: ${code(record.runId)} (${record.status}, outcome ${record.outcome}${record.exitCode !== undefined ? `, exit code ${record.exitCode}` : ''})`);
  if (record.continues) out.push(`- re-runs the failed journeys of ${code(record.continues)}`);
  out.push('');

  const start = record.timeline[0]?.at ?? '';
  out.push('## Timeline', '');
  out.push(table(['When', 'What'], record.timeline.map((e) => [cell(clock(e.at, start)), cell(eventText(e, record))])), '');

  out.push('## Versions: intended vs served', '');
  if (record.versions.length === 0) out.push('No journey checks runtime truth (add `runtime.version` to a journey to see what is actually serving).', '');
  else {
    out.push(
      table(
        ['Journey', 'Intended', 'Served', 'Environment', 'Served by'],
        record.versions.map((v) => [
          codeCell(v.journey),
          codeCell(v.expected) || '—',
          (v.matches === false ? `**${codeCell(v.served)}** (drift)` : codeCell(v.served)) || '—',
          v.environment ? `${codeCell(v.environment.served)}${v.environment.expected && v.environment.expected !== v.environment.served ? ` (intended ${codeCell(v.environment.expected)})` : ''}` : '',
          cell([v.servedBy, v.endpoint].filter(Boolean).join(' · ')),
        ]),
      ),
      '',
    );
  }

  out.push('## What is back', '');
  if (record.back.length === 0) out.push('No user path passed.', '');
  else {
    for (const b of record.back) {
      const how = b.recovered ? ` — **recovered** (was ${b.was ?? 'failing'})` : '';
      const qualified = b.outcome === 'flaky' ? ' (passed on a retry)' : b.degraded !== undefined ? ` (worked, but ${text(b.degraded)})` : '';
      out.push(`- ${code(b.journey)} ${b.outcome}${qualified}${how}`);
    }
    out.push('');
  }

  out.push('## What is still broken', '');
  if (record.broken.length === 0) out.push('Nothing: no journey failed.', '');
  // Grouped by what they protect (already in that order) once any says: a heading per group.
  const grouped = record.broken.some((b) => b.protects !== undefined);
  let group: string | undefined;
  for (const b of record.broken) {
    const title = protectsTitle(b.protects);
    if (grouped && title !== group) out.push(`### ${title === 'without protects:' ? 'Without protects:' : `Protects ${b.protects ?? ''}`}`, '');
    group = title;
    out.push(`${grouped ? '####' : '###'} ${code(b.journey)}: ${b.stage ?? '?'} stage, ${b.layer ?? 'unknown'} layer`, '');
    if (b.hint) out.push(text(b.hint), '');
    for (const line of b.failure) out.push(`- ${text(line)}`);
    if (b.transition && b.transition.kind !== 'new') out.push(`- since the previous run: ${text(describeTransition(b.transition))}`);
    if (b.evidence.length > 0) out.push(`- evidence: ${b.evidence.map(code).join(', ')}`);
    out.push(`- journey file: ${code(b.file)}`, '');
  }

  if (record.unverified.length > 0) {
    out.push('## Could not verify', '', 'These say nothing about the target: pathproof could not run them. Fix them so the next record is complete.', '');
    for (const u of record.unverified) {
      out.push(`- ${code(u.journey)}${u.protects ? ` (protects ${u.protects})` : ''}${u.stage ? ` (${u.stage})` : ''}: ${u.code ? `${code(u.code)} ` : ''}${text(u.message)}`);
    }
    out.push('');
  }

  if (record.notRun.length > 0) {
    out.push('## Not run', '');
    for (const n of record.notRun) out.push(`- ${code(n.journey)}: ${text(n.reason)}`);
    out.push('');
  }

  out.push('## Since the previous run', '');
  if (record.transitions.length === 0) out.push('No journey changed state since its previous run (or there is no previous run to compare with).', '');
  else {
    for (const t of record.transitions) out.push(`- ${code(t.journey)}: ${text(describeTransition(t))}`);
    out.push('');
  }

  out.push('## What to check next', '');
  if (record.nextChecks.length === 0) {
    out.push(record.unverified.length > 0 ? 'No journey failed; make the unverified ones run (see above).' : 'Nothing: every journey that ran passed.', '');
  } else {
    out.push('In the order an operator should check the layers:', '');
    record.nextChecks.forEach((check, index) => {
      out.push(`${index + 1}. **${check.layer}** (${check.journeys.map(code).join(', ')})`);
      for (const line of check.checks) out.push(`   - ${text(line)}`);
    });
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/**
 * Writes investigation.md and investigation.json into the run directory when the run ends,
 * for rollback runs, or for every run when `always` (`--investigate`).
 */
export function investigationReporter(options: { always: boolean }): Reporter {
  return endOfRunReporter('investigation', async (run, runDir) => {
    const rollback = run.trigger.after === 'rollback';
    if (!rollback && !options.always) return;
    const record = buildInvestigation(run, rollback ? 'rollback' : 'requested');
    await writeJsonAtomic(join(runDir, 'investigation.json'), record);
    await writeTextAtomic(join(runDir, 'investigation.md'), renderInvestigation(record));
  });
}
