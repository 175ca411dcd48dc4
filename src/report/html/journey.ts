/** One journey's section: ladder, finding (layer, hint, assertion), runtime truth, evidence, attempts, steps. */
import type {
  AttemptResult,
  BrowserObservation,
  EvidenceFile,
  HttpObservation,
  JourneyResult,
  RuntimeTruth,
  StepResult,
  Transition,
} from '../../result/types.js';
import { describeTransition, hasCodes } from '../../classify/transition.js';
import { formatDuration } from '../../util/format.js';
import type { SafeHtml } from './escape.js';
import { anchorId, html } from './escape.js';
import { RUNG_SYMBOL, headlineAttempt, ladderOf, ladderText } from './ladder.js';
import { attentionOf, degradationsOf, endpointText, traceHref, traceOf, verdictFields } from '../attention.js';
import type { Rung } from './ladder.js';
import { TIMING_LEGEND, timingBar } from './timings.js';

/** How evidence files are shown: inlined (`data:` URI) when small enough, else linked relative. */
export interface EvidenceImages {
  /** data: URI for an evidence path, when it was inlined. */
  inline(path: string): string | undefined;
}

/** Longest body excerpt shown in the page; run.json and evidence files keep the rest. */
const BODY_EXCERPT = 2_000;

/**
 * A relative link to an evidence file, or undefined when the path is not a plain relative
 * path (a run.json from elsewhere could hold `javascript:` or `/etc/passwd`).
 */
export function evidenceHref(path: string): string | undefined {
  if (!path || path.startsWith('/') || path.startsWith('\\') || /^[A-Za-z][A-Za-z0-9+.-]*:/.test(path)) return undefined;
  const parts = path.split(/[\\/]/);
  if (parts.some((p) => p === '..' || p === '')) return undefined;
  return parts.map(encodeURIComponent).join('/');
}

export function ladder(rungs: readonly Rung[], big = false): SafeHtml {
  if (rungs.length === 0) return html`<span class="muted">no steps ran</span>`;
  return html`<ol class="ladder${big ? ' big' : ''}" aria-label="${ladderText(rungs)}">${rungs.map(
    (r) => html`<li data-phase="${r.phase}" data-status="${r.status}"><span class="rung r-${r.status}" title="${r.phase}: ${r.status}">${r.phase} <b>${RUNG_SYMBOL[r.status]}</b></span></li>`,
  )}</ol>`;
}

export function transitionText(t: Transition | undefined): string | undefined {
  if (!t) return undefined;
  if (t.kind === 'new') return 'first run';
  // `unchanged` can still name two different things (error → frontend): then show both.
  if (t.kind === 'unchanged') {
    if (t.from && t.to && t.from !== t.to) return `${t.from} → ${t.to}`;
    const was = t.to ?? t.from;
    return was === 'passed' ? 'still passing' : was === 'flaky' ? 'flaky again' : `same as last run (${was ?? '?'})`;
  }
  // With the codes: `404 → 401 progressed: route → authz`, `broke: passed → proxy (502)`.
  if (hasCodes(t)) return describeTransition(t).replace(/ {2}/g, ' ');
  return `${t.from ?? '?'} → ${t.to ?? '?'} ${t.kind}`;
}

export function transitionBadge(t: Transition | undefined): SafeHtml | undefined {
  const text = transitionText(t);
  return text ? html`<span class="trans ${t?.kind ?? ''}" title="${t?.previousRunId ? `previous run ${t.previousRunId}` : ''}">${text}</span>` : undefined;
}

export function layerBadge(journey: JourneyResult): SafeHtml | undefined {
  const layer = verdictFields(journey).layer;
  if (!layer) return undefined;
  return html`<span class="badge layer o-${journey.outcome}" data-testid="layer">${layer}</span>`;
}

/** `insecure: true` journeys skip certificate checks: say so beside the outcome, never quietly. */
export function insecureBadge(journey: JourneyResult): SafeHtml | undefined {
  if (!journey.insecure) return undefined;
  return html`<span class="badge insecure o-flaky" data-testid="insecure" title="insecure: true — TLS certificates were not verified for this journey">⚠ insecure: TLS not verified</span>`;
}

function runtimeTruth(runtime: RuntimeTruth | undefined): SafeHtml | undefined {
  if (!runtime) return undefined;
  const rows: SafeHtml[] = [];
  const pair = (label: string, v: { expected?: string; served?: string; source?: string } | undefined): void => {
    if (!v) return;
    const mismatch = v.expected !== undefined && v.served !== undefined && v.expected !== v.served;
    rows.push(
      html`<dt>${label}</dt><dd><span class="${mismatch ? 'mismatch' : ''}">${v.served ?? '(not seen)'}</span>${
        v.expected !== undefined ? html` <span class="muted">expected</span> ${v.expected}${mismatch ? html` <span class="mismatch">≠</span>` : html` ✓`}` : ''
      }${v.source ? html` <span class="muted">· ${v.source}</span>` : ''}</dd>`,
    );
  };
  pair('version', runtime.version);
  pair('environment', runtime.environment);
  for (const certificate of runtime.certificates ?? []) {
    const whose = [certificate.subject ? `CN ${certificate.subject}` : '', certificate.issuer ? `issued by ${certificate.issuer}` : ''].filter(Boolean).join(', ');
    rows.push(
      html`<dt>certificate</dt><dd><span class="mono">${certificate.origin}</span> <span class="muted">expires</span> <time datetime="${certificate.notAfter}" data-testid="cert-expiry">${certificate.notAfter.slice(0, 10)}</time>${whose ? html` <span class="muted">· ${whose}</span>` : ''}</dd>`,
    );
  }
  if (runtime.servedBy) rows.push(html`<dt>served by</dt><dd class="mono">${runtime.servedBy}</dd>`);
  // runtime.container: which container was checked, and which one owns the target's port.
  const container = runtime.container?.container;
  if (container) rows.push(html`<dt>container</dt><dd class="mono">${container.name} · ${container.image.reference || '?'} · ${container.state.status}</dd>`);
  if (runtime.container?.endpoint) rows.push(html`<dt>target</dt><dd class="mono">${endpointText(runtime.container.endpoint)}</dd>`);
  if (runtime.wait) rows.push(html`<dt>wait</dt><dd>${runtime.wait.ended}: ${runtime.wait.polls} ${runtime.wait.polls === 1 ? 'poll' : 'polls'} in ${formatDuration(runtime.wait.waitedMs)}</dd>`);
  if (runtime.remoteAddress) rows.push(html`<dt>remote address</dt><dd class="mono">${runtime.remoteAddress}</dd>`);
  if (rows.length === 0) return undefined;
  return html`<div><h3>Runtime truth</h3><dl class="kv">${rows}</dl></div>`;
}

function screenshots(files: readonly EvidenceFile[], images: EvidenceImages): SafeHtml[] {
  return files.map((file) => {
    const href = evidenceHref(file.path);
    const inline = file.kind === 'screenshot' ? images.inline(file.path) : undefined;
    const caption = html`<figcaption>${file.description ?? file.kind} · ${href ? html`<a href="${href}">${file.path}</a>` : file.path}</figcaption>`;
    if (inline) return html`<figure><img src="${inline}" alt="${file.description ?? 'screenshot'}" loading="lazy">${caption}</figure>`;
    if (file.kind === 'screenshot' && href) return html`<figure><img src="${href}" alt="${file.description ?? 'screenshot'}" loading="lazy">${caption}</figure>`;
    return html`<p>${caption}</p>`;
  });
}

function assertionLine(expression: string, seen?: unknown): SafeHtml {
  return html`<code class="assert">${expression}${seen !== undefined ? html` <span class="muted">seen</span> <span class="seen">${typeof seen === 'string' ? seen : JSON.stringify(seen)}</span>` : ''}</code>`;
}

function httpEvidence(obs: HttpObservation): SafeHtml {
  const headers = Object.entries(obs.headers).map(([k, v]) => `${k}: ${v}`).join('\n');
  const body = obs.body.length > BODY_EXCERPT ? `${obs.body.slice(0, BODY_EXCERPT)}\n… (${obs.body.length - BODY_EXCERPT} more characters in run.json)` : obs.body;
  return html`<div><h3>Response</h3>
    <p class="mono">${obs.method} ${obs.url} → <strong>${obs.status}${obs.statusText ? ` ${obs.statusText}` : ''}</strong> · ${formatDuration(obs.timings.totalMs)}${obs.remoteAddress ? ` · ${obs.remoteAddress}${obs.remotePort ? `:${obs.remotePort}` : ''}` : ''}</p>
    ${obs.redirects.length > 0 ? html`<p class="mono">${obs.redirects.map((r) => `${r.status} ${r.from} → ${r.to}`).join('\n')}</p>` : ''}
    ${headers ? html`<details><summary>headers (${Object.keys(obs.headers).length})</summary><pre>${headers}</pre></details>` : ''}
    ${body ? html`<pre data-testid="body">${body}${obs.bodyTruncated ? '\n… (body truncated by the probe)' : ''}</pre>` : html`<p class="muted">empty body</p>`}
  </div>`;
}

/** Third-party failures: listed apart, evidence only (DESIGN §2). */
function thirdParty(obs: BrowserObservation): SafeHtml | string {
  const third = obs.thirdParty;
  if (third === undefined || (third.failedRequests.length === 0 && third.scriptErrors.length === 0)) return '';
  return html`<h3>Third-party (evidence only)</h3>
    ${third.failedRequests.length > 0 ? html`<ul class="plain third-party">${third.failedRequests.map((r) => html`<li class="mono">${r.method} ${r.url} — ${r.status ?? r.failure ?? '?'}</li>`)}</ul>` : ''}
    ${third.scriptErrors.length > 0 ? html`<pre>${third.scriptErrors.map((e) => `${e.message}${e.source ? ` (${e.source})` : ''}`).join('\n')}</pre>` : ''}`;
}

function browserEvidence(obs: BrowserObservation): SafeHtml {
  const failed = obs.failedRequests;
  return html`<div>
    <h3>Page</h3>
    <dl class="kv"><dt>url</dt><dd class="mono">${obs.url}</dd>
      ${obs.title !== undefined ? html`<dt>title</dt><dd>${obs.title}</dd>` : ''}
      ${obs.documentStatus !== undefined ? html`<dt>document</dt><dd>${obs.documentStatus}</dd>` : ''}
      ${obs.navigationError ? html`<dt>navigation</dt><dd class="mismatch mono">${obs.navigationError}</dd>` : ''}
      ${obs.locator ? html`<dt>looked for</dt><dd class="mono">${obs.locator}${obs.matchCount !== undefined ? ` (${obs.matchCount} matches)` : ''}</dd>` : ''}
      ${obs.candidates?.length ? html`<dt>page had</dt><dd><ul class="plain">${obs.candidates.map((c) => html`<li class="mono">${c}</li>`)}</ul></dd>` : ''}
    </dl>
    ${obs.heading !== undefined ? html`<p class="muted">heading: ${obs.heading}</p>` : ''}
    ${failed.length > 0 ? html`<h3>Failed requests</h3><div class="scroll"><table class="failed-requests"><thead><tr><th>method</th><th>url</th><th>status</th><th class="num">time</th></tr></thead><tbody>${failed.map(
      (r) => html`<tr><td class="mono">${r.method}</td><td class="mono">${r.url}</td><td class="mono">${r.status ?? r.failure ?? '?'}${r.resourceType ? html` <span class="muted">${r.resourceType}</span>` : ''}</td><td class="num">${r.durationMs !== undefined ? formatDuration(r.durationMs) : ''}</td></tr>`,
    )}</tbody></table></div>` : ''}
    ${obs.consoleErrors.length > 0 ? html`<h3>Console errors</h3><pre>${obs.consoleErrors.join('\n')}</pre>` : ''}
    ${obs.pageErrors.length > 0 ? html`<h3>Page errors</h3><pre>${obs.pageErrors.join('\n')}</pre>` : ''}
    ${thirdParty(obs)}
  </div>`;
}

/** The failed step, what it asserted and saw, which evidence decided and which was set aside, and its evidence. */
function finding(journey: JourneyResult, images: EvidenceImages): SafeHtml | undefined {
  const seen = attentionOf(journey);
  if (seen === undefined) return undefined;
  const { step, attempt, failure } = seen;
  const failedAssertions = step?.assertions?.filter((a) => !a.passed) ?? [];
  const code = seen.error?.code ?? failure?.code;
  const flakyNote = journey.outcome === 'flaky' ? html`<p><strong>Passed on attempt ${journey.attempts.length}</strong>; attempt ${attempt.attempt} failed like this:</p>` : '';
  const errorNote = seen.error !== undefined ? html`<p><strong>Could not verify</strong> — a problem on our side (journey, browser, runner), not a verdict on the target.</p>` : '';
  const aside = failure?.setAside ?? [];
  return html`<div class="finding">
    ${flakyNote}${errorNote}
    <p class="hint">${seen.hint}</p>
    ${step ? html`<p>Stopped at <strong>${step.phase}</strong> step ${step.index + 1}: <span class="mono">${step.name}</span></p>` : ''}
    ${failedAssertions.map((a) => assertionLine(a.expression))}
    ${failedAssertions.length === 0 ? html`<code class="assert">${seen.message}</code>` : ''}
    ${code ? html`<p class="muted">code <span class="mono">${code}</span></p>` : ''}
    ${failure?.reason ? html`<p class="muted" data-testid="decided">why ${failure.layer}: ${failure.reason}</p>` : ''}
    ${aside.length > 0 ? html`<details class="aside"><summary>Set aside (${aside.length})</summary><ul class="plain">${aside.map((a) => html`<li><span class="mono">${a.evidence}</span> — <span class="muted">${a.why}</span></li>`)}</ul></details>` : ''}
    ${traceLink(journey)}
  </div>
  ${step ? evidenceOf(step, attempt, images) : ''}`;
}

/**
 * The backend trace of the attempt shown (`traceUrl:` makes it a link): where an `app`
 * failure or a slow step leads. Only http(s) links are rendered as links.
 */
function traceLink(journey: JourneyResult): SafeHtml | '' {
  const trace = traceOf(journey);
  if (trace === undefined) return '';
  const href = traceHref(trace);
  return html`<p class="muted" data-testid="trace">backend trace ${
    href ? html`<a href="${href}" rel="noopener noreferrer" target="_blank" class="mono">${trace.id}</a>` : html`<span class="mono">${trace.id}</span>`
  }</p>`;
}

/** Worked, but not well enough: each reason (slow step, slow journey, certificate expiring soon) with the first hint. */
function degradedFinding(journey: JourneyResult): SafeHtml | '' {
  const degradations = degradationsOf(journey);
  const first = degradations[0];
  if (first === undefined) return '';
  const word = { 'slow-step': 'slow step', 'slow-journey': 'slow journey', 'tls-expiry': 'certificate' } as const;
  return html`<div class="finding degraded" data-testid="degraded">
    <p>${journey.outcome === 'degraded' ? html`<strong>Worked, but degraded</strong> — counts as passed (exit 0):` : html`The attempt that passed was degraded too:`}</p>
    <p class="hint">${first.hint}</p>
    <ul class="plain">${degradations.map((d) => html`<li><span class="badge o-degraded">${word[d.kind]}</span> ${d.message}</li>`)}</ul>
    ${journey.outcome === 'degraded' ? traceLink(journey) : ''}
  </div>`;
}

/** Third-party failures and page errors of steps that did not fail: shown, never deciding. */
function notesOf(journey: JourneyResult): SafeHtml | undefined {
  const notes = journey.notes ?? [];
  if (notes.length === 0) return undefined;
  return html`<ul class="plain notes" data-testid="notes">${notes.map((n) => html`<li class="muted"><span class="badge note">${n.kind}</span> ${n.message}</li>`)}</ul>`;
}

function evidenceOf(step: StepResult, attempt: AttemptResult | undefined, images: EvidenceImages): SafeHtml {
  const files = [...(step.evidence ?? []), ...(attempt?.evidence ?? [])];
  const obs = step.observation;
  const observed = obs?.kind === 'http' ? httpEvidence(obs) : obs?.kind === 'browser' ? browserEvidence(obs) : undefined;
  if (!observed && files.length === 0) return html``;
  return html`<div class="grid evidence">${observed}${files.length > 0 ? html`<div><h3>Evidence</h3>${screenshots(files, images)}</div>` : ''}</div>`;
}

function attempts(journey: JourneyResult): SafeHtml | undefined {
  if (journey.attempts.length < 2) return undefined;
  return html`<h3>Attempts</h3><div class="scroll"><table class="attempts"><thead><tr><th>#</th><th>outcome</th><th>how far</th><th>layer</th><th>what happened</th><th class="num">time</th></tr></thead><tbody>${journey.attempts.map(
    (a) =>
      html`<tr><td>${a.attempt}</td><td><span class="badge o-${a.outcome}">${a.outcome}</span></td><td>${ladder(ladderOf(a))}</td><td>${a.outcome === 'failed' ? a.failure.layer : ''}</td><td class="mono">${a.outcome === 'failed' ? a.failure.message : a.outcome === 'error' ? `${a.error.code}: ${a.error.message}` : ''}</td><td class="num">${formatDuration(a.durationMs)}</td></tr>`,
  )}</tbody></table></div>`;
}

function stepRow(step: StepResult, scaleMs: number): SafeHtml {
  const obs = step.observation;
  const detail =
    step.status === 'failed'
      ? step.failure.message
      : step.status === 'error'
        ? `${step.error.code}: ${step.error.message}`
        : step.status === 'skipped'
          ? step.reason
          : '';
  return html`<tr class="s-${step.status}"><td class="st-${step.status}">${RUNG_SYMBOL[step.status]}</td><td>${step.phase}</td><td><span class="mono">${step.name}</span>${detail ? html`<br><span class="muted">${detail}</span>` : ''}</td><td>${
    obs?.kind === 'http' ? timingBar(obs.timings, scaleMs) : ''
  }</td><td class="num">${formatDuration(step.durationMs)}</td></tr>`;
}

function steps(attempt: AttemptResult | undefined, open: boolean, label: string): SafeHtml | undefined {
  if (!attempt || attempt.steps.length === 0) return undefined;
  const scaleMs = Math.max(0, ...attempt.steps.map((s) => (s.observation?.kind === 'http' ? s.observation.timings.totalMs : 0)));
  const hasHttp = scaleMs > 0;
  return html`<details${open ? ' open' : ''}><summary>${label} (${attempt.steps.length})</summary>
    ${hasHttp ? TIMING_LEGEND : ''}
    <div class="scroll"><table class="steps"><tbody>${attempt.steps.map((s) => stepRow(s, scaleMs))}</tbody></table></div></details>`;
}

export function journeySection(journey: JourneyResult, images: EvidenceImages): SafeHtml {
  const final = journey.attempts.at(-1);
  const story = headlineAttempt(journey);
  const needsAttention = journey.outcome === 'failed' || journey.outcome === 'error' || journey.outcome === 'flaky';
  const runtime = journey.runtime ?? story?.runtime;
  const id = anchorId(journey.name);
  return html`<section class="journey outcome-${journey.outcome}" id="${id}" data-outcome="${journey.outcome}" data-layer="${verdictFields(journey).layer ?? ''}">
  <div class="jhead">
    <h2><a href="#${id}">${journey.name}</a></h2>
    <span class="badge o-${journey.outcome}" data-testid="outcome">${journey.outcome}</span>
    ${layerBadge(journey)}
    ${transitionBadge(journey.transition)}
    ${insecureBadge(journey)}
    <span class="muted">${formatDuration(journey.durationMs)} · <span class="mono">${journey.file}</span>${journey.tags.length ? ` · ${journey.tags.join(', ')}` : ''}</span>
  </div>
  <div class="how-far">${ladder(ladderOf(story), true)}</div>
  ${journey.outcome === 'skipped' ? html`<p class="muted">skipped: ${journey.reason}</p>` : ''}
  ${finding(journey, images)}
  ${degradedFinding(journey)}
  ${notesOf(journey)}
  ${runtimeTruth(runtime)}
  ${attempts(journey)}
  ${steps(journey.outcome === 'flaky' ? story : final, needsAttention && journey.outcome !== 'flaky', journey.outcome === 'flaky' ? `Steps of failed attempt ${story?.attempt ?? 1}` : 'Steps')}
</section>`;
}
