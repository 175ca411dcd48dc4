/**
 * HTTP phase timings as a small stacked bar per request step (dns, connect, tls, ttfb,
 * transfer). Phases a reused socket skipped are absent; time the probe measured but no
 * phase explains (queueing for a connection, redirects) is drawn as `other`, so the bar's
 * length is always the step's total.
 */
import type { HttpTimings } from '../../result/types.js';
import { formatDuration } from '../../util/format.js';
import type { SafeHtml } from './escape.js';
import { html } from './escape.js';

export type Segment = { readonly phase: 'dns' | 'connect' | 'tls' | 'ttfb' | 'transfer' | 'other'; readonly ms: number };

const PHASES = [
  ['dns', 'dnsMs'],
  ['connect', 'connectMs'],
  ['tls', 'tlsMs'],
  ['ttfb', 'ttfbMs'],
  ['transfer', 'transferMs'],
] as const;

export function segmentsOf(timings: HttpTimings): Segment[] {
  const segments: Segment[] = [];
  for (const [phase, key] of PHASES) {
    const ms = timings[key];
    if (typeof ms === 'number' && Number.isFinite(ms) && ms > 0) segments.push({ phase, ms });
  }
  const known = segments.reduce((sum, s) => sum + s.ms, 0);
  // Below half a millisecond the remainder is rounding, not a phase worth a colour.
  if (Number.isFinite(timings.totalMs) && timings.totalMs - known >= 0.5) segments.push({ phase: 'other', ms: timings.totalMs - known });
  return segments;
}

const WIDTH = 200;
const HEIGHT = 10;

function ms(value: number): string {
  return value < 10 ? `${Math.round(value * 10) / 10}ms` : formatDuration(value);
}

/** A bar scaled against `scaleMs` (the slowest request of the journey), with the numbers as text beside it. */
export function timingBar(timings: HttpTimings, scaleMs: number): SafeHtml {
  const segments = segmentsOf(timings);
  const scale = scaleMs > 0 ? WIDTH / scaleMs : 0;
  let x = 0;
  const rects = segments.map((s) => {
    const width = Math.max(1, s.ms * scale);
    const rect = html`<rect class="seg-${s.phase}" x="${x.toFixed(1)}" y="0" width="${width.toFixed(1)}" height="${HEIGHT}"><title>${s.phase} ${ms(s.ms)}</title></rect>`;
    x += width;
    return rect;
  });
  const label = segments.map((s) => `${s.phase} ${ms(s.ms)}`).join(' · ');
  return html`<span class="bar"><svg width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${label}">${rects}</svg><span class="muted mono">${label || ms(timings.totalMs)}</span></span>`;
}

export const TIMING_LEGEND = html`<div class="legend">${PHASES.map(([p]) => html`<span class="l-${p}">${p}</span>`)}<span class="l-other">other (queue, redirects)</span></div>`;
