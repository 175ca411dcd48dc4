/**
 * The status page at `/`, rendered from the status model (./model.ts): one self-contained
 * page, the same CSP discipline as the run report — `default-src 'none'`, the stylesheet
 * and the one script by hash, no inline handlers, no external resources; `connect-src
 * 'self'` only so the script can poll `/api/status`. Everything from outside is escaped by
 * the `html` template. Pure.
 */
import type { SafeHtml } from '../../report/html/escape.js';
import { anchorId, html, inlineScript, safe } from '../../report/html/escape.js';
import { formatDuration } from '../../util/format.js';
import type { DisplayState } from '../alert-state.js';
import type { StatusDegradation, StatusJourney, StatusModel, StatusQuiet, StatusRun } from './model.js';
import type { TraceRef } from '../../result/types.js';
import { traceHref } from '../../report/attention.js';
import { DISPLAY_STATES } from './model.js';
import { POLL_MS, STATUS_SCRIPT, STATUS_SCRIPT_HASH } from './script.js';
import { STATUS_STYLES, STATUS_STYLES_HASH } from './styles.js';

export const STATUS_CSP = [
  "default-src 'none'",
  "img-src 'self' data:",
  `style-src ${STATUS_STYLES_HASH}`,
  `script-src ${STATUS_SCRIPT_HASH}`,
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
].join('; ');

/** The header adds what a <meta> CSP cannot say (browsers ignore frame-ancestors there). */
export const STATUS_CSP_HEADER = `${STATUS_CSP}; frame-ancestors 'none'`;

export type Grouping = 'protects' | 'tag';

export interface StatusPageOptions {
  readonly grouping: Grouping;
  /** Show the sign-out button (the page was opened with a session cookie). */
  readonly signOut?: boolean;
}

const STATE_WORD: Record<DisplayState, string> = {
  down: 'down',
  flapping: 'flapping',
  checking: 'checking',
  degraded: 'degraded',
  up: 'up',
  'not-run': 'not yet run',
};

/** `2026-11-22 09:15 UTC` (the script adds "12 min ago" beside it). */
function when(iso: string | undefined): SafeHtml | '' {
  if (!iso) return '';
  const text = `${iso.slice(0, 16).replace('T', ' ')} UTC`;
  return html`<time datetime="${iso}">${text}</time> <span class="muted" data-ago="${iso}"></span>`;
}

function headline(model: StatusModel): { text: string; tone: DisplayState } {
  const total = model.journeys.length;
  const c = model.counts;
  const paths = (n: number): string => `${n} ${n === 1 ? 'user path' : 'user paths'}`;
  if (total === 0) return { text: 'No journeys loaded', tone: 'not-run' };
  if (c.down > 0) return { text: `${c.down} of ${paths(total)} down`, tone: 'down' };
  if (c.flapping > 0) return { text: `${c.flapping} of ${paths(total)} flapping`, tone: 'flapping' };
  if (c.checking > 0) return { text: `Checking ${paths(c.checking)}`, tone: 'checking' };
  if (c['not-run'] === total) return { text: `Waiting for the first runs of ${paths(total)}`, tone: 'not-run' };
  const waiting = c['not-run'] > 0 ? ` (${c['not-run']} not yet run)` : '';
  if (c.degraded > 0) return { text: `${paths(c.up + c.degraded)} work, ${c.degraded} slowly${waiting}`, tone: 'degraded' };
  return { text: `All ${paths(c.up)} up${waiting}`, tone: 'up' };
}

function quietText(window: StatusQuiet): SafeHtml {
  const what =
    window.reason === 'maintenance'
      ? html`maintenance${window.what ? html` “${window.what}”` : ''}`
      : window.reason === 'deploy'
        ? html`deploy in progress${window.what ? html` (${window.what})` : ''}`
        : html`silenced${window.what ? html` (${window.what})` : ''}`;
  return html`${what} until ${when(window.endsAt)}`;
}

function summary(model: StatusModel): SafeHtml {
  const { text, tone } = headline(model);
  const chips = DISPLAY_STATES.filter((s) => model.counts[s] > 0).map(
    (s) => html`<li><span class="badge s-${s}">${model.counts[s]} ${STATE_WORD[s]}</span></li>`,
  );
  return html`<section class="summary tone-${tone}" aria-labelledby="headline">
  <h1 id="headline">${text}</h1>
  <ul class="counts">${chips}</ul>
  ${model.quiet.length > 0 ? html`<p class="quiet" data-testid="quiet"><strong>Alerts are quiet:</strong> ${model.quiet.map((w, i) => html`${i > 0 ? '; ' : ''}${quietText(w)}`)}. Journeys keep running and recording; no alert is sent.</p>` : ''}
  ${model.nextMaintenance && model.quiet.every((w) => w.reason !== 'maintenance') ? html`<p class="muted">Next maintenance window${model.nextMaintenance.what ? html` “${model.nextMaintenance.what}”` : ''}: ${when(model.nextMaintenance.startsAt)} to ${when(model.nextMaintenance.endsAt)}; alerts stay quiet then.</p>` : ''}
</section>`;
}

function runTitle(run: StatusRun): string {
  const parts = [run.outcome];
  if (run.layer) parts.push(`${run.layer}${run.status !== undefined ? ` ${run.status}` : ''}`);
  parts.push(`${run.at.slice(0, 19).replace('T', ' ')} UTC`, formatDuration(run.durationMs));
  if (run.source) parts.push(`via ${run.source}`);
  return parts.join(' · ');
}

function strip(runs: readonly StatusRun[]): SafeHtml {
  if (runs.length === 0) return html``;
  return html`<ol class="strip" aria-label="last ${runs.length} runs, oldest first">${runs.map(
    (run) => html`<li><a class="o-${run.outcome}" href="${run.report}" title="${runTitle(run)}"><span class="vh">${runTitle(run)}</span></a></li>`,
  )}</ol>`;
}

function runtimeFacts(journey: StatusJourney): SafeHtml[] {
  const facts: SafeHtml[] = [];
  const version = journey.runtime?.version;
  if (version?.served !== undefined) {
    const off = version.expected !== undefined && version.expected !== version.served;
    facts.push(
      html`<div><dt>version</dt><dd><span class="${off ? 'mismatch' : ''}">${version.served}</span>${version.expected !== undefined ? html` (expected ${version.expected})` : ''}</dd></div>`,
    );
  }
  const environment = journey.runtime?.environment;
  if (environment?.served !== undefined) {
    const off = environment.expected !== undefined && environment.expected !== environment.served;
    facts.push(html`<div><dt>environment</dt><dd><span class="${off ? 'mismatch' : ''}">${environment.served}</span></dd></div>`);
  }
  if (journey.runtime?.servedBy) facts.push(html`<div><dt>served by</dt><dd>${journey.runtime.servedBy}</dd></div>`);
  // The first-party certificate that expires first (runtime truth of the latest run).
  const certificate = journey.runtime?.certificates?.[0];
  if (certificate !== undefined) {
    facts.push(html`<div><dt>certificate</dt><dd data-testid="certificate">${certificate.origin} expires ${when(certificate.notAfter)}</dd></div>`);
  }
  return facts;
}

function card(journey: StatusJourney): SafeHtml {
  const failure = journey.failure;
  const down = journey.state === 'down' || journey.state === 'checking' || journey.state === 'flapping';
  const where =
    failure && down
      ? failure.outcome === 'error'
        ? html`<span class="where">could not verify</span>`
        : html`${failure.layer ? html`<span class="badge layer" data-testid="layer">${failure.layer}</span>` : ''}<span class="where">${failure.stage ? `at ${failure.stage}` : ''}${failure.status !== undefined ? ` · ${failure.status}` : ''}</span>`
      : '';
  const pending = journey.pending
    ? journey.pending.toward === 'down'
      ? html`<p class="pending">Failed ${journey.pending.count} of ${journey.pending.of} runs needed to confirm a break${failure?.layer ? html` (${failure.layer}${failure.status !== undefined ? ` ${failure.status}` : ''})` : ''}: re-running now.</p>`
      : html`<p class="pending">Passed ${journey.pending.count} of ${journey.pending.of} runs needed to confirm the recovery.</p>`
    : '';
  const facts = [
    ...runtimeFacts(journey),
    journey.nextRunAt ? html`<div><dt>next run</dt><dd>${when(journey.nextRunAt)}</dd></div>` : '',
    journey.running ? html`<div><dt>now</dt><dd>running</dd></div>` : '',
    journey.tags.length > 0 ? html`<div><dt>tags</dt><dd>${journey.tags.join(', ')}</dd></div>` : '',
    journey.protects ? html`<div><dt>protects</dt><dd>${journey.protects}</dd></div>` : '',
  ];
  return html`<article class="journey st-${journey.state}" id="${anchorId(journey.name)}" data-journey="${journey.name}" data-state="${journey.state}">
  <div class="jhead">
    <span class="badge s-${journey.state}" data-testid="state">${STATE_WORD[journey.state]}</span>
    <h3><a href="#${anchorId(journey.name)}">${journey.name}</a></h3>
    ${where}
    ${journey.note && journey.state !== 'degraded' ? html`<span class="muted">last run: ${journey.note}</span>` : ''}
    ${journey.since ? html`<span class="since">since ${when(journey.since)}</span>` : ''}
  </div>
  ${failure?.hint && down ? html`<p class="hint" data-testid="hint">${failure.hint}</p>` : ''}
  ${down ? traceLink(failure?.trace) : ''}
  ${journey.degradation ? degradationOf(journey.degradation) : ''}
  ${pending}
  ${journey.transition ? html`<p class="trans ${journey.transition.kind}">since the run before: <code>${journey.transition.text}</code></p>` : ''}
  ${strip(journey.runs)}
  <dl class="facts">${facts}${journey.report ? html`<div><dt>report</dt><dd><a href="${journey.report}">latest run</a>${failure && down && failure.report !== journey.report ? html` · <a href="${failure.report}">failing run</a>` : ''}</dd></div>` : ''}</dl>
</article>`;
}

/** Worked, but slowly or on an expiring certificate: why, and where the time went (the trace). */
function degradationOf(degradation: StatusDegradation): SafeHtml {
  return html`<div class="degradation" data-testid="degradation"><p class="hint">${degradation.hint}</p>${
    degradation.reasons.length > 1 ? html`<ul>${degradation.reasons.map((r) => html`<li>${r}</li>`)}</ul>` : ''
  }${traceLink(degradation.trace)}</div>`;
}

/** The backend trace of a run (`traceUrl:` makes it a link; only http(s) is ever linked). */
function traceLink(trace: TraceRef | undefined): SafeHtml | '' {
  if (trace === undefined) return '';
  const href = traceHref(trace);
  return html`<p class="muted trace" data-testid="trace">backend trace ${href ? html`<a href="${href}" rel="noopener noreferrer">${trace.id}</a>` : html`<code>${trace.id}</code>`}</p>`;
}

const STATE_ORDER = new Map<DisplayState, number>(DISPLAY_STATES.map((s, i) => [s, i]));
const PROTECTS_ORDER = ['identity', 'data', 'code'];

function byAttention(journeys: readonly StatusJourney[]): StatusJourney[] {
  return [...journeys].sort((a, b) => (STATE_ORDER.get(a.state) ?? 9) - (STATE_ORDER.get(b.state) ?? 9) || a.name.localeCompare(b.name));
}

/** Groups in the order an operator reads them: identity first, or tags alphabetically. */
export function groupsOf(journeys: readonly StatusJourney[], grouping: Grouping): { title: string; note?: string; journeys: StatusJourney[] }[] {
  if (grouping === 'tag') {
    const tags = [...new Set(journeys.flatMap((j) => j.tags))].sort();
    const groups = tags.map((tag) => ({ title: tag, journeys: byAttention(journeys.filter((j) => j.tags.includes(tag))) }));
    const untagged = journeys.filter((j) => j.tags.length === 0);
    if (untagged.length > 0) groups.push({ title: 'no tag', journeys: byAttention(untagged) });
    return groups;
  }
  const known = [...PROTECTS_ORDER, ...new Set(journeys.map((j) => j.protects).filter((p): p is string => p !== undefined && !PROTECTS_ORDER.includes(p)))];
  const groups: { title: string; note?: string; journeys: StatusJourney[] }[] = known.flatMap((protects) => {
    const members = journeys.filter((j) => j.protects === protects);
    return members.length > 0 ? [{ title: `protects ${protects}`, journeys: byAttention(members) }] : [];
  });
  const rest = journeys.filter((j) => j.protects === undefined);
  if (rest.length > 0) groups.push({ title: groups.length > 0 ? 'other journeys' : 'journeys', ...(groups.length > 0 ? { note: 'without protects:' } : {}), journeys: byAttention(rest) });
  return groups;
}

function story(model: StatusModel): SafeHtml | '' {
  if (model.story.length === 0) return '';
  return html`<section class="story" aria-labelledby="story-title"><h2 id="story-title">What happened</h2><ol>${model.story.map(
    (event) => html`<li data-kind="${event.kind}"><time datetime="${event.at}">${event.at.slice(5, 16).replace('T', ' ')}</time><a href="#${anchorId(event.journey)}">${event.journey}</a><span class="k-${event.kind}">${event.text}</span><a class="muted" href="${event.report}">report</a></li>`,
  )}</ol></section>`;
}

/** The `#board` element: everything that changes; the script swaps it whole. */
function board(model: StatusModel, grouping: Grouping): SafeHtml {
  return html`<div id="board" data-revision="${model.revision}">
${summary(model)}
<main>${groupsOf(model.journeys, grouping).map(
    (group) => html`<section class="group"><h2>${group.title}${group.note ? html` <span class="muted">(${group.note})</span>` : ''}</h2>${group.journeys.map(card)}</section>`,
  )}</main>
${story(model)}
<footer>pathproof serve${model.env ? html` · environment <b>${model.env}</b>` : ''} · generated ${when(model.generatedAt)} · <a href="/api/status">/api/status</a> (JSON) · <a href="/metrics">/metrics</a></footer>
</div>`;
}

export function renderStatusPage(model: StatusModel, options: StatusPageOptions): string {
  const { text } = headline(model);
  const link = (grouping: Grouping, label: string): SafeHtml =>
    html`<a href="?group=${grouping}"${options.grouping === grouping ? safe(' aria-current="page"') : ''}>${label}</a>`;
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${STATUS_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<noscript><meta http-equiv="refresh" content="${String(Math.round(POLL_MS / 1000) * 6)}"></noscript>
<title>${text} · pathproof</title>
<style>${safe(STATUS_STYLES)}</style>
</head>
<body>
<div class="wrap">
<div class="bar"><span>pathproof serve${model.env ? html` · ${model.env}` : ''} <span id="live" class="live" hidden>live</span></span>
<nav aria-label="group by">group by ${link('protects', 'what it protects')} ${link('tag', 'tag')}${options.signOut ? html` · <form method="post" action="/logout"><button type="submit" class="link">sign out</button></form>` : ''}</nav></div>
${board(model, options.grouping)}
</div>
${inlineScript(STATUS_SCRIPT)}
</body>
</html>
`;
  return page.__html;
}
