/**
 * The whole index.html as one string: header with the verdict in words, an overview table
 * (failures first), the filter, and one section per journey. Pure: data in, markup out;
 * file I/O (screenshots, atomic writes) lives in ../html.ts.
 */
import type { JourneyResult, RunResult } from '../../result/types.js';
import { LAYERS, OUTCOMES } from '../../result/types.js';
import { formatDuration } from '../../util/format.js';
import type { SafeHtml } from './escape.js';
import { anchorId, html, inlineScript, safe } from './escape.js';
import { byAttention, ladderOf } from './ladder.js';
import { journeySection, ladder, layerBadge, transitionBadge } from './journey.js';
import type { EvidenceImages } from './journey.js';
import { FILTER_SCRIPT, FILTER_SCRIPT_HASH } from './script.js';
import { STYLES, STYLES_HASH } from './styles.js';
import { verdictOf } from './verdict.js';
import { groupByProtects, verdictFields } from '../attention.js';

export interface PageOptions {
  readonly images?: EvidenceImages;
  /** Journeys selected for the run that have not finished yet (partial pages). */
  readonly pending?: readonly string[];
}

/**
 * default-src 'none' blocks every fetch; images only inline or from beside the file; the one
 * stylesheet and the one script by hash. Hazard: with a style hash, `style="…"` attributes
 * are refused too (a console error), so the renderer must never emit one; classes only.
 */
export const CSP = [
  "default-src 'none'",
  "img-src data: 'self'",
  `style-src ${STYLES_HASH}`,
  `script-src ${FILTER_SCRIPT_HASH}`,
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function utc(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function triggerText(run: RunResult): string {
  const t = run.trigger;
  const parts: string[] = [];
  if (t.after) parts.push(`after ${t.after}`);
  if (t.deployId) parts.push(t.deployId);
  if (t.expectVersion) parts.push(`expects ${t.expectVersion}`);
  if (t.source) parts.push(`via ${t.source}`);
  return parts.join(' · ') || 'manual run';
}

function header(run: RunResult, pending: readonly string[]): SafeHtml {
  const verdict = verdictOf(run, run.journeys.length + pending.length);
  const c = run.counts;
  const chip = (outcome: keyof typeof c, label: string): SafeHtml | '' =>
    c[outcome] > 0 || outcome === 'passed' || outcome === 'failed' ? html`<li><span class="badge o-${outcome}">${c[outcome]} ${label}</span></li>` : '';
  const banner =
    run.status === 'running'
      ? html`<p class="banner">This run has not finished: the page shows the ${run.journeys.length} journeys done so far${pending.length ? html` (waiting for ${pending.join(', ')})` : ''}. It is rewritten as journeys finish.</p>`
      : run.status === 'interrupted'
        ? html`<p class="banner">The run was interrupted before every journey finished; what is shown had finished.</p>`
        : '';
  return html`<header class="verdict tone-${verdict.tone}">
  <p class="eyebrow">pathproof · run <span class="mono">${run.runId}</span></p>
  <h1 id="verdict">${verdict.text}</h1>
  <dl class="meta">
    <div><dt>trigger</dt><dd>${triggerText(run)}</dd></div>
    <div><dt>environment</dt><dd>${run.trigger.env ?? 'default'}</dd></div>
    <div><dt>started</dt><dd><time datetime="${run.startedAt}">${utc(run.startedAt)}</time></dd></div>
    <div><dt>duration</dt><dd>${formatDuration(run.durationMs)}</dd></div>
    ${run.exitCode !== undefined ? html`<div><dt>exit code</dt><dd>${run.exitCode}</dd></div>` : ''}
    ${run.posture?.status === 'read' ? html`<div><dt>posture</dt><dd>${run.posture.summary}</dd></div>` : ''}
  </dl>
  ${brokenByLayer(run.journeys)}
  <ul class="counts">${chip('failed', 'failed')}${chip('error', 'could not verify')}${chip('flaky', 'flaky')}${chip('degraded', 'degraded')}${chip('passed', 'passed')}${chip('skipped', 'skipped')}</ul>
  ${banner}
  ${run.warnings?.length ? html`<ul class="plain muted">${run.warnings.map((w) => html`<li>warning: ${w}</li>`)}</ul>` : ''}
</header>`;
}

/** "Broken at authz: refund-api, refund-request" — which layer to open first, before any table. */
function brokenByLayer(journeys: readonly JourneyResult[]): SafeHtml | '' {
  const failed = journeys.filter((j) => j.outcome === 'failed');
  const errors = journeys.filter((j) => j.outcome === 'error');
  if (failed.length === 0 && errors.length === 0) return '';
  const link = (j: JourneyResult): SafeHtml => html`<a href="#${anchorId(j.name)}">${j.name}</a>`;
  const join = (items: readonly JourneyResult[]): SafeHtml[] => items.map((j, i) => html`${i > 0 ? ', ' : ''}${link(j)}`);
  const layers = LAYERS.filter((l) => failed.some((j) => j.layer === l));
  const unlayered = failed.filter((j) => !j.layer);
  // What they protect, identity first, when any broken journey says (protects:).
  const broken = [...failed, ...errors];
  const byProtects = broken.some((j) => j.protects !== undefined) ? groupByProtects(broken) : [];
  return html`<ul class="broken">${byProtects.map(
    (g) => html`<li>${g.protects === undefined ? 'Without protects:' : html`Protects <span class="badge layer o-failed">${g.protects}</span>`} ${join(g.journeys)}</li>`,
  )}${layers.map(
    (l) => html`<li>Broken at <span class="badge layer o-failed">${l}</span> ${join(failed.filter((j) => j.layer === l))}</li>`,
  )}${unlayered.length ? html`<li>Broken: ${join(unlayered)}</li>` : ''}${
    errors.length ? html`<li>Could not verify: ${join(errors)}</li>` : ''
  }</ul>`;
}

function filter(journeys: readonly JourneyResult[]): SafeHtml {
  const outcomes = OUTCOMES.filter((o) => journeys.some((j) => j.outcome === o));
  const layers = LAYERS.filter((l) => journeys.some((j) => verdictFields(j).layer === l));
  // `hidden` until the script shows it: without JavaScript a dead control would only confuse.
  return html`<form class="filter" id="filter" hidden>
  <label>Outcome <select name="outcome"><option value="">all</option><option value="attention">needs attention</option>${outcomes.map((o) => html`<option value="${o}">${o}</option>`)}</select></label>
  <label>Layer <select name="layer"><option value="">all</option>${layers.map((l) => html`<option value="${l}">${l}</option>`)}</select></label>
  <button type="reset">Show all</button>
  <span class="muted" id="shown" aria-live="polite"></span>
</form>`;
}

function overview(journeys: readonly JourneyResult[]): SafeHtml {
  return html`<div class="overview scroll"><table>
  <thead><tr><th>outcome</th><th>journey</th><th>how far the user got</th><th>layer</th><th class="hide-narrow">since last run</th><th class="num hide-narrow">time</th></tr></thead>
  <tbody>${journeys.map(
    (j) => html`<tr data-outcome="${j.outcome}" data-layer="${verdictFields(j).layer ?? ''}" data-journey="${j.name}">
      <td><span class="badge o-${j.outcome}">${j.outcome}</span></td>
      <td><a href="#${anchorId(j.name)}">${j.name}</a></td>
      <td>${ladder(ladderOf(j.attempts.at(-1)))}</td>
      <td>${layerBadge(j)}</td>
      <td class="hide-narrow">${transitionBadge(j.transition)}</td>
      <td class="num hide-narrow">${formatDuration(j.durationMs)}</td></tr>`,
  )}</tbody></table></div>`;
}

export function renderReport(run: RunResult, options: PageOptions = {}): string {
  const images = options.images ?? { inline: () => undefined };
  const pending = options.pending ?? [];
  const journeys = byAttention(run.journeys);
  const verdict = verdictOf(run, run.journeys.length + pending.length);
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${verdict.text} · pathproof ${run.runId}</title>
<style>${safe(STYLES)}</style>
</head>
<body>
<div class="wrap">
${header(run, pending)}
${journeys.length > 0 ? html`${filter(journeys)}${overview(journeys)}` : ''}
<main>${journeys.map((j) => journeySection(j, images))}</main>
<footer>Written by pathproof from <a href="run.json">run.json</a> (the source of truth) · status ${run.status}${run.finishedAt ? html` · finished <time datetime="${run.finishedAt}">${utc(run.finishedAt)}</time>` : ''}</footer>
</div>
${inlineScript(FILTER_SCRIPT)}
</body>
</html>
`;
  return page.__html;
}
