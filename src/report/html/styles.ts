/**
 * The report's stylesheet, inlined into index.html (no network, one file). Light and dark
 * follow `prefers-color-scheme`; the layout is one column that widens to 1280 px and stays
 * readable on a phone (tables scroll sideways instead of squeezing).
 */
import { createHash } from 'node:crypto';

export const STYLES = `
:root {
  color-scheme: light dark;
  --bg: #f5f6f8; --card: #ffffff; --text: #1b1f24; --muted: #5b6570; --line: #dde1e6; --code: #f0f2f5;
  --failed: #c62828; --failed-bg: #fdecea; --passed: #2e7d32; --passed-bg: #e8f5e9;
  --flaky: #a15c00; --flaky-bg: #fff3dc; --error: #6a1b9a; --error-bg: #f3e5f5;
  --degraded: #9a4d00; --degraded-bg: #fdeedd;
  --skipped: #6b7280; --skipped-bg: #eef0f2; --none: #9aa3ad;
  --t-dns: #8e7cc3; --t-connect: #4f9fd8; --t-tls: #3bb3a3; --t-ttfb: #e8a33d; --t-transfer: #7cb342; --t-other: #b0b7bf;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f1216; --card: #171b21; --text: #e6e9ed; --muted: #9aa4ae; --line: #2a3038; --code: #20262e;
    --failed: #ff7b72; --failed-bg: #3a1d1d; --passed: #6fdd8b; --passed-bg: #15291b;
    --flaky: #f0b429; --flaky-bg: #33290f; --error: #d2a8ff; --error-bg: #2b1d3a;
    --degraded: #ffa657; --degraded-bg: #33220f;
    --skipped: #9aa4ae; --skipped-bg: #22272e; --none: #5b6570; --t-other: #4a525c;
  }
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; background: var(--bg); color: var(--text); font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.wrap { max-width: 1240px; margin: 0 auto; padding: 16px; }
a { color: inherit; }
code, pre, .mono { font-family: var(--mono); font-size: 13px; }
pre { background: var(--code); padding: 8px 10px; border-radius: 6px; overflow-x: auto; white-space: pre-wrap; word-break: break-word; margin: 4px 0; max-height: 320px; overflow-y: auto; }
h1, h2, h3 { line-height: 1.2; }
.muted { color: var(--muted); }

/* Header: the verdict in words, coloured by tone. */
.verdict { background: var(--card); border: 1px solid var(--line); border-left: 8px solid var(--tone); border-radius: 10px; padding: 16px 20px; margin-bottom: 16px; }
.verdict h1 { margin: 2px 0 10px; font-size: 28px; color: var(--tone); }
.eyebrow { margin: 0; color: var(--muted); font-size: 13px; }
.tone-failed { --tone: var(--failed); } .tone-passed { --tone: var(--passed); } .tone-flaky { --tone: var(--flaky); }
.tone-error { --tone: var(--error); } .tone-running, .tone-empty { --tone: var(--skipped); } .tone-degraded { --tone: var(--degraded); }
.meta { display: flex; flex-wrap: wrap; gap: 4px 24px; margin: 0 0 10px; }
.meta div { display: flex; gap: 6px; }
.meta dt { color: var(--muted); } .meta dd { margin: 0; font-weight: 600; }
.broken { list-style: none; margin: 0 0 10px; padding: 0; font-size: 16px; }
.broken li { margin: 2px 0; } .broken .layer { margin-right: 4px; }
.counts { display: flex; flex-wrap: wrap; gap: 8px; margin: 0; padding: 0; list-style: none; }
.banner { background: var(--flaky-bg); color: var(--text); border: 1px solid var(--flaky); border-radius: 8px; padding: 8px 12px; margin: 10px 0 0; }

/* Badges: outcome (filled) and layer (outlined, the word an operator acts on). */
.badge { display: inline-block; border-radius: 999px; padding: 1px 10px; font-size: 13px; font-weight: 600; white-space: nowrap; }
.o-failed { color: var(--failed); background: var(--failed-bg); } .o-passed { color: var(--passed); background: var(--passed-bg); }
.o-flaky { color: var(--flaky); background: var(--flaky-bg); } .o-error { color: var(--error); background: var(--error-bg); }
.o-skipped { color: var(--skipped); background: var(--skipped-bg); } .o-degraded { color: var(--degraded); background: var(--degraded-bg); }
.layer { border: 2px solid currentColor; background: transparent; text-transform: uppercase; letter-spacing: .04em; font-size: 12px; padding: 0 8px; }
.layer.o-failed { color: var(--failed); } .layer.o-error, .layer.o-flaky { color: var(--flaky); }
.trans { font-size: 13px; white-space: nowrap; color: var(--muted); }
.trans.progressed, .trans.recovered { color: var(--passed); } .trans.regressed, .trans.broke { color: var(--failed); }

/* Filter (shown by the script only). */
.filter { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; margin: 0 0 12px; }
.filter label { display: flex; gap: 6px; align-items: center; }
.filter select, .filter button { font: inherit; padding: 3px 6px; border-radius: 6px; border: 1px solid var(--line); background: var(--card); color: var(--text); }

/* Overview table. */
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 6px 10px; border-bottom: 1px solid var(--line); }
th { color: var(--muted); font-weight: 600; font-size: 13px; }
.overview { background: var(--card); border: 1px solid var(--line); border-radius: 10px; margin-bottom: 20px; }
.overview td:first-child { white-space: nowrap; }
.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }

/* The ladder: how far the user got, readable without reading. */
.ladder { display: flex; flex-wrap: wrap; gap: 2px; align-items: center; list-style: none; margin: 0; padding: 0; }
.ladder li { display: flex; align-items: center; white-space: nowrap; }
.ladder li + li::before { content: "→"; color: var(--muted); margin: 0 5px 0 3px; }
.rung { padding: 1px 7px; border-radius: 6px; font-size: 13px; }
.r-passed { color: var(--passed); } .r-failed { color: #fff; background: var(--failed); font-weight: 700; }
.r-error { color: #fff; background: var(--error); font-weight: 700; } .r-skipped, .r-none { color: var(--none); }
@media (prefers-color-scheme: dark) { .r-failed, .r-error { color: #111; } }
.ladder.big .rung { font-size: 15px; padding: 3px 10px; }
.how-far { margin: 8px 0; }

/* A journey. */
.journey { background: var(--card); border: 1px solid var(--line); border-left: 6px solid var(--tone); border-radius: 10px; padding: 14px 18px; margin: 0 0 16px; scroll-margin-top: 12px; }
.journey:target { outline: 3px solid var(--tone); }
.journey.outcome-failed { --tone: var(--failed); } .journey.outcome-passed { --tone: var(--passed); } .journey.outcome-flaky { --tone: var(--flaky); }
.journey.outcome-error { --tone: var(--error); } .journey.outcome-skipped { --tone: var(--skipped); } .journey.outcome-degraded { --tone: var(--degraded); }
.jhead { display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: center; }
.jhead h2 { margin: 0; font-size: 20px; }
.jhead h2 a { text-decoration: none; } .jhead h2 a:hover { text-decoration: underline; }
.jdesc { margin: 4px 0 10px; color: var(--muted); font-size: 14px; }
.finding { margin: 12px 0; padding: 10px 14px; border-radius: 8px; background: var(--failed-bg); }
.journey.outcome-error .finding { background: var(--error-bg); } .journey.outcome-flaky .finding { background: var(--flaky-bg); }
.finding.degraded { background: var(--degraded-bg); }
.finding .hint { font-size: 16px; font-weight: 600; margin: 0 0 6px; }
.finding p { margin: 4px 0; }
.assert { display: block; margin: 2px 0; }
.assert .seen { color: var(--failed); font-weight: 600; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 12px 24px; margin: 10px 0; }
.kv { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; }
.kv dt { color: var(--muted); } .kv dd { margin: 0; word-break: break-word; }
.mismatch { color: var(--failed); font-weight: 700; }
h3 { font-size: 14px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); margin: 14px 0 6px; }
figure { margin: 8px 0; } figure img { max-width: 100%; border: 1px solid var(--line); border-radius: 6px; display: block; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 4px; }
ul.plain { margin: 0; padding-left: 18px; }
details > summary { cursor: pointer; color: var(--muted); font-weight: 600; margin: 10px 0 4px; }
.steps td { font-size: 14px; } .steps .s-failed td { background: var(--failed-bg); } .steps .s-error td { background: var(--error-bg); }
.steps .s-skipped td { color: var(--muted); }
.st-passed { color: var(--passed); } .st-failed { color: var(--failed); font-weight: 700; } .st-error { color: var(--error); font-weight: 700; }
.bar { display: flex; align-items: center; gap: 8px; }
.bar svg { flex: none; border-radius: 2px; background: var(--code); }
.seg-dns { fill: var(--t-dns); } .seg-connect { fill: var(--t-connect); } .seg-tls { fill: var(--t-tls); }
.seg-ttfb { fill: var(--t-ttfb); } .seg-transfer { fill: var(--t-transfer); } .seg-other { fill: var(--t-other); }
.legend { display: flex; flex-wrap: wrap; gap: 4px 12px; font-size: 12px; color: var(--muted); margin: 4px 0; }
.legend span::before { content: ""; display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; background: var(--c); }
.l-dns { --c: var(--t-dns); } .l-connect { --c: var(--t-connect); } .l-tls { --c: var(--t-tls); }
.l-ttfb { --c: var(--t-ttfb); } .l-transfer { --c: var(--t-transfer); } .l-other { --c: var(--t-other); }
footer { color: var(--muted); font-size: 13px; margin: 24px 0; }

@media (max-width: 700px) {
  .wrap { padding: 8px; }
  .verdict h1 { font-size: 22px; }
  .journey { padding: 10px 12px; }
  .overview .hide-narrow { display: none; }
  .kv { grid-template-columns: 1fr; } .kv dd { margin-bottom: 6px; }
  .grid { grid-template-columns: 1fr; }
}
`;

/** `'sha256-…'` for the CSP `style-src`. */
export const STYLES_HASH = `'sha256-${createHash('sha256').update(STYLES, 'utf8').digest('base64')}'`;
