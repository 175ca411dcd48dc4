/**
 * junit.xml for CI systems (Jenkins, GitLab, Azure DevOps, GitHub test-report actions).
 *
 * One `<testcase>` per journey: name = the journey name, `file` = the journey file, time in
 * seconds, and a classname that reads well where Jenkins splits it at the last dot into
 * package and class: `pathproof.<directory of the file, dots for slashes>.<journey name>`
 * (`journeys/shop/refund-api.yaml` → package `pathproof.journeys.shop`, class `refund-api`).
 * The mapping of outcomes:
 * - failed  → `<failure message="stage/layer: hint" type="layer">` with the failing
 *   assertion and the evidence as `[[ATTACHMENT|path]]` lines (the Jenkins
 *   junit-attachments convention, also read by Azure DevOps and GitLab); earlier failed
 *   attempts as `<rerunFailure>` (Maven Surefire);
 * - error   → `<error>` (we could not verify: never a failure of the target);
 * - skipped → `<skipped message="reason"/>`;
 * - flaky   → a passing testcase with one `<flakyFailure>` / `<flakyError>` per failed
 *   attempt (Maven Surefire's rerun convention), so a retry never hides a failure;
 * - degraded → a passing testcase with the properties `pathproof.outcome` = `degraded` and one
 *   `pathproof.degraded` per reason (pytest's `record_property` shape), and the reasons in
 *   `<system-out>`, so a slow pass is visible in the CI without failing it.
 *
 * Attachment paths: Jenkins (junit-attachments) and GitLab resolve `[[ATTACHMENT|path]]`
 * against the workspace, not against junit.xml. With `attachmentsFrom` (the directory the
 * command ran in, the CLI's default) they are relative to it, e.g.
 * `reports/<run-id>/evidence/…`, or absolute when the run directory lies outside it.
 * Without it they are relative to the run directory, the same paths run.json uses;
 * `attachmentBase` prefixes them explicitly.
 */
import { writeTextAtomic } from './atomic.js';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { AttemptResult, JourneyResult, RunResult } from '../result/types.js';
import { attemptHeadline, evidenceOf, failureLines, headline, shownAttempt } from './failure-detail.js';
import { endOfRunReporter } from './reporter.js';
import { degradationsOf } from './attention.js';
import type { Reporter } from './reporter.js';

export interface JunitOptions {
  /** Prefix for `[[ATTACHMENT|…]]` paths (default: relative to the run directory). */
  readonly attachmentBase?: string;
  /** Reporter only: write attachment paths relative to this directory (where the command ran). */
  readonly attachmentsFrom?: string;
}

/** The attachment prefix that makes evidence of `runDir` resolve from `from`: relative inside it, else absolute. */
export function attachmentBaseFrom(from: string, runDir: string): string {
  const path = relative(from, runDir);
  if (path === '') return '';
  return path.startsWith('..') || isAbsolute(path) ? runDir : path;
}

/** `pathproof.<file directory>.<journey>`: Jenkins shows the part before the last dot as the package. */
export function junitClassname(file: string, journey: string): string {
  const dir = file.split(/[\\/]/).slice(0, -1);
  // An absolute or outside path would make a long, machine-specific package: keep its last directory.
  const parts = isAbsolute(file) || dir.includes('..') ? dir.slice(-1) : dir;
  const segments = parts.filter((p) => p !== '' && p !== '.').map((p) => p.replace(/\./g, '_'));
  return ['pathproof', ...segments, journey.replace(/\./g, '_')].join('.');
}

/**
 * Characters XML 1.0 forbids even when escaped (C0 controls but tab/LF/CR, lone surrogates,
 * U+FFFE/U+FFFF). A response body quoted in a message may hold any of them; one would make
 * the whole file unreadable to the CI, so they are shown as `\u0007` instead.
 */
const INVALID_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Text or attribute value, escaped for XML 1.0. */
export function xmlEscape(value: string): string {
  return value
    .replace(INVALID_XML, (char) => `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    // Attribute values normalise raw newlines and tabs to spaces: keep them as references.
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

/** Escaped text content: newlines stay newlines (readable in the CI's failure view). */
function xmlText(value: string): string {
  return xmlEscape(value).replace(/&#10;/g, '\n').replace(/&#9;/g, '\t');
}

function attrs(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => ` ${key}="${xmlEscape(String(value))}"`)
    .join('');
}

const seconds = (ms: number): string => (Math.max(0, ms) / 1000).toFixed(3);

function attachments(attempt: AttemptResult | undefined, base: string | undefined): string[] {
  return evidenceOf(attempt).map((file) => `[[ATTACHMENT|${base ? join(base, file.path).split(sep).join('/') : file.path}]]`);
}

function body(attempt: AttemptResult | undefined, base: string | undefined): string {
  return [...failureLines(attempt), ...attachments(attempt, base)].join('\n');
}

function element(tag: string, attributes: Record<string, string | number | undefined>, content: string): string {
  return content === '' ? `<${tag}${attrs(attributes)}/>` : `<${tag}${attrs(attributes)}>${xmlText(content)}</${tag}>`;
}

function testcase(journey: JourneyResult, base: string | undefined): string {
  const open = `    <testcase${attrs({ classname: junitClassname(journey.file, journey.name), name: journey.name, time: seconds(journey.durationMs), file: journey.file })}`;
  const children: string[] = [];
  const shown = shownAttempt(journey);
  const degradations = degradationsOf(journey);
  if (journey.outcome === 'degraded' || degradations.length > 0) {
    const properties = [
      `        <property${attrs({ name: 'pathproof.outcome', value: journey.outcome })}/>`,
      ...degradations.map((d) => `        <property${attrs({ name: 'pathproof.degraded', value: d.message })}/>`),
    ];
    children.push(`      <properties>\n${properties.join('\n')}\n      </properties>`);
  }
  switch (journey.outcome) {
    case 'passed':
    case 'degraded':
      break;
    case 'flaky':
      for (const attempt of journey.attempts.filter((a) => a.outcome !== 'passed')) {
        const tag = attempt.outcome === 'error' ? 'flakyError' : 'flakyFailure';
        const type = attempt.outcome === 'failed' ? attempt.failure.layer : attempt.error.code;
        children.push(
          `      <${tag}${attrs({ message: attemptHeadline(attempt), type })}>` +
            `<stackTrace>${xmlText(body(attempt, base))}</stackTrace></${tag}>`,
        );
      }
      break;
    case 'failed':
      children.push(`      ${element('failure', { message: headline(journey), type: journey.layer }, body(shown, base))}`);
      for (const attempt of journey.attempts.slice(0, -1).filter((a) => a.outcome !== 'passed')) {
        children.push(
          `      <rerunFailure${attrs({ message: attemptHeadline(attempt), type: attempt.outcome === 'failed' ? attempt.failure.layer : attempt.error.code })}>` +
            `<stackTrace>${xmlText(body(attempt, base))}</stackTrace></rerunFailure>`,
        );
      }
      break;
    case 'error':
      children.push(`      ${element('error', { message: headline(journey), type: journey.error.code }, body(shown, base))}`);
      break;
    case 'skipped':
      children.push(`      <skipped${attrs({ message: journey.reason })}/>`);
      break;
  }
  // Attachments also go to system-out: that is where the Jenkins plugin and GitLab look.
  const files = attachments(shown, base);
  const slow = degradations.map((d) => `degraded: ${d.message}\n  hint: ${d.hint}`);
  if (files.length > 0 || slow.length > 0) children.push(`      <system-out>${xmlText([...slow, ...files].join('\n'))}</system-out>`);
  return children.length === 0 ? `${open}/>` : `${open}>\n${children.join('\n')}\n    </testcase>`;
}

/** The whole junit.xml document for a run. Pure: the reporter only writes it. */
export function renderJunit(run: RunResult, options: JunitOptions = {}): string {
  const counts = {
    tests: run.journeys.length,
    failures: run.counts.failed,
    errors: run.counts.error,
    skipped: run.counts.skipped,
    time: seconds(run.durationMs),
    timestamp: run.startedAt,
  };
  const properties = {
    runId: run.runId,
    status: run.status,
    outcome: run.outcome,
    exitCode: run.exitCode,
    'trigger.after': run.trigger.after,
    'trigger.deployId': run.trigger.deployId,
    'trigger.expectVersion': run.trigger.expectVersion,
    'trigger.env': run.trigger.env,
    continues: run.continues,
  };
  const propertyLines = Object.entries(properties)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `      <property${attrs({ name, value: String(value) })}/>`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'pathproof', ...counts })}>`,
    `  <testsuite${attrs({ name: `pathproof ${run.runId}`, ...counts })}>`,
    '    <properties>',
    ...propertyLines,
    '    </properties>',
    ...run.journeys.map((journey) => testcase(journey, options.attachmentBase)),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** Writes `junit.xml` into the run directory when the run ends (interrupted runs included). */
export function junitReporter(options: JunitOptions = {}): Reporter {
  return endOfRunReporter('junit', (run, runDir) => {
    const base = options.attachmentBase ?? (options.attachmentsFrom !== undefined ? attachmentBaseFrom(options.attachmentsFrom, runDir) : undefined);
    return writeTextAtomic(join(runDir, 'junit.xml'), renderJunit(run, { attachmentBase: base || undefined }));
  });
}
